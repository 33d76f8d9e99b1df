"""guard.shell.programs.quiet: programs that take a file without showing it, or only a count or
a hash of it; those that read their standard input for more than that still read it."""

from __future__ import annotations

import pytest

from tests.shell.table import ALLOWED, Expect, Tree, check, ids

ROWS = [
    ("wc -l .env", ALLOWED),
    ("sha256sum .env deploy/id_rsa", ALLOWED),
    ("test -f .env && echo y", ALLOWED),
    ("[ -f .env ] || cp .env.example .env", {"copy .env.example"}),
    ("stat .env", ALLOWED),
    ("touch .env && chmod 600 .env", ALLOWED),
    ("rm -f .env.bak", ALLOWED),
    ("ssh -i deploy/id_rsa deploy@host uptime", ALLOWED),
    ("which python3", ALLOWED),
    ("tree src", ALLOWED),
    ("du -sh .", ALLOWED),
    ("wc -l < .env", ALLOWED),  # a count of it
    ("md5sum < deploy/id_rsa", ALLOWED),
    ("true < .env", ALLOWED),
    ("read -r x < .env", {"read .env"}),  # into a variable: no longer quiet
    ("mapfile -t lines < .env", {"read .env"}),
    ("while read l; do echo $l; done < .env", Expect("read .env", printed=("l",))),
    ("cat .env | tee copy.txt", {"read .env"}),  # tee itself shows nothing more
    ("echo x | tee -a notes.txt", ALLOWED),
    ("xargs wc -l < list.txt", ALLOWED),  # xargs runs no quiet program
]


@pytest.mark.parametrize(("command", "expected"), ROWS, ids=ids(ROWS))
def test_quiet(tree: Tree, command: str, expected: object) -> None:
    check(tree, command, expected)
