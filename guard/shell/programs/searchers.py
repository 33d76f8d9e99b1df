"""Programs that search files for a pattern: grep and its relatives, rg, ag, ack. They read what
they are given, or whole trees when they recurse (with their own rules for hidden and ignored
files), and ``-l``/``-c``/``--files`` turn them into listings for the next command of a pipe."""

from __future__ import annotations

import os

from guard.shell.model import Arg, Listing
from guard.shell.programs.options import name_set, parse_options

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook's start-up avoids importing typing
if TYPE_CHECKING:
    from guard.shell.programs.base import Handler, Walker
    from guard.shell.syntax import Simple

SEARCHERS = name_set("grep egrep fgrep zgrep zegrep zfgrep rg ag ack ack-grep ugrep pt sift")

# Per-program options that take a value (so the value is not taken for the pattern or a file).
GREP_VALUE = name_set("-e -f -m -A -B -C -d -D --regexp --file --max-count --after-context "
                      "--before-context --context --directories --devices --label --binary-files")
_RG_VALUE = name_set("-e -f -g -t -T -m -A -B -C -j -M -E -r --regexp --file --glob --iglob "
                     "--type --type-not --type-add --max-count --after-context --before-context "
                     "--context --threads --max-columns --encoding --replace --max-depth "
                     "--max-filesize --ignore-file --sort --sortr --pre --pre-glob --colors "
                     "--color --path-separator --context-separator --field-match-separator "
                     "--engine --dfa-size-limit --regex-size-limit -d")
_AG_VALUE = name_set("-G -g -m -A -B -C --file-search-regex --ignore --ignore-dir --depth "
                     "--max-count --context --after --before --pager -p --path-to-ignore")
_ACK_VALUE = name_set("-g -m -A -B -C --type --ignore-dir --ignore-file --match --output "
                      "--max-count --context --after-context --before-context")
_RG_TYPES = {
    "py": ("*.py", "*.pyi"), "python": ("*.py", "*.pyi"), "js": ("*.js", "*.mjs", "*.cjs", "*.jsx"),
    "ts": ("*.ts", "*.tsx", "*.mts", "*.cts"), "go": ("*.go",), "rust": ("*.rs",),
    "java": ("*.java",), "rb": ("*.rb",), "ruby": ("*.rb",), "c": ("*.c", "*.h"),
    "cpp": ("*.cpp", "*.cc", "*.hpp", "*.h"), "md": ("*.md",), "markdown": ("*.md",),
    "html": ("*.html", "*.htm"), "css": ("*.css",), "sh": ("*.sh", "*.bash"),
    "yaml": ("*.yaml", "*.yml"), "json": ("*.json",), "toml": ("*.toml",),
}


def _search(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object,
            code: list[str]) -> Listing | None:
    """grep, rg, ag, ack…: the first positional is the pattern unless -e/-f gave one; the rest
    are files, or trees when the search recurses (rg, ag, ack always do)."""
    table = {"rg": _RG_VALUE, "ag": _AG_VALUE, "ack": _ACK_VALUE, "ack-grep": _ACK_VALUE}
    opts, pos = parse_options(args, table.get(name, GREP_VALUE))
    flags = {k for k, _ in opts}
    pattern_given = False
    hidden, gitignore = True, False
    names: list[str] = []
    excludes: list[str] = []
    recursive = name in ("rg", "ag", "ack", "ack-grep", "pt", "sift")
    if name in ("rg", "ag", "pt", "sift"):
        hidden, gitignore = False, True
    unrestricted = 0
    for k, v in opts:
        if k in ("-e", "--regexp", "--match"):
            pattern_given = True
        elif k in ("-f", "--file"):
            pattern_given = True
            if v is not None:
                w.touch("read", v, name)
        elif ((k in ("-r", "-R", "--recursive", "--dereference-recursive") and name != "rg")
              or (k in ("-d", "--directories") and v is not None and v.text == "recurse")):
            recursive = True
        elif k in ("--hidden", "-.", "--skip-vcs-ignores") or (name == "ag" and k == "-u"):
            hidden = True
        elif k == "-u" or k in ("--no-ignore", "--unrestricted", "--no-ignore-vcs"):
            unrestricted += 1
            gitignore = False
        elif k in ("--include",) and v is not None:
            names.append(v.text)
        elif k in ("--exclude", "--exclude-dir", "--ignore", "--ignore-dir") and v is not None:
            excludes.append(v.text)
        elif k in ("-g", "--glob", "--iglob") and v is not None:
            if v.text.startswith("!"):
                excludes.append(v.text[1:])
            else:
                names.append(v.text)
        elif k in ("-t", "--type") and v is not None:
            names.extend(_RG_TYPES.get(v.text, ()))
            if v.text not in _RG_TYPES:
                names.append("*")
        elif k == "-G" and v is not None and name == "ag":
            pass
    if unrestricted >= 2:
        hidden = True
    if not pattern_given and pos and not (name == "rg" and "--files" in flags):
        pos = pos[1:]
    listing_only = bool(flags & {"-l", "--files-with-matches", "-L", "--files-without-match",
                                 "--files", "-c", "--count", "-q", "--quiet"})
    if not pos:
        if not recursive or feed is not None or code:
            return None  # reads its input
        pos = [Arg(".", ".")]
    globs = tuple(n for n in names if n)
    scope_kw = {"hidden": hidden, "gitignore": gitignore, "names": globs,
                "excludes": tuple(excludes)}
    trees: list[str] = []
    for a in pos:
        path = w.abspath(a.text) if a.text else ""
        tree = a.listing is None and recursive and bool(path) and os.path.isdir(path)
        if tree:
            trees.append(path)
        if listing_only:
            continue  # names, counts or a status: no line of any file reaches the output
        if tree:
            w.touch("read", a, name, scope="tree", **scope_kw)
        else:
            w.touch("read", a, name)
    if listing_only and trees:
        return Listing(trees, "tree", hidden, gitignore, globs, tuple(excludes))
    return None


HANDLERS: dict[str, Handler] = dict.fromkeys(SEARCHERS, _search)
