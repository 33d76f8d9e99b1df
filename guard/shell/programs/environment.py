"""Programs that print the environment or shell variables (printenv, export -p, declare -p,
set), and dotenv files loaded into a program's environment: python-dotenv's and dotenv-cli's
``dotenv``, and ``--env-file`` options. Loading a file (op "load") hides its values; printing
them (``dotenv list``) is a read."""

from __future__ import annotations

from guard.shell import parse as sp
from guard.shell.model import Access
from guard.shell.programs.options import positional
from guard.shell.syntax import is_assignment_word

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook's start-up avoids importing typing
if TYPE_CHECKING:
    from guard.shell.model import Arg
    from guard.shell.programs.base import Handler, Walker
    from guard.shell.syntax import Simple


def _env_dump(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object,
              code: list[str]) -> None:
    """printenv, export, declare, typeset, local, readonly, set: what they print of the
    environment; their assignments (``export F=.env``) define variables too."""
    pos = positional(args)
    if name == "printenv" and pos:
        for a in pos:
            w.r.printed_vars.append((a.text, name))
        return
    if name in ("export", "declare", "typeset", "local", "readonly"):
        flags = "".join(a.text[1:] for a in args if a.text.startswith("-"))
        names = [a for a in pos if not is_assignment_word(a.text)]
        for a in pos:  # export F=.env defines F as much as F=.env does
            n = is_assignment_word(a.text)
            if n:
                w.vars[a.text[:n].rstrip("=+")] = None if a.dynamic else [a.text[n:]]
        if name in ("export", "readonly") and not pos and (not flags or "p" in flags):
            w.r.env_dumps.append(f"{name} -p" if flags else name)
        elif name in ("declare", "typeset") and not names and (
                not pos and (not flags or set(flags) & set("px"))):
            w.r.env_dumps.append(f"{name} -{flags}" if flags else name)
        elif name in ("declare", "typeset") and "p" in flags:
            for a in names:
                w.r.printed_vars.append((a.text, f"{name} -p"))
        return
    if name == "set" and not args:
        w.r.env_dumps.append("set")
        return
    if name == "printenv":
        w.r.env_dumps.append("printenv")


def dotenv(w: Walker, argv: list[str], args: list[Arg]) -> None:
    """python-dotenv's CLI prints with ``list`` and ``get``; dotenv-cli (npm) only loads."""
    path = ".env"
    for i, t in enumerate(argv):
        if t in ("-f", "--file", "-e") and i + 1 < len(argv):
            path = argv[i + 1]
    if any(t in ("list", "get") for t in argv):
        w.r.accesses.append(Access("read", w.abspath(path), "dotenv", word=path))
    else:
        w.r.accesses.append(Access("load", w.abspath(path), "dotenv", word=path))


def env_file_option(w: Walker, name: str, args: list[Arg]) -> None:
    """``--env-file F`` of a program that only loads it: a use, not a read."""
    for i, a in enumerate(args):
        if a.text.startswith("--env-file"):
            value = a.text.split("=", 1)[1] if "=" in a.text else (
                args[i + 1].text if i + 1 < len(args) else "")
            if value:
                w.r.accesses.append(Access("load", w.abspath(value), name, word=a.source))


def _dotenv_cli(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object,
                code: list[str]) -> None:
    """``dotenv``: python-dotenv's CLI, or dotenv-cli's ``dotenv [-e FILE] -- COMMAND``."""
    texts = [a.text for a in args]
    if "--" in texts:  # dotenv-cli: dotenv -e .env -- command
        k = texts.index("--")
        dotenv(w, ["dotenv", *texts[:k]], args[:k])
        if k + 1 < len(args):
            w.run(args[k + 1:], sp.Simple(), None, False)
        return
    dotenv(w, ["dotenv", *texts], args)


HANDLERS: dict[str, Handler] = {
    **dict.fromkeys(("printenv", "export", "declare", "typeset", "set", "local", "readonly"),
                    _env_dump),
    "dotenv": _dotenv_cli}
