"""Kiro: ``.kiroignore`` at the workspace root, gitignore syntax
(kiro.dev/docs/editor/kiroignore).

Hooks (kiro.dev/docs/cli/hooks): ``preToolUse`` in an agent JSON (``.kiro/agents/*.json``) gets
``hook_event_name``, ``cwd``, ``tool_name``, ``tool_input`` (``fs_read`` with ``operations``,
``execute_bash``/``shell`` with ``command``, ``fs_write``; MCP ``@server/tool``). Exit 2 blocks
and stderr goes to the model; no rewrite (unverified).
"""

from __future__ import annotations

from guard.agents import TYPE_CHECKING, IgnoreFileAgent

if TYPE_CHECKING:
    from guard.hook.call import Call

HOOK_TOOLS = {
    "fs_read": ("other",),  # operations: [{mode, path}]: every path judged as a read
    "read": ("other",),
    "fs_write": ("edit", "path", "file_text|new_str"),
    "write": ("edit", "path", "file_text|new_str"),
    "execute_bash": ("shell", "command"),
    "execute_cmd": ("shell", "command"),
    "shell": ("shell", "command"),
}


class Kiro(IgnoreFileAgent):
    name = "kiro"
    display_name = "Kiro"
    manifest = ".kiroignore"
    source = "kiro.dev/docs/editor/kiroignore"
    caveats = (
        "keeps listed files out of Kiro's reach in the IDE; shell commands are not covered",
    )
    hook_files = (".kiro/agents/*.json", ".kiro/hooks/*.json")
    has_hook = True

    def hook_call(self, event: dict) -> Call:
        from guard.hook.call import Call, tool_call, workspace

        if event.get("hook_event_name", "preToolUse") not in ("preToolUse", "PreToolUse"):
            return Call("skip")
        tool = event.get("tool_name")
        if not isinstance(tool, str) or not tool:
            return Call("bad", problem="the event has no tool_name")
        return tool_call(HOOK_TOOLS, tool, event.get("tool_input"), workspace(event, "cwd"),
                         ("@",))


AGENT = Kiro()
