"""Write-back (guard.hook.writeback): an agent that only ever saw a .env redacted changes one
line of it, and every other value stays intact on disk; a placeholder Guard cannot restore,
or one that would copy a secret into another file, is refused with a reason."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from guard import agents
from guard.hook import process as hook
from tests.conftest import git_init, guard_command, guard_env, make_tree

# Fake values made up for these tests.
STRIPE = "sk_live_" + "51HqZkR2mLp4Nv6Tx8Bc0Wb77"  # pragma: allowlist secret
PASSWORD = "Wx7-writeback-Qz9"  # pragma: allowlist secret
ENV = f"STRIPE_KEY={STRIPE}\nDB_PASSWORD={PASSWORD}\nDEBUG=1\n"
OUTPUT_LAYER = {"hooks": {"PostToolUse": [{"matcher": ".*", "hooks": [
    {"type": "command", "command": "guard hook claude"}]}]}}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = git_init(tmp_path / "repo")
    make_tree(root, {".env": ENV, "config.py": "DEBUG = True\n",
                     ".claude/settings.json": json.dumps(OUTPUT_LAYER)})
    (tmp_path / "home").mkdir()
    return root


def view(repo: Path, rel: str) -> str:
    """What the agent saw: the file's redacted view, as `guard view` prints it."""
    proc = subprocess.run([*guard_command(), "view", rel], cwd=repo, capture_output=True,
                          text=True, env=guard_env(repo.parent / "cache"), timeout=60, check=True)
    return proc.stdout


def edit(name: str, repo: Path, tool_input: dict[str, object]) -> hook.Reply:
    event = {"session_id": "s", "cwd": str(repo), "hook_event_name": "PreToolUse",
             "tool_name": "Edit", "tool_input": tool_input}
    env = {"HOME": str(repo.parent / "home"), "PATH": os.environ.get("PATH", "")}
    return hook.run(agents.get(name), json.dumps(event).encode(), env)


def apply_edit(path: Path, tool_input: dict[str, object]) -> None:
    """What Claude Code's Edit tool does with its input."""
    text = path.read_text()
    old, new = str(tool_input["old_string"]), str(tool_input["new_string"])
    assert text.count(old) == 1, "the edit would not apply: old_string not found once"
    path.write_text(text.replace(old, new))


def test_changing_one_line_of_a_redacted_env_keeps_every_other_value(repo: Path) -> None:
    seen = view(repo, ".env")
    assert STRIPE not in seen and PASSWORD not in seen
    password_line = next(line for line in seen.splitlines() if line.startswith("DB_PASSWORD"))
    # the model changes DEBUG, quoting the line above it as it saw it
    asked = {"file_path": str(repo / ".env"), "old_string": f"{password_line}\nDEBUG=1",
             "new_string": f"{password_line}\nDEBUG=0"}
    reply = edit("claude", repo, asked)
    assert reply.code == 0
    out = json.loads(reply.stdout)["hookSpecificOutput"]
    assert "permissionDecision" not in out  # Claude Code's own permission rules still apply
    updated = out["updatedInput"]
    assert updated["file_path"] == asked["file_path"]
    apply_edit(repo / ".env", updated)
    assert (repo / ".env").read_text() == ENV.replace("DEBUG=1", "DEBUG=0")


def test_a_placeholder_guard_does_not_know_is_refused(repo: Path) -> None:
    made_up = "<redacted:dotenv-file len=12 fp=0123abcd>"
    reply = edit("claude", repo, {"file_path": str(repo / ".env"),
                                  "old_string": f"DB_PASSWORD={made_up}",
                                  "new_string": "DB_PASSWORD=new"})
    out = json.loads(reply.stdout)["hookSpecificOutput"]
    assert out["permissionDecision"] == "deny"
    assert "matches no value Guard knows" in out["permissionDecisionReason"]


def test_a_secret_is_not_copied_into_another_file(repo: Path) -> None:
    holder = re.search(r"<redacted:[^>]+>", view(repo, ".env"))
    assert holder is not None
    reply = edit("claude", repo, {"file_path": str(repo / "config.py"),
                                  "old_string": "DEBUG = True",
                                  "new_string": f"DEBUG = True\nSTRIPE = '{holder.group(0)}'"})
    out = json.loads(reply.stdout)["hookSpecificOutput"]
    assert out["permissionDecision"] == "deny"
    assert "a value from another file" in out["permissionDecisionReason"]
    assert STRIPE not in reply.stdout


def test_an_assistant_that_cannot_rewrite_is_refused_with_the_reason(repo: Path) -> None:
    token = "Kd83hf92Lq0xWm4TzR7y"  # pragma: allowlist secret
    make_tree(repo, {"settings.py": f'API_TOKEN = "{token}"\nRETRIES = 3\n'})
    line = view(repo, "settings.py").splitlines()[0]
    assert token not in line and "<redacted:" in line
    event = {"session_id": "s", "cwd": str(repo), "hook_event_name": "BeforeTool",
             "tool_name": "replace", "tool_input": {"file_path": str(repo / "settings.py"),
                                                    "old_string": f"{line}\nRETRIES = 3",
                                                    "new_string": f"{line}\nRETRIES = 5"}}
    env = {"HOME": str(repo.parent / "home"), "PATH": os.environ.get("PATH", "")}
    reply = hook.run(agents.get("gemini"), json.dumps(event).encode(), env)
    answer = json.loads(reply.stdout)
    assert answer["decision"] == "deny"
    assert "lets no hook put the values back" in answer["reason"]
    assert token not in reply.stdout
    # Claude Code can: the same edit comes back with the value in place
    tool_input = event["tool_input"]
    assert isinstance(tool_input, dict)
    reply = edit("claude", repo, tool_input)
    updated = json.loads(reply.stdout)["hookSpecificOutput"]["updatedInput"]
    apply_edit(repo / "settings.py", updated)
    assert (repo / "settings.py").read_text() == f'API_TOKEN = "{token}"\nRETRIES = 5\n'


@pytest.mark.parametrize("command", [
    "cat > .env.local <<'EOF'\nKEY=<redacted:dotenv-file len=12 fp=0123abcd>\nEOF",
    "echo 'KEY=<redacted:dotenv-file len=12 fp=0123abcd>' >> config.ini",
    "printf 'x<redacted:value len=9 fp=89abcdef>' | tee out.txt",
])
def test_a_shell_command_writing_placeholders_is_refused(repo: Path, command: str) -> None:
    event = {"session_id": "s", "cwd": str(repo), "hook_event_name": "PreToolUse",
             "tool_name": "Bash", "tool_input": {"command": command}}
    env = {"HOME": str(repo.parent / "home"), "PATH": os.environ.get("PATH", "")}
    reply = hook.run(agents.get("claude"), json.dumps(event).encode(), env)
    out = json.loads(reply.stdout)["hookSpecificOutput"]
    assert out["permissionDecision"] == "deny"
    assert "writes placeholders of secret values" in out["permissionDecisionReason"]


def test_a_placeholder_that_is_only_read_is_fine(repo: Path) -> None:
    event = {"session_id": "s", "cwd": str(repo), "hook_event_name": "PreToolUse",
             "tool_name": "Bash",
             "tool_input": {"command": "grep -c '<redacted:value len=9 fp=89abcdef>' app.log"}}
    env = {"HOME": str(repo.parent / "home"), "PATH": os.environ.get("PATH", "")}
    reply = hook.run(agents.get("claude"), json.dumps(event).encode(), env)
    assert "permissionDecision" not in reply.stdout


def test_codex_apply_patch_with_placeholders_is_refused(repo: Path) -> None:
    patch = ("*** Begin Patch\n*** Update File: .env\n@@\n-DEBUG=1\n+DEBUG=0\n"
             " DB_PASSWORD=<redacted:dotenv-file len=17 fp=0123abcd>\n*** End Patch\n")
    event = {"session_id": "s", "cwd": str(repo), "hook_event_name": "PreToolUse",
             "tool_name": "apply_patch", "tool_input": {"command": patch}}
    env = {"HOME": str(repo.parent / "home"), "PATH": os.environ.get("PATH", "")}
    reply = hook.run(agents.get("codex"), json.dumps(event).encode(), env)
    assert reply.code == 2 and "writes placeholders of secret values" in reply.stderr
