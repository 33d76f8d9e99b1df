"""``guard doctor``: the table of sensitive files × assistants, judged on the manifests as they
are on disk, with hooks and caveats."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from guard import agents
from guard.commands import doctor, protect
from tests.conftest import RunGuard
from tests.protect_repo import SENSITIVE, TOKEN, make_repo


def _cells(out: str, path: str) -> dict[str, str]:
    """The row of ``path`` in the table, as {assistant: cell}."""
    lines = out.splitlines()
    header = next(ln for ln in lines if ln.startswith("file "))
    names = header.split()[2:]
    row = next(ln for ln in lines if ln.startswith(path + " "))
    return dict(zip(names, row.split()[-len(names):], strict=True))


def _doctor(repo: Path, **kwargs: object) -> str:
    out = io.StringIO()
    assert doctor.run(root=str(repo), stream=out, **kwargs) == 0
    return out.getvalue()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo")


def test_before_protect_nothing_is_protected(repo: Path) -> None:
    out = _doctor(repo)
    for path in SENSITIVE:
        cells = _cells(out, path)
        assert cells.pop("copilot") == "?"
        assert set(cells.values()) == {"-"}, (path, cells)
    assert f"{len(SENSITIVE)} sensitive file(s); {len(SENSITIVE)} not protected" in out
    assert re.search(r"^  cursor +\.cursorignore: missing; hook: not installed$", out, re.M)
    assert "run `guard protect`" in out


def test_after_protect_every_manifest_covers_every_file(repo: Path) -> None:
    protect.run(root=str(repo))
    out = _doctor(repo)
    for path in SENSITIVE:
        cells = _cells(out, path)
        cells.pop("copilot")
        assert set(cells.values()) == {"M"}, (path, cells)
    assert "0 not protected" in out
    assert re.search(r"^  claude +\.claude/settings\.json: up to date; hook: not installed$",
                     out, re.M)
    assert re.search(r"^  aider +\.aiderignore: up to date; no hook system$", out, re.M)
    assert TOKEN not in out


def test_a_stale_manifest_shows_which_file_is_exposed(repo: Path) -> None:
    protect.run(root=str(repo), agents=["cursor"])
    (repo / "src" / "db.py").write_text('K = "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"\n')
    out = _doctor(repo, agents=["cursor", "aider"])
    assert _cells(out, "src/db.py") == {"cursor": "-", "aider": "-"}
    assert _cells(out, ".env") == {"cursor": "M", "aider": "-"}
    assert re.search(r"^  cursor +\.cursorignore: stale;", out, re.M)


def test_a_guard_hook_counts_as_protection(repo: Path) -> None:
    from guard.commands import install_agents

    (repo / ".claude").mkdir()
    command = install_agents.hook_command("claude")  # what `guard install` writes
    (repo / ".claude" / "settings.json").write_text(json.dumps({"hooks": {"PreToolUse": [
        {"matcher": "Read|Grep|Glob|Bash", "hooks": [{"type": "command", "command": command}]}]}}))
    out = _doctor(repo, agents=["claude"])
    assert _cells(out, ".env") == {"claude": "H"}
    protect.run(root=str(repo), agents=["claude"])
    out = _doctor(repo, agents=["claude"])
    assert _cells(out, ".env") == {"claude": "MH"}
    assert "hook: installed and answering; output layer: off" in out


def test_a_hook_that_cannot_start_is_no_protection(repo: Path) -> None:
    """A hook whose guard is gone (a deleted virtualenv), or a bare `guard hook claude` where the
    assistant's PATH has none: the assistant runs the tool anyway, so doctor must not count it."""
    (repo / ".claude").mkdir()
    (repo / ".claude" / "settings.json").write_text(
        '{"hooks": {"PreToolUse": [{"matcher": "Read", "hooks": '
        '[{"type": "command", "command": "/gone/venv/bin/guard hook claude"}]}]}}\n')
    out = _doctor(repo, agents=["claude"])
    assert _cells(out, ".env") == {"claude": "-"}
    assert "installed but not answering: `/gone/venv/bin/guard hook claude`: exit 127" in out


def test_caveats_are_honest(repo: Path) -> None:
    out = _doctor(repo)
    caveats = out[out.index("Caveats"):]
    for name in agents.names():
        assert agents.get(name).display_name + ":" in caveats
    assert "indexing" in caveats and "terminal" in caveats and "MCP" in caveats


def test_the_cli_prints_the_table(repo: Path, run_guard: RunGuard) -> None:
    (repo / ".claude").mkdir()
    (repo / ".claude" / "settings.json").write_text('{"permissions": {"deny": [}\n')
    proc = run_guard("doctor", "--agents", "claude,cursor", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert _cells(proc.stdout, "id_rsa") == {"claude": "-", "cursor": "-"}
    assert f"{repo / '.claude' / 'settings.json'}:1:27: invalid JSON" in proc.stdout


def test_a_tree_without_sensitive_files(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    assert "No sensitive files found" in _doctor(tmp_path, agents=["cursor"])


def test_on_a_narrow_terminal_the_table_becomes_a_list(repo: Path) -> None:
    import io

    class Narrow(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Narrow()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COLUMNS", "80")
        doctor.run(root=str(repo), stream=out)  # type: ignore[arg-type]
    text = out.getvalue()
    assert "NOT protected from:" in text
    assert max(len(line) for line in text[:text.index("Manifests")].splitlines()) <= 80
