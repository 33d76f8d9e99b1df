"""``guard protect`` through the real command line: what it writes, that a second run changes
nothing, --check, --dry-run, --agents and the config's default set, and bad input."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from guard import agents
from tests.conftest import RunGuard, git_init, make_tree
from tests.protect_repo import make_repo

OTHER_TOKEN = "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"  # test token with a valid checksum
ALL_FILES = [agents.get(n).manifest for n in agents.names() if agents.get(n).manifest]


def _ok(proc: subprocess.CompletedProcess[str], code: int = 0) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.stdout


def _error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith("guard: error: "), proc.stderr
    return proc.stderr


def _snapshot(repo: Path) -> dict[str, bytes]:
    return {str(p.relative_to(repo)): p.read_bytes() for p in sorted(repo.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(repo).parts}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo")


def test_protect_writes_every_manifest_and_a_second_run_changes_nothing(
        repo: Path, run_guard: RunGuard) -> None:
    out = _ok(run_guard("protect", cwd=repo))
    for name in ALL_FILES:
        assert (repo / name).is_file(), name
        assert f"guard: created {name}" in out
    first = _snapshot(repo)
    out = _ok(run_guard("protect", cwd=repo))
    assert _snapshot(repo) == first
    assert out.count("is up to date") == len(ALL_FILES)
    _ok(run_guard("protect", "--check", cwd=repo))


def test_check_lists_what_is_missing_or_stale_and_exits_1(repo: Path,
                                                          run_guard: RunGuard) -> None:
    before = _snapshot(repo)
    out = _ok(run_guard("protect", "--check", cwd=repo), 1)
    assert "guard: .cursorignore: missing" in out
    assert "run `guard protect`" in out
    assert _snapshot(repo) == before  # --check writes nothing
    _ok(run_guard("protect", cwd=repo))
    (repo / "src" / "db.py").write_text(f'PASSWORD_TOKEN = "{OTHER_TOKEN}"\n')
    out = _ok(run_guard("protect", "--check", "--agents", "cursor,claude", cwd=repo), 1)
    assert "guard: .cursorignore: 1 entry missing\n    + /src/db.py\n" in out
    assert "guard: .claude/settings.json: 2 entries missing\n    + Read(/src/db.py)\n" in out
    (repo / "src" / "db.py").unlink()
    _ok(run_guard("protect", "--check", "--agents", "cursor,claude", cwd=repo))


def test_dry_run_prints_a_diff_and_writes_nothing(repo: Path, run_guard: RunGuard) -> None:
    (repo / ".aiderignore").write_text("build/\n")
    before = _snapshot(repo)
    proc = run_guard("protect", "--dry-run", "--agents", "aider,claude", cwd=repo)
    out = _ok(proc)
    assert _snapshot(repo) == before
    assert "--- a/.aiderignore\n+++ b/.aiderignore\n" in out
    assert " build/\n" in out and "+/src/settings.py\n" in out
    assert "--- /dev/null\n+++ b/.claude/settings.json\n" in out
    assert '+      "Read(/**/.env)",\n' in out
    assert "dry run: 2 file(s) would change, nothing written" in proc.stderr


def test_agents_limits_the_set(repo: Path, run_guard: RunGuard) -> None:
    _ok(run_guard("protect", "--agents", "cursor, aider", cwd=repo))
    written = [n for n in ALL_FILES if (repo / n).exists()]
    assert written == [".cursorignore", ".aiderignore"]


def test_the_config_sets_the_default_set(repo: Path, run_guard: RunGuard) -> None:
    (repo / ".guard.toml").write_text('agents = ["gemini", "claude"]\n')
    _ok(run_guard("protect", cwd=repo))
    assert sorted(n for n in ALL_FILES if (repo / n).exists()) == [".claude/settings.json",
                                                                   ".geminiignore"]
    _ok(run_guard("protect", "--agents", "roo", cwd=repo))  # the command line wins
    assert (repo / ".rooignore").exists()


def test_config_sensitive_paths_reach_the_manifests(repo: Path, run_guard: RunGuard) -> None:
    (repo / "pyproject.toml").write_text('[tool.guard]\nsensitive = ["deploy/*.secret"]\n')
    _ok(run_guard("protect", "--agents", "cursor", cwd=repo))
    text = (repo / ".cursorignore").read_text()
    assert "# sensitive paths from the config (sensitive = [...])\ndeploy/*.secret\n" in text


@pytest.mark.parametrize(("args", "message"), [
    (["--agents", "cursor,vim"], "unknown assistant 'vim' (known: claude, cursor,"),
    (["--print", "vim"], "unknown assistant 'vim'"),
])
def test_unknown_assistants_are_usage_errors(repo: Path, run_guard: RunGuard,
                                             args: list[str], message: str) -> None:
    assert message in _error(run_guard("protect", *args, cwd=repo))


def test_an_unknown_assistant_in_the_config_names_the_config(repo: Path,
                                                            run_guard: RunGuard) -> None:
    (repo / ".guard.toml").write_text('agents = ["vim"]\n')
    err = _error(run_guard("protect", cwd=repo))
    assert f"{repo / '.guard.toml'}: agents: unknown assistant 'vim'" in err


def test_user_lines_outside_the_block_survive_byte_for_byte(repo: Path,
                                                            run_guard: RunGuard) -> None:
    before = b"# my own rules\r\nbuild/\r\n!build/keep.txt\r\n\r\ntrailing-no-newline"
    after = b"\r\n# after Guard's block\r\nlocal/\r\n"
    (repo / ".cursorignore").write_bytes(before)
    _ok(run_guard("protect", "--agents", "cursor", cwd=repo))
    first = (repo / ".cursorignore").read_bytes()
    assert first.startswith(before + b"\r\n\r\n# >>> guard: managed block")
    assert b"\n" not in first.replace(b"\r\n", b"")  # the file's CRLF is kept in the block
    (repo / ".cursorignore").write_bytes(first + after)  # the user adds lines below the block
    (repo / "src" / "more.py").write_text(f'K = "{OTHER_TOKEN}"\n')
    _ok(run_guard("protect", "--agents", "cursor", cwd=repo))
    second = (repo / ".cursorignore").read_bytes()
    assert second.startswith(before + b"\r\n\r\n# >>> guard")
    assert second.endswith(b"# <<< guard <<<\r\n" + after)
    assert b"/src/more.py\r\n" in second


def test_a_manifest_that_is_a_symlink_is_refused(repo: Path, run_guard: RunGuard) -> None:
    (repo / "shared").write_text("x\n")
    (repo / ".rooignore").symlink_to("shared")
    err = _error(run_guard("protect", cwd=repo))
    assert f"{repo / '.rooignore'}: is a symlink (to shared)" in err
    assert (repo / "shared").read_text() == "x\n"
    assert not (repo / ".cursorignore").exists()  # refused before anything was written


def test_a_read_only_manifest_is_refused(repo: Path, run_guard: RunGuard) -> None:
    (repo / ".kiroignore").write_text("mine\n")
    (repo / ".kiroignore").chmod(0o444)
    err = _error(run_guard("protect", "--agents", "kiro", cwd=repo))
    assert f"{repo / '.kiroignore'}: is read-only" in err
    assert (repo / ".kiroignore").read_text() == "mine\n"


def test_a_broken_block_is_reported_and_nothing_written(repo: Path,
                                                        run_guard: RunGuard) -> None:
    text = "a\n# >>> guard: managed block, do not edit (guard protect) >>>\n.env\n"
    (repo / ".aiderignore").write_text(text)
    err = _error(run_guard("protect", cwd=repo))
    assert f"{repo / '.aiderignore'}:2: the Guard-managed block is not closed" in err
    assert (repo / ".aiderignore").read_text() == text
    assert not (repo / ".cursorignore").exists()


def test_a_subdirectory_runs_on_the_whole_repository(repo: Path, run_guard: RunGuard) -> None:
    _ok(run_guard("protect", "--agents", "cursor", cwd=repo / "src"))
    assert (repo / ".cursorignore").exists() and not (repo / "src" / ".cursorignore").exists()


def test_state_file_is_only_written_for_claude(repo: Path, run_guard: RunGuard) -> None:
    _ok(run_guard("protect", "--agents", "cursor", cwd=repo))
    assert not (repo / ".guard").exists()
    _ok(run_guard("protect", "--agents", "claude", cwd=repo))
    state = json.loads((repo / ".guard" / "state.json").read_text())
    assert list(state["managed"]) == [".claude/settings.json"]


def test_a_malformed_state_file_is_reported(repo: Path, run_guard: RunGuard) -> None:
    (repo / ".guard").mkdir()
    (repo / ".guard" / "state.json").write_text("{oops")
    assert f"{repo / '.guard' / 'state.json'}:1:2: invalid JSON" in _error(
        run_guard("protect", cwd=repo))


def test_outside_a_repository_the_current_directory_is_the_root(tmp_path: Path,
                                                                run_guard: RunGuard) -> None:
    tree = make_tree(tmp_path / "plain", {".env": "A=1\n", "a.py": "x = 1\n"})
    # whatever repository the machine's temp folder may be in, as git would see it
    _ok(run_guard("protect", "--agents", "aider", cwd=tree,
                  env={"GIT_CEILING_DIRECTORIES": str(tmp_path)}))
    assert ".env\n" in (tree / ".aiderignore").read_text()


def test_git_ceiling_directories_bound_the_repository(tmp_path: Path) -> None:
    from guard.config import find_root

    git_init(tmp_path / "outer")
    inner = tmp_path / "outer" / "a" / "b"
    inner.mkdir(parents=True)
    assert find_root(str(inner)) == str(tmp_path / "outer")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path / "outer" / "a"))
        assert find_root(str(inner)) == str(inner)


def test_the_repository_can_be_named(tmp_path: Path, run_guard: RunGuard) -> None:
    repo = make_tree(git_init(tmp_path / "r"), {".env": "A=1\n"})
    _ok(run_guard("protect", "--agents", "aider", "--root", str(repo), cwd=tmp_path))
    assert (repo / ".aiderignore").exists()


def test_help_lists_the_commands(run_guard: RunGuard, tmp_path: Path) -> None:
    out = _ok(run_guard("--help", cwd=tmp_path))
    assert "guard protect" in out and "guard doctor" in out
    out = _ok(run_guard("protect", "--help", cwd=tmp_path))
    assert "--check" in out and "--dry-run" in out and "--agents" in out


def test_file_modes_are_kept(repo: Path, run_guard: RunGuard) -> None:
    (repo / ".geminiignore").write_text("x/\n")
    (repo / ".geminiignore").chmod(0o600)
    _ok(run_guard("protect", "--agents", "gemini", cwd=repo))
    assert os.stat(repo / ".geminiignore").st_mode & 0o777 == 0o600
