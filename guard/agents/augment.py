"""Augment: ``.augmentignore`` at the workspace root, gitignore glob patterns, applied after
.gitignore; ``!`` re-includes (docs.augmentcode.com/setup-augment/workspace-indexing).

Hooks (docs.augmentcode.com/cli/hooks): Claude-shaped ``PreToolUse`` in ``.augment/settings.json``
with Auggie's tool names (``view``, ``launch-process``, ``str-replace-editor``, ``save-file``);
the documented examples block with exit 2 and the reason on stderr; rewrite unverified.
"""

from __future__ import annotations

from guard.agents import HOOK_COMMAND, TYPE_CHECKING, HookInstall, IgnoreFileAgent

if TYPE_CHECKING:
    from guard.hook.call import Call

HOOK_TOOLS = {
    "view": ("read", "path|file_path"),
    "save-file": ("write", "path|file_path", "file_content|content"),
    "str-replace-editor": ("edit", "path|file_path", "new_str|new_str_1"),
    "launch-process": ("shell", "command"),
    "grep-search": ("search", "directory_absolute_path|path", "query|pattern",
                    "files_include_glob"),
    "codebase-retrieval": ("skip",),
    "web-fetch": ("skip",),
    "web-search": ("skip",),
}


class Augment(IgnoreFileAgent):
    name = "augment"
    display_name = "Augment"
    manifest = ".augmentignore"
    source = "docs.augmentcode.com/setup-augment/workspace-indexing"
    caveats = (
        "controls what is indexed (uploaded to Augment's context engine), not the agent's "
        "tool calls",
    )
    hook_files = (".augment/settings.json", "~/.augment/settings.json")
    hook_tools = HOOK_TOOLS
    mcp_prefixes = ("mcp__",)
    hook_events = ("PreToolUse",)
    hook_every_tool = True  # Auggie has more tools than the table: the others are judged
    hook_install = HookInstall(".augment/settings.json", "~/.augment/settings.json", "grouped",
                               {"type": "command", "command": HOOK_COMMAND, "timeout": 30})

    def hook_call(self, event: dict[str, object]) -> Call:
        from guard.agents.claude import claude_call

        return claude_call(event, HOOK_TOOLS, self.mcp_prefixes)


AGENT = Augment()
