"""Kiro: ``.kiroignore`` at the workspace root, gitignore syntax
(kiro.dev/docs/editor/kiroignore).

Hooks (kiro.dev/docs/cli/hooks): ``preToolUse`` in an agent JSON (``.kiro/agents/*.json``) gets
``hook_event_name``, ``cwd``, ``tool_name``, ``tool_input`` (``fs_read`` with ``operations``,
``execute_bash``/``shell`` with ``command``, ``fs_write``; MCP ``@server/tool``). Exit 2 blocks
and stderr goes to the model; no rewrite (unverified).
"""

from __future__ import annotations

from guard.agents import HOOK_COMMAND, TYPE_CHECKING, HookInstall, IgnoreFileAgent

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
    hook_files = (".kiro/agents/*.json", ".kiro/hooks/*.json", "~/.kiro/hooks/*.json")
    hook_tools = HOOK_TOOLS
    mcp_prefixes = ("@",)
    hook_events = ("PreToolUse",)
    hook_every_tool = True  # Kiro's other tools are judged by their arguments
    # Kiro 3.0: .kiro/hooks/*.json, {"version": "v1", "hooks": [{name, trigger, matcher, action}]}
    hook_install = HookInstall(".kiro/hooks/guard.json", "~/.kiro/hooks/guard.json", "kiro",
                               {"type": "command", "command": HOOK_COMMAND}, owned=True)

    def hook_call(self, event: dict[str, object]) -> Call:
        from guard.hook.call import Call, tool_call, workspace

        if event.get("hook_event_name", "preToolUse") not in ("preToolUse", "PreToolUse"):
            return Call("skip")
        tool = event.get("tool_name")
        if not isinstance(tool, str) or not tool:
            return Call("bad", problem="the event has no tool_name")
        return tool_call(HOOK_TOOLS, tool, event.get("tool_input"), workspace(event, "cwd"),
                         self.mcp_prefixes)

    def hook_entries(self, command: str | None = None) -> dict[str, dict[str, object]]:
        """Kiro's matchers are globs ("*": every tool), not regexes."""
        assert self.hook_every_tool
        return {event: {"name": "guard", "trigger": event, "matcher": "*",
                        "action": self.hook_handler(command)} for event in self.hook_events}


AGENT = Kiro()
