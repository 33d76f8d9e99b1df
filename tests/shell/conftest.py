"""The fixed repository and home directory of the table-driven tests (tests/shell/table.py)."""

from __future__ import annotations

import os

import pytest

from tests.conftest import make_tree
from tests.shell.table import Tree

REPO = {
    ".gitignore": ".env\n",
    ".env": "DB_PASSWORD=not-a-secret\n",
    ".env.example": "DB_PASSWORD=\n",
    "README.md": "# app\n",
    "list.txt": "README.md\n",
    "src/app.py": "print(1 + 1)\n",
    "src/util.py": "def f():\n    return 1\n",
    "docs/guide.md": "# guide\n",
    "deploy/id_rsa": "not a key\n",
    "scripts/run.sh": "cat .env\n",
    "scripts/ok.sh": "echo hello\nls src\n",
    "scripts/leak.py": "print(open('.env').read())\n",
    "scripts/clean.py": "print(1 + 1)\n",
}
HOME = {
    ".aws/credentials": "[default]\n",
    ".ssh/id_ed25519": "not a key\n",
    ".netrc": "machine example.org\n",
}


@pytest.fixture(scope="session")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    root = make_tree(tmp_path_factory.mktemp("repo"), REPO)
    (root / ".git").mkdir()
    os.symlink("../.env", root / "docs" / "link.txt")
    return Tree(root, make_tree(tmp_path_factory.mktemp("home"), HOME))
