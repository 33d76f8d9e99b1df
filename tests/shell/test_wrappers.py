"""guard.shell.programs.wrappers: the command a wrapper runs is walked in its place (sudo,
timeout, env, watch, uv run…); xargs runs one on the words of its input."""

from __future__ import annotations

import pytest

from tests.shell.table import ALLOWED, Expect, Tree, check, ids

ROWS = [
    ("sudo cat .env", {"read .env"}),
    ("sudo -u root cat .env", {"read .env"}),
    ("sudo VAR=1 cat .env", {"read .env"}),
    ("doas -u root cat .env", {"read .env"}),
    ("timeout 5 cat .env", {"read .env"}),
    ("timeout -s KILL 5 cat .env", {"read .env"}),
    ("nice -n 5 cat .env", {"read .env"}),
    ("nohup cat .env", {"read .env"}),
    ("time cat .env", {"read .env"}),
    ("strace -o trace.txt cat .env", {"read .env"}),
    ("command cat .env", {"read .env"}),
    ("command -v cat", ALLOWED),
    ("exec cat .env", {"read .env"}),
    ("exec 3< .env", {"read .env"}),  # nothing to run: only the redirection
    ("sudo", ALLOWED),
    ("sudo ls", ALLOWED),
    ("taskset 0x1 cat .env", {"read .env"}),
    ("flock /tmp/lock -c 'cat .env'", {"read .env"}),
    ("flock /tmp/lock --command 'cat .env'", {"read .env"}),  # used to be taken for a script
    ("watch cat .env", {"read .env"}),
    ("watch -n 1 'ls src'", ALLOWED),
    ("env FOO=1 cat .env", {"read .env"}),
    ("env -u HOME cat .env", {"read .env"}),
    ("env -S 'cat .env'", {"read .env"}),
    ("env", Expect(env=("env",))),
    ("env -i", Expect(env=("env",))),
    ("uv run cat .env", {"read .env"}),
    ("uv run --env-file .env pytest", {"load .env"}),
    ("uv run -- python3 scripts/leak.py", {"read .env", "read .read"}),
    ("poetry run pytest -q", ALLOWED),
    ("bundle exec cat .env", {"read .env"}),
    ("uv sync", {"pass sync"}),  # not a run: an ordinary program Guard does not know
    ("npx -p pkg cat .env", {"read .env"}),
    # xargs
    ("echo .env | xargs cat", {"read .env"}),
    ("echo a b | xargs -I{} cp {} /tmp", {"copy a", "copy b"}),
    ("echo src | xargs -i ls {}", ALLOWED),
    ("ls -a | xargs cat", {"read . children"}),
    ("xargs cat < list.txt", Expect(dynamic=("`cat` takes xargs input",))),
    ("xargs -a list.txt cat", Expect("read list.txt", dynamic=("`cat` takes xargs -a",))),
    ("echo x | xargs", ALLOWED),  # echo
    ("echo .env | xargs rm", ALLOWED),
]


@pytest.mark.parametrize(("command", "expected"), ROWS, ids=ids(ROWS))
def test_wrappers(tree: Tree, command: str, expected: object) -> None:
    check(tree, command, expected)
