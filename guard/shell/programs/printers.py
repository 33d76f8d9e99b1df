"""Programs whose output follows from their arguments, so that Guard can follow it into the next
command: echo, printf, pwd, dirname, basename, realpath, readlink (``cat $(echo .env)``,
``cat "$(dirname $0)/.env"``). echo and printf also print the variables they expand."""

from __future__ import annotations

import os
import re

from guard.shell import parse as sp
from guard.shell.model import Static
from guard.shell.programs.options import positional

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook's start-up avoids importing typing
if TYPE_CHECKING:
    from guard.shell.model import Arg
    from guard.shell.programs.base import Handler, Walker


def _echo(w: Walker, name: str, args: list[Arg], cmd: sp.Simple, feed: object,
          code: list[str]) -> Static:
    """echo, printf, print: the text they print (printf's format applied), and the variables
    their words expand, as written."""
    for word in cmd.words[1:]:
        w.note_printed(word, name)
    texts = [a.text for a in args]
    if name == "echo":
        while texts and re.fullmatch(r"-[neE]+", texts[0]):
            texts.pop(0)
        return Static(" ".join(texts) + "\n")
    if not texts:
        return Static("")
    fmt = _printf_escapes(texts[0])
    values = texts[1:]
    out = re.sub(r"%[-#0 +]*\d*(?:\.\d+)?[sdbqc]",
                 lambda m: _printf_escapes(values.pop(0)) if values else "", fmt)
    return Static(out)


def _printf_escapes(text: str) -> str:
    """``text`` with its backslash escapes decoded as ``$'…'`` decodes them."""
    try:
        cmd = sp.parse("$'" + text.replace("'", "\\'") + "'")[0][0]
        if not isinstance(cmd, sp.Simple):  # never: the text is one $'…' word
            return text
        return cmd.words[0].literal() or text
    except (sp.ParseError, IndexError):
        return text


def _pwd(w: Walker, name: str, args: list[Arg], cmd: sp.Simple, feed: object,
         code: list[str]) -> Static:
    return Static(w.cwd + "\n")


def _path_tool(w: Walker, name: str, args: list[Arg], cmd: sp.Simple, feed: object,
               code: list[str]) -> Static | None:
    """dirname, basename, realpath, readlink: their output follows from their arguments."""
    pos = [a for a in positional(args)]
    if not pos or any(a.dynamic for a in pos):
        return None
    if name == "dirname":
        return Static("\n".join(os.path.dirname(a.text) or "." for a in pos) + "\n")
    if name == "basename":
        return Static(os.path.basename(pos[0].text.rstrip("/")) + "\n")
    return Static("\n".join(os.path.realpath(w.abspath(a.text)) for a in pos) + "\n")


HANDLERS: dict[str, Handler] = {
    "echo": _echo, "printf": _echo, "print": _echo, "pwd": _pwd, "dirname": _path_tool,
    "basename": _path_tool, "realpath": _path_tool, "readlink": _path_tool}
