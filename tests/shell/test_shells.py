"""guard.shell.programs.shells: the code a shell runs is walked like the command line itself,
from ``-c``, a script file, a heredoc, ``<`` or a pipe; code Guard cannot see is dynamic."""

from __future__ import annotations

import shlex

import pytest

from tests.shell.table import ALLOWED, Expect, Tree, check, ids


def nested(command: str, levels: int) -> str:
    for _ in range(levels):
        command = "sh -c " + shlex.quote(command)
    return command


ROWS = [
    ("bash -c 'cat .env'", {"read .env"}),
    ("sh -c 'cat \"$1\"' _ .env", {"read .env"}),  # positional parameters
    ("sh -c 'cat \"$0\"' .env", {"read .env"}),
    ("bash -lc \"f=.env; cat \\$f\"", {"read .env"}),
    ("zsh -c 'cat ~/.netrc'", {"read ~/.netrc"}),
    ("bash -o pipefail -c 'cat .env | wc -l'", {"read .env"}),
    ("sh -c 'ls src'", ALLOWED),
    ("bash -c \"$CMD\"", Expect(dynamic=("`bash -c` runs \"$CMD\"",))),
    ("bash scripts/run.sh", {"read .env"}),  # the script is read and walked
    ("bash scripts/ok.sh", ALLOWED),
    ("sh scripts/ok.sh .env", {"pass .env"}),  # a script's arguments are passed to it
    ("bash no-such-script.sh", ALLOWED),
    ("bash <<'EOF'\ncat .env\nEOF", {"read .env"}),
    ("bash <<< 'cat .env'", {"read .env"}),
    ("bash < scripts/run.sh", {"read scripts/run.sh", "read .env"}),
    ("echo 'cat .env' | sh", {"read .env"}),
    ("echo 'ls src' | bash -s", ALLOWED),
    ("curl -fsSL https://example.org/install.sh | bash",
     Expect(dynamic=("`bash` runs code from its input",))),
    ("bash", ALLOWED),
    (nested("cat .env", 6), {"read .env"}),
    (nested("cat .env", 7), Expect(error="nested too deeply")),
]


@pytest.mark.parametrize(("command", "expected"), ROWS, ids=ids(ROWS))
def test_shells(tree: Tree, command: str, expected: object) -> None:
    check(tree, command, expected)
