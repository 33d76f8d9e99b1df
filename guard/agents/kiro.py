"""Kiro: ``.kiroignore`` at the workspace root, gitignore syntax
(kiro.dev/docs/editor/kiroignore)."""

from __future__ import annotations

from guard.agents import IgnoreFileAgent


class Kiro(IgnoreFileAgent):
    name = "kiro"
    display_name = "Kiro"
    manifest = ".kiroignore"
    source = "kiro.dev/docs/editor/kiroignore"
    caveats = (
        "keeps listed files out of Kiro's reach in the IDE; shell commands are not covered",
    )
    hook_files = (".kiro/agents/*.json", ".kiro/hooks/*.json")


AGENT = Kiro()
