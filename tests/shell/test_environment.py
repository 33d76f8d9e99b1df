"""guard.shell.programs.environment: programs that print the environment or shell variables,
and dotenv files loaded into a program's environment (a "load" hides the values; dotenv list
prints them)."""

from __future__ import annotations

import pytest

from tests.shell.table import ALLOWED, Expect, Tree, check, ids

ROWS = [
    ("printenv", Expect(env=("printenv",))),
    ("printenv HOME DB_PASSWORD", Expect(printed=("HOME", "DB_PASSWORD"))),
    ("export", Expect(env=("export",))),
    ("export -p", Expect(env=("export -p",))),
    ("export PATH=/usr/local/bin", ALLOWED),
    ("export F=.env; cat $F", {"read .env"}),
    ("export F=$UNKNOWN; cat $F", Expect(dynamic=("$F",))),
    ("readonly", Expect(env=("readonly",))),
    ("declare -p", Expect(env=("declare -p",))),
    ("declare -x", Expect(env=("declare -x",))),
    ("typeset", Expect(env=("typeset",))),
    ("declare -p DB_PASSWORD", Expect(printed=("DB_PASSWORD",))),
    ("declare -a arr", ALLOWED),
    ("declare -r X=1", ALLOWED),
    ("local x=.env; cat $x", {"read .env"}),
    ("set", Expect(env=("set",))),
    ("set | grep DB", Expect(env=("set",))),
    # the names of the environment, not its values
    ("env | cut -d= -f1", ALLOWED),
    ("env | cut -f1 -d=", ALLOWED),
    ("printenv | awk -F= '{print $1}'", ALLOWED),
    ("env | sed 's/=.*//'", ALLOWED),
    ("env | cut -d= -f2", Expect(env=("env",))),
    ("env | sort | cut -d= -f1", Expect(env=("env",))),
    ("set -euo pipefail", ALLOWED),
    ("set -a; source .env; set +a", {"source .env"}),
    # dotenv: python-dotenv's list and get print, the rest (and dotenv-cli) load
    ("dotenv list", {"read .env"}),
    ("dotenv -f config/.env get KEY", {"read config/.env"}),
    ("dotenv set KEY value", {"load .env"}),
    ("dotenv -e .env.prod -- node app.js", {"load .env.prod"}),
    ("dotenv run -- npm start", {"load .env", "pass start"}),
]


@pytest.mark.parametrize(("command", "expected"), ROWS, ids=ids(ROWS))
def test_environment(tree: Tree, command: str, expected: object) -> None:
    check(tree, command, expected)
