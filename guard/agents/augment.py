"""Augment: ``.augmentignore`` at the workspace root, gitignore glob patterns, applied after
.gitignore; ``!`` re-includes (docs.augmentcode.com/setup-augment/workspace-indexing)."""

from __future__ import annotations

from guard.agents import IgnoreFileAgent


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


AGENT = Augment()
