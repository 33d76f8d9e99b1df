"""Programs that print or open the files they are given: cat and its many relatives (head, less,
base64, diff, sort…), editors and openers, sed/awk/jq (whose first argument is a program), dd."""

from __future__ import annotations

from guard.shell.model import Arg, Static
from guard.shell.programs.options import name_set, parse_options, positional

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook's start-up avoids importing typing
if TYPE_CHECKING:
    from guard.shell.programs.base import Handler, Walker
    from guard.shell.syntax import Simple

READERS = name_set("""
cat tac nl head tail less more most bat batcat strings xxd od hexdump hd base64 base32 basenc
rev cut sort uniq fold fmt pr column paste join comm expand unexpand iconv zcat zless zmore bzcat
xzcat lzcat zstdcat gzcat lz4cat diff diff3 sdiff cmp colordiff icdiff delta wdiff gron mlr
xmllint pandoc glow mdcat highlight pygmentize ccat uuencode look csvlook csvcut tr envsubst
dos2unix unix2dos sqlite3 split csplit shuf tsort numfmt
""")
OPENERS = name_set("""
vi vim nvim gvim vimdiff view nano pico emacs emacsclient code code-insiders cursor codium subl
gedit kate micro hx helix ed ex joe mcedit open xdg-open
""")
PROGRAM_FIRST = name_set("sed gsed awk gawk mawk nawk jq gojq jaq yq")

# Per-program options that take a value (so the value is not taken for the program or a file).
_SED_VALUE = name_set("-e -f -l --expression --file --line-length")
_AWK_VALUE = name_set("-f -v -F --file --assign --field-separator -i --include -l --load")
_JQ_VALUE = name_set("-f --from-file --indent --arg --argjson --slurpfile --rawfile --args "
                     "-L --tab")


def read_all(w: Walker, name: str, args: list[Arg]) -> None:
    """Every argument that is not an option is a file ``name`` prints, the values of options
    included (``-n 5`` reads "5", ``--opt=value`` reads "value"): an option Guard does not know
    may take a file."""
    for a in positional(args, values=True):
        w.touch("read", a, name)


def _read(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object,
          code: list[str]) -> None:
    read_all(w, name, args)


def _open(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object,
          code: list[str]) -> None:
    """Editors and openers show the files they are given."""
    for a in positional(args):
        w.touch("open", a, name)


def _cat(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object,
         code: list[str]) -> Static | None:
    """A reader whose output is known when it only copies a heredoc or a here-string."""
    read_all(w, name, args)
    if not positional(args) and code:  # cat <<EOF … EOF: the heredoc is the output
        return Static("".join(code))
    return None


def _dd(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object,
        code: list[str]) -> None:
    """dd reads the file named by if=."""
    for a in args:
        if a.text.startswith("if="):
            w.touch("read", Arg(a.text[3:], a.source, dynamic=a.dynamic), name)


def _program_first(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object,
                   code: list[str]) -> None:
    """sed, awk, jq, yq: the first positional is the program unless -e/-f gave one."""
    table = {"sed": _SED_VALUE, "gsed": _SED_VALUE, "jq": _JQ_VALUE, "gojq": _JQ_VALUE,
             "jaq": _JQ_VALUE, "yq": _JQ_VALUE}
    opts, pos = parse_options(args, table.get(name, _AWK_VALUE))
    given = False
    for k, v in opts:
        if k in ("-e", "--expression"):
            given = True
        elif k in ("-f", "--file", "--from-file"):
            given = True
            if v is not None:
                w.touch("read", v, name)
    if name in ("jq", "gojq", "jaq"):  # --rawfile NAME FILE, --slurpfile NAME FILE
        for i, a in enumerate(args):
            if a.text in ("--rawfile", "--slurpfile") and i + 2 < len(args):
                w.touch("read", args[i + 2], name)
                pos = [p for p in pos if p is not args[i + 2]]
    if name == "yq" and pos and pos[0].text in ("e", "eval", "ea", "eval-all"):
        pos = pos[1:]
    if not given and pos:
        pos = pos[1:]
    for a in pos:
        w.touch("read", a, name)


HANDLERS: dict[str, Handler] = {**dict.fromkeys(READERS, _read), **dict.fromkeys(OPENERS, _open),
            **dict.fromkeys(PROGRAM_FIRST, _program_first), "cat": _cat, "dd": _dd}
