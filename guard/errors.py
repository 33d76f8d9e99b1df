"""Errors that the command line reports as a message and exit code 2, never a traceback."""

from __future__ import annotations


class GuardError(Exception):
    """A problem with the user's input: a bad config, rule file or argument."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
        self.path = path
        self.line = line
        self.column = column
        where = path or ""
        if path and line:
            where = f"{path}:{line}:{column}" if column else f"{path}:{line}"
        super().__init__(f"{where}: {message}" if where else message)
