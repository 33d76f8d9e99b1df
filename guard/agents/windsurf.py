"""Windsurf (Codeium / Devin Desktop): ``.codeiumignore`` at the repository root, "the same
syntax as .gitignore" (docs.windsurf.com/context-awareness/windsurf-ignore)."""

from __future__ import annotations

from guard.agents import IgnoreFileAgent


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


AGENT = Windsurf()
