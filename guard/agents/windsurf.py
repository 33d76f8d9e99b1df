"""Windsurf (Codeium / Devin Desktop): ``.codeiumignore`` at the repository root, "the same
syntax as .gitignore" (docs.windsurf.com/context-awareness/windsurf-ignore).

Cascade hooks (docs.windsurf.com/windsurf/cascade/hooks): ``.windsurf/hooks.json``; events
``pre_read_code``, ``pre_write_code``, ``pre_run_command``, ``pre_mcp_tool_use``. The event names
the action in ``agent_action_name`` and its arguments in ``tool_info`` (``file_path``,
``command_line``, ``cwd``, ``mcp_tool_name``, ``mcp_tool_arguments``; field names from third-party
docs, unverified). A pre-hook blocks with exit 2, stderr shown; there is no rewrite channel.
"""

from __future__ import annotations

from guard.agents import HOOK_COMMAND, TYPE_CHECKING, HookInstall, IgnoreFileAgent

if TYPE_CHECKING:
    from guard.hook.call import Call

HOOK_EVENTS = ("pre_read_code", "pre_write_code", "pre_run_command", "pre_mcp_tool_use")


class Windsurf(IgnoreFileAgent):
    name = "windsurf"
    display_name = "Windsurf"
    manifest = ".codeiumignore"
    source = "docs.windsurf.com/context-awareness/windsurf-ignore"
    caveats = (
        "documented as an indexing exclusion; whether Cascade's own file reads honour it is "
        "unverified, and terminal commands are not covered",
    )
    hook_files = (".windsurf/hooks.json", "~/.codeium/windsurf/hooks.json")
    mcp_prefixes = ("",)  # every tool of pre_mcp_tool_use
    hook_events = HOOK_EVENTS
    hook_every_tool = True
    hook_install = HookInstall(".windsurf/hooks.json", "~/.codeium/windsurf/hooks.json", "flat",
                               {"command": HOOK_COMMAND, "show_output": True})

    def hook_call(self, event: dict[str, object]) -> Call:
        from guard.hook.call import Call, first, tool_call

        action = event.get("agent_action_name")
        info = event.get("tool_info")
        if not isinstance(info, dict):
            return Call("bad", problem="the event has no tool_info object")
        import os

        cwd = first(info, "cwd") or os.getcwd()
        if action == "pre_read_code":
            return tool_call({"r": ("read", "file_path|path")}, "r", info, cwd)
        if action == "pre_write_code":
            return tool_call({"w": ("edit", "file_path|path")}, "w", info, cwd)
        if action == "pre_run_command":
            return tool_call({"s": ("shell", "command_line|command")}, "s", info, cwd)
        if action == "pre_mcp_tool_use":
            tool = first(info, "mcp_tool_name") or "mcp"
            return tool_call({}, tool, info.get("mcp_tool_arguments"), cwd, self.mcp_prefixes)
        return Call("skip")


AGENT = Windsurf()
