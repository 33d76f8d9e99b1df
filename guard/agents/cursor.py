"""Cursor: ``.cursorignore`` at the workspace root, gitignore syntax including ``!``
(cursor.com/docs/reference/ignore-file)."""

from __future__ import annotations

from guard.agents import IgnoreFileAgent


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


AGENT = Cursor()
