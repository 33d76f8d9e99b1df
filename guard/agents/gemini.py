"""Gemini CLI: ``.geminiignore`` at the project root, gitignore conventions including ``!``
(google-gemini/gemini-cli docs/cli/gemini-ignore.md).

Hook (docs/hooks/reference.md): ``BeforeTool`` gets ``tool_name`` and ``tool_input`` (tools
``read_file``, ``read_many_files``, ``write_file``, ``replace``, ``grep_search``, ``glob``,
``run_shell_command``; MCP ``mcp_<server>_<tool>``). ``{"decision": "deny", "reason": ...}`` blocks
and the reason goes to the model. Gemini CLI could rewrite the input, but its file tools refuse
git-ignored paths, and the redacted views live in a git-ignored directory: a denial with the
``guard view`` hint is the reply.
"""

from __future__ import annotations

from guard.agents import HOOK_COMMAND, TYPE_CHECKING, HookInstall, IgnoreFileAgent

if TYPE_CHECKING:
    from guard.hook.call import Call, Reply
    from guard.hook.context import Context
    from guard.hook.decide import Decision

# tool -> (kind, path or command argument, content argument | search: path, pattern, glob).
# Argument names changed across versions (absolute_path -> file_path, path -> dir_path).
HOOK_TOOLS = {
    "read_file": ("read", "file_path|absolute_path|path"),
    "read_many_files": ("other",),  # paths and include patterns: judged argument by argument
    "write_file": ("write", "file_path|absolute_path|path", "content"),
    "replace": ("edit", "file_path|absolute_path|path", "new_string"),
    "edit": ("edit", "file_path|absolute_path|path", "new_string"),
    "grep_search": ("search", "dir_path|path", "pattern", "include|glob"),
    "search_file_content": ("search", "dir_path|path", "pattern", "include|glob"),
    "grep": ("search", "dir_path|path", "pattern", "include|glob"),
    "glob": ("list",),
    "list_directory": ("list",),
    "run_shell_command": ("shell", "command"),
    "web_fetch": ("skip",),
    "google_web_search": ("skip",),
    "save_memory": ("skip",),
    "write_todos": ("skip",),
    "todo_write": ("skip",),
}


def gemini_call(event: dict[str, object], event_name: str, table: dict[str, tuple[str, ...]],
                mcp_prefixes: tuple[str, ...] = ("mcp_",)) -> Call:
    """A Gemini-shaped pre-tool event (Gemini CLI ``BeforeTool``, Qwen Code ``PreToolUse``)."""
    from guard.hook.call import Call, tool_call, workspace

    name = event.get("hook_event_name")
    if name is not None and name != event_name:
        return Call("skip")
    tool = event.get("tool_name")
    if not isinstance(tool, str) or not tool:
        return Call("bad", problem="the event has no tool_name")
    return tool_call(table, tool, event.get("tool_input"), workspace(event, "cwd"), mcp_prefixes)


class Gemini(IgnoreFileAgent):
    name = "gemini"
    display_name = "Gemini CLI"
    manifest = ".geminiignore"
    source = "google-gemini/gemini-cli docs/cli/gemini-ignore.md"
    caveats = (
        "read_file and @-includes honour it, but the model can pass no_ignore / "
        "respect_gemini_ignore=false to grep and glob, and run_shell_command is not filtered; "
        "restart Gemini CLI after a change",
        # gemini-cli #5444: re-including files under an ignored *directory* fails, as in git;
        # Guard's exceptions name files (.env.example), which that report does not concern.
    )
    hook_files = (".gemini/settings.json", "~/.gemini/settings.json")
    hook_tools = HOOK_TOOLS
    mcp_prefixes = ("mcp_",)
    hook_events = ("BeforeTool",)
    output_events = ("AfterTool",)
    hook_install = HookInstall(".gemini/settings.json", "~/.gemini/settings.json", "grouped",
                               {"type": "command", "command": HOOK_COMMAND, "name": "guard",
                                "timeout": 30000})  # Gemini CLI counts milliseconds

    def hook_call(self, event: dict[str, object]) -> Call:
        return gemini_call(event, self.hook_events[0], HOOK_TOOLS, self.mcp_prefixes)

    def hook_reply(self, decision: Decision, call: Call, event: dict[str, object],
                   ctx: Context | None = None) -> Reply:
        from guard.hook.call import Reply, dumps

        if decision.allowed:
            return Reply()
        return Reply(stdout=dumps({"decision": "deny", "reason": f"Guard: {decision.reason}"}))

    def output_reply(self, event: dict[str, object], result: object, count: int,
                     why: str) -> Reply:
        """``decision: deny`` gives the model ``{"error": reason}`` instead of the result: the
        reason carries the redacted result."""
        from guard.hook.call import Reply, dumps
        from guard.hook.output import reason_text

        reason = reason_text(result, count, why)
        if reason is None:
            return Reply()
        return Reply(stdout=dumps({"decision": "deny", "reason": reason}))


AGENT = Gemini()
