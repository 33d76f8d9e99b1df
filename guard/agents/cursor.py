"""Cursor: ``.cursorignore`` at the workspace root, gitignore syntax including ``!``
(cursor.com/docs/reference/ignore-file).

Hooks (cursor.com/docs/agent/hooks, reference section "Cursor"): ``.cursor/hooks.json``, one
command per event. ``beforeReadFile`` gets ``file_path`` (and the content, which Guard does not
need), ``beforeShellExecution`` gets ``command`` and ``cwd``, ``beforeMCPExecution`` gets
``tool_name`` and ``tool_input`` (a JSON string); all get ``workspace_roots``. The reply is
``{"permission": "allow"|"deny", "user_message", "agent_message"}``; ``beforeReadFile`` honours only
``permission``. Guard also exits 2 on a deny, which Cursor documents as a deny, and installs its
hooks with ``failClosed`` so a crash does not open the gate. No rewrite channel is verified: a
denied read tells the agent to run ``guard view``.
"""

from __future__ import annotations

from guard.agents import HOOK_COMMAND, TYPE_CHECKING, HookInstall, IgnoreFileAgent

if TYPE_CHECKING:
    from guard.hook.call import Call, Reply
    from guard.hook.context import Context
    from guard.hook.decide import Decision

HOOK_EVENTS = ("beforeReadFile", "beforeShellExecution", "beforeMCPExecution")


class Cursor(IgnoreFileAgent):
    name = "cursor"
    display_name = "Cursor"
    manifest = ".cursorignore"
    source = "cursor.com/docs/reference/ignore-file"
    caveats = (
        "blocks Agent, Tab, Inline Edit and @-mentions, but not terminal commands or MCP tools "
        "(`cat .env` in the agent's terminal still reads it); Cursor says protection is not "
        "guaranteed",
    )
    hook_files = (".cursor/hooks.json", "~/.cursor/hooks.json")
    mcp_prefixes = ("",)  # every tool of beforeMCPExecution
    hook_events = HOOK_EVENTS
    hook_every_tool = True
    hook_install = HookInstall(".cursor/hooks.json", "~/.cursor/hooks.json", "flat",
                               {"command": HOOK_COMMAND, "failClosed": True}, top={"version": 1})

    def hook_call(self, event: dict[str, object]) -> Call:
        from guard.hook.call import Call, tool_call, workspace

        name = event.get("hook_event_name")
        cwd = workspace(event, "cwd", "workspace_roots")
        if name == "beforeReadFile" or (name is None and "file_path" in event):
            path = event.get("file_path")
            if not isinstance(path, str) or not path:
                return Call("bad", "read", problem="beforeReadFile came without file_path")
            return Call("read", "read", path=path, cwd=cwd)
        if name == "beforeShellExecution" or (name is None and "command" in event):
            command = event.get("command")
            if not isinstance(command, str):
                return Call("bad", "shell", problem="beforeShellExecution came without command")
            return Call("shell", "shell", command=command, cwd=cwd)
        if name == "beforeMCPExecution" or (name is None and "tool_name" in event):
            tool = event.get("tool_name")
            return tool_call({}, tool if isinstance(tool, str) else "mcp",
                             event.get("tool_input"), cwd, self.mcp_prefixes)
        return Call("skip")

    def hook_reply(self, decision: Decision, call: Call, event: dict[str, object],
                   ctx: Context | None = None) -> Reply:
        from guard.hook.call import Reply, dumps

        if decision.allowed:
            return Reply(stdout=dumps({"permission": "allow"}))
        message = f"Guard: {decision.reason}"
        return Reply(stdout=dumps({"permission": "deny", "user_message": message,
                                   "agent_message": message}), stderr=message + "\n", code=2)


AGENT = Cursor()
