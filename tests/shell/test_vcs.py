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
    ("git diff", {"read . history"}),  # judged by what the repository's commits hold
    ("git diff --stat", ALLOWED),
    ("git blame .env", {"read .env"}),
    ("git cat-file -p HEAD:.env", {"read .env"}),
    ("git log -p -- .env", {"read .env"}),
    ("git log -Ssecret -- .env", {"read .env"}),
    ("git log -- .env", ALLOWED),  # no patch: only the commits
    ("git log --oneline -5", ALLOWED),
    ("git format-patch -1 .env", {"read .env"}),
    ("git stash show -p", {"read . history"}),
    ("git stash show", ALLOWED),
    # history, objects and config print secrets without naming a file
    ("git log -p", {"read . history"}),
    ("git show HEAD", {"read . history"}),
    ("git diff HEAD~3 HEAD", {"read . history"}),
    ("git cat-file --batch-all-objects --batch", {"read . history"}),
    ("git fast-export --all", {"read . history"}),
    ("git format-patch --stdout HEAD~2", {"read . history"}),
    ("git remote -v", {"read . config"}),
    ("git config --list", {"read . config"}),
    ("git add -f .env", {"copy .env"}),
    ("git add src/app.py", ALLOWED),
    ("git log --oneline -5", ALLOWED),
    ("git show --stat HEAD", ALLOWED),
    ("git log -p -- README.md", {"read README.md"}),
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
