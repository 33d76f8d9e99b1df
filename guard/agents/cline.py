"""Cline: ``.clineignore`` at the workspace root, .gitignore syntax with ``!``
(cline/cline docs/cline-customization/clineignore.md). Deprecated by Cline in favour of a plugin
that uses .gitignore (docs.cline.bot/resources/deprecations)."""

from __future__ import annotations

from guard.agents import IgnoreFileAgent


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


AGENT = Cline()
