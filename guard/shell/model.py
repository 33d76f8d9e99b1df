"""What the shell analysis finds (Access, Analysis) and the values it passes around while it
walks a command line (Arg, Listing, Static). guard.hook.decide judges the findings; nothing here
knows what is sensitive."""

from __future__ import annotations

from guard.shell.syntax import Node

# Operations on a file. REVEALING ones hand its content to the agent or out of the machine;
# "pass" is a file named to a program Guard does not know (judged by name only, not content).
REVEALING = frozenset({"read", "open", "copy", "move", "archive", "send", "source"})


class Access(Node):
    """One use of a file or a tree of files by one command."""

    __slots__ = ("command", "excludes", "gitignore", "hidden", "names", "op", "path", "scope",
                 "word")

    def __init__(self, op: str, path: str, command: str, scope: str = "file",
                 hidden: bool = True, gitignore: bool = False, names: tuple[str, ...] = (),
                 excludes: tuple[str, ...] = (), word: str = "") -> None:
        self.op = op
        self.path = path  # absolute and normalised; symlinks are not resolved here
        self.command = command
        # "file", "children" (a directory's entries), "tree" (all below), "history" (what the
        # commits, stash and index of the repository at ``path`` hold) or "config" (its config)
        self.scope = scope
        self.hidden = hidden  # the tool also sees dotfiles
        self.gitignore = gitignore  # the tool skips what .gitignore ignores
        self.names = names  # only entries whose name matches one of these globs
        self.excludes = excludes  # entries matching these globs (name or path) are skipped
        self.word = word  # as written in the command


class Analysis(Node):
    """What one command line does with files and the environment (guard.shell.analyze)."""

    __slots__ = ("accesses", "dynamic", "env_dumps", "error", "globs", "printed_vars", "simple")

    def __init__(self, error: str = "") -> None:
        self.accesses: list[Access] = []
        # Globs that matched nothing (so bash passes them on as they are): (absolute escaped
        # pattern, command, word). What a glob matched is in ``accesses``.
        self.globs: list[tuple[str, str, str]] = []
        self.env_dumps: list[str] = []
        self.printed_vars: list[tuple[str, str]] = []  # (variable, command)
        self.dynamic: list[str] = []
        self.error = error
        self.simple: tuple[str, list[str]] | None = None  # (program, files) for `cat FILE` alone

    def revealing(self) -> list[Access]:
        """The accesses that hand a file's content to the agent or out of the machine."""
        return [a for a in self.accesses if a.op in REVEALING]


class Listing(Node):
    """What a listing command prints: names of files under some paths."""

    __slots__ = ("excludes", "gitignore", "hidden", "names", "paths", "scope")

    def __init__(self, paths: list[str], scope: str = "tree", hidden: bool = True,
                 gitignore: bool = False, names: tuple[str, ...] = (),
                 excludes: tuple[str, ...] = ()) -> None:
        self.paths = paths
        self.scope = scope
        self.hidden = hidden
        self.gitignore = gitignore
        self.names = names
        self.excludes = excludes


class Arg(Node):
    """One argument of a command after expansion: its text, and how much of it Guard knows."""

    __slots__ = ("dynamic", "listing", "pattern", "source", "text", "vars")

    def __init__(self, text: str, source: str, pattern: str = "", dynamic: str = "",
                 listing: Listing | None = None, vars: tuple[str, ...] = ()) -> None:
        self.text = text
        self.source = source
        self.pattern = pattern  # the glob as written, when the word had one matching nothing
        self.dynamic = dynamic  # why the value is not known ("$f", "$(…)")
        self.listing = listing
        self.vars = vars  # variables expanded into it


class Static(Node):
    """Output known from the command line itself (echo, printf, a heredoc)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text
