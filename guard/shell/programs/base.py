"""The one interface between the walk and the programs it meets, for type checkers and readers:
nothing imports this module at run time (only under ``if TYPE_CHECKING:``), so it may use
typing.

The walker (guard.shell.walker) looks handlers up in guard.shell.programs, so handlers cannot
import the walker; each gets it as a ``Walker``, the protocol below, which lists all a handler
may use. guard.shell.walker.ShellWalker implements it.

A handler is called as ``handler(w, name, args, cmd, feed, code)``:

- ``name``: the program's name (``cat``; a path's base name), ``args`` its expanded arguments;
- ``cmd``: the simple command as parsed (its words, for what echo prints as written);
- ``feed``: what the previous command of a pipe prints: a Static or a Listing when Guard knows,
  None when nothing is piped in, anything else when it comes from a command Guard cannot predict;
- ``code``: the text that a heredoc, a here-string or a script read through ``<`` hands the
  program on its standard input (code, for shells and interpreters).

It records what the program does through the walker (``w.touch``, ``w.r``) and returns what the
program prints when Guard can know it (a Static or a Listing), for the next command of a pipe or
a ``$( )``; None otherwise.

A wrapper (sudo, timeout, env, xargs, uv run…) is called before the command's redirections are
read, as ``unwrap(w, name, args, cmd, feed, piped)``, and runs the command it wraps through
``w.run``; it returns guard.shell.programs.NOT_A_WRAPPER when this use of the name wraps nothing
(``uv sync``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from guard.shell.model import Analysis, Arg, Listing, Static
from guard.shell.programs import NotAWrapper
from guard.shell.syntax import Redirect, Simple, Word


class Walker(Protocol):
    """What handlers may use of the walk of a command line."""

    r: Analysis  # the findings, appended to by handlers
    cwd: str  # the current directory at this point of the command line (``cd`` changes it)
    cwd_unknown: bool  # after a ``cd`` to a directory Guard cannot know
    home: str
    vars: dict[str, list[str] | None]  # shell variables: their possible values, None if unknown

    def abspath(self, text: str) -> str:
        """``text`` as an absolute, normalised path from the current directory."""

    def touch(self, op: str, arg: Arg, program: str, **scope: Any) -> None:
        """Record that ``program`` does ``op`` ("read", "send"…; see guard.shell.model) with the
        file, glob or listing ``arg`` stands for; ``scope`` gives Access's scope fields."""

    def run(self, args: list[Arg], cmd: Simple, feed: object,
            piped: bool) -> Static | Listing | None:
        """Walk one command (``args[0]`` is the program), as a wrapper or ``find -exec`` runs it."""

    def run_script(self, text: str, positional: list[str] | None = None) -> Static | Listing | None:
        """Parse and walk code that the command runs (``sh -c``, ``eval``, a script file) one level
        deeper, with ``positional`` as ``$0 $1…`` when given. Raises ParseError when it does not
        parse or nests too deeply: the whole analysis then fails closed."""

    def at(self, cwd: str) -> Walker:
        """A walker like this one in another directory (``tar -C DIR``, ``git -C DIR``)."""

    def redirects(self, redirects: list[Redirect], program: str) -> list[str]:
        """Record the redirections of a command run by ``program``; returns the code that they
        hand it on its standard input."""

    def note_printed(self, word: Word, program: str) -> None:
        """Record the variables that ``word``, printed by ``program``, expands."""

    def read_script(self, path: str) -> str | None:
        """The text of a script file a command runs, when it is small enough to read."""


Output = Static | Listing | None
Handler = Callable[[Walker, str, list[Arg], Simple, object, list[str]], Output]
Unwrapper = Callable[[Walker, str, list[Arg], Simple, object, bool], Output | NotAWrapper]
