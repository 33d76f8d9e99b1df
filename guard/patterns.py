"""Gitignore-style pattern lists, matched the way git (and pathspec's GitIgnoreSpec) does.

pathspec translates each pattern to a regex; matching is done here with plain ``re`` because
pathspec 1.x compiles every spec into a Hyperscan database (tens of milliseconds each), and its
import alone costs more than a hook can spend. The translated regexes are plain data, so a
caller can cache them and never import pathspec again.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing or collections costs a hook
if TYPE_CHECKING:
    from collections.abc import Iterable
    from re import Pattern


def translate(lines: Iterable[str]) -> list[tuple[str, bool]]:
    """(regex, include) for each pattern line; blank lines and comments give nothing."""
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

    out: list[tuple[str, bool]] = []
    for line in lines:
        regex, include = GitIgnoreSpecPattern.pattern_to_regex(line)
        if regex is not None:
            out.append((regex, bool(include)))
    return out


class GitIgnore:
    """An ordered pattern list: the last matching pattern decides, as in a .gitignore file."""

    __slots__ = ("_compiled", "translated")

    def __init__(self, translated: list[tuple[str, bool]]) -> None:
        self.translated = translated
        self._compiled: list[tuple[Pattern[str], bool]] | None = None

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> GitIgnore:
        return cls(translate(lines))

    def __bool__(self) -> bool:
        return bool(self.translated)

    def check(self, path: str) -> bool | None:
        """True (ignored), False (re-included by a `!` pattern) or None (no pattern matched).

        Like git, a match through a directory (the file lies under an ignored directory) ranks
        below a match of the path itself, so `dir/` then `!dir/f` leaves dir/f ignored.
        """
        if self._compiled is None:
            import re

            self._compiled = [(re.compile(rx), inc) for rx, inc in self.translated]
        result = None
        priority = 0
        for regex, include in self._compiled:
            m = regex.match(path)
            if m is None:
                continue
            rank = 1 if m.groupdict().get("ps_d") is not None else 2
            if (include and rank == 1) or rank >= priority:
                result, priority = include, rank
        return result

    def match(self, path: str) -> bool:
        return self.check(path) is True
