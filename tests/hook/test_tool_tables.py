"""Every tool of every assistant's table, given an ordinary file in that assistant's own event
shape, is allowed, and no event ever ends in an internal error. (Tools listed as "other" used
to crash the hook with an IndexError: every Codex apply_patch, Gemini read_many_files and Kiro
fs_read was denied as an "internal error", and the tests that only asserted "deny" passed.)"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from guard import agents
from guard.hook import process as hook
from tests.conftest import git_init, make_tree

PATCH = ("*** Begin Patch\n*** Update File: app.py\n@@\n-print('hello')\n+print('hi')\n"
         "*** End Patch\n")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = git_init(tmp_path_factory.mktemp("tables") / "repo")
    make_tree(root, {"app.py": "print('hello')\n", "src/util.py": "x = 1\n",
                     ".env": "API_KEY=sk_live_51Hm7nlbAJ6XHMdp0cs8LDwhWQ4wq67oA\n"})
    return root


def arguments(tool: str, spec: tuple[str, ...], repo: Path) -> dict[str, object]:
    """Arguments for ``tool`` naming the ordinary file app.py, by its table entry."""
    kind, keys = spec[0], [k.split("|")[0] for k in spec[1:]]
    app = str(repo / "app.py")
    if kind in ("read", "write", "edit"):
        args: dict[str, object] = {keys[0]: app}
        if len(keys) > 1:
            args[keys[1]] = "print('hi')\n"
        return args
    if kind == "search":
        return dict(zip(keys, [app, "TODO", "*.py"], strict=False))
    if kind == "shell":
        return {keys[0]: "ls -la && git status"}
    if kind == "list":
        return {"path": str(repo), "dir_path": str(repo)}
    # "other": judged by the arguments, in the shape each of these tools really takes
    return {"apply_patch": {"command": PATCH, "input": PATCH},
            "read_many_files": {"paths": ["app.py", "src/util.py"]},
            "fs_read": {"operations": [{"mode": "Line", "path": "app.py"}]},
            "read": {"operations": [{"mode": "Line", "path": "app.py"}]},
            "list_code_definition_names": {"path": "src"},
            "use_mcp_tool": {"server_name": "fs", "tool_name": "read_text_file",
                             "arguments": json.dumps({"path": app})},
            "access_mcp_resource": {"server_name": "fs", "uri": f"file://{app}"},
            }.get(tool, {"path": app})


def event(name: str, tool: str, args: dict[str, object], repo: Path) -> dict[str, object]:
    """A pre-tool event of assistant ``name`` (shapes as in tests/hook/test_hook.py)."""
    if name == "copilot":
        return {"sessionId": "s", "timestamp": 1, "cwd": str(repo), "toolName": tool,
                "toolArgs": json.dumps(args)}
    if name == "cline":
        return {"clineVersion": "3", "hookName": "PreToolUse", "taskId": "t",
                "workspaceRoots": [str(repo)],
                "preToolUse": {"toolName": tool, "parameters": args}}
    event_name = {"gemini": "BeforeTool", "kiro": "preToolUse"}.get(name, "PreToolUse")
    return {"session_id": "s", "cwd": str(repo), "hook_event_name": event_name,
            "tool_name": tool, "tool_input": args}


CASES = [(name, tool) for name in agents.with_hooks()
         for tool, spec in agents.get(name).hook_tools.items() if spec[0] != "skip"]


def test_every_agent_with_a_tool_table_is_covered() -> None:
    named = {name for name, _ in CASES}
    assert named == {n for n in agents.with_hooks() if agents.get(n).hook_tools}
    assert ("codex", "apply_patch") in CASES and ("gemini", "read_many_files") in CASES


@pytest.mark.parametrize(("name", "tool"), CASES, ids=[f"{n}-{t}" for n, t in CASES])
def test_an_ordinary_file_is_allowed_by_every_tool(repo: Path, name: str, tool: str) -> None:
    agent = agents.get(name)
    args = arguments(tool, agent.hook_tools[tool], repo)
    env = {"HOME": str(repo.parent / "home"), "PATH": os.environ.get("PATH", "")}
    reply = hook.run(agent, json.dumps(event(name, tool, args, repo)).encode(), env)
    said = reply.stdout + reply.stderr
    assert "internal error" not in said
    assert reply.code == 0, said
    assert not any(w in said for w in ('"deny"', '"block"', '"cancel": true', "Guard:")), said
