"""The values of the user's sensitive files today, to say which file still holds a secret an
assistant saw, and to find values no rule recognises (a password in ``.env``).

A thin wrapper around the redactor's public API (``Redactor.values`` and ``Redactor.sources``):
values of one project's sensitive files (and of the user's credential files in the home), each
with the file it came from. Values stay in memory; only their paths are reported.
"""

from __future__ import annotations

import os

from guard.judge import Judge

TYPE_CHECKING = False
if TYPE_CHECKING:
    from guard import config as config_mod

MIN_KNOWN = 8  # a shorter value would match ordinary words in transcripts


class Known:
    """Known values per project (None: the home's credential files only), built on first use."""

    def __init__(self, cfg: config_mod.Config, judge: Judge, home: str) -> None:
        self.cfg = cfg
        self.judge = judge
        self.home = home
        self._by_project: dict[str | None, dict[bytes, tuple[str, str]]] = {}
        self.all: dict[bytes, tuple[str, str]] = {}  # every value seen: (path, label)

    def values(self, project: str | None) -> dict[bytes, tuple[str, str]]:
        """value -> (the file holding it, its label) for ``project``."""
        if project is not None and not os.path.isdir(project):
            project = None
        found = self._by_project.get(project)
        if found is None:
            found = self._by_project[project] = self._gather(project)
            self.all.update(found)
        return found

    def _gather(self, project: str | None) -> dict[bytes, tuple[str, str]]:
        from guard.redactor import Redactor

        # root: the project; with no project, an empty place, so that only the home's files count
        root = project or os.path.join(self.home, ".guard-sweep-no-project")
        judge = Judge(self.cfg, pack=self.judge.pack, root=root, home=self.home)
        redactor = Redactor(judge, env={}, home=self.home)
        found: dict[bytes, tuple[str, str]] = {}
        try:
            for value, label in redactor.values():
                # values() reads file after file and lists each in `sources` before its values
                if len(value) >= MIN_KNOWN and redactor.sources:
                    found.setdefault(value, (redactor.sources[-1], label))
        except OSError:
            pass
        return found

    def holder(self, value: bytes) -> str | None:
        """The file that holds ``value`` today, among the projects looked at."""
        hit = self.all.get(value)
        return hit[0] if hit else None
