"""Bash's word expansions that do not depend on the walk: escaping, field splitting, brace
expansion and globbing.

An expanded word keeps the characters that were quoted escaped with a backslash (``escape``)
until the very end, so that a quoted ``*`` stays a literal star while an unquoted one is a glob;
``unescape`` gives the final text. guard.hook.decide uses ``has_glob`` and ``glob_regex`` to ask
what a glob that matched nothing could match.
"""

from __future__ import annotations

import os
import re

MAX_VARIANTS = 32  # alternatives one word may expand to (for loops, ${x:-y}, braces)
MAX_GLOB_MATCHES = 256

_GLOB_CHARS = re.compile(r"(?<!\\)(?:\\\\)*[*?\[]")
_ESCAPE = re.compile(r"([\\*?\[\]{},\s])")
_UNESCAPE = re.compile(r"\\(.)", re.S)
_SPLIT = re.compile(r"(?<!\\)(?:\\\\)*\s+")


def escape(text: str) -> str:
    """``text`` with the characters that globbing, braces and splitting act on escaped."""
    return _ESCAPE.sub(r"\\\1", text)


def unescape(text: str) -> str:
    """The text an escaped word stands for."""
    return _UNESCAPE.sub(r"\1", text)


def has_glob(escaped: str) -> bool:
    """Whether an escaped word has an unescaped ``*``, ``?`` or ``[``."""
    return bool(_GLOB_CHARS.search(escaped))


def split_fields(escaped: str) -> list[str]:
    """Field splitting of an unquoted expansion: at unescaped whitespace, empty fields dropped."""
    return [c for c in _SPLIT.split(escaped) if c]


def brace_expand(text: str, limit: int = MAX_VARIANTS) -> list[str]:
    """Bash brace expansion of an escaped word: ``.{e,x}nv``, ``f{1..3}``."""
    depth = 0
    start = -1
    commas: list[int] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            if depth == 0:
                start = i
                commas = []
            depth += 1
        elif c == "}" and depth:
            depth -= 1
            if depth == 0:
                inner = text[start + 1:i]
                pre, post = text[:start], text[i + 1:]
                if commas:
                    items, last = [], start + 1
                    for c_at in commas:
                        items.append(text[last:c_at])
                        last = c_at + 1
                    items.append(text[last:i])
                else:
                    sequence = _sequence(inner)
                    if sequence is None:
                        i += 1
                        continue
                    items = sequence
                out: list[str] = []
                for item in items:
                    for tail in brace_expand(post, limit):
                        out.extend(brace_expand(pre + item + tail, limit))
                        if len(out) >= limit:
                            return out[:limit]
                return out
        elif c == "," and depth == 1:
            commas.append(i)
        i += 1
    return [text]


def _sequence(inner: str) -> list[str] | None:
    """The items of ``{1..3}`` or ``{a..c}``; None when ``inner`` is not a sequence."""
    m = re.fullmatch(r"(-?\d+)\.\.(-?\d+)|([a-zA-Z])\.\.([a-zA-Z])", inner)
    if not m:
        return None
    if m.group(1) is not None:
        a, b = int(m.group(1)), int(m.group(2))
        step = 1 if b >= a else -1
        return [str(n) for n in range(a, b + step, step)][:MAX_VARIANTS]
    a, b = ord(m.group(3)), ord(m.group(4))
    step = 1 if b >= a else -1
    return [chr(n) for n in range(a, b + step, step)][:MAX_VARIANTS]


def glob_regex(segment: str) -> re.Pattern[str]:
    """One path segment of an escaped glob as a regex, with bash's rule that a leading ``*``
    or ``?`` does not match a leading dot (a leading ``[…]`` may: Guard errs to matching)."""
    out = []
    i = 0
    while i < len(segment):
        c = segment[i]
        if c == "\\" and i + 1 < len(segment):
            out.append(re.escape(segment[i + 1]))
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = i + 1
            if j < len(segment) and segment[j] in "!^":
                j += 1
            if j < len(segment) and segment[j] == "]":
                j += 1
            close = segment.find("]", j)
            if close == -1:
                out.append(re.escape(c))
            else:
                body = segment[i + 1:close]
                negate = body[:1] in ("!", "^")
                body = body[1:] if negate else body
                body = body.replace("\\", "\\\\")
                out.append(f"[{'^' if negate else ''}{body}]")
                i = close + 1
                continue
        else:
            out.append(re.escape(c))
        i += 1
    prefix = "(?!\\.)" if segment[:1] in ("*", "?") else ""
    return re.compile(prefix + "".join(out) + r"\Z", re.S)


def expand_glob(pattern: str) -> list[str]:
    """Absolute paths an absolute escaped glob matches now (bash: no globstar, no dotglob)."""
    segments = pattern.split("/")
    current = ["/"] if pattern.startswith("/") else [""]
    for seg in segments:
        if not seg:
            continue
        if not has_glob(seg):
            current = [os.path.join(c, unescape(seg)) for c in current]
            continue
        rx = glob_regex(seg)
        found: list[str] = []
        for c in current:
            try:
                with os.scandir(c or ".") as it:
                    names = sorted(e.name for e in it)
            except OSError:
                continue
            found.extend(os.path.join(c, n) for n in names if rx.match(n))
            if len(found) > MAX_GLOB_MATCHES:
                break
        current = found[:MAX_GLOB_MATCHES]
        if not current:
            return []
    return [c for c in current if os.path.lexists(c)]
