"""Qwen Code: ``.qwenignore`` at the project root, gitignore conventions including ``!``
(qwenlm.github.io/qwen-code-docs/en/users/configuration/qwen-ignore)."""

from __future__ import annotations

from guard.agents import IgnoreFileAgent


class Qwen(IgnoreFileAgent):
    name = "qwen"
    display_name = "Qwen Code"
    manifest = ".qwenignore"
    source = "qwenlm.github.io/qwen-code-docs/en/users/configuration/qwen-ignore"
    caveats = (
        "honoured by the tools that support it, applied after a restart; shell commands are not "
        "covered (a Gemini CLI fork: the glob/grep override loophole probably applies)",
    )
    hook_files = (".qwen/settings.json", "~/.qwen/settings.json")


AGENT = Qwen()
