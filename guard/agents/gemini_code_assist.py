"""Gemini Code Assist, Android Studio and Firebase Studio: ``.aiexclude``, gitignore syntax
*without* negation (developers.google.com/gemini-code-assist/docs/create-aiexclude-file: "An
.aiexclude file doesn't support negation"; one newer translation shows ``!`` working, Firebase
Studio documents it unsupported; Guard writes no ``!`` so the file means the same everywhere).

Without ``!``, templates are kept readable by listing the tree's sensitive files one by one
instead of a pattern that would also hide a template (see guard.protect.policy).
"""

from __future__ import annotations

from guard.agents import IgnoreFileAgent


class GeminiCodeAssist(IgnoreFileAgent):
    name = "gemini-code-assist"
    display_name = "Gemini Code Assist"
    manifest = ".aiexclude"
    negation = False
    source = "developers.google.com/gemini-code-assist/docs/create-aiexclude-file"
    caveats = (
        "excludes files from completion, generation and chat context; it is not an access "
        "control for agent tools; Gemini CLI does not read .aiexclude",
        "no '!' exceptions: a new file of a listed kind (say .env.staging) is covered only after "
        "`guard protect` runs again",
    )

    def excludes(self, path: str, manifest_text: str) -> bool:
        lines = [ln.strip() for ln in manifest_text.splitlines()]
        if not any(ln and not ln.startswith("#") for ln in lines):
            return True  # documented: an empty .aiexclude blocks everything below it
        return super().excludes(path, manifest_text)


AGENT = GeminiCodeAssist()
