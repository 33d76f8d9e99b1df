"""The programs Guard knows, by name, and what each does with its arguments.

Each family module (readers, searchers, copiers, archivers, senders, vcs, listers, printers,
environment, shells, shell_builtins, interpreters, containers, crypto, quiet) owns its tables of
program names and their handlers, and exports them as ``HANDLERS``: name -> handler; wrappers
exports ``WRAPPERS``: name -> unwrapper. guard.shell.programs.base describes both interfaces.
This module merges the tables for the walker (guard.shell.walker).
"""

from __future__ import annotations

import re

from guard.shell.programs import (
    archivers,
    containers,
    copiers,
    crypto,
    environment,
    interpreters,
    listers,
    printers,
    quiet,
    readers,
    searchers,
    senders,
    shell_builtins,
    shells,
    vcs,
    wrappers,
)
from guard.shell.programs.options import positional

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook's start-up avoids importing typing
if TYPE_CHECKING:
    from guard.shell.model import Arg
    from guard.shell.programs.base import Handler, Unwrapper, Walker
    from guard.shell.syntax import Simple

# QUIET names programs that other families handle as well (ls, find, cd…), because it is also
# consulted as a set (xargs runs none of them): for dispatch it goes first, and a family's own
# handler wins.
HANDLERS: dict[str, Handler] = dict(quiet.HANDLERS)
for _family in (readers, searchers, copiers, archivers, senders, vcs, listers, printers,
                environment, shells, shell_builtins, interpreters, containers, crypto):
    HANDLERS.update(_family.HANDLERS)
# Names too many to list, and the listed name each is handled as (python3.12 as python). Kept
# as a string: re compiles it on first use.
PATTERNS = ((r"python\d+(?:\.\d+)*$|pypy\d*(?:\.\d+)*$", "python"),)


def _listed(name: str) -> str:
    """``name``, or the listed name it is handled as; "" for a program Guard does not know."""
    if name in HANDLERS:
        return name
    return next((listed for pattern, listed in PATTERNS if re.match(pattern, name)), "")


def handler(name: str) -> Handler:
    """The handler of the program called ``name`` (a base name, not a path)."""
    listed = _listed(name)
    return HANDLERS[listed] if listed else unknown


def unwrapper(name: str) -> Unwrapper | None:
    """How to unwrap the program called ``name`` when it runs another command, else None."""
    return wrappers.WRAPPERS.get(name)


def takes_code(name: str) -> bool:
    """Shells and interpreters: a file they read through ``<`` is code, read to see what it does."""
    listed = _listed(name)
    return listed in shells.HANDLERS or listed in interpreters.HANDLERS


def stdin_safe(name: str) -> bool:
    """Whether what ``name`` prints of its standard input is only a count or a hash."""
    return name in quiet.STDIN_SAFE


def unknown(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object,
            code: list[str]) -> None:
    """A program Guard does not know: each argument may be a file it is passed (judged by name,
    the value of ``--opt=value`` included)."""
    for a in positional(args, values=True):
        w.touch("pass", a, name)
