"""The editor configs in lsp/ parse and start `guard lsp` (Neovim, Helix, Zed, VS Code)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib
from pathlib import Path

from tests.conftest import missing

LSP = Path(__file__).resolve().parents[2] / "lsp"


def test_helix_config() -> None:
    doc = tomllib.loads((LSP / "helix" / "languages.toml").read_text(encoding="utf-8"))
    server = doc["language-server"]["guard"]
    assert (server["command"], server["args"]) == ("guard", ["lsp"])
    languages = {lang["name"]: lang["language-servers"] for lang in doc["language"]}
    assert {"python", "javascript", "typescript"} <= set(languages)
    assert all("guard" in servers for servers in languages.values())


def test_zed_config() -> None:
    doc = json.loads((LSP / "zed" / "settings.json").read_text(encoding="utf-8"))
    binary = doc["lsp"]["guard"]["binary"]
    assert (binary["path"], binary["arguments"]) == ("guard", ["lsp"])
    for servers in (lang["language_servers"] for lang in doc["languages"].values()):
        assert servers == ["...", "guard"]  # the defaults stay, guard is added


def test_vscode_manifest() -> None:
    doc = json.loads((LSP / "vscode" / "package.json").read_text(encoding="utf-8"))
    assert doc["engines"]["vscode"].startswith("^1.")
    assert "vscode-languageclient" in doc["dependencies"]
    source = (LSP / "vscode" / "src" / "extension.ts").read_text(encoding="utf-8")
    assert 'args: ["lsp"]' in source


def test_neovim_config_parses() -> None:
    config = LSP / "neovim" / "guard.lua"
    text = config.read_text(encoding="utf-8")
    assert '{ "guard", "lsp" }' in text and "GuardRedactedView" in text
    if shutil.which("nvim") is None:
        missing("Neovim (nvim)", "`apt-get install -y neovim`")
    # loadfile compiles the module without running it: a syntax error fails here
    check = (f"lua local f, err = loadfile('{config}'); "
             "if not f then io.stderr:write(err); vim.cmd('cquit 1') end")
    proc = subprocess.run(["nvim", "--headless", "--clean", "-c", check, "-c", "qa!"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
