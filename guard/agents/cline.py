"""Cline: ``.clineignore`` at the workspace root, .gitignore syntax with ``!``
(cline/cline docs/cline-customization/clineignore.md). Deprecated by Cline in favour of a plugin
that uses .gitignore (docs.cline.bot/resources/deprecations).

Hooks (docs.cline.bot/customization/hooks): an executable named ``PreToolUse`` in
``.clinerules/hooks/``. stdin ``{hookName, workspaceRoots, preToolUse: {toolName, parameters}}``;
the reply ``{"cancel": true, "errorMessage": ...}`` stops the tool; no input rewrite.
"""

from __future__ import annotations

from guard.agents import TYPE_CHECKING, HookInstall, IgnoreFileAgent

if TYPE_CHECKING:
    from guard.hook.call import Call, Reply
    from guard.hook.context import Context
    from guard.hook.decide import Decision

HOOK_TOOLS = {
    "read_file": ("read", "path"),
    "write_to_file": ("write", "path", "content"),
    "replace_in_file": ("edit", "path", "diff"),
    "search_files": ("search", "path", "regex", "file_pattern"),
    "list_files": ("list",),
    "list_code_definition_names": ("other",),
    "execute_command": ("shell", "command"),
    "use_mcp_tool": ("other",),
    "access_mcp_resource": ("other",),
    "browser_action": ("skip",),
    "ask_followup_question": ("skip",),
    "attempt_completion": ("skip",),
}


class Cline(IgnoreFileAgent):
    name = "cline"
    display_name = "Cline"
    manifest = ".clineignore"
    source = "docs.cline.bot/resources/deprecations"
    caveats = (
        ".clineignore is deprecated: Cline now documents it as controlling automatic context "
        "loading only, never access; shell commands can read listed files",
    )
    hook_files = (".clinerules/hooks/PreToolUse", "~/Documents/Cline/Hooks/PreToolUse")
    hook_tools = HOOK_TOOLS
    hook_events = ("PreToolUse",)
    hook_every_tool = True  # an executable has no matcher: Cline runs it for every tool
    hook_install = HookInstall(".clinerules/hooks/PreToolUse", "~/Documents/Cline/Hooks/PreToolUse",
                               "script")

    def hook_call(self, event: dict[str, object]) -> Call:
        from guard.hook.call import Call, tool_call, workspace

        if event.get("hookName", "PreToolUse") != "PreToolUse":
            return Call("skip")
        pre = event.get("preToolUse")
        if not isinstance(pre, dict) or not isinstance(pre.get("toolName"), str):
            return Call("bad", problem="the event has no preToolUse.toolName")
        tool, args = pre["toolName"], pre.get("parameters")
        if tool == "use_mcp_tool" and isinstance(args, dict) and \
                isinstance(args.get("arguments"), str):
            import contextlib
            import json

            with contextlib.suppress(ValueError):  # MCP arguments arrive as a JSON string
                args = dict(args, arguments=json.loads(args["arguments"]))
        return tool_call(HOOK_TOOLS, tool, args, workspace(event, "workspaceRoots"))

    def hook_reply(self, decision: Decision, call: Call, event: dict[str, object],
                   ctx: Context | None = None) -> Reply:
        from guard.hook.call import Reply, dumps

        if decision.allowed:
            return Reply(stdout=dumps({"cancel": False}))
        return Reply(stdout=dumps({"cancel": True, "errorMessage": f"Guard: {decision.reason}"}))


AGENT = Cline()
