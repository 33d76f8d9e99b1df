"""A real editor: headless Neovim loads the shipped lsp/neovim/guard.lua exactly as a user does
(``require("guard")``), opens a file with secrets, and reports the diagnostics it received, a
hover, the code actions and :GuardRedactedView (tests/lsp/nvim_guard.lua writes them as JSON).
No secret value may reach the editor's messages or its LSP log."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import git_init, guard_command, guard_env, missing

GH = "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"  # pragma: allowlist secret
PASSWORD = "Zq8#vLm2!pRt7$wXy"  # pragma: allowlist secret
SCRIPT = Path(__file__).with_name("nvim_guard.lua")
SHIPPED = Path(__file__).resolve().parents[2] / "lsp" / "neovim" / "guard.lua"


def nvim() -> str:
    """The nvim binary: a missing one fails on CI (.ci/run installs it) and skips elsewhere."""
    found = shutil.which("nvim")
    if found is None:
        missing("Neovim (nvim)", "`apt-get install -y neovim` (Debian package `neovim`)")
    return found


def run_neovim(tmp_path: Path, source: Path, level: str) -> tuple[dict, str, str]:
    """Neovim's report (see nvim_guard.lua), its LSP log at log level ``level`` and what it
    wrote to stdout and stderr (where headless Neovim reports an error in an autocommand)."""
    out = tmp_path / f"result-{level}.json"
    env = guard_env(tmp_path / "cache", {
        "GUARD_NVIM_OUT": str(out),
        "GUARD_NVIM_CMD": json.dumps([*guard_command(), "lsp"]),
        "GUARD_NVIM_CONFIG_DIR": str(SHIPPED.parent), "GUARD_NVIM_LOG_LEVEL": level,
        "HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / f"state-{level}"),
        "XDG_CACHE_HOME": str(tmp_path / f"cache-{level}")})
    proc = subprocess.run([nvim(), "--headless", "--clean", "-c", f"luafile {SCRIPT}",
                           "-c", f"edit {source.name}", "-c", "lua GuardTest()"],
                          cwd=source.parent, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert out.is_file(), f"nvim wrote no result (exit {proc.returncode}): {proc.stderr}"
    result = json.loads(out.read_text(encoding="utf-8"))
    log = Path(result["log"]).read_text(encoding="utf-8", errors="replace") \
        if Path(result["log"]).is_file() else ""
    printed = proc.stdout + proc.stderr
    everything = json.dumps(result) + printed + log
    assert GH not in everything and PASSWORD not in everything
    return result, log, printed


@pytest.mark.slow
def test_neovim_runs_the_shipped_config(tmp_path: Path) -> None:
    repo = git_init(tmp_path / "repo")
    source = repo / "app.py"
    source.write_text(f'import os\n\nAPI_TOKEN = "{GH}"\ndb_password = "{PASSWORD}"\n',
                      encoding="utf-8")
    result, log, printed = run_neovim(tmp_path, source, "info")
    assert result["loaded"] == str(SHIPPED), "the test must load the shipped guard.lua"
    assert "error" not in result, result.get("error")
    assert "rror" not in printed, printed  # e.g. `attempt to index field 'fs'` on Neovim 0.7
    assert "rror" not in result["messages"] and not result["errmsg"], result["messages"]
    assert result["arrived"], "no diagnostics within 30 s"
    first, second = result["diagnostics"]
    assert first["code"] == "github-pat-classic"
    assert (first["lnum"], first["col"]) == (2, 13)  # 0-based: line 3, after `API_TOKEN = "`
    assert first["severity"] == 1  # vim.diagnostic.severity.ERROR
    assert second["lnum"] == 3
    [hover] = result["hover"]
    assert hover.get("error") is None
    assert "github-pat-classic" in hover["result"]["contents"]["value"]
    [actions] = result["actions"]
    titles = [a["title"] for a in actions["result"]]
    assert any("allow this finding" in t for t in titles), titles
    assert any("move this literal to .env" in t for t in titles), titles
    assert result["view"][2].startswith('API_TOKEN = "<redacted:github-pat')
    # the editor's LSP log: the server said nothing wrong
    assert "stderr" not in log and "ERROR" not in log, log
