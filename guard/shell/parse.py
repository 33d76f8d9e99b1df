"""A small parser for the shell command lines that agents run: POSIX sh and the bash forms agents
use (``$'…'``, ``[[ ]]``, ``<<<``, ``<( )``, arrays, ``&>``). It keeps what the secret analysis in
guard.shell.analysis needs: simple commands with their words (quoting, expansions and command
substitutions kept apart), assignments, redirections and heredocs, and the pipelines they form.

Control flow is flattened: ``if``/``while``/``{ }``/function bodies become the commands they
contain, in order, because what matters is which commands can run, not when. ``for NAME in
WORDS`` becomes an assignment of every word to NAME. tree-sitter-bash parses as well but costs
about 70 ms to import, more than a whole hook call may take; this parser costs nothing to import.

Anything this parser does not understand raises ParseError: the caller then fails closed.
"""

from __future__ import annotations

MAX_DEPTH = 12  # nested $( ), ( ), bash -c: deeper than any real command line


class ParseError(ValueError):
    pass


# Word parts. A word is a list of these, in order:
#   Lit(text, quoted)          literal text; quoted when it came from quotes or a backslash
#   Tilde(user)                a leading unquoted ~ or ~user
#   Var(name, quoted, op, arg) $name, ${name}, ${name:-arg}…; op is "" or the operator text
#   Sub(script, quoted, kind)  $( ), backticks, <( ) or >( )
#   Arith()                    $(( )): a number, never a path


class _Node:
    """Plain slotted classes: dataclasses would cost a hook several milliseconds to import."""

    __slots__ = ()

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__)
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and all(
            getattr(self, k) == getattr(other, k) for k in self.__slots__)

    __hash__ = None  # type: ignore[assignment]


class Lit(_Node):
    __slots__ = ("quoted", "text")

    def __init__(self, text: str, quoted: bool) -> None:
        self.text = text
        self.quoted = quoted


class Tilde(_Node):
    __slots__ = ("user",)

    def __init__(self, user: str) -> None:
        self.user = user


class Var(_Node):
    __slots__ = ("arg", "name", "op", "quoted")

    def __init__(self, name: str, quoted: bool, op: str = "", arg: Word | None = None) -> None:
        self.name = name
        self.quoted = quoted
        self.op = op
        self.arg = arg


class Sub(_Node):
    __slots__ = ("kind", "quoted", "script")

    def __init__(self, script: Script, quoted: bool, kind: str = "$(") -> None:
        self.script = script
        self.quoted = quoted
        self.kind = kind


class Arith(_Node):
    __slots__ = ()


class Word(_Node):
    __slots__ = ("parts", "source")

    def __init__(self, parts: list, source: str) -> None:
        self.parts = parts
        self.source = source

    def literal(self) -> str | None:
        """The word's text when it is made of literals only (no expansion), else None."""
        out = []
        for p in self.parts:
            if not isinstance(p, Lit):
                return None
            out.append(p.text)
        return "".join(out)

    def unquoted_literal(self) -> str | None:
        """The text when the word is one unquoted literal (a reserved word, an operator)."""
        if len(self.parts) == 1 and isinstance(self.parts[0], Lit) and not self.parts[0].quoted:
            return self.parts[0].text
        return None


class Heredoc(_Node):
    __slots__ = ("body", "delimiter", "quoted", "strip_tabs", "text")

    def __init__(self, delimiter: str, quoted: bool, strip_tabs: bool) -> None:
        self.delimiter = delimiter
        self.quoted = quoted
        self.strip_tabs = strip_tabs
        self.body: Word | None = None  # filled when the line after the operator is read
        self.text = ""


class Redirect(_Node):
    __slots__ = ("fd", "heredoc", "op", "target")

    def __init__(self, op: str, fd: str, target: Word | None = None,
                 heredoc: Heredoc | None = None) -> None:
        self.op = op
        self.fd = fd
        self.target = target
        self.heredoc = heredoc


class Simple(_Node):
    __slots__ = ("assigns", "loop", "redirects", "words")

    def __init__(self, assigns: list[tuple[str, list[Word]]] | None = None,
                 words: list[Word] | None = None, redirects: list[Redirect] | None = None,
                 loop: bool = False) -> None:
        self.assigns = assigns if assigns is not None else []
        self.words = words if words is not None else []
        self.redirects = redirects if redirects is not None else []
        self.loop = loop  # a for/select header: assigns hold the loop variable and its words


class Group(_Node):
    """A subshell or compound command, kept whole so that its redirections apply to it."""

    __slots__ = ("redirects", "script")

    def __init__(self, script: Script, redirects: list[Redirect] | None = None) -> None:
        self.script = script
        self.redirects = redirects if redirects is not None else []


Command = Simple | Group
Pipeline = list  # of Command
Script = list  # of Pipeline

RESERVED_SKIP = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "while", "until",
                           "!", "{", "}", "time", "coproc", "esac", "in"})
_META = frozenset(" \t\n;&|<>()")
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_NAME_CHARS = _NAME_START | frozenset("0123456789")
_SPECIAL_PARAMS = frozenset("@*#?$!-0123456789")
_ANSI = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b",
         "f": "\f", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}


def parse(text: str, depth: int = 0) -> Script:
    """The command line as a Script; ParseError when it is not valid shell."""
    if depth > MAX_DEPTH:
        raise ParseError("nested too deeply")
    p = _Parser(text, depth)
    script = p.script(end="")
    if p.i < len(p.s):
        raise ParseError(f"unexpected {p.s[p.i]!r}")
    if p.pending:
        p.read_heredocs()
    return script


def is_assignment_word(text: str) -> int:
    """Length of ``NAME=`` / ``NAME+=`` at the start of ``text``, or 0."""
    if not text or text[0] not in _NAME_START:
        return 0
    i = 1
    while i < len(text) and text[i] in _NAME_CHARS:
        i += 1
    if text.startswith("=", i):
        return i + 1
    if text.startswith("+=", i):
        return i + 2
    if text.startswith("[", i):  # a[i]=v
        close = text.find("]=", i)
        return close + 2 if close != -1 else 0
    return 0


class _Parser:
    def __init__(self, s: str, depth: int) -> None:
        self.s = s
        self.i = 0
        self.depth = depth
        self.pending: list[Heredoc] = []
        self.function_def = False

    # --- lists and pipelines -------------------------------------------------------------------

    def script(self, end: str) -> Script:
        """Pipelines up to ``end`` (")" for a subshell or $( ), "" for the whole text)."""
        out: Script = []
        while True:
            self.skip_separators()
            if self.i >= len(self.s) or (end and self.s.startswith(end, self.i)):
                return out
            if self.s.startswith(";;", self.i):
                return out  # the end of a case branch: the caller decides
            out.append(self.pipeline(end))
            self.skip_blanks()
            if self.s.startswith(("&&", "||"), self.i):
                self.i += 2
            elif self.s.startswith(";;", self.i):
                return out
            elif self.i < len(self.s) and self.s[self.i] in ";&\n":
                self.i += 1
                if self.s[self.i - 1] == "\n" and self.pending:
                    self.read_heredocs()
            elif self.i < len(self.s) and not (end and self.s.startswith(end, self.i)):
                raise ParseError(f"unexpected {self.s[self.i]!r}")

    def skip_separators(self) -> None:
        while self.i < len(self.s):
            c = self.s[self.i]
            if c in " \t" or (c == ";" and not self.s.startswith(";;", self.i)):
                self.i += 1
            elif c == "\n":
                self.i += 1
                if self.pending:
                    self.read_heredocs()
            elif c == "#":
                self.skip_comment()
            elif self.s.startswith("\\\n", self.i):
                self.i += 2
            else:
                return

    def skip_blanks(self) -> None:
        while self.i < len(self.s):
            if self.s[self.i] in " \t":
                self.i += 1
            elif self.s.startswith("\\\n", self.i):
                self.i += 2
            elif self.s[self.i] == "#":
                self.skip_comment()
            else:
                return

    def skip_comment(self) -> None:
        nl = self.s.find("\n", self.i)
        self.i = len(self.s) if nl == -1 else nl

    def pipeline(self, end: str) -> Pipeline:
        cmds: Pipeline = [self.command(end)]
        while True:
            self.skip_blanks()
            if self.s.startswith("||", self.i) or not self.s.startswith("|", self.i):
                return cmds
            self.i += 2 if self.s.startswith("|&", self.i) else 1
            self.skip_separators()
            cmds.append(self.command(end))

    def command(self, end: str) -> Command:
        self.skip_blanks()
        if self.s.startswith("((", self.i):
            self.skip_arith(self.i + 2)
            return Simple()
        if self.s.startswith("(", self.i):
            self.i += 1
            inner = self.script(end=")")
            if not self.s.startswith(")", self.i):
                raise ParseError("unterminated (")
            self.i += 1
            return Group(inner, self.redirects_after())
        self.function_def = False
        cmd = self.simple()
        first = cmd.words[0].unquoted_literal() if cmd.words else None
        if self.function_def:  # NAME() or function NAME(): the body is the next command
            body = self.command(end)
            return Group([[body]], [])
        if first == "case":
            return self.case(cmd)
        if first in ("for", "select"):
            return self.loop(cmd, end)
        if first == "function":
            del cmd.words[:2]
        while cmd.words and cmd.words[0].unquoted_literal() in RESERVED_SKIP:
            cmd.words.pop(0)
        if not cmd.words and not cmd.assigns and not cmd.redirects:
            self.skip_blanks()
            if self.i < len(self.s) and self.s[self.i] not in ";&|\n)":
                return self.command(end)  # `if cmd`, `! cmd`, `{ cmd`: the command follows
        return cmd

    def redirects_after(self) -> list[Redirect]:
        out: list[Redirect] = []
        while True:
            self.skip_blanks()
            r = self.redirect()
            if r is None:
                return out
            out.append(r)

    def loop(self, cmd: Simple, end: str) -> Simple:
        """``for NAME in WORDS`` (or ``for ((…))``): the loop variable takes every word."""
        words = cmd.words[1:]
        if not words:
            if self.s.startswith("((", self.i):
                self.skip_arith(self.i + 2)
            return Simple(redirects=cmd.redirects)
        name = words[0].literal() or ""
        values = words[2:] if len(words) > 1 and words[1].unquoted_literal() == "in" else None
        if values is None:  # `for f; do` loops over the positional parameters: unknown
            return Simple(assigns=[(name, [Word([Var("@", False)], "$@")])], loop=True)
        return Simple(assigns=[(name, values)], loop=True)

    def case(self, cmd: Simple) -> Group:
        """``case WORD in PATTERN) LIST ;; … esac``: the branches' commands, flattened."""
        words = cmd.words[1:]
        if len(words) < 2 or words[-1].unquoted_literal() != "in":
            # `case x` with `in` on the next line
            self.skip_separators()
            self.word()
        body: Script = [[Simple(words=[Word([Lit("true", False)], "true")],
                                redirects=cmd.redirects)]]
        if words:
            body[0][0].words.append(words[0])  # the subject may hold a $( )
        while True:
            self.skip_separators()
            if self.i >= len(self.s):
                raise ParseError("unterminated case")
            if self.s.startswith("esac", self.i) and (
                    self.i + 4 == len(self.s) or self.s[self.i + 4] in _META):
                self.i += 4
                return Group(body, self.redirects_after())
            if self.s.startswith("(", self.i):
                self.i += 1
            while True:  # the patterns: words separated by |, up to )
                self.skip_blanks()
                self.word()
                self.skip_blanks()
                if self.s.startswith("|", self.i):
                    self.i += 1
                    continue
                if self.s.startswith(")", self.i):
                    self.i += 1
                    break
                raise ParseError("bad case pattern")
            body.extend(self.script(end="esac"))
            self.skip_blanks()
            for term in (";;&", ";;", ";&"):
                if self.s.startswith(term, self.i):
                    self.i += len(term)
                    break

    # --- simple commands -------------------------------------------------------------------------

    def simple(self) -> Simple:
        cmd = Simple()
        test_mode = False  # inside [[ … ]], where < > && || ( ) are words
        while True:
            self.skip_blanks()
            if self.i >= len(self.s):
                return cmd
            c = self.s[self.i]
            if test_mode:
                if self.s.startswith("]]", self.i):
                    self.i += 2
                    cmd.words.append(Word([Lit("]]", False)], "]]"))
                    test_mode = False
                    continue
                if c in "<>()!" or self.s.startswith(("&&", "||"), self.i):
                    n = 2 if self.s.startswith(("&&", "||"), self.i) else 1
                    self.i += n
                    continue
            if c in "\n;|&)" and not self.s.startswith(("&>", "&>>"), self.i):
                return cmd
            if self.s.startswith(("<(", ">("), self.i):
                cmd.words.append(self.word())
                continue
            r = self.redirect()
            if r is not None:
                cmd.redirects.append(r)
                continue
            if c == "(":
                named = len(cmd.words) == 1 or (
                    len(cmd.words) == 2 and cmd.words[0].unquoted_literal() == "function")
                if named and self.function_parens():
                    self.function_def = True
                    return cmd
                raise ParseError("unexpected (")
            start = self.i
            w = self.word(assignment=not cmd.words)
            if self.i == start:
                raise ParseError(f"unexpected {c!r}")
            text = w.unquoted_literal()
            if text == "[[" and not cmd.words:
                test_mode = True
            if not cmd.words and self.assignment(w, cmd):
                continue
            cmd.words.append(w)
            if len(cmd.words) == 3 and text == "in" and \
                    cmd.words[0].unquoted_literal() == "case":
                return cmd  # the patterns that follow are not words of a command

    def function_parens(self) -> bool:
        j = self.i + 1
        while j < len(self.s) and self.s[j] in " \t":
            j += 1
        if j < len(self.s) and self.s[j] == ")":
            self.i = j + 1
            return True
        return False

    def assignment(self, w: Word, cmd: Simple) -> bool:
        """Record ``NAME=value`` (before the command name) as an assignment."""
        first = w.parts[0] if w.parts else None
        if not isinstance(first, Lit) or first.quoted:
            return False
        n = is_assignment_word(first.text)
        if not n:
            return False
        name = first.text[:n].rstrip("=+").split("[", 1)[0]
        rest = first.text[n:]
        parts = ([Lit(rest, False)] if rest else []) + w.parts[1:]
        if not parts and self.s.startswith("(", self.i):  # an array: a=(x y z)
            self.i += 1
            values: list[Word] = []
            while True:
                self.skip_separators()
                if self.s.startswith(")", self.i):
                    self.i += 1
                    break
                if self.i >= len(self.s):
                    raise ParseError("unterminated array")
                values.append(self.word())
            cmd.assigns.append((name, values))
            return True
        cmd.assigns.append((name, [Word(parts, w.source)]))
        return True

    def redirect(self) -> Redirect | None:
        j = self.i
        while j < len(self.s) and self.s[j].isdigit():
            j += 1
        fd = self.s[self.i:j]
        if j < len(self.s) and self.s[j] == "{" and not fd:  # {var}>file
            close = self.s.find("}", j)
            if close != -1 and close + 1 < len(self.s) and self.s[close + 1] in "<>":
                fd = self.s[j:close + 1]
                j = close + 1
        for op in ("<<<", "<<-", "&>>", "<<", ">>", "<&", ">&", "<>", ">|", "&>", "<", ">"):
            if self.s.startswith(op, j):
                break
        else:
            return None
        if fd and not fd[0].isdigit() and not fd.startswith("{"):
            return None
        self.i = j + len(op)
        self.skip_blanks()
        if op in ("<<", "<<-"):
            start = self.i
            w = self.word()
            if self.i == start:
                raise ParseError("heredoc without a delimiter")
            delim = "".join(p.text for p in w.parts if isinstance(p, Lit))
            quoted = any(isinstance(p, Lit) and p.quoted for p in w.parts)
            doc = Heredoc(delim, quoted, op == "<<-")
            self.pending.append(doc)
            return Redirect(op, fd, heredoc=doc)
        start = self.i
        target = self.word()
        if self.i == start:
            raise ParseError(f"redirection {op} without a target")
        return Redirect(op, fd, target)

    def read_heredocs(self) -> None:
        """Bodies of the heredocs opened on the line just ended, in order."""
        docs, self.pending = self.pending, []
        for doc in docs:
            lines = []
            while self.i < len(self.s):
                nl = self.s.find("\n", self.i)
                line = self.s[self.i:] if nl == -1 else self.s[self.i:nl]
                self.i = len(self.s) if nl == -1 else nl + 1
                check = line.lstrip("\t") if doc.strip_tabs else line
                if check == doc.delimiter:
                    break
                lines.append(check)
            doc.text = "\n".join(lines) + ("\n" if lines else "")
            if doc.quoted:
                doc.body = Word([Lit(doc.text, True)], doc.text)
            else:
                sub = _Parser(doc.text, self.depth)
                doc.body = sub.heredoc_word()

    def heredoc_word(self) -> Word:
        parts: list = []
        buf: list[str] = []
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == "\\" and self.i + 1 < len(self.s) and self.s[self.i + 1] in "$`\\\n":
                if self.s[self.i + 1] != "\n":
                    buf.append(self.s[self.i + 1])
                self.i += 2
            elif c in "$`":
                buf = self._expansion(c, buf, parts)
            else:
                buf.append(c)
                self.i += 1
        if buf:
            parts.append(Lit("".join(buf), True))
        return Word(parts, self.s)

    # --- words ---------------------------------------------------------------------------------

    def word(self, assignment: bool = False) -> Word:
        start = self.i
        parts: list = []
        buf: list[str] = []
        quoted_buf = False

        def flush() -> None:
            nonlocal buf
            if buf:
                parts.append(Lit("".join(buf), quoted_buf))
                buf = []

        def add(text: str, quoted: bool) -> None:
            nonlocal quoted_buf
            if buf and quoted_buf != quoted:
                flush()
            quoted_buf = quoted
            buf.append(text)

        s = self.s
        if s.startswith(("<(", ">("), self.i):
            kind = s[self.i:self.i + 2]
            self.i += 2
            inner = self.nested(")")
            return Word([Sub(inner, False, kind)], s[start:self.i])
        if s.startswith("~", self.i):
            j = self.i + 1
            while j < len(s) and (s[j] in _NAME_CHARS or s[j] in ".-"):
                j += 1
            if j == len(s) or s[j] in _META or s[j] == "/":
                parts.append(Tilde(s[self.i + 1:j]))
                self.i = j
        while self.i < len(s):
            c = s[self.i]
            if c in _META:
                if c == "(" and buf and not quoted_buf and buf[-1] and buf[-1][-1] in "@?*+!":
                    add(self.balanced_parens(), False)  # extglob @(a|b): part of the word
                    continue
                break
            if c == "\\":
                if self.i + 1 >= len(s):
                    self.i += 1
                    break
                if s[self.i + 1] == "\n":
                    self.i += 2
                    continue
                add(s[self.i + 1], True)
                self.i += 2
            elif c == "'":
                end = s.find("'", self.i + 1)
                if end == -1:
                    raise ParseError("unterminated '")
                add(s[self.i + 1:end], True)
                self.i = end + 1
            elif c == '"':
                flush()
                self.i += 1
                parts.extend(self.double_quoted())
            elif c == "$" and s.startswith("$'", self.i):
                add(self.ansi_c(), True)
            elif c == "$" and s.startswith('$"', self.i):  # locale string: a double-quoted one
                flush()
                self.i += 2
                parts.extend(self.double_quoted())
            elif c in "$`":
                part = self.dollar(quoted=False) if c == "$" else self.backticks(quoted=False)
                if part is None:
                    add("$", False)
                    self.i += 1
                    continue
                flush()
                parts.append(part)
            elif (c == "~" and assignment and buf and not quoted_buf
                  and buf[-1].endswith(("=", ":"))
                  and is_assignment_word("".join(buf))):
                flush()
                j = self.i + 1
                while j < len(s) and s[j] in _NAME_CHARS:
                    j += 1
                parts.append(Tilde(s[self.i + 1:j]))
                self.i = j
            else:
                add(c, False)
                self.i += 1
        flush()
        return Word(parts, s[start:self.i])

    def balanced_parens(self) -> str:
        depth = 0
        start = self.i
        while self.i < len(self.s):
            c = self.s[self.i]
            self.i += 1
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    return self.s[start:self.i]
        raise ParseError("unterminated (")

    def double_quoted(self) -> list:
        parts: list = []
        buf: list[str] = []
        s = self.s
        while True:
            if self.i >= len(s):
                raise ParseError('unterminated "')
            c = s[self.i]
            if c == '"':
                self.i += 1
                break
            if c == "\\" and self.i + 1 < len(s) and s[self.i + 1] in '$`"\\\n':
                if s[self.i + 1] != "\n":
                    buf.append(s[self.i + 1])
                self.i += 2
            elif c in "$`":
                buf = self._expansion(c, buf, parts)
            else:
                buf.append(c)
                self.i += 1
        if buf or not parts:
            parts.append(Lit("".join(buf), True))
        return parts

    def ansi_c(self) -> str:
        """``$'…'`` with its escapes decoded (``$'\\x2eenv'`` is ".env")."""
        s = self.s
        self.i += 2
        out: list[str] = []
        while True:
            if self.i >= len(s):
                raise ParseError("unterminated $'")
            c = s[self.i]
            if c == "'":
                self.i += 1
                return "".join(out)
            if c != "\\" or self.i + 1 >= len(s):
                out.append(c)
                self.i += 1
                continue
            e = s[self.i + 1]
            self.i += 2
            if e in _ANSI:
                out.append(_ANSI[e])
            elif e in "xuU":
                size = {"x": 2, "u": 4, "U": 8}[e]
                digits = ""
                while len(digits) < size and self.i < len(s) and s[self.i] in \
                        "0123456789abcdefABCDEF":
                    digits += s[self.i]
                    self.i += 1
                out.append(chr(int(digits, 16)) if digits else "\\" + e)
            elif e in "01234567":
                digits = e
                while len(digits) < 3 and self.i < len(s) and s[self.i] in "01234567":
                    digits += s[self.i]
                    self.i += 1
                out.append(chr(int(digits, 8)))
            elif e == "c" and self.i < len(s):
                out.append(chr(ord(s[self.i]) & 0x1F))
                self.i += 1
            else:
                out.append("\\" + e)

    def dollar(self, quoted: bool):
        """The expansion at ``$``, or None when the ``$`` is a plain character."""
        s = self.s
        nxt = s[self.i + 1] if self.i + 1 < len(s) else ""
        if s.startswith("$((", self.i):
            self.skip_arith(self.i + 3)
            return Arith()
        if nxt == "(":
            self.i += 2
            return Sub(self.nested(")"), quoted)
        if nxt == "{":
            return self.braced(quoted)
        if nxt in _NAME_START:
            j = self.i + 1
            while j < len(s) and s[j] in _NAME_CHARS:
                j += 1
            name = s[self.i + 1:j]
            self.i = j
            return Var(name, quoted)
        if nxt and nxt in _SPECIAL_PARAMS:
            self.i += 2
            return Var(nxt, quoted)
        return None

    def braced(self, quoted: bool) -> Var:
        """``${…}``: the name, and for ``:-`` ``-`` ``:=`` ``=`` ``:+`` ``+`` the word that
        follows; any other operator (``%`` ``#`` ``/`` ``:off``…) marks a changed value."""
        s = self.s
        self.i += 2
        j = self.i
        prefix = ""
        if j < len(s) and s[j] in "!#":
            prefix = s[j]
            j += 1
        k = j
        while k < len(s) and (s[k] in _NAME_CHARS or (k == j and s[k] in _SPECIAL_PARAMS)):
            k += 1
            if k - 1 == j and s[j] in _SPECIAL_PARAMS and s[j] not in _NAME_CHARS:
                break
        name = s[j:k]
        if k < len(s) and s[k] == "[":  # ${a[0]}, ${a[@]}
            close = s.find("]", k)
            if close == -1:
                raise ParseError("unterminated ${")
            k = close + 1
        if not name:
            if prefix == "#":  # ${#} is the count of parameters
                name, prefix = "#", ""
            else:
                raise ParseError("bad ${} expansion")
        self.i = k
        if s.startswith("}", self.i):
            self.i += 1
            return Var(name, quoted, op=prefix)
        for op in (":-", ":=", ":+", ":?", "-", "=", "+", "?"):
            if s.startswith(op, self.i):
                self.i += len(op)
                arg = self.brace_word()
                return Var(name, quoted, op=op, arg=arg)
        # %, #, /, ^, ,, :offset… — a value Guard does not compute
        depth = 1
        while self.i < len(s):
            c = s[self.i]
            if c == "\\":
                self.i += 2
                continue
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    self.i += 1
                    return Var(name, quoted, op="~")
            self.i += 1
        raise ParseError("unterminated ${")

    def brace_word(self) -> Word:
        """The word after ``${name:-`` up to the closing brace, quotes and expansions kept."""
        start = self.i
        parts: list = []
        buf: list[str] = []
        s = self.s
        while True:
            if self.i >= len(s):
                raise ParseError("unterminated ${")
            c = s[self.i]
            if c == "}":
                self.i += 1
                break
            if c == "\\" and self.i + 1 < len(s):
                buf.append(s[self.i + 1])
                self.i += 2
            elif c == "'":
                end = s.find("'", self.i + 1)
                if end == -1:
                    raise ParseError("unterminated '")
                buf.append(s[self.i + 1:end])
                self.i = end + 1
            elif c == '"':
                if buf:
                    parts.append(Lit("".join(buf), True))
                    buf = []
                self.i += 1
                parts.extend(self.double_quoted())
            elif c in "$`":
                buf = self._expansion(c, buf, parts)
            else:
                buf.append(c)
                self.i += 1
        if buf:
            parts.append(Lit("".join(buf), True))
        return Word(parts, s[start:self.i - 1])

    def _expansion(self, c: str, buf: list[str], parts: list) -> list[str]:
        """A `$…` or backtick expansion at ``self.i`` inside quotes or a word: flush the literal
        text before it into ``parts`` and add the expansion; a lone `$` stays literal. Returns
        the literal buffer to go on with."""
        part = self.dollar(quoted=True) if c == "$" else self.backticks(quoted=True)
        if part is None:
            buf.append(c)
            self.i += 1
            return buf
        if buf:
            parts.append(Lit("".join(buf), True))
        parts.append(part)
        return []

    def backticks(self, quoted: bool) -> Sub:
        s = self.s
        j = self.i + 1
        out: list[str] = []
        while True:
            if j >= len(s):
                raise ParseError("unterminated `")
            c = s[j]
            if c == "`":
                break
            if c == "\\" and j + 1 < len(s) and s[j + 1] in "`$\\":
                out.append(s[j + 1])
                j += 2
                continue
            out.append(c)
            j += 1
        self.i = j + 1
        return Sub(parse("".join(out), self.depth + 1), quoted, "`")

    def nested(self, end: str) -> Script:
        """The script of ``$( … )`` or ``<( … )``, parsed in place up to the closing paren."""
        if self.depth + 1 > MAX_DEPTH:
            raise ParseError("nested too deeply")
        inner = _Parser(self.s, self.depth + 1)
        inner.i = self.i
        script = inner.script(end=end)
        if not self.s.startswith(end, inner.i):
            raise ParseError("unterminated $(")
        if inner.pending:
            raise ParseError("heredoc inside $( ) is not supported")
        self.i = inner.i + len(end)
        return script

    def skip_arith(self, j: int) -> None:
        depth = 2
        s = self.s
        while j < len(s):
            c = s[j]
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    self.i = j + 1
                    return
            j += 1
        raise ParseError("unterminated $((")
