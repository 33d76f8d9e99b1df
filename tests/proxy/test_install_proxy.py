"""`guard install claude --proxy`: Claude Code's settings point at the proxy and start it at
session start; uninstall gives the file back byte for byte; a base URL the user set is kept."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import pytest

from guard.commands import install_proxy
from tests.conftest import RunGuard, git_init


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return git_init(tmp_path / "repo")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_install_and_uninstall_round_trip_byte_for_byte(repo: Path, run_guard: RunGuard) -> None:
    settings = repo / ".claude" / "settings.json"
    settings.parent.mkdir()
    original = json.dumps({"model": "opus", "env": {"FOO": "1"}, "hooks": {"SessionStart": [
        {"hooks": [{"type": "command", "command": "echo hi"}]}]}}, indent=4) + "\n"
    settings.write_text(original)
    proc = run_guard("install", "claude", "--proxy", "--proxy-port", "8799", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(settings.read_text())
    assert data["env"] == {"FOO": "1", "ANTHROPIC_BASE_URL": "http://127.0.0.1:8799"}
    commands = [h["command"] for s in data["hooks"]["SessionStart"] for h in s["hooks"]]
    assert commands[0] == "echo hi" and commands[1].endswith(
        "guard proxy --ensure --listen 127.0.0.1:8799")
    again = run_guard("install", "claude", "--proxy", "--proxy-port", "8799", cwd=repo)
    assert "already installed" in again.stdout
    proc = run_guard("uninstall", "claude", "--proxy", "--proxy-port", "8799", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert settings.read_text() == original


def test_a_file_guard_created_is_removed_again(repo: Path, run_guard: RunGuard) -> None:
    assert run_guard("install", "claude", "--proxy", cwd=repo).returncode == 0
    assert (repo / ".claude" / "settings.json").exists()
    assert run_guard("uninstall", "claude", "--proxy", cwd=repo).returncode == 0
    assert not (repo / ".claude" / "settings.json").exists()


def test_a_base_url_the_user_set_is_not_replaced(repo: Path, run_guard: RunGuard) -> None:
    settings = repo / ".claude" / "settings.json"
    settings.parent.mkdir()
    settings.write_text('{"env": {"ANTHROPIC_BASE_URL": "https://gateway.example"}}\n')
    proc = run_guard("install", "claude", "--proxy", cwd=repo)
    assert proc.returncode == 2
    assert "--upstream anthropic=https://gateway.example" in proc.stderr
    assert settings.read_text() == '{"env": {"ANTHROPIC_BASE_URL": "https://gateway.example"}}\n'


def test_other_assistants_are_told_how(repo: Path, run_guard: RunGuard) -> None:
    proc = run_guard("install", "qwen", "--proxy", cwd=repo)
    assert proc.returncode == 2 and "OPENAI_BASE_URL=http://127.0.0.1:8787/v1" in proc.stderr


def test_ensure_starts_one_proxy_and_reuses_it(repo: Path, run_guard: RunGuard) -> None:
    port = free_port()
    try:
        first = run_guard("proxy", "--ensure", "--listen", f"127.0.0.1:{port}", cwd=repo)
        assert first.returncode == 0, first.stderr
        assert install_proxy.status(str(repo)) == "proxy: off"  # not configured for Claude
        from guard.commands.proxy import answering

        assert answering("127.0.0.1", port)
        second = run_guard("proxy", "--ensure", "--listen", f"127.0.0.1:{port}", cwd=repo)
        assert second.returncode == 0
        pids = subprocess.run(["pgrep", "-f", f"proxy --listen 127.0.0.1:{port}"],
                              capture_output=True, text=True, check=False).stdout.split()
        assert len(pids) == 1  # reused, not started twice
    finally:
        subprocess.run(["pkill", "-f", f"proxy --listen 127.0.0.1:{port}"], check=False)
