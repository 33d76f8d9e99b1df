"""`guard view` as a process: the fast path and the click command, exit codes, no secret out."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import RunGuard

SECRET = "Sup3r-S3cr3t-42x"  # pragma: allowlist secret
GH = "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"  # pragma: allowlist secret
ENV = f"# app\nDB_PASSWORD={SECRET}\nDEBUG=true\nGH_TOKEN={GH}\nPORT=8000\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".env").write_text(ENV)
    (tmp_path / "store.p12").write_bytes(b"\x30\x82\0\0binary")
    (tmp_path / "src").mkdir()
    return tmp_path


def test_view_prints_the_redacted_file(run_guard: RunGuard, tree: Path) -> None:
    r = run_guard("view", ".env", cwd=tree)
    assert r.returncode == 0, r.stderr
    assert SECRET not in r.stdout + r.stderr and GH not in r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == ENV.count("\n")
    assert lines[0] == "# app" and lines[2] == "DEBUG=true" and lines[4] == "PORT=8000"
    assert re.fullmatch(r"DB_PASSWORD=<redacted:[\w\-]+ len=16 fp=[0-9a-f]{8}>", lines[1])
    assert re.fullmatch(r"GH_TOKEN=<redacted:github-pat-classic len=40 fp=[0-9a-f]{8}>", lines[3])


def test_fast_path_and_click_path_agree(run_guard: RunGuard, tree: Path) -> None:
    fast = run_guard("view", ".env", cwd=tree)
    slow = run_guard("view", "--config", str(tree / "cfg.toml"), ".env", cwd=tree)
    assert slow.returncode == 2 and "config file does not exist" in slow.stderr
    (tree / "cfg.toml").write_text("")
    slow = run_guard("view", "--config", str(tree / "cfg.toml"), ".env", cwd=tree)
    assert slow.returncode == 0 and slow.stdout == fast.stdout


def test_view_of_a_view_is_the_same(run_guard: RunGuard, tree: Path) -> None:
    first = run_guard("view", ".env", cwd=tree).stdout
    (tree / ".env.view").write_text(first)
    assert run_guard("view", ".env.view", cwd=tree).stdout == first


@pytest.mark.parametrize(("target", "message"), [
    ("store.p12", "binary file"), ("missing.env", "no such file"), ("src", "is a directory"),
])
def test_no_view_exits_2(run_guard: RunGuard, tree: Path, target: str, message: str) -> None:
    r = run_guard("view", target, cwd=tree)
    assert r.returncode == 2 and message in r.stderr and r.stdout == ""


def test_too_large_exits_2(run_guard: RunGuard, tree: Path) -> None:
    (tree / ".guard.toml").write_text("max-file-size = 10\n")
    r = run_guard("view", ".env", cwd=tree)
    assert r.returncode == 2 and "max-file-size" in r.stderr and SECRET not in r.stderr


def test_help_names_the_command(run_guard: RunGuard, tree: Path) -> None:
    r = run_guard("view", "--help", cwd=tree)
    assert r.returncode == 0 and "placeholder" in r.stdout


def test_view_of_a_fifo_answers_at_once(tmp_path: Path, run_guard: RunGuard) -> None:
    """Opening a FIFO for reading blocks until a writer comes: Guard must never do it."""
    os.mkfifo(tmp_path / "pipe")
    proc = run_guard("view", "pipe", cwd=tmp_path, timeout=20)
    assert proc.returncode == 2
    assert "not a regular file" in proc.stderr


def test_view_of_a_link_is_as_strict_as_its_target(tmp_path: Path, run_guard: RunGuard) -> None:
    """notes.txt -> .env: the view hides every value of the dotenv file it shows, not only the
    secret-looking ones a .txt view would hide."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".env").write_text("APP_MODE=verbose-mode\nDB_PASSWORD=Wx7-hunter2\n")
    (tmp_path / "notes.txt").symlink_to(".env")
    link = run_guard("view", "notes.txt", cwd=tmp_path)
    target = run_guard("view", ".env", cwd=tmp_path)
    assert link.returncode == target.returncode == 0
    assert "verbose-mode" not in link.stdout and "Wx7-hunter2" not in link.stdout
    assert link.stdout == target.stdout
