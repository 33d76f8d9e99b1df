"""Gemini CLI: ``.geminiignore`` at the project root, gitignore conventions including ``!``
(google-gemini/gemini-cli docs/cli/gemini-ignore.md)."""

from __future__ import annotations

from guard.agents import IgnoreFileAgent


class Gemini(IgnoreFileAgent):
    name = "gemini"
    display_name = "Gemini CLI"
    manifest = ".geminiignore"
    source = "google-gemini/gemini-cli docs/cli/gemini-ignore.md"
    caveats = (
        "read_file and @-includes honour it, but the model can pass no_ignore / "
        "respect_gemini_ignore=false to grep and glob, and run_shell_command is not filtered; "
        "restart Gemini CLI after a change",
        # gemini-cli #5444: re-including files under an ignored *directory* fails, as in git;
        # Guard's exceptions name files (.env.example), which that report does not concern.
    )
    hook_files = (".gemini/settings.json", "~/.gemini/settings.json")


AGENT = Gemini()
