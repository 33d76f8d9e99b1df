"""The syntax tree of a shell command line, as guard.shell.parse builds it, and the character
classes its lexer (guard.shell.words) and grammar (guard.shell.parse) share."""

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


class Node:
    """Plain slotted classes: dataclasses would cost a hook several milliseconds to import."""

    __slots__: tuple[str, ...] = ()

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__)
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and all(
            getattr(self, k) == getattr(other, k) for k in self.__slots__)

    # Unhashable, as a mutable node with __eq__ should be. The ignore: typeshed declares
    # object.__hash__ a method, so mypy rejects None (the documented way to opt out).
    __hash__ = None  # type: ignore[assignment]


class Lit(Node):
    __slots__ = ("quoted", "text")

    def __init__(self, text: str, quoted: bool) -> None:
        self.text = text
        self.quoted = quoted


class Tilde(Node):
    __slots__ = ("user",)

    def __init__(self, user: str) -> None:
        self.user = user


class Var(Node):
    __slots__ = ("arg", "name", "op", "quoted")

    def __init__(self, name: str, quoted: bool, op: str = "", arg: Word | None = None) -> None:
        self.name = name
        self.quoted = quoted
        self.op = op
        self.arg = arg


class Sub(Node):
    __slots__ = ("kind", "quoted", "script")

    def __init__(self, script: Script, quoted: bool, kind: str = "$(") -> None:
        self.script = script
        self.quoted = quoted
        self.kind = kind


class Arith(Node):
    __slots__ = ()


Part = Lit | Tilde | Var | Sub | Arith


class Word(Node):
    __slots__ = ("parts", "source")

    def __init__(self, parts: list[Part], source: str) -> None:
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


class Heredoc(Node):
    __slots__ = ("body", "delimiter", "quoted", "strip_tabs", "text")

    def __init__(self, delimiter: str, quoted: bool, strip_tabs: bool) -> None:
        self.delimiter = delimiter
        self.quoted = quoted
        self.strip_tabs = strip_tabs
        self.body: Word | None = None  # filled when the line after the operator is read
        self.text = ""


class Redirect(Node):
    __slots__ = ("fd", "heredoc", "op", "target")

    def __init__(self, op: str, fd: str, target: Word | None = None,
                 heredoc: Heredoc | None = None) -> None:
        self.op = op
        self.fd = fd
        self.target = target
        self.heredoc = heredoc


class Simple(Node):
    __slots__ = ("assigns", "loop", "redirects", "words")

    def __init__(self, assigns: list[tuple[str, list[Word]]] | None = None,
                 words: list[Word] | None = None, redirects: list[Redirect] | None = None,
                 loop: bool = False) -> None:
        self.assigns = assigns if assigns is not None else []
        self.words = words if words is not None else []
        self.redirects = redirects if redirects is not None else []
        self.loop = loop  # a for/select header: assigns hold the loop variable and its words


class Group(Node):
    """A subshell or compound command, kept whole so that its redirections apply to it."""

    __slots__ = ("redirects", "script")

    def __init__(self, script: Script, redirects: list[Redirect] | None = None) -> None:
        self.script = script
        self.redirects = redirects if redirects is not None else []


Command = Simple | Group
Pipeline = list[Command]
Script = list[Pipeline]

META = frozenset(" \t\n;&|<>()")
NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
NAME_CHARS = NAME_START | frozenset("0123456789")
SPECIAL_PARAMS = frozenset("@*#?$!-0123456789")


def is_assignment_word(text: str) -> int:
    """Length of ``NAME=`` / ``NAME+=`` at the start of ``text``, or 0."""
    if not text or text[0] not in NAME_START:
        return 0
    i = 1
    while i < len(text) and text[i] in NAME_CHARS:
        i += 1
    if text.startswith("=", i):
        return i + 1
    if text.startswith("+=", i):
        return i + 2
    if text.startswith("[", i):  # a[i]=v
        close = text.find("]=", i)
        return close + 2 if close != -1 else 0
    return 0
