"""guard.shell.programs.readers: cat and its relatives print the files they are given (unknown
options' values included), editors open them, sed/awk/jq take a program first, dd reads if=."""

from __future__ import annotations

import pytest

from tests.shell.table import ALLOWED, Expect, Tree, check, ids

ROWS = [
    # readers: every positional argument is a file they print
    ("cat .env", {"read .env"}),
    ("cat README.md src/app.py", {"read README.md", "read src/app.py"}),
    ("cat ~/.aws/credentials", {"read ~/.aws/credentials"}),
    ("cat docs/link.txt", {"read docs/link.txt"}),  # the link is judged by decide, not here
    ("base64 deploy/id_rsa", {"read deploy/id_rsa"}),
    ("diff .env .env.example", {"read .env", "read .env.example"}),
    ("head -n 5 -- -weird", {"read 5", "read -weird"}),  # an unknown option's value may be a file
    ("tail --lines=3 .env", {"read 3", "read .env"}),
    ("sort < .env", {"read .env"}),
    ("/bin/cat .env", {"read .env"}),
    ("cat .e*", {"read .env", "read .env.example"}),
    ("cat *.md", {"read README.md"}),  # no dotglob: .env is not matched by *
    ("cat {README.md,.env}", {"read README.md", "read .env"}),
    ("cat nothing-here*", Expect("read nothing-here*", globs=("nothing-here*",))),
    ("cat $UNKNOWN_FILE", Expect(dynamic=("$UNKNOWN_FILE",))),
    ("cat $SRC/app.py", {"read src/app.py"}),
    ("cat", ALLOWED),  # reads its input
    ("cat -", ALLOWED),
    ("cat --version", ALLOWED),
    ("cat <<EOF\nhello .env\nEOF", ALLOWED),  # the heredoc is the text, not a file
    # openers
    ("vim .env", {"open .env"}),
    ("code .", {"open ."}),
    ("xdg-open deploy/id_rsa", {"open deploy/id_rsa"}),
    ("nano --help", ALLOWED),
    # the program comes first, unless -e/-f gave it
    ("sed -n p .env", {"read .env"}),
    ("sed -e s/a/b/ -f script.sed in.txt", {"read script.sed", "read in.txt"}),
    ("sed -i s/x/y/ README.md", {"read README.md"}),
    ("awk '{print $1}' README.md", {"read README.md"}),
    ("awk -F= '{print $2}' .env", {"read .env"}),
    ("awk '{print}'", ALLOWED),
    ("jq . package.json", {"read package.json"}),
    ("jq --rawfile v .env . data.json", {"read .env", "read data.json"}),
    ("jq -r .name", ALLOWED),
    ("yq e .a config.yml", {"read config.yml"}),
    # dd
    ("dd if=.env of=/tmp/x", {"read .env"}),
    ("dd of=out bs=1", ALLOWED),
]


@pytest.mark.parametrize(("command", "expected"), ROWS, ids=ids(ROWS))
def test_readers(tree: Tree, command: str, expected: object) -> None:
    check(tree, command, expected)


def test_cat_alone_is_what_guard_view_replaces(tree: Tree) -> None:
    assert tree.analyze("cat .env").simple == ("cat", [".env"])
    assert tree.analyze("less ~/.netrc").simple == ("less", ["~/.netrc"])
    assert tree.analyze("head -n 3 .env").simple is None
    assert tree.analyze("cat .e*").simple is None
    assert tree.analyze("cat .env | wc -l").simple is None
