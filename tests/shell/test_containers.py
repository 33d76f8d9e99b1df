"""guard.shell.programs.containers: docker and podman print a dotenv file through --env-file
and ``compose config``, and copy files into containers with ``cp``."""

from __future__ import annotations

import pytest

from tests.shell.table import ALLOWED, Tree, check, ids

ROWS = [
    ("docker compose config", {"read .env"}),  # prints the compose file with .env filled in
    ("docker-compose config", {"read .env"}),
    ("docker compose --env-file .env.prod config", {"read .env.prod", "read .env"}),
    ("docker run --env-file .env alpine env", {"read .env"}),
    ("podman run --env-file=.env.prod x", {"read .env.prod"}),
    ("docker cp .env app:/tmp/", {"copy .env"}),
    ("docker container cp deploy/id_rsa app:/root/", {"copy deploy/id_rsa"}),
    ("docker cp app:/etc/passwd .", ALLOWED),
    ("docker compose up -d", ALLOWED),
    ("docker ps", ALLOWED),
    ("docker build -t app .", ALLOWED),
]


@pytest.mark.parametrize(("command", "expected"), ROWS, ids=ids(ROWS))
def test_containers(tree: Tree, command: str, expected: object) -> None:
    check(tree, command, expected)
