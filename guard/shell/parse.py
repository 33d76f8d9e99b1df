"""A small parser for the shell command lines that agents run: POSIX sh and the bash forms agents
use (``$'…'``, ``[[ ]]``, ``<<<``, ``<( )``, arrays, ``&>``). It keeps what the secret analysis in
guard.shell.walker needs: simple commands with their words (quoting, expansions and command
substitutions kept apart), assignments, redirections and heredocs, and the pipelines they form.
This module is the grammar; words are read by guard.shell.words, and the tree's node types are
defined in guard.shell.syntax (and re-exported here).

Control flow is flattened: ``if``/``while``/``{ }``/function bodies become the commands they
contain, in order, because what matters is which commands can run, not when. ``for NAME in
WORDS`` becomes an assignment of every word to NAME. tree-sitter-bash parses as well but costs
about 70 ms to import, more than a whole hook call may take; this parser costs nothing to import.

Anything this parser does not understand raises ParseError: the caller then fails closed.
"""

from __future__ import annotations

from guard.shell.syntax import (
    MAX_DEPTH,
    META,
    Arith,
    Command,
    Group,
    Heredoc,
    Lit,
    ParseError,
    Pipeline,
    Redirect,
    Script,
    Simple,
    Sub,
    Tilde,
    Var,
    Word,
    is_assignment_word,
)
from guard.shell.words import WordReader

# The parser's public names: the tree's node types come from guard.shell.syntax.
__all__ = ["MAX_DEPTH", "Arith", "Command", "Group", "Heredoc", "Lit", "ParseError", "Pipeline",
           "Redirect", "Script", "Simple", "Sub", "Tilde", "Var", "Word", "is_assignment_word",
           "parse"]

RESERVED_SKIP = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "while", "until",
                           "!", "{", "}", "time", "coproc", "esac", "in"})


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


class _Parser(WordReader):
    """The grammar: lists, pipelines, compound commands, simple commands and redirections."""

    def __init__(self, s: str, depth: int) -> None:
        super().__init__(s, depth)
        self.function_def = False

    def parse_text(self, text: str, depth: int) -> Script:
        return parse(text, depth)

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
        subject = Simple(words=[Word([Lit("true", False)], "true")], redirects=cmd.redirects)
        if words:
            subject.words.append(words[0])  # the subject may hold a $( )
        body: Script = [[subject]]
        while True:
            self.skip_separators()
            if self.i >= len(self.s):
                raise ParseError("unterminated case")
            if self.s.startswith("esac", self.i) and (
                    self.i + 4 == len(self.s) or self.s[self.i + 4] in META):
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
