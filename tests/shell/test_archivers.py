"""guard.shell.programs.archivers: creating an archive or compressing a file packs it; listing
or extracting does not."""

from __future__ import annotations

import pytest

from tests.shell.table import ALLOWED, Tree, check, ids

ROWS = [
    ("tar czf out.tgz .", {"archive . tree"}),
    ("tar cf out.tar a b", {"archive a", "archive b"}),
    ("tar -czf out.tgz src", {"archive src tree"}),
    ("tar --create --file=x.tar README.md", {"archive README.md"}),
    ("tar -czf out.tgz -C . .env", {"archive .env"}),
    ("tar -C src -cf out.tar app.py", {"archive src/app.py"}),  # relative to -C
    ("tar czf out.tgz --exclude=.env .", {"archive . tree exclude=.env"}),
    ("tar -T list.txt -cf out.tar", {"read list.txt"}),  # the names come from a file
    ("tar rf out.tar .env", {"archive .env"}),  # appending packs too
    ("tar -xzf out.tgz", ALLOWED),
    ("tar tf out.tar", ALLOWED),
    ("tar", ALLOWED),
    ("zip -r out.zip .", {"archive . tree"}),
    ("zip out.zip .env README.md", {"archive .env", "archive README.md"}),  # not out.zip
    ("gzip -c .env", {"archive .env"}),
    ("gzip -k -x .env src", {"archive src tree exclude=.env"}),
    ("gzip -d x.gz", ALLOWED),
    ("xz --decompress x.xz", ALLOWED),
    ("7z a out.7z .env", {"archive .env"}),
    ("7z x out.7z", ALLOWED),
    ("jar cf app.jar src", {"archive src tree"}),
]


@pytest.mark.parametrize(("command", "expected"), ROWS, ids=ids(ROWS))
def test_archivers(tree: Tree, command: str, expected: object) -> None:
    check(tree, command, expected)
