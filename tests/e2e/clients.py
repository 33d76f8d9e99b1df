"""The real assistant CLIs, installed from npm into a cache directory that outlives test runs
(``GUARD_E2E_CACHE``, default ``~/.cache/guard-e2e``), and the sandbox each run gets: a
temporary repository with a canary secret, a temporary HOME and a minimal environment."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import zlib
from pathlib import Path
from string import ascii_lowercase, ascii_uppercase, digits

import pytest

from tests.conftest import GIT_ENV, git_init, make_tree, missing

# pinned: vendors change their hook contracts monthly (the same list is in .ci/run)
PACKAGES = {
    "claude": "@anthropic-ai/claude-code@2.1.197",
    "gemini": "@google/gemini-cli@0.61.0",
    "codex": "@openai/codex@0.171.0",
    "qwen": "@qwen-code/qwen-code@0.15.10",
}
# distinct canaries: which one leaked says through which file
CANARY = "sk_live_51GuardCanaryE2eOiwrGTwqIY7i9kCi"
AWS_CANARY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYCANARYKEY9"
ORDINARY = "ordinary-content-4f1c9e"
# exported in the client's environment by the output-layer tests (the session's own secret)
ENV_CANARY = "sk_live_51GuardExportedE2eyGqMv0MUJ0Zo40"
ENV_NAME = "STRIPE_SECRET_KEY"


def _github_token(body: str) -> str:
    """A GitHub classic token: 30 base62 characters and their CRC32 in 6 base62 characters (the
    checksum is what makes a scanner believe it; built here so no token is written in this
    file)."""
    number, crc = zlib.crc32(body.encode()), ""
    while number:
        number, rem = divmod(number, 62)
        crc = (digits + ascii_uppercase + ascii_lowercase)[rem] + crc
    return "ghp_" + body + crc.rjust(6, "0")


# only in git history: committed in config/deploy.py, then rewritten to read the environment
HISTORY_CANARY = _github_token("Hx7qLm2RzT9vXk4NbWc8HpJd3YsGh6")
HISTORY_FILE = "config/deploy.py"
HISTORY_MESSAGE = "Add the deploy settings"


def cache_dir() -> Path:
    return Path(os.environ.get("GUARD_E2E_CACHE") or Path.home() / ".cache" / "guard-e2e")


def client(name: str) -> Path:
    """The client's executable, installing its npm package on first use. Fails (never skips)
    when it cannot be installed; a machine without npm skips, except on CI, where it fails."""
    prefix = cache_dir() / "npm"
    exe = prefix / "node_modules" / ".bin" / name
    if exe.exists():
        return exe
    npm = shutil.which("npm")
    if npm is None:
        missing("npm (Node.js)", "the end-to-end tests install the assistants' CLIs with it: "
                "`apt-get install -y nodejs npm`")
    prefix.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund",
                           "--loglevel=error", PACKAGES[name]], capture_output=True, text=True,
                          timeout=600, check=False)
    if proc.returncode != 0 or not exe.exists():
        pytest.fail(f"could not install {PACKAGES[name]} with npm into {prefix}:\n"
                    f"{proc.stderr[-2000:]}")
    return exe


def sandbox(tmp_path: Path, history: bool = False) -> tuple[Path, Path]:
    """A repository with secrets in the usual places and an ordinary file, and a HOME with
    ~/.aws/credentials. With ``history``, the repository has commits, and one of them holds a
    token (HISTORY_CANARY) that a later commit removed: only `git log -p` shows it."""
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
    if history:
        commit_history(repo)
    return repo, home


def commit_history(repo: Path) -> None:
    """Commits: the ordinary files; a settings file with a token; the same file rewritten to
    read the token from the environment. .env stays untracked, and no .gitignore hides it: only
    Guard stands between it and the agent."""
    env = dict(os.environ, **GIT_ENV, GIT_AUTHOR_DATE="2026-01-02T10:00:00Z",
               GIT_COMMITTER_DATE="2026-01-02T10:00:00Z")

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(repo), *args], env=env, check=True,
                       capture_output=True)

    git("add", "app.txt", "src/main.py")
    git("commit", "-q", "-m", "Initial import")
    make_tree(repo, {HISTORY_FILE: f'DEPLOY_REGION = "eu-west-1"\n'
                                   f'GITHUB_TOKEN = "{HISTORY_CANARY}"\n'})
    git("add", HISTORY_FILE)
    git("commit", "-q", "-m", HISTORY_MESSAGE)
    make_tree(repo, {HISTORY_FILE: 'import os\n\nDEPLOY_REGION = "eu-west-1"\n'
                                   'GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]\n'})
    git("commit", "-q", "-am", "Read the deploy token from the environment")
    tree = subprocess.run(["git", "-C", str(repo), "grep", "-I", "-l", HISTORY_CANARY],
                          env=env, capture_output=True, text=True, check=False)
    assert tree.returncode == 1 and not tree.stdout, "the history canary is in the tree"


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


def encodings(value: str) -> dict[str, bytes]:
    """``value`` as it can reach a model: raw, and the part of its base64 (standard and URL-safe)
    that does not depend on what surrounds it, at each of the three alignments."""
    raw = value.encode()
    out = {"raw": raw}
    for k in range(3):
        first, last = -(-8 * k // 6), (8 * (k + len(raw)) - 6) // 6
        for name, enc in (("base64", base64.b64encode), ("base64url", base64.urlsafe_b64encode)):
            out[f"{name}@{k}"] = enc(b"\0" * k + raw)[first:last + 1]
    return out


def leaks(seen: bytes, canaries: dict[str, str]) -> list[str]:
    """Which canaries (by name) reached the model, and in which encoding."""
    return [f"{name} ({enc})" for name, value in canaries.items()
            for enc, needle in encodings(value).items() if needle in seen]


def assert_guarded(seen: bytes, name: str) -> None:
    """The model never saw a canary, and did see the ordinary file (the session worked)."""
    for canary in (CANARY, AWS_CANARY):
        assert canary.encode() not in seen, f"{name}: a canary secret reached the model"
    assert ORDINARY.encode() in seen, f"{name}: the ordinary file's content never reached the " \
                                      "mock: the session did not run its tool calls"


# --- each client pointed at a model URL ---------------------------------------------------------

GEMINI_SETTINGS = {"security": {"auth": {"selectedType": "gemini-api-key"}},
                   "general": {"disableAutoUpdate": True},
                   "privacy": {"usageStatisticsEnabled": False}, "telemetry": {"enabled": False}}


def trust(home: Path, repo: Path, product: str) -> None:
    """``repo`` trusted by Gemini CLI (``.gemini``) or Qwen Code (``.qwen``) in ``home``."""
    (home / product).mkdir(parents=True, exist_ok=True)
    (home / product / "trustedFolders.json").write_text(json.dumps({str(repo): "TRUST_FOLDER"}))


def codex_provider(home: Path, url: str, repo: Path | None = None,
                   hooks: bool = False) -> dict[str, str]:
    """Codex CLI's config in ``home/.codex``: a model provider at ``url`` (Responses API), hooks
    on if asked, ``repo`` trusted; the environment it needs."""
    (home / ".codex").mkdir(parents=True, exist_ok=True)
    (home / ".codex" / "config.toml").write_text(
        'model = "mock-model"\nmodel_provider = "mock"\n'
        "[model_providers.mock]\nname = \"mock\"\n"
        f'base_url = "{url}/v1"\nwire_api = "responses"\nenv_key = "MOCK_API_KEY"\n'
        + ("[features]\nhooks = true\n" if hooks else "")
        + (f'[projects."{repo}"]\ntrust_level = "trusted"\n' if repo else ""))
    return {"MOCK_API_KEY": "dummy", "CODEX_HOME": str(home / ".codex")}


def gemini_api_key(home: Path, repo: Path, url: str) -> dict[str, str]:
    """Gemini CLI in ``home``: ``repo`` trusted, API-key sign-in, no updates or telemetry; the
    environment that points it at ``url``."""
    trust(home, repo, ".gemini")
    (home / ".gemini" / "settings.json").write_text(json.dumps(GEMINI_SETTINGS))
    return {"GOOGLE_GEMINI_BASE_URL": url, "GEMINI_API_KEY": "dummy-e2e-key"}
