"""The lexer half of the shell parser: words, with their quoting and expansions (``$x``,
``${x:-y}``, ``$( )``, backticks, ``$'…'``) kept apart as parts. The grammar in guard.shell.parse
builds on it; a command substitution's script is read by the grammar again, through the two
methods a subclass provides (``script`` and ``parse_text``)."""

from __future__ import annotations

from guard.shell.syntax import (
    MAX_DEPTH,
    META,
    NAME_CHARS,
    NAME_START,
    SPECIAL_PARAMS,
    Arith,
    Heredoc,
    Lit,
    ParseError,
    Part,
    Script,
    Sub,
    Tilde,
    Var,
    Word,
    is_assignment_word,
)

_ANSI = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b",
         "f": "\f", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}


class WordReader:
    """Reads words from ``s`` at position ``i``; ``depth`` counts enclosing substitutions."""

    def __init__(self, s: str, depth: int) -> None:
        self.s = s
        self.i = 0
        self.depth = depth
        self.pending: list[Heredoc] = []  # heredocs opened on the current line

    def script(self, end: str) -> Script:
        """Commands up to ``end``: the grammar's part (guard.shell.parse)."""
        raise NotImplementedError

    def parse_text(self, text: str, depth: int) -> Script:
        """A whole command string (a backtick substitution's): the grammar's part."""
        raise NotImplementedError

    def heredoc_word(self) -> Word:
        """The whole text as an unquoted heredoc's body: expansions apply, quotes are text."""
        parts: list[Part] = []
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


    def word(self, assignment: bool = False) -> Word:
        start = self.i
        parts: list[Part] = []
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
            while j < len(s) and (s[j] in NAME_CHARS or s[j] in ".-"):
                j += 1
            if j == len(s) or s[j] in META or s[j] == "/":
                parts.append(Tilde(s[self.i + 1:j]))
                self.i = j
        while self.i < len(s):
            c = s[self.i]
            if c in META:
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
                while j < len(s) and s[j] in NAME_CHARS:
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

    def double_quoted(self) -> list[Part]:
        parts: list[Part] = []
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

    def dollar(self, quoted: bool) -> Arith | Sub | Var | None:
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
        if nxt in NAME_START:
            j = self.i + 1
            while j < len(s) and s[j] in NAME_CHARS:
                j += 1
            name = s[self.i + 1:j]
            self.i = j
            return Var(name, quoted)
        if nxt and nxt in SPECIAL_PARAMS:
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
        while k < len(s) and (s[k] in NAME_CHARS or (k == j and s[k] in SPECIAL_PARAMS)):
            k += 1
            if k - 1 == j and s[j] in SPECIAL_PARAMS and s[j] not in NAME_CHARS:
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
        parts: list[Part] = []
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

    def _expansion(self, c: str, buf: list[str], parts: list[Part]) -> list[str]:
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
        return Sub(self.parse_text("".join(out), self.depth + 1), quoted, "`")

    def nested(self, end: str) -> Script:
        """The script of ``$( … )`` or ``<( … )``, parsed in place up to the closing paren."""
        if self.depth + 1 > MAX_DEPTH:
            raise ParseError("nested too deeply")
        inner = type(self)(self.s, self.depth + 1)
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
