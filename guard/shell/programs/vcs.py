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
    if sub == "add" and flags & {"-f", "--force"}:
        for a in positional(rest):  # a git-ignored file into the index, where git shows it
            inner.touch("copy", a, "git add -f")
        return None
    if sub in ("remote", "config") and (
            (sub == "remote" and (flags & {"-v", "--verbose"} or any(
                a.text in ("show", "get-url") for a in rest)))
            or (sub == "config" and (flags & {"-l", "--list", "--get-regexp", "--get",
                                              "--get-all"}))):
        # remote URLs, which may carry credentials (https://user:TOKEN@host/…)
        inner.r.accesses.append(Access("read", root, f"git {sub}", "config"))
        return None
    patch = bool(flags & {"-p", "-u", "--patch", "--full-diff"}) or any(
        f.startswith(("-L", "-G", "-S")) for f in flags)
    if sub == "stash" and rest and rest[0].text == "show":
        if patch:
            inner.r.accesses.append(Access("read", root, "git stash show -p", "history"))
        return None
    history = sub in ("fast-export", "bundle") or (
        sub == "cat-file" and flags & {"--batch", "--batch-all-objects", "--batch-check"})
    reads = history or sub in ("show", "diff", "blame", "annotate", "cat-file", "difftool") or (
        sub in ("log", "whatchanged", "format-patch") and (patch or sub == "format-patch"))
    names_only = bool(flags & {"--stat", "--name-only", "--name-status", "--numstat",
                               "--shortstat", "--summary", "--dirstat", "--raw"}) and not patch
    if not reads or (names_only and sub in ("diff", "show", "log", "whatchanged")):
        return None  # names and counts: no line of a file
    # files named (REV:path, a path on disk, an unknown word); the rest are revisions
    files = [a for a in positional(rest) if a.dynamic or ":" in a.text or os.path.lexists(
        inner.abspath(a.text))]
    if history or (sub != "blame" and not files):
        # what commits hold, not a file named on the command line: judged by what the
        # repository's history holds (guard.hook.decide)
        inner.r.accesses.append(Access("read", root, f"git {sub}", "history"))
    for a in files:
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
