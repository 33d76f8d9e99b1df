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


TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


def report(error: GuardError) -> int:
    """The one error boundary: a GuardError becomes ``guard: error: …`` on stderr and exit
    status 2 (which also blocks in every assistant's hook contract: a wrong input fails closed).
    Every front door ends here; nothing else prints an error or picks that status."""
    import sys

    sys.stderr.write(f"guard: error: {error}\n")
    return 2


def guarded(command: Callable[..., int], *args: object, **kwargs: object) -> int:
    """``command(*args, **kwargs)``'s exit status, or :func:`report`'s for a GuardError."""
    try:
        return command(*args, **kwargs)
    except GuardError as e:
        return report(e)
