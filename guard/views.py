"""What a model reading an encoded tool output actually reads: decoded views of a text, the
known values (and what the engine finds) looked for in them, and each one found mapped back to
the span of the text to replace.

The views, each with the placeholder suffix it gives:

- ``-spaced``: the text with its whitespace and NULs left out, for the known values
  (``fold -w 8``, ``sed 's/./& /g'``, ``paste``); lines spaced out (``sed 's/./& /g'``) read as
  they were, for the engine too;
- ``-utf16``: text with NULs between its characters (UTF-16 printed raw) without them;
- ``-escapes``: the text without its ``\\x00`` / ``\\u0000`` escapes (the repr of UTF-16);
- ``-url``: percent-decoded text (``urllib.parse.quote`` keeps the slashes of a URL);
- ``-hex`` and ``-od``: dumps read back into bytes (guard.dumps: ``xxd`` in all its forms,
  ``hexdump``, ``od -x``, ``od -tx1``, ``od -c``…); the lines holding a secret are replaced
  whole (a dump's text column repeats its bytes, and a value runs across lines);
- blocks of base64 (wrapped at 76 columns, or each line reversed by ``rev``) and of base32,
  decoded, gunzipped: a block holding a secret is replaced whole, by a placeholder that says
  what it held (``base64-of-stripe-live-secret-key``).

Decoded bytes are also read without their NULs (UTF-16), and searched for the known values
reversed and for what the engine finds.

Keep it cheap: the text is translated once per family into character classes and a view is
computed only where ``bytes.find`` sees its shape (a hex-dump line, an ``od -c`` line, a run of
base64 or base32 ending a line, characters spaced out); the whitespace view costs one
``translate`` and one ``find`` per known value, and is mapped back only where it shows a value
that the text does not hold as it is.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from guard import dumps
from guard.detect import redact

TYPE_CHECKING = False  # typing costs a hook ~5 ms to import; annotations are strings here
if TYPE_CHECKING:
    from collections.abc import Callable

    Hit = tuple[int, int, bytes, str]  # (start, end) in the view, the value, its label
    # (view, deep) -> hits: the known values; with deep, also reversed and the engine's findings
    Finder = Callable[[bytes, bool], list[Hit]]
    Span = tuple[int, int, bytes]  # (start, end) in the text, its placeholder

MIN_DECODED = 6  # fewer decoded bytes cannot hold a value worth hiding (redactor.MIN_VALUE)
_SPACED_SHAPE = b"c c c c c c c c c c c c"  # sed 's/./& /g'
_B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_CLASSES = dumps.class_table({_B64: b"b", b"\n": b"\n", b"\r": b"\r", b"=": b"="},
                                 b".")
_B64_SHAPE = b"b" * 40
_B32_CLASSES = dumps.class_table({b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567": b"B", b"\n": b"\n",
                                  b"=": b"="}, b".")
_B32_SHAPE = b"B" * 32
_BLANKS = b" \t\r\n\x0b\x0c\x00"
_NOT_BLANK = re.compile(rb"[^ \t\r\n\x0b\x0c\x00]+")
_NOT_NUL = re.compile(rb"[^\x00]+")
_ESCAPED_NUL = re.compile(rb"\\x00|\\u0000")
_PERCENT = re.compile(rb"%[0-9A-Fa-f]{2}")
# `base64 FILE` wraps at 76 columns, `openssl base64` and MIME at 64; `rev` puts the padding of
# the last line first
_BASE64_BLOCK = re.compile(rb"(?:[A-Za-z0-9+/]{40,}\r?\n)+(?:={1,2}[A-Za-z0-9+/]+|"
                           rb"[A-Za-z0-9+/]*={0,2})")
_BASE32_LINE = re.compile(rb"[A-Z2-7]+={0,6}")


def spans(data: bytes, find: Finder) -> list[Span]:
    """The spans of ``data`` to replace: every known value (and engine finding) that a view of
    it shows, each with its placeholder."""
    out: list[Span] = []
    cells = data.translate(dumps.CELL_CLASSES)
    out += _blank_free(data, find, spaced=cells.find(_SPACED_SHAPE) != -1)
    if b"\\x00" in data or b"\\u0000" in data:
        out += _kept_view(data, _without(data, _ESCAPED_NUL), find, "-escapes", deep=True)
    if b"%" in data:
        out += _percent(data, find)
    hexed = data.translate(dumps.HEX_CLASSES)
    for lines in dumps.regions(data, hexed, dumps.HEX_SHAPES, dumps.hex_cells):
        out += _dump(lines, find, "-hex")
    for lines in dumps.regions(data, cells, (dumps.OD_SHAPE,), dumps.od_cells):
        out += _dump(lines, find, "-od")
    for lines in dumps.regions(data, hexed, (dumps.OCTAL_SHAPE,), dumps.od_cells):
        out += _dump(lines, find, "-od")
    out += _base64_blocks(data, find)
    out += _base32_blocks(data, find)
    return out


# --- views that keep the text's bytes ----------------------------------------------------------

class _Kept:
    """A view made of some runs of a text (or of bytes each standing for ``width`` bytes of it),
    and the way back from a span of the view to the span of the text."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.view: list[int] = []  # where each run starts in the view
        self.text: list[int] = []  # and in the text
        self.width: list[int] = []  # bytes of the text per byte of the view
        self.size = 0

    def add(self, part: bytes, start: int, width: int = 1) -> None:
        self.parts.append(part)
        self.view.append(self.size)
        self.text.append(start)
        self.width.append(width)
        self.size += len(part)

    def back(self, start: int, end: int) -> tuple[int, int]:
        """The span of the text that view bytes ``start:end`` stand for."""
        k = bisect_right(self.view, start) - 1
        s = self.text[k] + (start - self.view[k]) * self.width[k]
        k = bisect_right(self.view, end - 1) - 1
        e = self.text[k] + (end - self.view[k]) * self.width[k]
        return s, e


def _kept(data: bytes, kept: re.Pattern[bytes]) -> _Kept:
    view = _Kept()
    for m in kept.finditer(data):
        view.add(m.group(), m.start())
    return view


def _without(data: bytes, deleted: re.Pattern[bytes]) -> _Kept:
    view = _Kept()
    pos = 0
    for m in deleted.finditer(data):
        if m.start() > pos:
            view.add(data[pos:m.start()], pos)
        pos = m.end()
    if pos < len(data):
        view.add(data[pos:], pos)
    return view


def _unseen(view: bytes, data: bytes, hits: list[Hit]) -> list[Hit]:
    """The hits of a view that the text does not hold as they are as often (those it holds are
    found there already, and need no way back)."""
    counts: dict[bytes, bool] = {}
    out = []
    for hit in hits:
        found = view[hit[0]:hit[1]]
        if found not in counts:
            counts[found] = view.count(found) > data.count(found)
        if counts[found]:
            out.append(hit)
    return out


def _blank_free(data: bytes, find: Finder, spaced: bool) -> list[Span]:
    """Values cut by whitespace (folded, spaced, in UTF-16): the known values in the text
    without it. The engine reads the lines spaced out (``spaced``: their shape was seen) as
    they were, and UTF-16 without its NULs."""
    squeezed = data.translate(None, _BLANKS)
    if len(squeezed) == len(data):
        return []
    out = []
    hits = _unseen(squeezed, data, find(squeezed, False))
    if hits:
        view = _kept(data, _NOT_BLANK)
        out += [(*view.back(s, e), redact.placeholder(value, label + "-spaced"))
                for s, e, value, label in hits]
    if spaced:
        out += _kept_view(data, _spaced_lines(data), find, "-spaced", deep=True, part=True)
    if data.count(b"\x00") * 4 > len(data):
        out += _kept_view(data, _kept(data, _NOT_NUL), find, "-utf16", deep=True)
    return out


def _spaced_lines(data: bytes) -> _Kept:
    """The lines of ``data`` with a space after each character (``sed 's/./& /g'``) as they
    were before, each character standing for itself and its space."""
    view = _Kept()
    start = 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end == -1 else end
        if end - start >= 16 and not data[start + 1:end:2].strip(b" "):
            if view.size:
                view.add(b"\n", start - 1)
            view.add(data[start:end:2], start, 2)
        start = end + 1
    return view


def _kept_view(data: bytes, view: _Kept, find: Finder, suffix: str, deep: bool,
               part: bool = False) -> list[Span]:
    """The hits of a view that keeps the text's bytes, mapped back (those the text holds as
    they are left to the text's own search, unless the view is only ``part`` of the text)."""
    if not view.size:
        return []
    joined = b"".join(view.parts)
    hits = find(joined, deep)
    return [(*view.back(s, e), redact.placeholder(value, label + suffix))
            for s, e, value, label in (hits if part else _unseen(joined, data, hits))]


def _percent(data: bytes, find: Finder) -> list[Span]:
    """Values in percent-encoded text: each %XX is the byte it stands for."""
    escapes = _PERCENT.findall(data)
    if not escapes:
        return []
    from urllib.parse import unquote_to_bytes

    decoded = unquote_to_bytes(data)
    hits = _unseen(decoded, data, find(decoded, len(escapes) >= 16))
    if not hits:
        return []
    view = _Kept()
    pos = 0
    for m in _PERCENT.finditer(data):
        if m.start() > pos:
            view.add(data[pos:m.start()], pos)
        view.add(bytes.fromhex(m.group()[1:].decode()), m.start(), 3)
        pos = m.end()
    view.add(data[pos:], pos)
    return [(*view.back(s, e), redact.placeholder(value, label + "-url"))
            for s, e, value, label in hits]


def decoded_hits(data: bytes, find: Finder) -> list[Hit]:
    """The hits in decoded bytes (the engine's only where they are text: an image or another
    binary file holds nothing it finds, and a request may carry many), also read without their
    NULs when they look like UTF-16."""
    hits = find(data, _texty(data))
    if data.count(b"\x00") * 4 > len(data):
        view = _kept(data, _NOT_NUL)
        joined = b"".join(view.parts)
        hits += [(*view.back(s, e), value, label)
                 for s, e, value, label in find(joined, _texty(joined))]
    return hits


_CONTROLS = bytes(range(9)) + bytes(range(14, 32)) + b"\x7f"


def _texty(data: bytes) -> bool:
    """Whether bytes look like text: next to no control characters in their first 4 KB."""
    sample = data[:4096]
    return (len(sample) - len(sample.translate(None, _CONTROLS))) * 50 <= len(sample)


# --- dumps (guard.dumps reads them): the lines that hold a secret, replaced whole ---------------

def _dump(lines: list[dumps.Line], find: Finder, suffix: str) -> list[Span]:
    """The lines of a dump that hold a secret, replaced by its placeholder."""
    decoded = b"".join(line[2] for line in lines)
    if len(decoded) < MIN_DECODED:
        return []
    starts = []  # where each line's bytes start in the decoded bytes
    size = 0
    for line in lines:
        starts.append(size)
        size += len(line[2])
    readings = [decoded]
    width = lines[0][3]
    if width and all(line[3] == width for line in lines) and not size % width:
        swapped = bytearray(size)  # od -x, hexdump: little-endian words
        for k in range(width):
            swapped[k::width] = decoded[width - 1 - k::width]
        readings.append(bytes(swapped))
    out: list[Span] = []
    for reading in readings:
        for s, e, value, label in decoded_hits(reading, find):
            first, last = bisect_right(starts, s) - 1, bisect_right(starts, e - 1) - 1
            out.append((lines[first][0], lines[last][1],
                        redact.placeholder(value, label + suffix)))
    return out


# --- encoded blocks, replaced whole ------------------------------------------------------------

class _Runs:
    """Maximal runs of one class of a translated text (``others`` are the other classes) in
    which one of ``shapes`` is found, from a position on; linear, however many runs."""

    def __init__(self, classes: bytes, shapes: tuple[bytes, ...], others: bytes) -> None:
        self.classes, self.shapes, self.others = classes, shapes, others
        self.stops = tuple(bytes([c]) for c in others)
        self.cache: dict[bytes, int] = {}
        self.ends: dict[bytes, int] = {}

    def next(self, pos: int) -> tuple[int, int] | None:
        """(start, end) of the first run from ``pos`` on, not starting before ``pos``."""
        at = dumps.first(self.classes, self.shapes, pos, self.cache)
        if at == -1:
            return None
        start = max(self.classes.rfind(c, pos, at) for c in self.others) + 1
        end = dumps.first(self.classes, self.stops, at, self.ends)
        return max(start, pos), len(self.classes) if end == -1 else end


def _base64_blocks(data: bytes, find: Finder) -> list[Span]:
    """Runs of base64, on a line of their own or wrapped over lines (``base64 FILE`` wraps at
    76 columns, where no needle matches a value it cuts), decoded as they are and with each
    line reversed (``rev``)."""
    out: list[Span] = []
    runs = _Runs(data.translate(_B64_CLASSES), (_B64_SHAPE,), b".\n\r=")
    pos = 0
    while (run := runs.next(pos)) is not None:
        # a block only where the run ends a line (matched elsewhere, a long run alone would
        # cost the regex a backtrack over all of it)
        m = _BASE64_BLOCK.match(data, run[0]) if data[run[1]:run[1] + 1] in b"\r\n" and \
            run[1] < len(data) else None
        start, end = (m.start(), m.end()) if m else run
        if m is None:  # a run alone, with its padding (first when reversed)
            while end < len(data) and end - run[1] < 2 and data[end] == 0x3D:
                end += 1
            while start > 0 and run[0] - start < 2 and data[start - 1] == 0x3D:
                start -= 1
        pos = max(end, run[1])
        block = data[start:end]
        lines = block.split(b"\n")
        for joined in (b"".join(lines), b"".join(line.strip()[::-1] for line in lines)):
            held = _held(_b64decode(joined), find)
            if held:
                out.append((start, end, redact.placeholder(block, "base64-of-" + held)))
                break
    return out


def _base32_blocks(data: bytes, find: Finder) -> list[Span]:
    """Runs of base32 (``base32``, ``basenc --base32``), with the lines around them that are
    base32 alone."""
    out: list[Span] = []
    runs = _Runs(data.translate(_B32_CLASSES), (_B32_SHAPE,), b".\n=")
    pos = 0
    size = len(data)
    while (run := runs.next(pos)) is not None:
        at, run_end = run
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", at)
        end = size if end == -1 else end
        if not _BASE32_LINE.fullmatch(data, start, end):  # a run inside a line, and its padding
            start, end = at, run_end
            while end < size and end - run_end < 6 and data[end:end + 1] == b"=":
                end += 1
        else:
            while start > 0:
                above = data.rfind(b"\n", 0, start - 1) + 1
                if not _BASE32_LINE.fullmatch(data, above, start - 1):
                    break
                start = above
            while end < size:
                below = data.find(b"\n", end + 1)
                below = size if below == -1 else below
                if not _BASE32_LINE.fullmatch(data, end + 1, below):
                    break
                end = below
        pos = end
        block = data[start:end]
        held = _held(_b32decode(block), find)
        if held:
            out.append((start, end, redact.placeholder(block, "base32-of-" + held)))
    return out


def _held(decoded: bytes | None, find: Finder) -> str:
    """The label of what decoded bytes hold (gunzipped when they are gzip), or ""."""
    if not decoded or len(decoded) < MIN_DECODED:
        return ""
    if decoded[:2] == b"\x1f\x8b":  # `gzip -c FILE | base64`
        import contextlib
        import zlib

        # a stream object: a word after the block, taken in, only adds trailing bytes
        with contextlib.suppress(zlib.error):
            decoded = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(decoded, 1 << 24)
    hits = decoded_hits(decoded, find)
    return hits[0][3] if hits else ""


def _b64decode(joined: bytes) -> bytes | None:
    import base64
    import binascii

    body = joined.replace(b"\r", b"").strip(b"=")
    body = body[:len(body) - len(body) % 4] if len(body) % 4 == 1 else body
    try:
        return base64.b64decode(body + b"=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        return None


def _b32decode(block: bytes) -> bytes | None:
    import base64
    import binascii

    body = b"".join(block.split()).rstrip(b"=")
    body = body[:len(body) - len(body) % 8] if len(body) % 8 in (1, 3, 6) else body
    try:
        return base64.b32decode(body + b"=" * (-len(body) % 8))
    except (binascii.Error, ValueError):
        return None
