"""The command line as a whole process: help, exit codes, progress on a terminal, the fast path."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import RunGuard

GH = "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"  # test token with a valid checksum


def guard(*args: str, cwd: Path, **kw: object) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_CACHE_HOME": str(cwd / ".cache-test")}
    env.pop("NO_COLOR", None)
    return subprocess.run([sys.executable, "-m", "guard", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, **kw)


def test_help_teaches_the_commands(tmp_path: Path) -> None:
    out = guard("--help", cwd=tmp_path).stdout
    assert "guard scan" in out and "guard baseline" in out
    scan_help = guard("scan", "--help", cwd=tmp_path).stdout
    for option in ("--format", "--output", "--baseline", "--no-gitignore", "--verbose"):
        assert option in scan_help
    assert "Exit status: 0 nothing new, 1 findings, 2 usage or configuration error" in scan_help


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    r = guard("scan", "--format", "xml", ".", cwd=tmp_path)
    assert r.returncode == 2 and "Invalid value for '--format'" in r.stderr


def test_fast_path_and_click_path_agree(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(f"x = '{GH}'\n")
    (tmp_path / ".env").write_text("A=1\n")
    fast = guard("scan", "a.py", ".env", cwd=tmp_path)  # no options: the click-free fast path
    slow = guard("scan", "--no-color", "a.py", ".env", cwd=tmp_path)  # an option: through click
    assert fast.returncode == slow.returncode == 1
    assert fast.stdout == slow.stdout
    assert "a.py:1:6" in fast.stdout and ".env: sensitive file" in fast.stdout


def test_progress_only_on_a_terminal(tmp_path: Path) -> None:
    for i in range(600):
        (tmp_path / f"f{i}.txt").write_text("nothing here\n")
    piped = guard("scan", ".", cwd=tmp_path)
    assert piped.returncode == 0 and "scanning:" not in piped.stderr

    leader, follower = pty.openpty()
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / ".cache-test")}
    proc = subprocess.run([sys.executable, "-m", "guard", "scan", "."], cwd=tmp_path, env=env,
                          stdout=subprocess.PIPE, stderr=follower, timeout=120)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.returncode == 0
    assert b"scanning: " in b"".join(chunks)


def test_wheel_ships_the_rule_pack(tmp_path: Path) -> None:
    """The rules are data outside the package directory: the wheel must still carry them."""
    root = Path(__file__).resolve().parents[1]
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                        "-q", "-w", str(tmp_path), str(root)], capture_output=True, text=True,
                       timeout=300)
    if r.returncode != 0:
        pytest.fail(r.stderr)
    [wheel] = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {n for n in names if n.startswith("guard/rules/") and n.endswith(".toml")}
    expected = {f"guard/rules/{p.relative_to(root / 'rules').as_posix()}"
                for p in (root / "rules").rglob("*.toml")}
    assert expected and shipped == expected


def test_help_names_every_assistant_and_cuts_no_summary(run_guard: RunGuard,
                                                        tmp_path: Path) -> None:
    from guard import agents

    out = run_guard("--help", cwd=tmp_path).stdout
    for name in [*agents.REGISTRY, *agents.HOOK_ONLY]:
        assert name in out, name
    commands = out[out.index("Commands:"):]
    assert "..." not in commands and "…" not in commands
