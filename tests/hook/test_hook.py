"""``guard hook AGENT``: every assistant's event shape (from the reference) in, its documented
verdict out."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from guard import agents
from guard.hook import process as hook
from tests.conftest import RunGuard, git_init, make_tree

CANARY = "sk_live_51Hm7nlbAJ6XHMdp0cs8LDwhWQ4wq67oA"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = git_init(tmp_path / "repo")
    make_tree(root, {".env": f"API_KEY={CANARY}\nDEBUG=1\n", "app.py": "print('hello')\n",
                     ".env.example": "API_KEY=\n", "src/util.py": "x = 1\n"})
    return root


def env_for(root: Path) -> dict[str, str]:
    return {"HOME": str(root.parent / "home"), "PATH": os.environ.get("PATH", "")}


def ask(name: str, event: dict | str, root: Path) -> hook.Reply:
    raw = event if isinstance(event, str) else json.dumps(event)
    return hook.run(agents.get(name), raw.encode(), env_for(root))


def claude_event(root: Path, tool: str, **tool_input: object) -> dict:
    return {"session_id": "s", "transcript_path": "/tmp/t.jsonl", "cwd": str(root),
            "permission_mode": "default", "hook_event_name": "PreToolUse", "tool_name": tool,
            "tool_input": tool_input, "tool_use_id": "toolu_1"}


def claude_verdict(reply: hook.Reply) -> dict:
    assert reply.code == 0, reply.stderr
    return json.loads(reply.stdout)["hookSpecificOutput"] if reply.stdout else {}


def assert_no_canary(reply: hook.Reply) -> None:
    assert CANARY not in reply.stdout + reply.stderr


# --- Claude Code ---------------------------------------------------------------------------------

def test_claude_ordinary_read_is_silent(repo: Path) -> None:
    reply = ask("claude", claude_event(repo, "Read", file_path=str(repo / "app.py")), repo)
    assert (reply.stdout, reply.stderr, reply.code) == ("", "", 0)


def test_claude_env_read_is_redirected_to_redacted_view(repo: Path) -> None:
    event = claude_event(repo, "Read", file_path=str(repo / ".env"), offset=1, limit=20)
    out = claude_verdict(ask("claude", event, repo))
    assert out["hookEventName"] == "PreToolUse"
    assert out["permissionDecision"] == "allow"
    updated = out["updatedInput"]
    assert updated["offset"] == 1 and updated["limit"] == 20
    view = Path(updated["file_path"])
    assert view.parent == repo / ".guard" / "views"
    text = view.read_text()
    assert "API_KEY=" in text and "DEBUG=1" in text and CANARY not in text
    assert (view.parent / ".gitignore").read_text().splitlines()[-1] == "*"


@pytest.mark.parametrize("command", [
    "cat .env", "grep -r API_KEY .", "python3 -c 'print(open(\".env\").read())'",
    "cp .env /tmp/x", "env", "cat ~/.aws/credentials", "head -n 3 .e*",
])
def test_claude_bash_reads_are_denied(repo: Path, command: str) -> None:
    home = repo.parent / "home"
    make_tree(home, {".aws/credentials": "[default]\naws_secret_access_key = "
                                         "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEYzz\n"})
    reply = ask("claude", claude_event(repo, "Bash", command=command), repo)
    out = claude_verdict(reply)
    if command == "env":  # nothing secret exported in this environment: nothing to hide
        assert out == {}
        return
    assert out["permissionDecision"] == "deny", command
    assert out["permissionDecisionReason"].startswith("Guard: ")
    assert_no_canary(reply)


def test_claude_symlink_to_env_is_judged_by_its_target(repo: Path) -> None:
    (repo / "notes.txt").symlink_to(repo / ".env")
    reply = ask("claude", claude_event(repo, "Bash", command="cat notes.txt"), repo)
    assert claude_verdict(reply)["permissionDecision"] == "deny"


def test_claude_ordinary_bash_and_search_are_silent(repo: Path) -> None:
    for event in (claude_event(repo, "Bash", command="ls -la && git status"),
                  claude_event(repo, "Grep", pattern="hello", path=str(repo / "src")),
                  claude_event(repo, "Glob", pattern="**/*"),
                  claude_event(repo, "WebSearch", query="x")):
        assert ask("claude", event, repo).stdout == ""


def test_claude_recursive_grep_over_env_is_denied(repo: Path) -> None:
    out = claude_verdict(ask("claude", claude_event(repo, "Grep", pattern="API"), repo))
    assert out["permissionDecision"] == "deny"
    assert "--glob '!.env'" in out["permissionDecisionReason"]


def test_claude_edit_and_write(repo: Path) -> None:
    edit = claude_event(repo, "Edit", file_path=str(repo / ".env"), old_string="DEBUG=1",
                        new_string="DEBUG=0")
    assert claude_verdict(ask("claude", edit, repo))["permissionDecision"] == "deny"
    write = claude_event(repo, "Write", file_path=str(repo / "config.py"),
                         content=f"KEY = '{CANARY}'\n")
    reply = ask("claude", write, repo)
    assert claude_verdict(reply)["permissionDecision"] == "deny"
    assert_no_canary(reply)
    multi = claude_event(repo, "MultiEdit", file_path=str(repo / "app.py"),
                         edits=[{"old_string": "a", "new_string": f"k='{CANARY}'"}])
    assert claude_verdict(ask("claude", multi, repo))["permissionDecision"] == "deny"
    ok = claude_event(repo, "Write", file_path=str(repo / "b.py"), content="x = 2\n")
    assert ask("claude", ok, repo).stdout == ""


def test_claude_mcp_tool_with_a_path(repo: Path) -> None:
    event = claude_event(repo, "mcp__fs__read_text_file", path=str(repo / ".env"))
    assert claude_verdict(ask("claude", event, repo))["permissionDecision"] == "deny"
    event = claude_event(repo, "mcp__fs__read_text_file", path=str(repo / "app.py"))
    assert ask("claude", event, repo).stdout == ""


@pytest.mark.parametrize("name", ["Notification", "Stop", "PostToolUseFailure"])
def test_claude_other_events_are_ignored(repo: Path, name: str) -> None:
    event = claude_event(repo, "Read", file_path=str(repo / ".env"))
    event["hook_event_name"] = name
    assert ask("claude", event, repo).stdout == ""


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", "", '{"tool_name": 3}',
                                 '{"hook_event_name": "PreToolUse", "tool_name": "Read"}'])
def test_claude_unreadable_events_fail_closed(repo: Path, raw: str) -> None:
    reply = ask("claude", raw, repo)
    if reply.code == 2:
        assert "could not read" in reply.stderr
    else:
        assert claude_verdict(reply)["permissionDecision"] == "deny"


def test_claude_hook_as_a_process(repo: Path, run_guard: RunGuard) -> None:
    event = json.dumps(claude_event(repo, "Bash", command="cat .env"))
    proc = run_guard("hook", "claude", cwd=repo, input=event, env=env_for(repo))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)["hookSpecificOutput"]
    assert out["permissionDecision"] == "deny" and "guard view .env" in \
        out["permissionDecisionReason"]
    proc = run_guard("hook", "nosuch", cwd=repo, input=event)
    assert proc.returncode == 2 and "unknown assistant" in proc.stderr
    proc = run_guard("hook", "aider", cwd=repo, input=event)
    assert proc.returncode == 2 and "no pre-tool hook" in proc.stderr


# --- the others ----------------------------------------------------------------------------------

def test_gemini_before_tool(repo: Path) -> None:
    base = {"session_id": "s", "cwd": str(repo), "hook_event_name": "BeforeTool",
            "timestamp": "2026-11-27T00:00:00Z"}
    reply = ask("gemini", {**base, "tool_name": "read_file",
                           "tool_input": {"file_path": str(repo / ".env")}}, repo)
    out = json.loads(reply.stdout)
    assert out["decision"] == "deny" and "guard view" in out["reason"] and reply.code == 0
    reply = ask("gemini", {**base, "tool_name": "run_shell_command",
                           "tool_input": {"command": "cat .env | base64"}}, repo)
    assert json.loads(reply.stdout)["decision"] == "deny"
    reply = ask("gemini", {**base, "tool_name": "read_many_files",
                           "tool_input": {"paths": [".env", "app.py"]}}, repo)
    assert json.loads(reply.stdout)["decision"] == "deny"
    reply = ask("gemini", {**base, "tool_name": "mcp_fs_read",
                           "tool_input": {"path": ".env"}}, repo)
    assert json.loads(reply.stdout)["decision"] == "deny"
    reply = ask("gemini", {**base, "tool_name": "read_file",
                           "tool_input": {"file_path": str(repo / "app.py")}}, repo)
    assert reply.stdout == "" and reply.code == 0


def test_qwen_pre_tool_use(repo: Path) -> None:
    event = {"hook_event_name": "PreToolUse", "cwd": str(repo), "tool_name": "run_shell_command",
             "tool_input": {"command": "cat .env"}, "permission_mode": "yolo"}
    out = json.loads(ask("qwen", event, repo).stdout)["hookSpecificOutput"]
    assert out["permissionDecision"] == "deny"
    event["tool_input"] = {"command": "ls"}
    assert ask("qwen", event, repo).stdout == ""


def test_codex_pre_tool_use(repo: Path) -> None:
    event = {"hook_event_name": "PreToolUse", "cwd": str(repo), "tool_name": "Bash",
             "tool_input": {"command": ["bash", "-lc", "cat .env"]}, "turn_id": "t",
             "model": "m"}
    reply = ask("codex", event, repo)
    assert reply.code == 2 and reply.stderr.startswith("Guard: ")
    assert json.loads(reply.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"
    event["tool_input"] = {"command": "ls -la"}
    reply = ask("codex", event, repo)
    assert (reply.stdout, reply.code) == ("", 0)


def test_cursor_events(repo: Path) -> None:
    common = {"conversation_id": "c", "generation_id": "g", "workspace_roots": [str(repo)]}
    reply = ask("cursor", {**common, "hook_event_name": "beforeReadFile",
                           "file_path": str(repo / ".env"), "content": "..."}, repo)
    assert json.loads(reply.stdout)["permission"] == "deny" and reply.code == 2
    reply = ask("cursor", {**common, "hook_event_name": "beforeShellExecution",
                           "command": "printenv; cat .env", "cwd": str(repo)}, repo)
    out = json.loads(reply.stdout)
    assert out["permission"] == "deny" and out["agent_message"].startswith("Guard: ")
    reply = ask("cursor", {**common, "hook_event_name": "beforeMCPExecution",
                           "tool_name": "read", "tool_input": json.dumps({"path": ".env"})}, repo)
    assert json.loads(reply.stdout)["permission"] == "deny"
    reply = ask("cursor", {**common, "hook_event_name": "beforeShellExecution",
                           "command": "ls", "cwd": str(repo)}, repo)
    assert json.loads(reply.stdout) == {"permission": "allow"} and reply.code == 0


def test_copilot_pre_tool_use(repo: Path) -> None:
    event = {"sessionId": "s", "timestamp": 1, "cwd": str(repo), "toolName": "bash",
             "toolArgs": json.dumps({"command": "cat .env"})}
    out = json.loads(ask("copilot", event, repo).stdout)
    assert out["permissionDecision"] == "deny"
    event.update(toolName="view", toolArgs=json.dumps({"path": str(repo / ".env")}))
    out = json.loads(ask("copilot", event, repo).stdout)
    assert out["permissionDecision"] == "allow"
    assert CANARY not in Path(out["modifiedArgs"]["path"]).read_text()
    event.update(toolName="view", toolArgs=json.dumps({"path": str(repo / "app.py")}))
    assert ask("copilot", event, repo).stdout == ""


def test_windsurf_cline_kiro_augment(repo: Path) -> None:
    reply = ask("windsurf", {"agent_action_name": "pre_run_command", "trajectory_id": "t",
                             "tool_info": {"command_line": "cat .env", "cwd": str(repo)}}, repo)
    assert reply.code == 2 and reply.stderr.startswith("Guard: ")
    reply = ask("windsurf", {"agent_action_name": "pre_read_code",
                             "tool_info": {"file_path": str(repo / "app.py")}}, repo)
    assert reply.code == 0
    reply = ask("cline", {"clineVersion": "3", "hookName": "PreToolUse", "taskId": "t",
                          "workspaceRoots": [str(repo)],
                          "preToolUse": {"toolName": "read_file",
                                         "parameters": {"path": ".env"}}}, repo)
    assert json.loads(reply.stdout)["cancel"] is True
    reply = ask("kiro", {"hook_event_name": "preToolUse", "cwd": str(repo),
                         "tool_name": "fs_read",
                         "tool_input": {"operations": [{"mode": "Line", "path": ".env"}]}}, repo)
    assert reply.code == 2
    reply = ask("augment", {"hook_event_name": "PreToolUse", "cwd": str(repo),
                            "tool_name": "launch-process",
                            "tool_input": {"command": "cat .env"}}, repo)
    assert reply.code == 2
    reply = ask("augment", {"hook_event_name": "PreToolUse", "cwd": str(repo),
                            "tool_name": "view", "tool_input": {"path": "app.py"}}, repo)
    assert reply.code == 0


def test_every_hook_agent_answers_garbage_with_a_deny(repo: Path) -> None:
    for name in [*agents.REGISTRY, *agents.HOOK_ONLY]:
        agent = agents.get(name)
        if not agent.has_hook:
            continue
        reply = hook.run(agent, b"\xff not json", env_for(repo))
        blocked = reply.code == 2 or '"deny"' in reply.stdout or '"cancel": true' in reply.stdout
        assert blocked, name


def test_claude_redacted_view_is_reused_until_the_file_changes(repo: Path) -> None:
    event = claude_event(repo, "Read", file_path=str(repo / ".env"))
    view = Path(claude_verdict(ask("claude", event, repo))["updatedInput"]["file_path"])
    first = view.stat().st_mtime_ns
    assert Path(claude_verdict(ask("claude", event, repo))["updatedInput"]["file_path"]) == view
    assert view.stat().st_mtime_ns == first  # not written again
    (repo / ".env").write_text(f"OTHER_KEY={CANARY}\n")
    os.utime(repo / ".env", ns=(first + 10**9, first + 10**9))
    claude_verdict(ask("claude", event, repo))
    text = view.read_text()
    assert "OTHER_KEY=" in text and CANARY not in text


def test_claude_redacted_view_is_what_guard_view_prints(repo: Path,
                                                      run_guard: RunGuard) -> None:
    """The hook writes the view with the config, rules and engine it loaded for the decision;
    the bytes are those of `guard view PATH`, also for a file that is not strict (whose view
    uses the decision's engine) and for one that another config governs."""
    home = repo.parent / "home"
    make_tree(home, {".aws/credentials": "[default]\naws_secret_access_key = "
                                         "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEYzz\n"})
    make_tree(repo, {"src/settings.py": f"DEBUG = True\nSTRIPE = '{CANARY}'\n",
                     # the repository's config leaves no view of anything larger than 10 bytes;
                     # ~/.aws/credentials is under no config, as `guard view` sees it
                     ".guard.toml": "max-file-size = 10\n"})
    for path in (repo / "src/settings.py", home / ".aws/credentials"):
        event = claude_event(repo, "Read", file_path=str(path))
        out = claude_verdict(ask("claude", event, repo))
        shown = run_guard("view", str(path), cwd=repo, env=env_for(repo))
        if path.parent.name == "src":  # too large under the repository's config: no view
            assert out["permissionDecision"] == "deny" and shown.returncode == 2
            continue
        assert shown.returncode == 0, shown.stderr
        assert Path(out["updatedInput"]["file_path"]).read_text() == shown.stdout
    (repo / ".guard.toml").unlink()
    for path in (repo / ".env", repo / "src/settings.py"):
        event = claude_event(repo, "Read", file_path=str(path))
        view = Path(claude_verdict(ask("claude", event, repo))["updatedInput"]["file_path"])
        shown = run_guard("view", str(path), cwd=repo, env=env_for(repo))
        assert shown.returncode == 0 and view.read_text() == shown.stdout
        assert CANARY not in shown.stdout


def test_hook_process_imports_no_click_and_no_other_assistant(repo: Path) -> None:
    """The hook runs before every tool call: its fast path must stay lean."""
    import subprocess
    import sys

    event = json.dumps(claude_event(repo, "Read", file_path=str(repo / "app.py")))
    code = ("import sys; sys.argv = ['guard', 'hook', 'claude']; from guard.__main__ import main; "
            "code = main(); sys.stderr.write(' '.join(sorted(sys.modules)))")
    env = {**env_for(repo), "PYTHONPATH": os.pathsep.join(sys.path)}
    for _ in range(2):  # the first run of a new HOME compiles the rule cache from TOML
        proc = subprocess.run([sys.executable, "-c", code], input=event, capture_output=True,
                              text=True, cwd=repo, env=env, check=False)
    assert proc.returncode == 0 and proc.stdout == ""
    modules = set(proc.stderr.split())
    assert "guard.agents.claude" in modules
    assert not {"click", "guard.cli", "guard.agents.cursor", "guard.agents.gemini",
                "guard.detect.syntax", "tomllib", "typing"} & modules
