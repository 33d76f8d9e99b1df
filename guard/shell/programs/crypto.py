"""Key and encryption tools: openssl and keytool read the keys and files named by their options
(``-in``, ``-inkey``…); gpg, age and sops read the files they are given."""

from __future__ import annotations

from guard.shell.model import Arg
from guard.shell.programs.options import positional

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook's start-up avoids importing typing
if TYPE_CHECKING:
    from guard.shell.programs.base import Handler, Walker
    from guard.shell.syntax import Simple


def _openssl(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object,
             code: list[str]) -> None:
    """The files named by -in, -inkey, -keystore, -passin file:…; gpg, age, sops: all files."""
    for i, a in enumerate(args):
        if a.text in ("-in", "-inkey", "-key", "-keystore", "-file", "-infile", "-passin") and \
                i + 1 < len(args):
            value = args[i + 1]
            if value.text.startswith("file:"):
                value = Arg(value.text[5:], value.source)
            w.touch("read", value, name)
    if name in ("gpg", "gpg2", "age", "sops"):
        for a in positional(args):
            w.touch("read", a, name)


HANDLERS: dict[str, Handler] = dict.fromkeys(
    ("openssl", "keytool", "gpg", "gpg2", "age", "sops"), _openssl)
