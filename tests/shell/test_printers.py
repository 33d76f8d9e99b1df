"""guard.shell.programs.printers: echo, printf, pwd, dirname, basename, realpath and readlink
print what follows from their arguments, so Guard follows it into the next command (``cat
$(echo .env)``); echo and printf also print the variables they expand."""

from __future__ import annotations

import pytest

from tests.shell.table import ALLOWED, Expect, Tree, check, ids

ROWS = [
    ("echo .env", ALLOWED),
    ("echo hello > /dev/null", ALLOWED),
    ("echo .env > out.txt", {"write out.txt"}),
    ("echo $DB_PASSWORD", Expect(printed=("DB_PASSWORD",))),
    ("echo \"password is ${DB_PASSWORD}\"", Expect(printed=("DB_PASSWORD",))),
    ("printf '%s\\n' \"$HOME\" $SRC", Expect(printed=("HOME", "SRC"))),
    ("echo $$ $? $# $@", ALLOWED),  # special parameters hold no secret
    ("cat $(echo .env)", {"read .env"}),
    ("cat `echo .env`", {"read .env"}),
    ("cat \"$(printf '%s' .env)\"", {"read .env"}),
    ("cat $(printf '%s/%s' src app.py)", {"read src/app.py"}),
    ("cat $(printf '\\x2eenv')", {"read .env"}),
    ("echo -n .env | xargs cat", {"read .env"}),
    ("printf 'cat .env' | sh", {"read .env"}),
    ("cat \"$(pwd)/.env\"", {"read .env"}),
    ("cat \"$(dirname src/app.py)/util.py\"", {"read src/util.py"}),
    ("cat $(basename /x/y/.env)", {"read .env"}),
    ("cat $(realpath .env)", {"read .env"}),
    ("cat $(readlink -f docs/link.txt)", {"read .env"}),  # realpath follows the link
    ("echo $(echo README.md)", ALLOWED),
]


@pytest.mark.parametrize(("command", "expected"), ROWS, ids=ids(ROWS))
def test_printers(tree: Tree, command: str, expected: object) -> None:
    check(tree, command, expected)
