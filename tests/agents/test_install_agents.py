"""``guard install AGENT…`` / ``--all`` / ``--user`` and ``guard uninstall``: each assistant's
hook configuration in its documented place and shape, idempotent, user content kept, and
exactly Guard's part removed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from guard.commands import install_agents
from guard.errors import GuardError
from tests.conftest import RunGuard, git_init, make_tree


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = git_init(tmp_path / "repo")
    make_tree(root, {".env": "A=1\n", "app.py": "x = 1\n"})
    return root


def install(repo: Path, *names: str, uninstall: bool = False, **kw: object) -> None:
    install_agents.run(list(names), uninstall=uninstall, cwd=str(repo), protect=False, **kw)


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def test_claude_hook_shape(repo: Path) -> None:
    install(repo, "claude")
    groups = load(repo / ".claude/settings.json")["hooks"]["PreToolUse"]
    assert len(groups) == 1
    matcher = groups[0]["matcher"]
    for tool in ("Read", "Write", "Edit", "MultiEdit", "NotebookEdit", "Grep", "Glob", "Bash",
                 "mcp__.*"):
        assert tool in matcher.split("|")
    # the absolute path of this installation's guard: the assistant's PATH need not have it
    command = install_agents.hook_command("claude")
    assert os.path.isabs(command.split()[0]) and command.endswith(" hook claude")
    assert groups[0]["hooks"] == [{"type": "command", "command": command, "timeout": 30}]


def test_install_is_idempotent_and_keeps_user_content(repo: Path) -> None:
    user = {"model": "opus", "hooks": {"PreToolUse": [
        {"matcher": "Bash", "hooks": [{"type": "command", "command": "my-linter"}]}],
        "Stop": [{"hooks": [{"type": "command", "command": "notify"}]}]},
        "permissions": {"allow": ["Bash(ls)"]}}
    settings = repo / ".claude/settings.json"
    settings.parent.mkdir()
    settings.write_text(json.dumps(user, indent=4) + "\n")
    install(repo, "claude")
    once = settings.read_text()
    install(repo, "claude")
    assert settings.read_text() == once
    data = load(settings)
    assert data["model"] == "opus" and data["permissions"] == {"allow": ["Bash(ls)"]}
    assert [g["hooks"][0]["command"] for g in data["hooks"]["PreToolUse"]] == \
        ["my-linter", install_agents.hook_command("claude")]
    assert once.startswith('{\n    "')  # the file's own indentation is kept
    install(repo, "claude", uninstall=True)
    assert load(settings) == user


def test_uninstall_keeps_a_users_handler_in_guards_group(repo: Path) -> None:
    install(repo, "claude")
    settings = repo / ".claude/settings.json"
    data = load(settings)
    data["hooks"]["PreToolUse"][0]["hooks"].append({"type": "command", "command": "mine"})
    settings.write_text(json.dumps(data))
    install(repo, "claude", uninstall=True)
    assert load(settings)["hooks"]["PreToolUse"][0]["hooks"] == [
        {"type": "command", "command": "mine"}]


@pytest.mark.parametrize("name, rel", [
    ("claude", ".claude/settings.json"), ("gemini", ".gemini/settings.json"),
    ("qwen", ".qwen/settings.json"), ("codex", ".codex/hooks.json"),
    ("cursor", ".cursor/hooks.json"), ("windsurf", ".windsurf/hooks.json"),
    ("copilot", ".github/hooks/guard.json"), ("kiro", ".kiro/hooks/guard.json"),
    ("augment", ".augment/settings.json"), ("cline", ".clinerules/hooks/PreToolUse"),
])
def test_every_agent_round_trips(repo: Path, name: str, rel: str) -> None:
    install(repo, name)
    path = repo / rel
    assert f"guard hook {name}" in path.read_text()
    from guard import agents

    assert agents.get(name).hook_status(str(repo)) == "installed"
    install(repo, name, uninstall=True)
    assert not path.exists()  # Guard created it and it held nothing else


def test_documented_shapes(repo: Path) -> None:
    install(repo, "gemini", "qwen", "cursor", "copilot", "windsurf", "kiro", "cline")
    gemini = load(repo / ".gemini/settings.json")["hooks"]["BeforeTool"][0]
    assert "run_shell_command" in gemini["matcher"] and "read_file" in gemini["matcher"]
    assert gemini["hooks"][0]["timeout"] >= 1000  # milliseconds in Gemini CLI
    qwen = load(repo / ".qwen/settings.json")["hooks"]["PreToolUse"][0]
    assert qwen["hooks"][0]["timeout"] >= 1000  # milliseconds in Qwen Code too
    cursor = load(repo / ".cursor/hooks.json")
    assert cursor["version"] == 1
    assert set(cursor["hooks"]) == {"beforeReadFile", "beforeShellExecution",
                                    "beforeMCPExecution"}
    assert all(h[0]["failClosed"] is True for h in cursor["hooks"].values())
    copilot = load(repo / ".github/hooks/guard.json")
    assert copilot["version"] == 1
    assert copilot["hooks"]["preToolUse"][0]["bash"] == install_agents.hook_command("copilot")
    windsurf = load(repo / ".windsurf/hooks.json")["hooks"]
    assert {"pre_read_code", "pre_run_command", "pre_mcp_tool_use"} <= set(windsurf)
    kiro = load(repo / ".kiro/hooks/guard.json")
    assert kiro["version"] == "v1" and kiro["hooks"][0]["trigger"] == "PreToolUse"
    script = repo / ".clinerules/hooks/PreToolUse"
    assert os.access(script, os.X_OK)
    assert f"exec {install_agents.hook_command('cline')}" in script.read_text()


def test_cline_refuses_to_replace_a_users_hook(repo: Path) -> None:
    make_tree(repo, {".clinerules/hooks/PreToolUse": "#!/bin/sh\necho mine\n"})
    with pytest.raises(GuardError, match="not Guard's"):
        install(repo, "cline")
    install(repo, "cline", uninstall=True)
    assert "mine" in (repo / ".clinerules/hooks/PreToolUse").read_text()


def test_user_scope_writes_in_home(repo: Path, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    install(repo, "claude", "cursor", user=True)
    assert "guard hook claude" in (home / ".claude/settings.json").read_text()
    assert "guard hook cursor" in (home / ".cursor/hooks.json").read_text()
    assert not (repo / ".claude").exists()
    install(repo, "claude", "cursor", user=True, uninstall=True)
    assert not (home / ".claude/settings.json").exists()


def test_all_and_errors(repo: Path) -> None:
    install(repo, every=True)
    for name in install_agents.hook_agents():
        assert f"guard hook {name}" in "".join(
            p.read_text() for p in repo.rglob("*") if p.is_file() and ".git/" not in str(p))
    with pytest.raises(GuardError, match="unknown assistant"):
        install(repo, "nosuch")
    with pytest.raises(GuardError, match="no pre-tool hook"):
        install(repo, "aider")
    bad = repo / ".gemini/settings.json"
    bad.write_text("{not json")
    with pytest.raises(GuardError, match="invalid JSON"):
        install(repo, "gemini")


def test_cli_installs_hooks_and_manifests(repo: Path, run_guard: RunGuard) -> None:
    proc = run_guard("install", "claude", "gemini", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    settings = load(repo / ".claude/settings.json")
    assert "Read(/**/.env)" in settings["permissions"]["deny"]
    assert settings["hooks"]["PreToolUse"][0]["hooks"][0]["command"] == \
        install_agents.hook_command("claude")
    assert (repo / ".geminiignore").exists()
    again = run_guard("install", "claude", "gemini", cwd=repo)
    assert "already installed" in again.stdout
    proc = run_guard("uninstall", "claude", "gemini", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert "hooks" not in load(repo / ".claude/settings.json")
    assert not (repo / ".gemini/settings.json").exists()


def test_an_entry_from_another_installation_is_replaced_not_doubled(repo: Path) -> None:
    settings = repo / ".claude/settings.json"
    settings.parent.mkdir()
    old = {"hooks": {"PreToolUse": [
        {"matcher": "Read", "hooks": [{"type": "command", "command": "guard hook claude"}]},
        {"matcher": "Bash", "hooks": [{"type": "command", "command": "my-linter"}]}]}}
    settings.write_text(json.dumps(old))
    install(repo, "claude")
    groups = load(settings)["hooks"]["PreToolUse"]
    commands = [h["command"] for g in groups for h in g["hooks"]]
    assert commands == ["my-linter", install_agents.hook_command("claude")]
    install(repo, "claude", uninstall=True)
    assert [h["command"] for g in load(settings)["hooks"]["PreToolUse"] for h in g["hooks"]] \
        == ["my-linter"]


def test_the_installed_command_runs_without_guard_on_path(repo: Path) -> None:
    """Assistants run hooks with their own PATH: the quick start never activates the venv."""
    import subprocess

    install(repo, "claude")
    command = load(repo / ".claude/settings.json")["hooks"]["PreToolUse"][0]["hooks"][0][
        "command"]
    make_tree(repo, {".env": "STRIPE_KEY=x\n"})
    event = {"session_id": "s", "cwd": str(repo), "hook_event_name": "PreToolUse",
             "tool_name": "Read", "tool_input": {"file_path": str(repo / ".env")}}
    proc = subprocess.run(command, shell=True, input=json.dumps(event), capture_output=True,
                          text=True, cwd=repo, env={"PATH": "/usr/bin:/bin", "HOME": str(repo)},
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "redacted view" in proc.stdout  # a real answer, not "command not found"


def test_uninstall_all_leaves_no_empty_folder(repo: Path, run_guard: RunGuard) -> None:
    (repo / ".github").mkdir()
    (repo / ".github" / "workflows.yml").write_text("on: push\n")  # the user's: kept
    assert run_guard("install", "--all", cwd=repo).returncode == 0
    assert (repo / ".cursor" / "hooks.json").exists() and (repo / ".github" / "hooks").is_dir()
    assert run_guard("uninstall", "--all", cwd=repo).returncode == 0
    left = [p for p in repo.rglob("*") if p.is_dir() and not any(p.iterdir())
            and ".git" not in p.relative_to(repo).parts[:1]]
    assert left == [], left
    assert (repo / ".github" / "workflows.yml").exists()
