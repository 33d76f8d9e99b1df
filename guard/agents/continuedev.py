"""Continue: ``.continueignore`` at the workspace root, gitignore rules (docs.continue.dev;
Continue reads it with the ``ignore`` package, core/indexing/ignore.ts, which supports ``!``)."""

from __future__ import annotations

from guard.agents import IgnoreFileAgent


class Continue(IgnoreFileAgent):
    name = "continue"
    display_name = "Continue"
    manifest = ".continueignore"
    source = "docs.continue.dev/reference/deprecated-codebase"
    caveats = (
        "governs codebase indexing and @Codebase (deprecated by Continue), not the agent's "
        "tool reads",
    )


AGENT = Continue()
