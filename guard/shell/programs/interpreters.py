"""Language interpreters: python, node, ruby, perl, php… (and python3.12 and the like, which
guard.shell.programs matches by pattern). Inline code (``-c``, ``-e``) and script files are
searched for the paths they mention and for reaching the environment; ``python -m`` runs
modules, some of which read files (json.tool) or serve a directory (http.server)."""

from __future__ import annotations

import itertools
import re

from guard.shell.model import Access, Arg, Static
from guard.shell.programs.environment import dotenv, env_file_option
from guard.shell.programs.options import name_set, positional

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook's start-up avoids importing typing
if TYPE_CHECKING:
    from guard.shell.programs.base import Handler, Walker
    from guard.shell.syntax import Simple

INTERPRETERS = name_set("python python2 python3 pypy pypy3 node nodejs deno bun ruby perl php "
                        "lua luajit Rscript osascript tclsh pwsh powershell")

# Inline code (python -c, node -e…) that reaches the environment; string literals and bare
# path-like words of code. Kept as strings: re compiles (and caches) them on first use, so a
# command without inline code does not pay for them.
_CODE_ENV = (r"os\.environ|\bgetenv\b|\benviron\b|process\.env|\bENV\b|%ENV|\$ENV\{|"
             r"\$_ENV|\$_SERVER|System\.getenv|Deno\.env|Bun\.env|Sys\.getenv|"
             r"Get-ChildItem\s+env:|\$env:")
_CODE_STRING = (
    r"""(?s)'''(.*?)'''|\"\"\"(.*?)\"\"\"|'([^'\n]*)'|"([^"\n]*)"|`([^`]*)`""")
_CODE_PATHISH = r"(?:~|\.{1,2})?/?[\w.\-]*(?:/[\w.\-]+)+|\.[\w][\w.\-]*"


def interpreter(w: Walker, name: str, rest: list[Arg], cmd: Simple, feed: object,
                stdin_code: list[str]) -> None:
    """python -c / node -e / ruby -e / perl -e / php -r…: the code's string literals are
    paths it may open; a script file is read for the same; other arguments are passed."""
    code_flags = {"-c", "-e", "-E", "-p", "-r", "--eval", "--print", "-Command", "-command"}
    if name == "deno" and rest and rest[0].text == "eval":
        rest = [Arg("-e", "-e"), *rest[1:]]
    env_file_option(w, name, rest)
    i = 0
    codes: list[str] = []
    program_done = False
    while i < len(rest):
        t = rest[i].text
        if t in code_flags or (t.startswith("-") and not t.startswith("--")
                               and t[-1:] in "ce" and name in ("perl", "ruby", "python",
                                                               "python3")):
            if i + 1 < len(rest):
                codes.append(rest[i + 1].text)
                if rest[i + 1].dynamic:
                    w.r.dynamic.append(f"`{name}` runs {rest[i + 1].source}, which Guard "
                                       "cannot know")
            program_done = True
            i += 2
            continue
        if t == "-m" and i + 1 < len(rest):
            _python_module(w, rest[i + 1].text, rest[i + 2:])
            return None
        if t.startswith("--env-file") or t in ("-W", "-X", "-I", "-r", "--require",
                                               "--import", "--loader"):
            i += 1 if "=" in t or t in ("-I",) else 2
            continue
        if t.startswith("-") and t != "-":
            i += 1
            continue
        break
    files = rest[i:]
    if not program_done and files and files[0].text != "-":
        text = w.read_script(w.abspath(files[0].text))
        if text is not None:
            _code_paths(w, text, f"{name} {files[0].text}", env=False)
        files = files[1:]
    elif not program_done:
        if stdin_code:
            codes.extend(stdin_code)
        elif isinstance(feed, Static):
            codes.append(feed.text)
        elif feed is not None:
            w.r.dynamic.append(f"`{name}` runs code from its input, which Guard cannot "
                               "read")
        files = files[1:] if files else files
    for code in codes:
        _code_paths(w, code, f"{name} code", env=True)
    op = "read" if name in ("perl", "ruby") and program_done else "pass"
    for a in files:
        w.touch(op, a, name)
    return None


def _python_module(w: Walker, module: str, args: list[Arg]) -> None:
    """``python -m MODULE ARGS``: the modules that print or serve files, or load a dotenv file."""
    if module == "dotenv":
        dotenv(w, ["dotenv", *[a.text for a in args]], args)
    elif module == "http.server":  # serves the directory, dotfiles included, to any client
        directory = next((args[i + 1] for i, a in enumerate(args[:-1])
                          if a.text in ("-d", "--directory")), Arg(".", "."))
        w.touch("send", directory, "python -m http.server", scope="tree")
    elif module in ("json.tool", "base64", "tokenize", "pickletools", "zipfile", "tarfile",
                    "gzip", "uu", "quopri"):
        for a in positional(args):
            w.touch("read", a, f"python -m {module}")
    else:
        for a in positional(args, values=True):
            w.touch("pass", a, f"python -m {module}")


def _code_paths(w: Walker, code: str, program: str, env: bool) -> None:
    """Paths a piece of code mentions: its string literals (also two in a row joined by a
    slash, for ``Path.home() / ".aws" / "credentials"``) and bare path-like words."""
    if env and re.search(_CODE_ENV, code):
        w.r.env_dumps.append(program)
    literals = [next(g for g in m.groups() if g is not None)
                for m in re.finditer(_CODE_STRING, code)]
    literals = [lit for lit in literals if 0 < len(lit) < 4096 and "\n" not in lit]
    candidates = set(literals)
    candidates.update(f"{a}/{b}" for a, b in itertools.pairwise(literals))
    candidates.update(m.group(0) for m in re.finditer(_CODE_PATHISH, code))
    for text in sorted(candidates):
        if text.startswith("~"):
            text = w.home + text[1:]
        w.r.accesses.append(Access("read", w.abspath(text), program, word=text))


HANDLERS: dict[str, Handler] = dict.fromkeys(INTERPRETERS, interpreter)
