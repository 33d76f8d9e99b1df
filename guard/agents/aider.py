"""Aider: ``.aiderignore`` in the git root, gitignore syntax (aider.chat/docs/config/options.html,
``--aiderignore``); Aider matches it with pathspec's gitwildmatch, the matcher the tests use."""

from __future__ import annotations

from guard.agents import IgnoreFileAgent


class Aider(IgnoreFileAgent):
    name = "aider"
    display_name = "Aider"
    manifest = ".aiderignore"
    source = "aider.chat/docs/config/options.html"
    caveats = (
        "listed files leave the repo map and /add refuses them; shell commands Aider runs (after "
        "you confirm them) are not covered; Aider has no hooks",
    )


AGENT = Aider()
