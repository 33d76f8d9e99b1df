"""guard.shell.programs.copiers: cp, mv, ln and install copy or move their sources; scp and
rsync send them when the destination is on another host."""

from __future__ import annotations

import pytest

from tests.shell.table import ALLOWED, Tree, check, ids

ROWS = [
    ("cp .env /tmp/x", {"copy .env"}),
    ("cp a b c dest/", {"copy a", "copy b", "copy c"}),  # the destination is not an access
    ("cp -t dest a", {"copy a"}),
    ("cp --target-directory=dest a b", {"copy a", "copy b"}),
    ("cp .env.example .env", {"copy .env.example"}),
    ("cp -r src /tmp/backup", {"copy src tree"}),
    ("cp -a . /tmp/backup", {"copy . tree"}),
    ("cp src /tmp/backup", {"copy src"}),  # not recursive
    ("mv .env notes", {"move .env"}),
    ("ln -s .env visible", {"copy .env"}),
    ("install -m 600 .env /etc/app.env", {"copy .env"}),  # -m takes a value
    ("cp", ALLOWED),
    ("mv --help", ALLOWED),
    ("cp only-one", ALLOWED),  # a lone argument is the destination
    # to another host
    ("scp .env host:/tmp/", {"send .env"}),
    ("scp -i deploy/id_rsa a host:/x", {"send a"}),  # -i names the key, not a source
    ("scp -r src host:", {"send src tree"}),
    ("scp host:/etc/x local", ALLOWED),  # fetched, not sent
    ("scp a b", {"copy a"}),  # both local
    ("rsync -a . host:/srv/app", {"send . tree"}),
    ("rsync -a --exclude=.env . host:/srv", {"send . tree exclude=.env"}),
    ("rsync --password-file=pw src/ host:x", {"read pw", "send src"}),
    ("rsync -a . /backup", {"copy . tree"}),
]


@pytest.mark.parametrize(("command", "expected"), ROWS, ids=ids(ROWS))
def test_copiers(tree: Tree, command: str, expected: object) -> None:
    check(tree, command, expected)
