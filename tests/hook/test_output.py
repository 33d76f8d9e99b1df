"""The output layer (guard.hook.output): each assistant's post-tool event, shaped as the
reference's "Post-tool contracts" says the real clients send it, comes back with every secret
replaced in the form that client honours; ordinary results get no answer at all."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from guard import agents
from guard.hook import process as hook
from tests.conftest import GitRepo, git_init, make_tree

# Fake values made up for these tests.
CANARY = "sk_live_" + "51HqZkR2mLp4Nv6Tx8Bc0Df12"  # pragma: allowlist secret
PASSWORD = "Wx7-hunter2-Qz9"  # pragma: allowlist secret
HISTORY = "Hq3-old-Pw-8Rz1"  # pragma: allowlist secret
ORDINARY = "ordinary-content-4f1c9e"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = git_init(tmp_path / "repo")
    make_tree(root, {".env": f"STRIPE_KEY={CANARY}\nDB_PASSWORD={PASSWORD}\nDEBUG=1\n",
                     "app.py": f"print('{ORDINARY}')\n"})
    (tmp_path / "home").mkdir()
    return root


def env_for(root: Path, **extra: str) -> dict[str, str]:
    return {"HOME": str(root.parent / "home"), "PATH": os.environ.get("PATH", ""), **extra}


def ask(name: str, event: dict[str, object], root: Path, **env: str) -> hook.Reply:
    return hook.run(agents.get(name), json.dumps(event).encode(), env_for(root, **env))


def post(root: Path, event: str, tool: str, response: object, **tool_input: object) -> dict:
    return {"session_id": "s", "cwd": str(root), "hook_event_name": event, "tool_name": tool,
            "tool_input": tool_input, "tool_response": response}


def bash_response(stdout: str) -> dict[str, object]:
    return {"stdout": stdout, "stderr": "", "interrupted": False, "isImage": False,
            "noOutputExpected": False}


def no_secret(text: str) -> None:
    for value in (CANARY, PASSWORD, HISTORY):
        assert value not in text


# --- Claude Code: updatedToolOutput of the same shape ------------------------------------------

def test_claude_bash_result_is_replaced_with_the_same_shape(repo: Path) -> None:
    out = f"STRIPE_KEY={CANARY}\nDB_PASSWORD={PASSWORD}\n"
    reply = ask("claude", post(repo, "PostToolUse", "Bash", bash_response(out),
                               command="make print-env"), repo)
    assert reply.code == 0
    no_secret(reply.stdout)
    spec = json.loads(reply.stdout)["hookSpecificOutput"]
    assert spec["hookEventName"] == "PostToolUse"
    updated = spec["updatedToolOutput"]
    assert set(updated) == set(bash_response(""))  # the shape Claude Code requires
    assert updated["stdout"].startswith("STRIPE_KEY=<redacted:")
    assert "DB_PASSWORD=<redacted:" in updated["stdout"]
    assert updated["interrupted"] is False


def test_claude_read_result_keeps_its_structure(repo: Path) -> None:
    content = (repo / ".env").read_text()
    response = {"type": "text", "file": {"filePath": str(repo / ".env"), "content": content,
                                         "numLines": 3, "startLine": 1, "totalLines": 3}}
    reply = ask("claude", post(repo, "PostToolUse", "Read", response,
                               file_path=str(repo / ".env")), repo)
    updated = json.loads(reply.stdout)["hookSpecificOutput"]["updatedToolOutput"]
    no_secret(json.dumps(updated))
    assert updated["file"]["numLines"] == 3 and updated["file"]["filePath"] == str(repo / ".env")
    assert updated["file"]["content"].count("<redacted:") == 2


def test_ordinary_results_get_no_answer(repo: Path) -> None:
    for name, event in (
            ("claude", post(repo, "PostToolUse", "Bash", bash_response(ORDINARY), command="x")),
            ("gemini", post(repo, "AfterTool", "read_file",
                            {"llmContent": ORDINARY, "returnDisplay": ""})),
            ("qwen", post(repo, "PostToolUse", "run_shell_command",
                          {"llmContent": ORDINARY, "returnDisplay": ""})),
            ("codex", post(repo, "PostToolUse", "Bash", ORDINARY))):
        reply = ask(name, event, repo)
        assert (reply.stdout, reply.code) == ("", 0), name


def test_a_history_leak_is_redacted_from_the_real_git_output(tmp_path: Path) -> None:
    """`git log -p` names no file: the value removed from .env long ago is still a known value
    only if .env still holds it; a provider key is found by the engine whatever the file."""
    repo = GitRepo(tmp_path / "repo")
    repo.commit({".env": f"STRIPE_KEY={CANARY}\nDB_PASSWORD={HISTORY}\n"})
    repo.commit({".env": f"DB_PASSWORD={PASSWORD}\n"})  # the key was rotated out of the file
    (tmp_path / "home").mkdir()
    log = subprocess.run(["git", "log", "-p"], cwd=repo.path, capture_output=True, text=True,
                         env=repo.env(), check=True).stdout
    assert CANARY in log and HISTORY in log
    reply = ask("claude", post(repo.path, "PostToolUse", "Bash", bash_response(log),
                               command="git log -p"), repo.path)
    updated = json.loads(reply.stdout)["hookSpecificOutput"]["updatedToolOutput"]["stdout"]
    assert CANARY not in updated and PASSWORD not in updated
    # a generic password that is in no file any more, but under a secret-named key in the diff
    assert HISTORY not in updated


# --- the others: the reason carries the redacted result -------------------------------------------

@pytest.mark.parametrize(("name", "event", "tool", "response", "key"), [
    ("gemini", "AfterTool", "run_shell_command",
     {"llmContent": f"STRIPE_KEY={CANARY}", "returnDisplay": f"STRIPE_KEY={CANARY}"}, "reason"),
    ("qwen", "PostToolUse", "run_shell_command",
     {"llmContent": f"STRIPE_KEY={CANARY}", "returnDisplay": f"STRIPE_KEY={CANARY}"},
     "stopReason"),
    ("codex", "PostToolUse", "Bash", f"STRIPE_KEY={CANARY}\n", "reason"),
])
def test_result_goes_to_the_model_through_the_reason(repo: Path, name: str, event: str,
                                                     tool: str, response: object,
                                                     key: str) -> None:
    reply = ask(name, post(repo, event, tool, response, command="env"), repo)
    no_secret(reply.stdout + reply.stderr)
    answer = json.loads(reply.stdout)
    assert answer[key].startswith("[Guard replaced ") and "in this tool result" in answer[key]
    assert "STRIPE_KEY=<redacted:" in answer[key]
    expected = {"gemini": ("decision", "deny"), "qwen": ("continue", False),
                "codex": ("decision", "block")}[name]
    assert answer[expected[0]] == expected[1]


def test_values_the_assistant_loaded_into_its_environment(repo: Path) -> None:
    """Gemini CLI and Qwen Code load .env into their process: `env` prints it, and the hook
    inherits the same environment. A value no file holds is still found there."""
    token = "Vb8Nm2Qw4Er6Ty8Ui0Op"  # pragma: allowlist secret
    out = f"PATH=/usr/bin\nSERVICE_TOKEN={token}\nLANG=C\n"
    reply = ask("gemini", post(repo, "AfterTool", "run_shell_command",
                               {"llmContent": out, "returnDisplay": out}), repo,
                SERVICE_TOKEN=token)
    assert token not in reply.stdout and "SERVICE_TOKEN=<redacted:" in reply.stdout


# --- failing closed ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["claude", "gemini", "qwen", "codex"])
def test_a_result_guard_cannot_read_is_withheld(repo: Path, name: str) -> None:
    event_name = agents.get(name).output_events[0]
    event = post(repo, event_name, "Bash", None)
    del event["tool_response"]
    reply = ask(name, event, repo)
    assert "Guard withheld this tool result" in reply.stdout
    assert "internal error" not in reply.stdout


def test_agents_without_an_output_layer_ignore_post_events(repo: Path) -> None:
    reply = ask("cursor", post(repo, "PostToolUse", "Bash", bash_response(CANARY)), repo)
    assert CANARY not in reply.stdout + reply.stderr
