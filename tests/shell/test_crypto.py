"""guard.shell.programs.crypto: openssl and keytool read the files their options name; gpg, age
and sops read the files they are given."""

from __future__ import annotations

import pytest

from tests.shell.table import ALLOWED, Tree, check, ids

ROWS = [
    ("openssl rsa -in deploy/id_rsa -noout -text", {"read deploy/id_rsa"}),
    ("openssl enc -d -in x.enc -passin file:pw.txt", {"read x.enc", "read pw.txt"}),
    ("openssl x509 -noout -in cert.pem", {"read cert.pem"}),
    ("openssl rand -hex 16", ALLOWED),
    ("openssl version", ALLOWED),
    ("keytool -list -keystore ks.jks", {"read ks.jks"}),
    ("gpg --decrypt secrets.gpg", {"read secrets.gpg"}),
    ("gpg --list-keys", ALLOWED),
    ("sops -d secrets.yaml", {"read secrets.yaml"}),
    ("age -d -i key.txt secret.age", {"read key.txt", "read secret.age"}),
]


@pytest.mark.parametrize(("command", "expected"), ROWS, ids=ids(ROWS))
def test_crypto(tree: Tree, command: str, expected: object) -> None:
    check(tree, command, expected)
