"""guard.shell.programs.searchers: grep and its relatives read the files they are given, whole
trees when they recurse, with each tool's own rules for hidden and git-ignored files."""

from __future__ import annotations

import pytest

from tests.shell.table import ALLOWED, Expect, Tree, check, ids

ROWS = [
    ("grep pattern file", {"read file"}),
    ("grep -c KEY .env", ALLOWED),  # a count: no line of .env reaches the output
    ("grep -e x -f pats.txt file", {"read pats.txt", "read file"}),  # -e gave the pattern
    ("grep .env README.md", {"read README.md"}),  # the first word is the pattern
    ("grep TODO src", {"read src"}),  # not recursive: the directory is a file argument
    ("grep -r PASSWORD .", {"read . tree"}),
    ("grep -rn TODO src scripts", {"read src tree", "read scripts tree"}),
    ("grep -d recurse x src", {"read src tree"}),
    ("grep -r x", {"read . tree"}),  # recursive with no path: the current directory
    ("grep -r x --include='*.py' .", {"read . tree name=*.py"}),
    ("grep -r x --exclude=.env --exclude-dir=deploy .",
     {"read . tree exclude=.env exclude=deploy"}),
    ("zgrep x logs.gz", {"read logs.gz"}),
    # rg, ag, pt, sift skip dotfiles and git-ignored files unless told not to
    ("rg foo", {"read . tree -hidden +gitignore"}),
    ("rg --hidden foo", {"read . tree +gitignore"}),
    ("rg -u foo", {"read . tree -hidden"}),
    ("rg -uu foo", {"read . tree"}),
    ("rg --no-ignore foo src", {"read src tree -hidden"}),
    ("rg -t py foo src", {"read src tree -hidden +gitignore name=*.py name=*.pyi"}),
    ("rg -t nosuchtype foo", {"read . tree -hidden +gitignore name=*"}),
    ("rg --glob '!.env' -g '*.md' foo", {"read . tree -hidden +gitignore name=*.md exclude=.env"}),
    ("rg foo .env", {"read .env"}),
    ("ag PASSWORD docs", {"read docs tree -hidden +gitignore"}),
    ("ag -u PASSWORD docs", {"read docs tree +gitignore"}),
    ("ack TODO", {"read . tree"}),
    # -l, -c, --files: a listing that the next command of a pipe may read
    ("grep -rl PASSWORD . | xargs cat", {"read . tree"}),
    ("rg --files | xargs cat", {"read . tree -hidden +gitignore"}),
    # not a tree: grep's output is not known, and so are not xargs' arguments
    ("grep -l x README.md | xargs cat", Expect(dynamic=("xargs input",))),
    # names, counts or a status only: no line of a file reaches the output
    ("grep -rl TODO .", ALLOWED),
    ("grep -l sk_live .env", ALLOWED),
    ("rg -c TODO", ALLOWED),
    ("grep -q KEY .env", ALLOWED),
    ("grep -rn TODO .", {"read . tree"}),
    # reading the standard input
    ("grep foo", ALLOWED),
    ("cat README.md | grep -r foo", {"read README.md"}),
    ("grep -r foo <<< bar", ALLOWED),
]


@pytest.mark.parametrize(("command", "expected"), ROWS, ids=ids(ROWS))
def test_searchers(tree: Tree, command: str, expected: object) -> None:
    check(tree, command, expected)
