"""Trees and globs in hook decisions: which sensitive files a search, copy or archive of a
directory would reach, and whether a glob could match a sensitive name (today or once such a
file exists)."""

from __future__ import annotations

import os
import re

from guard import config as config_mod
from guard import shell

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from guard.hook.context import Context

TREE_MAX_ENTRIES = 20_000  # a search scope larger than this is refused as unverifiable
TREE_CONTENT_FILES = 400  # files of a searched tree whose content is scanned, smallest first
TREE_CONTENT_BYTES = 4 * 1024 * 1024

def tree_reason(ctx: Context, access: shell.Access, found: list[tuple[str, str]],
                 pattern: str | None) -> str:
    import shlex

    names = ", ".join(rel for rel, _ in found[:3]) + (" …" if len(found) > 3 else "")
    first_rel, first_why = found[0]
    where = ctx.shown(access.path)
    base = os.path.basename(first_rel)
    pat = shlex.quote(pattern) if pattern else "PATTERN"
    verb = _TREE_VERB.get(access.op, "go through")
    return (f"`{access.command}` would {verb} {where}, which holds sensitive files "
            f"({names}; {first_rel}: {first_why}). Leave them out, e.g. "
            f"`rg {pat} {shlex.quote(where)} --glob '!{base}'` or "
            f"`grep -r --exclude='{base}' {pat} {shlex.quote(where)}`, or search a narrower path")


_TREE_VERB = {"open": "open", "copy": "copy", "move": "move", "archive": "pack",
              "send": "send", "source": "load"}


def tree_findings(ctx: Context, access: shell.Access) -> tuple[list[tuple[str, str]], bool]:
    """Sensitive files the access would reach below its directory, and whether the walk was
    complete (False past TREE_MAX_ENTRIES)."""
    root = access.path
    if not os.path.isdir(root):
        why = ctx.sensitive(root, content=True)
        return ([(ctx.shown(root), why)] if why else []), True
    found: list[tuple[str, str]] = []
    files: list[tuple[int, str, str]] = []
    count = 0
    for abspath, rel in _walk(root, access):
        count += 1
        if count > TREE_MAX_ENTRIES:
            return found, False
        why = ctx.sensitive(abspath, content=False)
        if why:
            found.append((rel, why))
            continue
        try:
            size = os.path.getsize(abspath)
        except OSError:
            continue
        files.append((size, abspath, rel))
    budget = TREE_CONTENT_BYTES
    for size, abspath, rel in sorted(files)[:TREE_CONTENT_FILES]:
        if size > budget:
            break
        budget -= size
        why = ctx.sensitive(abspath, content=True)
        if why:
            found.append((rel, why))
    return found, True


def _walk(root: str, access: shell.Access) -> Iterator[tuple[str, str]]:
    """(abspath, relpath) of the files ``access`` reaches under ``root``."""
    entries: Iterator[tuple[str, str]]
    if access.gitignore:
        from guard.sources import walk

        entries = ((e.abspath, e.path) for e in walk.walk(root, config_mod.Config(),
                                                         use_gitignore=True)
                   if not e.path.endswith("/"))
    else:
        entries = _plain_walk(root, access.scope == "tree")
    for abspath, rel in entries:
        parts = rel.split("/")
        if not access.hidden and any(p.startswith(".") for p in parts):
            continue
        if access.excludes and any(_glob_match(x, rel, parts) for x in access.excludes):
            continue
        if access.names and not any(_glob_match(n, rel, parts[-1:]) for n in access.names):
            continue
        yield abspath, rel


def _plain_walk(root: str, recursive: bool) -> Iterator[tuple[str, str]]:
    from guard.sources.entries import entries

    for e, rel in entries(root, frozenset({".git"}), recursive=recursive, sort=True):
        yield e.path, rel


def _glob_match(pattern: str, rel: str, parts: list[str]) -> bool:
    import fnmatch

    pattern = pattern.rstrip("/")
    if "/" in pattern:
        return fnmatch.fnmatchcase(rel, pattern.lstrip("/")) or fnmatch.fnmatchcase(
            rel, pattern.lstrip("/") + "/*")
    return any(fnmatch.fnmatchcase(p, pattern) for p in parts)


def _candidates(ctx: Context) -> list[str]:
    """Names (and short paths) that sensitive files have: one per path-rule pattern, with its
    wildcards filled in, for asking whether a glob could ever match one."""
    out: list[str] = []
    for pattern in [p for r in ctx.pack.paths if r.id not in ctx.config.allow_rules
                    for p in r.patterns] + list(ctx.config.sensitive):
        p = pattern.lstrip("!").lstrip("/")
        while p.startswith("**/"):
            p = p[3:]
        p = re.sub(r"/\*\*$", "/x", p)
        p = re.sub(r"\[([^\]])[^\]]*\]", r"\1", p).replace("*", "x").replace("?", "x")
        if p:
            out.append(p)
    return list(dict.fromkeys(out))


_FILL_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789._-"
_FILL_LIMIT = 2000


def could_match(ctx: Context, pattern: str) -> str | None:
    """The sensitive name an (absolute, escaped) glob could match, or None. A last segment of
    wildcards alone (``*``, ``*.*``) is left to what it matches today.

    Two ways to meet: a sensitive name (a rule pattern with its wildcards filled in) that the
    glob matches, or the glob with its own wildcards filled in (``prod.en?`` -> ``prod.env``)
    that a rule matches."""
    segs = [s for s in pattern.split("/") if s]
    if not segs or re.fullmatch(r"[*?.]+", segs[-1]):
        return None
    found = _rule_side(ctx, segs)
    if found is None and not any(shell.has_glob(s) for s in segs[:-1]):
        prefix = "/" + "/".join(shell.unescape(s) for s in segs[:-1])
        for name in _fillings(segs[-1]):
            if ctx.by_name(os.path.join(prefix, name)):
                return name
    return found


def _fillings(segment: str) -> Iterator[str]:
    """Names a glob segment matches, its wildcards filled in (``prod.en?`` -> ``prod.env``)."""
    # A star stands for nothing or one letter: any star "could" hold a whole sensitive name
    # (``*.md`` could be ``secring.x.md``), which would flag every glob; the other way round,
    # rule patterns filled in, already catches stars around a sensitive name (``*env*``).
    pieces = ["", "x"]
    options: list[list[str]] = []
    i = 0
    while i < len(segment):
        c = segment[i]
        if c == "\\" and i + 1 < len(segment):
            options.append([segment[i + 1]])
            i += 2
            continue
        if c == "*":
            options.append(pieces)
        elif c == "?":
            options.append(list(_FILL_CHARS))
        elif c == "[":
            close = segment.find("]", i + 2)
            if close != -1:
                body = segment[i + 1:close].lstrip("!^")
                options.append([ch for ch in _FILL_CHARS if shell.glob_regex(
                    segment[i:close + 1]).match(ch)] or list(body[:1]))
                i = close + 1
                continue
            options.append([c])
        else:
            options.append([c])
        i += 1
    count = 0
    stack: list[tuple[int, str]] = [(0, "")]
    while stack:
        k, prefix = stack.pop()
        if k == len(options):
            count += 1
            if count > _FILL_LIMIT:
                return
            if not (segment[:1] in ("*", "?") and prefix.startswith(".")):  # bash: no dotfiles
                yield prefix
            continue
        stack.extend((k + 1, prefix + o) for o in reversed(options[k]))


def _rule_side(ctx: Context, segs: list[str]) -> str | None:
    for cand in _candidates(ctx):
        csegs = cand.split("/")
        k = len(csegs)
        if len(segs) < k:
            continue
        tail = segs[-k:]
        if not all(shell.glob_regex(s).match(c) for s, c in zip(tail, csegs, strict=True)):
            continue
        prefix = segs[:-k]
        if any(shell.has_glob(s) for s in prefix):
            return cand
        path = "/" + "/".join([shell.unescape(s) for s in prefix] + csegs)
        if ctx.by_name(path):
            return cand
    return None
