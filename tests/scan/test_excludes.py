"""The config's ``exclude``: one rule for files named on the command line, named directories
(the current one included) and the paths a walk finds, and ``--no-exclude`` to set it aside."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import GitRepo, RunGuard, make_tree

TOKEN = "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"  # test token with a valid checksum
SECRET_LINE = f'token = "{TOKEN}"\n'
PROJECT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return make_tree(tmp_path / "project", {
        ".guard.toml": 'exclude = ["fixtures/"]\n',
        "fixtures/a.txt": SECRET_LINE,
        "fixtures/sub/b.txt": SECRET_LINE,
        "src/app.py": "x = 1\n",
    })


def _scan(run_guard: RunGuard, cwd: Path, *args: str) -> tuple[int, dict]:
    proc = run_guard("scan", "--format", "json", *args, cwd=cwd)
    assert "Traceback" not in proc.stderr and TOKEN[4:] not in proc.stdout + proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def _found(report: dict) -> list[str]:
    return [f["path"] for f in report["findings"]]


def _skipped(report: dict) -> dict[str, str]:
    return {s["path"]: s["reason"] for s in report["skipped"]}


@pytest.mark.parametrize("target", ["fixtures", "fixtures/", "fixtures/sub", "fixtures/a.txt",
                                    "fixtures/sub/b.txt", "."])
def test_an_excluded_path_is_excluded_however_it_is_reached(tree: Path, run_guard: RunGuard,
                                                            target: str) -> None:
    code, report = _scan(run_guard, tree, target)
    assert (code, _found(report)) == (0, [])
    if target != ".":  # named: the skip says so; walked: the folder is simply not entered
        assert list(_skipped(report).values()) == ["excluded by config"]
    code, report = _scan(run_guard, tree, "--no-exclude", target)
    assert code == 1 and _found(report) and all("fixtures" in p or target.startswith("fixtures")
                                                 for p in _found(report))
    assert report["skipped"] == []


def test_the_current_directory_inside_an_excluded_folder(tree: Path, run_guard: RunGuard) -> None:
    code, report = _scan(run_guard, tree / "fixtures")
    assert (code, _found(report)) == (0, [])
    assert list(_skipped(report).values()) == ["excluded by config"]
    text = run_guard("scan", cwd=tree / "fixtures")
    assert text.returncode == 0
    assert "excluded by config" in text.stdout and "--no-exclude" in text.stdout
    code, report = _scan(run_guard, tree / "fixtures", "--no-exclude")
    assert code == 1 and len(_found(report)) == 2


def test_named_files_on_the_fast_path_follow_the_same_rule(tree: Path,
                                                            run_guard: RunGuard) -> None:
    """The pre-commit framework passes staged files by name, without options (the fast path)."""
    proc = run_guard("scan", "fixtures/a.txt", "src/app.py", cwd=tree)
    assert proc.returncode == 0 and "0 secrets" in proc.stdout
    proc = run_guard("scan", "--no-exclude", "fixtures/a.txt", "src/app.py", cwd=tree)
    assert proc.returncode == 1 and "a.txt:1:10" in proc.stdout


def test_staged_follows_the_same_rule(tree: Path, run_guard: RunGuard) -> None:
    repo = GitRepo(tree, init=False)
    repo.git("init", "-q", "-b", "main")
    repo.git("add", "-A")
    proc = run_guard("scan", "--staged", "--format", "json", cwd=tree, env=repo.env())
    assert proc.returncode == 0 and json.loads(proc.stdout)["findings"] == []
    proc = run_guard("scan", "--staged", "--no-exclude", "--format", "json", cwd=tree,
                     env=repo.env())
    assert proc.returncode == 1
    assert sorted(_found(json.loads(proc.stdout))) == ["fixtures/a.txt", "fixtures/sub/b.txt"]


def test_this_repository_tests_folder_is_excluded(run_guard: RunGuard) -> None:
    """pyproject.toml excludes tests/ (its fixtures hold fake keys): naming it changes nothing."""
    proc = run_guard("scan", "--format", "json", "tests", cwd=PROJECT)
    assert proc.returncode == 0, proc.stdout[-2000:]
    report = json.loads(proc.stdout)
    assert report["findings"] == [] and report["summary"]["files_scanned"] == 0
    assert _skipped(report) == {"tests/": "excluded by config"}


def test_help_documents_no_exclude(run_guard: RunGuard, tmp_path: Path) -> None:
    out = run_guard("scan", "--help", cwd=tmp_path).stdout
    assert "--no-exclude" in out


def test_click_and_fast_path_agree_on_an_excluded_name(tree: Path, run_guard: RunGuard) -> None:
    fast = run_guard("scan", "fixtures/a.txt", cwd=tree)
    slow = run_guard("scan", "--no-color", "fixtures/a.txt", cwd=tree)
    assert (fast.returncode, fast.stdout) == (slow.returncode, slow.stdout)
    assert isinstance(fast, subprocess.CompletedProcess)
