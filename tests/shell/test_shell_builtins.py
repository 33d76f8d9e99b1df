"""guard.shell.programs.shell_builtins: eval's text is walked, source's file is sourced (not
walked: its values would enter messages), cd moves where relative paths point."""

from __future__ import annotations

import pytest

from tests.shell.table import ALLOWED, Expect, Tree, check, ids

ROWS = [
    ("eval 'cat .env'", {"read .env"}),
    ("eval cat .env", {"read .env"}),
    ("x='cat .env'; eval \"$x\"", {"read .env"}),
    ("eval \"$(ssh-agent -s)\"", ALLOWED),
    ("eval $CMD", Expect(dynamic=("`eval` runs text that Guard cannot know",))),
    ("eval", ALLOWED),
    ("source .env", {"source .env"}),
    (". ./.env && npm start", {"source .env", "pass start"}),
    ("source ~/.netrc", {"source ~/.netrc"}),
    ("source", ALLOWED),
    ("cd src && cat app.py", {"read src/app.py"}),
    ("cd src; cd ..; cat .env", {"read .env"}),
    ("cd ~/.aws && cat credentials", {"read ~/.aws/credentials"}),
    ("cd && cat .netrc", {"read ~/.netrc"}),
    ("pushd src && cat util.py", {"read src/util.py"}),
    ("cd \"$SOMEWHERE\" && cat config",
     Expect("read config", dynamic=("after a `cd` to an unknown place",))),
    ("cd - && cat x", Expect("read x", dynamic=("after a `cd`",))),
    ("cd \"$SOMEWHERE\" && cat /etc/hosts", {"read /etc/hosts"}),  # absolute: known anyway
    ("cd src && ls", ALLOWED),
]


@pytest.mark.parametrize(("command", "expected"), ROWS, ids=ids(ROWS))
def test_shell_builtins(tree: Tree, command: str, expected: object) -> None:
    check(tree, command, expected)
