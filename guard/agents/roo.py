"""Roo Code: ``.rooignore`` at the workspace root, full gitignore syntax including ``!``
(docs.roocode.com/features/rooignore)."""

from __future__ import annotations

from guard.agents import IgnoreFileAgent


class Roo(IgnoreFileAgent):
    name = "roo"
    display_name = "Roo Code"
    manifest = ".rooignore"
    source = "docs.roocode.com/features/rooignore"
    caveats = (
        "blocks Roo's read and write tools and a fixed list of shell readers (cat, grep...), "
        "not every command: the docs call it not a full sandbox",
    )


AGENT = Roo()
