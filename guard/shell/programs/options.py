"""Reading a program's arguments: which are options (and which of those take a value), which are
positional. Shared by the handlers of every family."""

from __future__ import annotations

from guard.shell.model import Arg
from guard.shell.syntax import is_assignment_word


def name_set(words: str) -> frozenset[str]:
    """A table of names written as one whitespace-separated string."""
    return frozenset(words.split())


def skip_options(args: list[Arg], with_value: frozenset[str]) -> list[Arg]:
    """The arguments after a wrapper's own options (and their values)."""
    i = 0
    while i < len(args):
        t = args[i].text
        if t == "--":
            return args[i + 1:]
        if not t.startswith("-") or t == "-":
            if is_assignment_word(t):  # sudo VAR=x cmd
                i += 1
                continue
            return args[i:]
        i += 2 if t in with_value else 1
    return []


def positional(args: list[Arg], values: bool = False) -> list[Arg]:
    """Arguments that are not options; after ``--`` everything. With ``values``, the value of a
    ``--opt=value`` option counts too (it may be a file)."""
    out = []
    rest = False
    for a in args:
        t = a.text
        if rest or not t.startswith("-") or t == "-" or a.listing is not None:
            out.append(a)
        elif t == "--":
            rest = True
        elif values and t.startswith("--") and "=" in t:
            value = t.split("=", 1)[1]
            out.append(Arg(value, a.source, dynamic=a.dynamic))
    return out


def parse_options(args: list[Arg], with_value: frozenset[str]) -> tuple[
        list[tuple[str, Arg | None]], list[Arg]]:
    """Options (``-x``, ``-xVALUE`` bundles split, ``--long=v``) and positional arguments."""
    opts: list[tuple[str, Arg | None]] = []
    pos: list[Arg] = []
    i = 0
    while i < len(args):
        a = args[i]
        t = a.text
        if t == "--":
            pos.extend(args[i + 1:])
            break
        if t.startswith("--"):
            if "=" in t:
                k, v = t.split("=", 1)
                opts.append((k, Arg(v, a.source, dynamic=a.dynamic)))
            elif t in with_value and i + 1 < len(args):
                opts.append((t, args[i + 1]))
                i += 1
            else:
                opts.append((t, None))
        elif t.startswith("-") and len(t) > 1 and a.listing is None:
            j = 1
            while j < len(t):
                flag = "-" + t[j]
                if flag in with_value:
                    if j + 1 < len(t):
                        opts.append((flag, Arg(t[j + 1:], a.source)))
                    elif i + 1 < len(args):
                        opts.append((flag, args[i + 1]))
                        i += 1
                    else:
                        opts.append((flag, None))
                    break
                opts.append((flag, None))
                j += 1
        else:
            pos.append(a)
        i += 1
    return opts, pos
