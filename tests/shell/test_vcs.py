"""guard.shell.programs.vcs: the git subcommands that print file contents, list files or pack
the tree. ``REV:path`` is relative to the top of the repository, ``REV:./path`` to the current
directory."""

from __future__ import annotations

import pytest

from tests.shell.table import ALLOWED, Tree, check, ids

ROWS = [
    ("git show HEAD:.env", {"read .env"}),
    ("git show HEAD~2:deploy/id_rsa", {"read deploy/id_rsa"}),
    ("cd src && git show HEAD:README.md", {"read README.md"}),  # from the top
    ("cd src && git show HEAD:./app.py", {"read src/app.py"}),  # from here
    ("git -C src show HEAD:./x", {"read src/x"}),
    ("git show HEAD:", ALLOWED),
    ("git diff .env", {"read .env"}),
    ("git diff", ALLOWED),
    ("git diff --stat", ALLOWED),
    ("git blame .env", {"read .env"}),
    ("git cat-file -p HEAD:.env", {"read .env"}),
    ("git log -p -- .env", {"read .env"}),
    ("git log -Ssecret -- .env", {"read .env"}),
    ("git log -- .env", ALLOWED),  # no patch: only the commits
    ("git log --oneline -5", ALLOWED),
    ("git format-patch -1 .env", {"read .env"}),
    ("git stash show -p", ALLOWED),
    ("git grep PASSWORD", {"read . tree +gitignore"}),
    ("git grep -e x src", {"read src tree +gitignore"}),
    ("git grep x nosuchdir", {"read . tree +gitignore"}),  # an unknown path: the whole tree
    ("git archive HEAD", {"archive . tree +gitignore"}),
    ("git ls-files | xargs cat", {"read . tree +gitignore"}),
    ("git ls-files src | xargs cat", {"read src tree +gitignore"}),
    ("cat \"$(git rev-parse --show-toplevel)/.env\"", {"read .env"}),
    ("git status", ALLOWED),
    ("git add .env.example", ALLOWED),
    ("git check-ignore .env", ALLOWED),
    ("git commit -m 'read .env'", ALLOWED),
    ("git -c core.pager=cat", ALLOWED),
]


@pytest.mark.parametrize(("command", "expected"), ROWS, ids=ids(ROWS))
def test_vcs(tree: Tree, command: str, expected: object) -> None:
    check(tree, command, expected)
