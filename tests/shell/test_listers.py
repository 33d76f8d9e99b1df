"""guard.shell.programs.listers: ls, find and fd print file names, a listing that xargs or a
``$( )`` turns into a reader's arguments; find -exec and fd -x run a command on what they find."""

from __future__ import annotations

import pytest

from tests.shell.table import ALLOWED, Expect, Tree, check, ids

ROWS = [
    ("ls", ALLOWED),
    ("ls -la .env", ALLOWED),
    ("ls ~/.ssh", ALLOWED),
    ("ls | xargs cat", {"read . children -hidden"}),
    ("ls -a | xargs cat", {"read . children"}),
    ("ls -R src | xargs cat", {"read src tree -hidden"}),
    ("ls .env | xargs cat", {"read .env"}),
    ("cat $(ls -A)", {"read . children"}),
    ("find . -name '*.py'", ALLOWED),
    ("find . -name .env -exec cat {} \\;", {"read . tree name=.env"}),
    ("find src -name '*.py' | xargs cat", {"read src tree name=*.py"}),
    ("find . -iname '*.ENV' -print0 | xargs -0 cat", {"read . tree name=*.ENV"}),
    ("find . -exec cat {} +", {"read . tree"}),
    ("find . -type f -exec sha256sum {} +", ALLOWED),
    ("find . -name x -delete | xargs cat", Expect(dynamic=("xargs input",))),  # prints nothing
    ("find . -exec sh -c 'cat \"$1\"' _ {} \\;",
     Expect(dynamic=("`find -exec sh -c` runs a script on found files",))),
    ("fd -e py", ALLOWED),
    ("fd . src | xargs cat", {"read src tree -hidden +gitignore"}),
    ("fd -H -x cat", {"read . tree +gitignore"}),
    ("fdfind -u -X cat", {"read . tree"}),
]


@pytest.mark.parametrize(("command", "expected"), ROWS, ids=ids(ROWS))
def test_listers(tree: Tree, command: str, expected: object) -> None:
    check(tree, command, expected)
