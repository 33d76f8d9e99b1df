"""The walk of a parsed command line: the order its commands run in, what each word expands to,
and which program each command runs, whose handler (guard.shell.programs) says what it does.

It tracks simple assignments (``f=.env; cat $f``), ``for`` loop variables, ``sh -c``/``eval``
strings and their positional parameters, command substitutions whose output is known
(``$(echo .env)``, a listing such as ``$(ls)`` or ``$(find . -name '*.env')``), pipelines into
``xargs`` and into shells, heredocs and here-strings, brace expansion and globs (expanded against
the directory listing, and kept so that a glob that could match a sensitive name is caught even
when nothing matches today).
"""

from __future__ import annotations

import os
import re

from guard.shell import parse as sp
from guard.shell import programs
from guard.shell.expand import (
    MAX_GLOB_MATCHES,
    MAX_VARIANTS,
    brace_expand,
    escape,
    expand_glob,
    has_glob,
    split_fields,
    unescape,
)
from guard.shell.model import REVEALING, Access, Analysis, Arg, Listing, Static

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook's start-up avoids importing typing
if TYPE_CHECKING:
    from typing import Any

    # One alternative of a word being expanded: (escaped text, why unknown, split here?,
    # listing, vars)
    Piece = tuple[str, str, bool, Listing | None, tuple[str, ...]]

MAX_SCRIPT_BYTES = 256 * 1024  # a script file read to see what it reads
MAX_NESTING = 6  # sh -c inside eval inside a script…


class _Unknown:
    """The output of a command Guard cannot predict, flowing into the next one of a pipe."""


UNKNOWN = _Unknown()


def analyze(command: str, cwd: str, env: dict[str, str] | None = None,
            home: str | None = None) -> Analysis:
    """What ``command``, run in ``cwd`` with environment ``env``, does with files."""
    env = dict(os.environ if env is None else env)
    home = home or env.get("HOME") or os.path.expanduser("~")
    result = Analysis()
    try:
        script = sp.parse(command)
    except sp.ParseError as e:
        result.error = str(e)
        return result
    except RecursionError:
        result.error = "nested too deeply"
        return result
    walker = ShellWalker(result, os.path.abspath(cwd), env, home)
    try:
        walker.script(script)
    except sp.ParseError as e:  # a nested string (sh -c, eval) that does not parse
        result.error = str(e)
    except RecursionError:
        result.error = "nested too deeply"
    result.simple = _simple_view(script, result)
    return result


def _simple_view(script: sp.Script, result: Analysis) -> tuple[str, list[str]] | None:
    """``cat FILE…`` (or less, more, bat, head, tail) alone: what `guard view` can replace."""
    if len(script) != 1 or len(script[0]) != 1 or not isinstance(script[0][0], sp.Simple):
        return None
    cmd = script[0][0]
    if cmd.assigns or cmd.redirects or len(cmd.words) < 2:
        return None
    name = cmd.words[0].literal()
    files = [_plain_path(w) for w in cmd.words[1:]]
    if name not in ("cat", "less", "more", "bat", "batcat", "view") or any(
            f is None or f.startswith("-") or has_glob(f) for f in files):
        return None
    return name, [f for f in files if f is not None]


def _plain_path(word: sp.Word) -> str | None:
    """A word made of literals and a leading ``~``: a path as written, with no expansion."""
    parts = word.parts
    if parts and isinstance(parts[0], sp.Tilde) and not parts[0].user:
        rest = sp.Word(parts[1:], word.source).literal()
        return None if rest is None else "~" + rest
    return word.literal()


class ShellWalker:
    """Walks a command line in order, recording into one Analysis what its commands do. Handlers
    see it as the Walker protocol of guard.shell.programs.base."""

    def __init__(self, result: Analysis, cwd: str, env: dict[str, str], home: str,
                 depth: int = 0, variables: dict[str, list[str] | None] | None = None) -> None:
        self.r = result
        self.cwd = cwd
        self.env = env
        self.home = home
        self.depth = depth
        self.vars: dict[str, list[str] | None] = dict(variables or {})
        self.cwd_unknown = False

    def child(self, positional: list[str] | None = None) -> ShellWalker:
        """A walker for a subshell, ``sh -c`` or a script: same files, a copy of the variables."""
        if self.depth >= MAX_NESTING:
            raise sp.ParseError("nested too deeply")
        w = ShellWalker(self.r, self.cwd, self.env, self.home, self.depth + 1, self.vars)
        w.cwd_unknown = self.cwd_unknown
        if positional is not None:
            for k in [k for k in w.vars if k.isdigit() or k in ("@", "*")]:
                del w.vars[k]
            for n, value in enumerate(positional):
                w.vars[str(n)] = [value]
            w.vars["@"] = w.vars["*"] = [" ".join(positional[1:])] if positional[1:] else [""]
        return w

    def at(self, cwd: str) -> ShellWalker:
        # Not a child: as deep as this one. cwd_unknown is not carried over, even when cwd is this
        # walker's own, so `cd "$X" && tar cf a.tar .env` is not reported as dynamic: a known
        # gap, kept as it was.
        return ShellWalker(self.r, cwd, self.env, self.home, self.depth, self.vars)

    def run_script(self, text: str,
                   positional: list[str] | None = None) -> Static | Listing | None:
        return self.child(positional).script(sp.parse(text, self.depth + 1))

    def abspath(self, text: str) -> str:
        return os.path.normpath(os.path.join(self.cwd, text))

    # --- structure ----------------------------------------------------------------------------

    def script(self, script: sp.Script) -> Static | Listing | None:
        out = None
        for pipeline in script:
            out = self.pipeline(pipeline)
        return out

    def pipeline(self, pipeline: sp.Pipeline) -> Static | Listing | None:
        """Each command is fed what the previous one prints; returns what the last prints."""
        out: Static | Listing | None = None
        feed: object = None
        dumps_before = len(self.r.env_dumps)
        for i, cmd in enumerate(pipeline):
            if i and len(self.r.env_dumps) > dumps_before and self.names_only(cmd):
                # `env | cut -d= -f1`: the environment's names reach the output, not its values
                del self.r.env_dumps[dumps_before:]
            dumps_before = len(self.r.env_dumps)
            out = self.command(cmd, feed, piped=i > 0)
            feed = UNKNOWN if out is None else out
        return out

    def names_only(self, cmd: sp.Command) -> bool:
        """Whether ``cmd`` keeps only what stands before ``=`` on each line of its input:
        ``cut -d= -f1``, ``awk -F= '{print $1}'``, ``sed 's/=.*//'``."""
        if not isinstance(cmd, sp.Simple) or cmd.redirects or cmd.loop:
            return False
        words = [a.text for w in cmd.words for a in self.expand(w)]
        if not words or any("$(" in t or "`" in t for t in words):
            return False
        name, args = os.path.basename(words[0]), words[1:]
        joined = " ".join(args)
        if name == "cut":
            return bool(re.fullmatch(r"(?:-d\s?=|--delimiter==|-f\s?1|--fields=1|\s)+", joined))
        if name in ("awk", "gawk", "mawk"):
            return bool(re.fullmatch(r"-F\s?=\s+\{\s*print \$1;?\s*\}", joined))
        if name == "sed":
            return bool(re.fullmatch(r"(?:-e\s+)?s([/|#])=\.\*\$?\1\1g?", joined))
        return False

    def command(self, cmd: sp.Command, feed: object, piped: bool) -> Static | Listing | None:
        """Walk one command of a pipeline; ``feed`` is what the previous one printed."""
        if isinstance(cmd, sp.Group):
            out = self.child().script(cmd.script)
            self.redirects(cmd.redirects, "(subshell)")
            return out
        if cmd.loop:
            name, words = cmd.assigns[0]
            values: list[str] = []
            unknown = False
            for w in words:
                for a in self.expand(w):
                    unknown = unknown or bool(a.dynamic)
                    values.append(a.text)
            self.vars[name] = None if unknown and not values else values[:MAX_VARIANTS]
            return None
        args: list[Arg] = []
        for w in cmd.words:
            args.extend(self.expand(w))
        if not args:  # assignments (and redirections) alone
            for name, words in cmd.assigns:
                self.assign(name, words)
            self.redirects(cmd.redirects, "")
            return None
        for _, words in cmd.assigns:  # VAR=x cmd: expansions inside still run
            for w in words:
                self.expand(w)
        return self.run(args, cmd, feed, piped)

    def assign(self, name: str, words: list[sp.Word]) -> None:
        """``name=WORD`` or ``name=(WORDS…)``: the values, or None when one is not known."""
        values: list[str] = []
        for w in words:
            expanded = self.expand(w, split=False)
            if any(a.dynamic for a in expanded):
                self.vars[name] = None
                return
            values.extend(a.text for a in expanded)
        if len(words) > 1:  # an array: ${a[@]} stands for all of them
            self.vars[name] = [" ".join(values), *values]
        else:
            self.vars[name] = values or [""]

    def redirects(self, redirects: list[sp.Redirect], program: str) -> list[str]:
        """Analyse redirections; files read through ``<`` are reads by ``program``. Returns the
        code a heredoc or here-string hands to the program (for shells and interpreters)."""
        stdin: list[str] = []
        for r in redirects:
            if r.heredoc is not None:
                body = r.heredoc.body
                if body is not None:
                    self.note_printed(body, program)
                    args = self.expand(body, split=False)
                    stdin.append("".join(a.text for a in args) if args else "")
                continue
            if r.target is None:
                continue
            targets = self.expand(r.target, split=False)
            if r.op == "<<<":
                self.note_printed(r.target, program)
                stdin.append(" ".join(a.text for a in targets))
                continue
            if r.op in (">", ">|", "&>") and not r.fd.startswith("{"):
                for a in targets:  # truncates the file: judged as a write
                    if a.text and not a.dynamic and a.text != "/dev/null":
                        self.r.accesses.append(Access("write", self.abspath(a.text),
                                                      program or "output redirection",
                                                      word=a.source))
                continue
            if r.op in ("<", "<>") or (r.op == "<&" and not (r.target.literal() or "").isdigit()):
                for a in targets:
                    if programs.stdin_safe(program):
                        continue
                    self.touch("read", a, program or "input redirection")
                    if programs.takes_code(program):
                        stdin.append(self.read_script(self.abspath(a.text)) or "")
        return stdin

    def note_printed(self, word: sp.Word, program: str) -> None:
        # A variable's value is printed even when Guard knows it, so that decide can tell
        # whether it holds a secret.
        for part in word.parts:
            if isinstance(part, sp.Var) and part.name not in ("@", "*", "#", "?", "$", "!"):
                self.r.printed_vars.append((part.name, program or "echo"))

    # --- expansion ----------------------------------------------------------------------------

    def values(self, name: str) -> list[str] | None:
        """What ``$name`` may be: the walk's own assignments, then the environment; None when
        Guard cannot know."""
        if name in self.vars:
            return self.vars[name]
        if name == "PWD":
            return [self.cwd]
        if name == "HOME":
            return [self.home]
        if name in ("#", "?", "$", "!", "RANDOM", "LINENO", "SECONDS", "PPID", "UID", "EUID"):
            return ["0"]
        if name in self.env:
            return [self.env[name]]
        return None

    def expand(self, word: sp.Word, split: bool = True) -> list[Arg]:
        """The arguments a word becomes: escaped alternatives, split, brace-expanded, globbed."""
        alts: list[Piece] = [("", "", False, None, ())]
        for part in word.parts:
            pieces: list[Piece]
            if isinstance(part, sp.Lit):
                pieces = [(escape(part.text) if part.quoted else part.text, "", False, None, ())]
            elif isinstance(part, sp.Tilde):
                path = self.home if not part.user else os.path.expanduser("~" + part.user)
                unknown = "" if not path.startswith("~") else "~" + part.user
                pieces = [(escape(path), unknown, False, None, ())]
            elif isinstance(part, sp.Arith):
                pieces = [("0", "", False, None, ())]
            elif isinstance(part, sp.Sub):
                pieces = [self.substitution(part)]
            else:
                pieces = self.var_pieces(part)
            alts = [(a[0] + p[0], a[1] or p[1], a[2] or p[2], a[3] or p[3], a[4] + p[4])
                    for a in alts for p in pieces][:MAX_VARIANTS]
        out: list[Arg] = []
        for text, dynamic, do_split, listing, names in alts:
            chunks = split_fields(text) if (split and do_split) else [text]
            if not chunks:
                chunks = [""]
            for chunk in chunks:
                for item in brace_expand(chunk):
                    out.extend(self.glob(item, word.source, dynamic, listing, names))
        return out[:MAX_GLOB_MATCHES]

    def var_pieces(self, part: sp.Var) -> list[Piece]:
        """The alternatives of ``$name`` and ``${name…}``: its values, a default, or unknown."""
        name = part.name
        desc = "${" + name + "}"
        if part.op == "~" or part.op == "!":
            return [("", desc, False, None, (name,))]
        if part.op == "#":
            return [("0", "", False, None, ())]
        vals = self.values(name)
        unset = vals is None or (part.op.startswith(":") and vals == [""])
        if part.op in (":-", "-", ":=", "=") and part.arg is not None and unset:
            defaults = [a.text for a in self.expand(part.arg, split=False)]
            vals_text = (vals or []) + defaults
            dynamic = desc if vals is None else ""
            return [(escape(v) if part.quoted else v, dynamic, not part.quoted, None, (name,))
                    for v in vals_text[:MAX_VARIANTS]] or [("", dynamic, False, None, ())]
        if part.op in (":+", "+") and part.arg is not None:
            alt = [a.text for a in self.expand(part.arg, split=False)]
            if vals is None:
                empty: list[Piece] = [("", "", False, None, ())]  # unset, or set to ""
                return empty + [(escape(v), "", False, None, ()) for v in alt]
            return [(escape(v), "", False, None, ()) for v in alt] if vals != [""] else [
                ("", "", False, None, ())]
        if vals is None:
            return [("", desc, False, None, (name,))]
        return [(escape(v) if part.quoted else v, "", not part.quoted, None, (name,))
                for v in vals[:MAX_VARIANTS]]

    def substitution(self, part: sp.Sub) -> Piece:
        """``$( )``, backticks, ``<( )``: the walked script's output when Guard knows it."""
        out = self.child().script(part.script)
        if part.kind in ("<(", ">("):
            return ("/dev/fd/63", "", False, None, ())
        if isinstance(out, Static):
            text = out.text.rstrip("\n")
            return (escape(text) if part.quoted else text, "", not part.quoted, None, ())
        if isinstance(out, Listing):
            return ("", "", False, out, ())
        return ("", "$(…)", False, None, ())

    def glob(self, escaped: str, source: str, dynamic: str, listing: Listing | None,
             names: tuple[str, ...]) -> list[Arg]:
        """The arguments an escaped word becomes after globbing against the file system."""
        text = unescape(escaped)
        if not has_glob(escaped):
            return [Arg(text, source, dynamic=dynamic, listing=listing, vars=names)]
        base = escaped if escaped.startswith("/") else escape(self.cwd) + "/" + escaped
        matches = expand_glob(base)
        if not matches:  # bash passes the pattern on as it is: kept to ask what it could match
            return [Arg(text, source, pattern=base, dynamic=dynamic, listing=listing, vars=names)]
        return [Arg(m, source, dynamic=dynamic, listing=listing, vars=names) for m in matches]

    # --- recording ----------------------------------------------------------------------------

    def touch(self, op: str, arg: Arg, program: str, **scope: Any) -> None:
        """Record that ``program`` does ``op`` with the file (or listing) ``arg`` stands for."""
        revealing = op in REVEALING
        if arg.dynamic and revealing:
            self.r.dynamic.append(f"`{program}` takes {arg.source}, whose value Guard cannot "
                                  "know")
        if arg.pattern and revealing:
            self.r.globs.append((arg.pattern, program, arg.source))
        if arg.listing is not None:
            lst = arg.listing
            for p in lst.paths:
                self.r.accesses.append(Access(op, p, program, lst.scope, lst.hidden,
                                              lst.gitignore, lst.names, lst.excludes,
                                              arg.source))
            return
        if not arg.text or arg.text == "-":
            return
        if self.cwd_unknown and revealing and not os.path.isabs(arg.text):
            self.r.dynamic.append(f"`{program}` takes {arg.source} in a directory Guard cannot "
                                  "know (after a `cd` to an unknown place)")
        self.r.accesses.append(Access(op, self.abspath(arg.text), program, word=arg.source,
                                      **scope))

    def read_script(self, path: str) -> str | None:
        try:
            if os.path.getsize(path) > MAX_SCRIPT_BYTES:
                return None
            with open(path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return None

    # --- commands -----------------------------------------------------------------------------

    def run(self, args: list[Arg], cmd: sp.Simple, feed: object,
            piped: bool) -> Static | Listing | None:
        """Dispatch on the program name, after unwrapping sudo, env, timeout, xargs…"""
        if args[0].dynamic and not args[0].text:
            self.r.dynamic.append(f"the program {args[0].source} is not known")
            self.redirects(cmd.redirects, "")
            for a in args[1:]:
                self.touch("pass", a, args[0].source)
            return None
        name = os.path.basename(args[0].text)
        rest = args[1:]
        unwrap = programs.unwrapper(name)
        if unwrap is not None:
            out = unwrap(self, name, rest, cmd, feed, piped)
            if not isinstance(out, programs.NotAWrapper):  # not programs.NOT_A_WRAPPER
                return out
        code = self.redirects(cmd.redirects, name)
        return programs.handler(name)(self, name, rest, cmd, feed, code)
