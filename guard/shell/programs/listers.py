"""Programs that list files: find (whose -exec runs a command on what it finds), ls, fd. What they
print is a Listing, which xargs or a ``$( )`` can turn into the arguments of a reader."""

from __future__ import annotations

import os

from guard.shell import parse as sp
from guard.shell.model import Arg, Listing
from guard.shell.programs.options import name_set, parse_options

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook's start-up avoids importing typing
if TYPE_CHECKING:
    from guard.shell.programs.base import Handler, Walker


def _find(w: Walker, name: str, args: list[Arg], cmd: sp.Simple, feed: object,
          code: list[str]) -> Listing | None:
    """The trees find searches, filtered by -name; -exec runs its command on them, and then
    find prints nothing."""
    i = 0
    starts: list[str] = []
    while i < len(args) and args[i].text not in ("(", "!") and not args[i].text.startswith("-"):
        starts.append(w.abspath(args[i].text))
        i += 1
    while i < len(args) and args[i].text in ("-H", "-L", "-P"):
        i += 1
    starts = starts or [w.cwd]
    names: list[str] = []
    exec_cmds: list[list[Arg]] = []
    prints = True
    while i < len(args):
        t = args[i].text
        if t in ("-name", "-iname") and i + 1 < len(args):
            names.append(args[i + 1].text)
            i += 2
            continue
        if t in ("-exec", "-execdir", "-ok", "-okdir"):
            j = i + 1
            while j < len(args) and args[j].text not in (";", "+"):
                j += 1
            exec_cmds.append(args[i + 1:j])
            prints = False
            i = j + 1
            continue
        if t in ("-delete", "-fprint", "-fls", "-fprintf", "-quit"):
            prints = prints and t == "-quit"
        i += 1
    listing = Listing(starts, "tree", True, False, tuple(names))
    if exec_cmds:
        # Imported here, not at the top: a family is imported only when a command needs it.
        from guard.shell.programs.shells import SHELLS
    for inner in exec_cmds:
        if not inner:
            continue
        argv = [Arg("", "{}", listing=listing) if a.text == "{}" else a for a in inner]
        if "{}" in inner[0].text:
            continue
        program = os.path.basename(argv[0].text)
        if program in SHELLS and any(a.text == "-c" for a in argv):
            w.r.dynamic.append(f"`find -exec {program} -c` runs a script on found files")
        w.run(argv, sp.Simple(), None, False)
    return listing if prints else None


def _ls(w: Walker, name: str, args: list[Arg], cmd: sp.Simple, feed: object,
        code: list[str]) -> Listing:
    """A directory's entries (dotfiles with -a, all below with -R), or the files named."""
    opts, pos = parse_options(args, frozenset({"-I", "--ignore", "-w", "--width", "-T"}))
    flags = {k for k, _ in opts}
    hidden = bool(flags & {"-a", "-A", "--all", "--almost-all"})
    scope = "tree" if flags & {"-R", "--recursive"} else "children"
    paths = [w.abspath(a.text) for a in pos if a.text] or [w.cwd]
    files = [p for p in paths if not os.path.isdir(p)]
    dirs = [p for p in paths if os.path.isdir(p)]
    if files and not dirs:
        return Listing(files, "file")
    return Listing(dirs + files, scope, hidden)


def _fd(w: Walker, name: str, args: list[Arg], cmd: sp.Simple, feed: object,
        code: list[str]) -> Listing:
    """fd PATTERN [PATHS]: like rg, it skips dotfiles and ignored files; -x/-X run a command."""
    opts, pos = parse_options(args, name_set("-e -t -E -d -x -X --extension --type --exclude "
                                             "--max-depth --exec --exec-batch"))
    flags = {k for k, _ in opts}
    hidden = bool(flags & {"-H", "--hidden", "-u", "--unrestricted"})
    ignore = not (flags & {"-I", "--no-ignore", "-u", "--unrestricted"})
    paths = [w.abspath(a.text) for a in pos[1:]] or [w.cwd]
    listing = Listing(paths, "tree", hidden, ignore)
    for k, v in opts:
        if k in ("-x", "--exec", "-X", "--exec-batch") and v is not None:
            w.run([v, Arg("", "{}", listing=listing)], sp.Simple(), None, False)
    return listing


HANDLERS: dict[str, Handler] = {"find": _find, "ls": _ls, "fd": _fd, "fdfind": _fd}
