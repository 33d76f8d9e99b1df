"""JetBrains AI Assistant and Junie: ``.aiignore`` at the project root, the same syntax as
.gitignore, negation included (jetbrains.com/help/junie/aiignore.html shows ``!`` patterns;
jetbrains.com/help/ai-assistant/disable-ai-assistant.html)."""

from __future__ import annotations

from guard.agents import IgnoreFileAgent


class JetBrains(IgnoreFileAgent):
    name = "jetbrains"
    display_name = "JetBrains AI / Junie"
    manifest = ".aiignore"
    source = "jetbrains.com/help/junie/aiignore.html"
    caveats = (
        "AI Assistant does not process listed files, with a documented caveat that some may "
        "still leak; Junie only asks for approval before viewing or editing them",
    )


AGENT = JetBrains()
