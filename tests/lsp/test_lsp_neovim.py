"""A real editor: headless Neovim starts ``guard lsp``, opens a file with a secret and reports
the diagnostics it received (tests/nvim_diagnostics.lua writes them as JSON)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import git_init, guard_command, guard_env

GH = "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"  # pragma: allowlist secret
SCRIPT = Path(__file__).with_name("nvim_diagnostics.lua")


def nvim() -> str:
    """The nvim binary; a missing one fails the test (CI installs it: see .ci/run)."""
    found = shutil.which("nvim")
    if found is None:
        pytest.fail("nvim is not installed: `apt-get install -y neovim` (Debian package "
                    "`neovim`); .ci/run installs it on CI", pytrace=False)
    return found


@pytest.mark.slow
def test_neovim_receives_the_diagnostics(tmp_path: Path) -> None:
    repo = git_init(tmp_path / "repo")
    source = repo / "app.py"
    source.write_text(f'import os\n\nAPI_TOKEN = "{GH}"\n', encoding="utf-8")
    out = tmp_path / "diagnostics.json"
    env = guard_env(tmp_path / "cache", {
        "GUARD_NVIM_FILE": str(source), "GUARD_NVIM_OUT": str(out),
        "GUARD_NVIM_CMD": json.dumps([*guard_command(), "lsp"]),
        "HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / "state")})
    proc = subprocess.run([nvim(), "--headless", "--clean", "-c", f"luafile {SCRIPT}"],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=90,
                          check=False)
    assert out.is_file(), f"nvim wrote no result (exit {proc.returncode}): {proc.stderr}"
    result = json.loads(out.read_text(encoding="utf-8"))
    assert "error" not in result, result.get("error")
    assert result["arrived"], "no diagnostics within 30 s"
    [d] = result["diagnostics"]
    assert d["code"] == "github-pat-classic"
    assert (d["lnum"], d["col"]) == (2, 13)  # 0-based: line 3, after `API_TOKEN = "`
    assert d["severity"] == 1  # vim.diagnostic.severity.ERROR
    assert GH not in json.dumps(result) and GH not in proc.stdout + proc.stderr
