"""The VS Code extension (lsp/vscode) builds with npm and packages into a .vsix that holds its
manifest, the compiled client and its runtime dependency.

node_modules lives in ~/.cache/guard-e2e/vscode (GUARD_E2E_CACHE overrides the parent), so a
rerun only checks it against the lockfile instead of downloading everything again."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.conftest import missing

EXTENSION = Path(__file__).resolve().parents[2] / "lsp" / "vscode"
SOURCES = ("package.json", "package-lock.json", "tsconfig.json", ".vscodeignore", "README.md")


def build_dir() -> Path:
    base = Path(os.environ.get("GUARD_E2E_CACHE", Path.home() / ".cache" / "guard-e2e"))
    path = base / "vscode"
    path.mkdir(parents=True, exist_ok=True)
    return path


def npm(*args: str, cwd: Path) -> None:
    proc = subprocess.run(["npm", *args], cwd=cwd, capture_output=True, text=True, timeout=600,
                          check=False)
    assert proc.returncode == 0, f"npm {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"


@pytest.mark.slow
def test_extension_builds_and_packages(tmp_path: Path) -> None:
    if shutil.which("npm") is None:
        missing("npm", "the VS Code extension is built with it: `apt-get install -y nodejs npm`")
    work = build_dir()
    with open(work / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test runs share the cache
        for name in SOURCES:
            shutil.copy2(EXTENSION / name, work / name)
        for name in ("src", "out"):
            shutil.rmtree(work / name, ignore_errors=True)
        shutil.copytree(EXTENSION / "src", work / "src")
        npm("install", "--no-audit", "--no-fund", cwd=work)
        npm("run", "compile", cwd=work)
        vsix = tmp_path / "guard.vsix"
        npm("run", "package", "--", "--out", str(vsix), cwd=work)

    with zipfile.ZipFile(vsix) as z:
        names = set(z.namelist())
        manifest = json.loads(z.read("extension/package.json"))
        client = z.read("extension/out/extension.js").decode()
    assert "extension/node_modules/vscode-languageclient/package.json" in names
    assert not any(n.startswith("extension/src/") for n in names)  # sources stay out
    assert manifest["main"] == "./out/extension.js"
    assert "onStartupFinished" in manifest["activationEvents"]
    commands = {c["command"] for c in manifest["contributes"]["commands"]}
    assert "guard.showRedactedView" in commands
    assert "guard.path" in manifest["contributes"]["configuration"]["properties"]
    assert '"lsp"' in client and "guard.redactedView" in client
