"""git: the subcommands that print file contents (show, diff, blame, log -p, grep…), list files
(ls-files) or pack the tree (archive). ``REV:path`` names a file as of a revision."""

from __future__ import annotations

import os

from guard.config import find_root
from guard.shell.model import Access, Arg, Listing, Static
from guard.shell.programs.options import parse_options, positional

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook's start-up avoids importing typing
if TYPE_CHECKING:
    from guard.shell.programs.base import Handler, Walker
    from guard.shell.syntax import Simple


def _git(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object,
         code: list[str]) -> Static | Listing | None:
    """git [-C DIR] SUBCOMMAND…: its reads, listing or archive; ``rev-parse --show-toplevel``
    prints the top of the repository."""
    i = 0
    cwd = w.cwd
    while i < len(args) and args[i].text.startswith("-"):
        t = args[i].text
        if t == "-C" and i + 1 < len(args):
            cwd = w.abspath(args[i + 1].text)
        i += 2 if t in ("-C", "-c", "--git-dir", "--work-tree", "--namespace") else 1
    if i >= len(args):
        return None
    sub, rest = args[i].text, args[i + 1:]
    inner = w.at(cwd)
    root = find_root(cwd)
    if sub == "rev-parse" and any(a.text == "--show-toplevel" for a in rest):
        return Static(root + "\n")
    flags = {a.text for a in rest if a.text.startswith("-")}
    if sub == "grep":
        # Imported here, not at the top: a family is imported only when a command needs it.
        from guard.shell.programs.searchers import GREP_VALUE

        opts, pos = parse_options(rest, GREP_VALUE)
        if not any(k in ("-e", "-f") for k, _ in opts) and pos:
            pos = pos[1:]
        pos = [p for p in pos if os.path.exists(inner.abspath(p.text))] or [Arg(".", ".")]
        for a in pos:
            inner.touch("read", a, "git grep", scope="tree", gitignore=True)
        return None
    if sub == "ls-files":
        paths = [inner.abspath(a.text) for a in positional(rest)] or [cwd]
        return Listing(paths, "tree", True, True)
    if sub == "archive":
        inner.r.accesses.append(Access("archive", root, "git archive", "tree", gitignore=True))
        return None
    patch = bool(flags & {"-p", "-u", "--patch", "--full-diff"}) or any(
        f.startswith(("-L", "-G", "-S")) for f in flags)
    if sub == "stash" and rest and rest[0].text == "show":
        return None
    reads = sub in ("show", "diff", "blame", "annotate", "cat-file", "difftool") or (
        sub in ("log", "whatchanged", "format-patch") and (patch or sub == "format-patch"))
    if not reads:
        return None
    for a in positional(rest):
        t = a.text
        if ":" in t and "://" not in t:  # REV:path is relative to the top, REV:./path to cwd
            path = t.split(":", 1)[1]
            if not path:
                continue
            base = cwd if path.startswith(("./", "../")) else root
            inner.r.accesses.append(Access("read", os.path.normpath(os.path.join(base, path)),
                                           f"git {sub}", word=a.source))
        else:
            inner.touch("read", a, f"git {sub}")
    return None


HANDLERS: dict[str, Handler] = {"git": _git}
