"""The real assistant CLIs, installed from npm into a cache directory that outlives test runs
(``GUARD_E2E_CACHE``, default ``~/.cache/guard-e2e``), and the sandbox each run gets: a
temporary repository with a canary secret, a temporary HOME and a minimal environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git_init, make_tree

# pinned: vendors change their hook contracts monthly (the same list is in .ci/run)
PACKAGES = {
    "claude": "@anthropic-ai/claude-code@2.1.197",
    "gemini": "@google/gemini-cli@0.61.0",
    "codex": "@openai/codex@0.171.0",
    "qwen": "@qwen-code/qwen-code@0.15.10",
}
# distinct canaries: which one leaked says through which file
CANARY = "sk_live_51GuardCanaryE2eAbCdEfGhIjKl0123"
AWS_CANARY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYCANARYKEY9"
ORDINARY = "ordinary-content-4f1c9e"


def cache_dir() -> Path:
    return Path(os.environ.get("GUARD_E2E_CACHE") or Path.home() / ".cache" / "guard-e2e")


def client(name: str) -> Path:
    """The client's executable, installing its npm package on first use. Fails (never skips)
    when it cannot be installed, except on a machine without npm at all."""
    prefix = cache_dir() / "npm"
    exe = prefix / "node_modules" / ".bin" / name
    if exe.exists():
        return exe
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed on this machine: the end-to-end tests need Node.js")
    prefix.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund",
                           "--loglevel=error", PACKAGES[name]], capture_output=True, text=True,
                          timeout=600, check=False)
    if proc.returncode != 0 or not exe.exists():
        pytest.fail(f"could not install {PACKAGES[name]} with npm into {prefix}:\n"
                    f"{proc.stderr[-2000:]}")
    return exe


def sandbox(tmp_path: Path) -> tuple[Path, Path]:
    """A repository with secrets in the usual places and an ordinary file, and a HOME with
    ~/.aws/credentials."""
    repo = git_init(tmp_path / "repo")
    home = tmp_path / "home"
    make_tree(repo, {
        ".env": f"STRIPE_KEY={CANARY}\nDEBUG=1\n",
        "app.txt": f"{ORDINARY}\n",
        "src/main.py": "print('hello')\n",
    })
    (repo / "notes.txt").symlink_to(".env")
    make_tree(home, {".aws/credentials": "[default]\naws_access_key_id = AKIAIOSFODNN7CANARY\n"
                                         f"aws_secret_access_key = {AWS_CANARY}\n"})
    return repo, home


def base_env(home: Path, tmp_path: Path) -> dict[str, str]:
    """A minimal environment: the venv's guard and node on PATH, nothing secret exported."""
    bindirs = [str(Path(sys.executable).parent), str(cache_dir() / "npm" / "node_modules" / ".bin")]
    node = shutil.which("node")
    if node:
        bindirs.append(str(Path(node).parent))
    bindirs += ["/usr/local/bin", "/usr/bin", "/bin"]
    return {"HOME": str(home), "PATH": os.pathsep.join(dict.fromkeys(bindirs)),
            "LANG": "C.UTF-8", "TMPDIR": str(tmp_path), "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_CONFIG_HOME": str(home / ".config"), "NO_COLOR": "1", "CI": "1"}


def guard_install(repo: Path, env: dict[str, str], *agents: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "guard", "install", *agents], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr


def assert_guarded(seen: bytes, name: str) -> None:
    """The model never saw a canary, and did see the ordinary file (the session worked)."""
    for canary in (CANARY, AWS_CANARY):
        assert canary.encode() not in seen, f"{name}: a canary secret reached the model"
    assert ORDINARY.encode() in seen, f"{name}: the ordinary file's content never reached the " \
                                      "mock: the session did not run its tool calls"
