"""What a model reading an encoded tool output actually reads: decoded views of a text, the
known values (and what the engine finds) looked for in them, and each one found mapped back to
the span of the text to replace.

The views, each with the placeholder suffix it gives:

- ``-spaced``: the text with its whitespace and NULs left out (``fold -w 8``,
  ``sed 's/./& /g'``, ``paste``, UTF-16 printed raw);
- ``-hex``: hex dumps read back into bytes (``xxd``, ``xxd -p``, ``xxd -i``, ``hexdump -C``,
  ``od -tx1``, ``od -x`` and ``hexdump`` with their little-endian words also read swapped);
- ``-od``: ``od -c``'s one-character cells read back into bytes;
- ``-url``: percent-decoded text (``urllib.parse.quote`` keeps the slashes of a URL);
- ``-escapes``: the text without its ``\\x00`` / ``\\u0000`` escapes (the repr of UTF-16);
- blocks of base64 (wrapped at 76 columns, or each line reversed by ``rev``) and of base32,
  decoded, gunzipped: a block holding a secret is replaced whole, by a placeholder that says
  what it held (``base64-of-stripe-live-secret-key``).

A decoded view of bytes is also read without its NULs (UTF-16), and searched for the known
values reversed and for what the engine finds. A dump's bytes map back to its lines, and the
lines holding a secret are replaced whole (a dump's text column repeats the bytes).

Keep it cheap: the text is translated once per family into character classes and a view is
computed only where ``bytes.find`` sees its shape (a hex-dump line, an ``od -c`` line, a run of
base64 or base32 ending a line); the whitespace view costs one ``translate`` and one ``find``
per known value, and is mapped back only where a value is found that the text does not hold as
it is.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from guard.detect import redact

TYPE_CHECKING = False  # typing costs a hook ~5 ms to import; annotations are strings here
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    Hit = tuple[int, int, bytes, str]  # (start, end) in the view, the value, its label
    # (view, deep) -> hits: the known values; with deep, also reversed and the engine's findings
    Finder = Callable[[bytes, bool], list[Hit]]
    Span = tuple[int, int, bytes]  # (start, end) in the text, its placeholder

MIN_DECODED = 6  # fewer decoded bytes cannot hold a value worth hiding (redactor.MIN_VALUE)


def _classes(groups: dict[bytes, bytes], other: bytes) -> bytes:
    """A translate table: each byte of a group's key to its class, every other byte to
    ``other``."""
    table = bytearray(other * 256)
    for chars, cls in groups.items():
        for c in chars:
            table[c] = cls[0]
    return bytes(table)


_HEX = b"0123456789abcdefABCDEF"
_HEX_CLASSES = _classes({_HEX: b"h", b" \t": b" ", b"\n": b"\n", b",": b",", b"xX": b"x",
                         b":": b":"}, b".")
# the shape of a hex dump line: bytes (od -tx1, hexdump -C), words (xxd, od -x, hexdump), long
# words (od -tx4), a C array (xxd -i), lines of hex alone (xxd -p)
_HEX_SHAPES = (b" hh hh hh hh hh hh hh hh", b" hhhh hhhh hhhh hhhh",
               b" hhhhhhhh hhhhhhhh hhhhhhhh", b"hxhh, hxhh, hxhh, hxhh", b"h" * 16 + b"\nhh")
_CELL_CLASSES = _classes({b" ": b" ", b"\n": b"\n"}, b"c")
_OD_SHAPE = b"   c   c   c   c   c   c"  # od -c: a character right-aligned in each 4 columns
_SPACED_SHAPE = b"c c c c c c c c c c c c"  # sed 's/./& /g'
_B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_CLASSES = _classes({_B64: b"b", b"\n": b"\n", b"\r": b"\r", b"=": b"="}, b".")
_B64_SHAPES = (b"b" * 40 + b"\n", b"b" * 40 + b"\r\n")
_B32_CLASSES = _classes({b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567": b"B", b"\n": b"\n", b"=": b"="},
                        b".")
_B32_SHAPE = b"B" * 32
_BLANKS = b" \t\r\n\x0b\x0c\x00"
_NOT_BLANK = re.compile(rb"[^ \t\r\n\x0b\x0c\x00]+")
_NOT_NUL = re.compile(rb"[^\x00]+")
_NOT_SPACE = re.compile(rb"[^ \t\x00]+")
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
    cells = data.translate(_CELL_CLASSES)
    out += _blank_free(data, find, deep=cells.find(_SPACED_SHAPE) != -1)
    if b"\\x00" in data or b"\\u0000" in data:
        out += _kept_view(data, _without(data, _ESCAPED_NUL), find, "-escapes", deep=True)
    if b"%" in data:
        out += _percent(data, find)
    hexed = data.translate(_HEX_CLASSES)
    for lines in _regions(data, hexed, _HEX_SHAPES, _hex_cells):
        out += _dump(lines, find, "-hex", swap=True)
    for lines in _regions(data, cells, (_OD_SHAPE,), _od_cells):
        out += _dump(lines, find, "-od", swap=False)
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


def _blank_free(data: bytes, find: Finder, deep: bool) -> list[Span]:
    """Values cut by whitespace (folded, spaced, in UTF-16): the known values in the text
    without it; with ``deep`` (spaced out, or UTF-16), the engine's findings in the text
    without its blanks but with its line ends, which keep values apart."""
    squeezed = data.translate(None, _BLANKS)
    if len(squeezed) == len(data):
        return []
    out = []
    hits = _unseen(squeezed, data, find(squeezed, False))
    if hits:
        view = _kept(data, _NOT_BLANK)
        out += [(*view.back(s, e), redact.placeholder(value, label + "-spaced"))
                for s, e, value, label in hits]
    if deep or data.count(b"\x00") * 4 > len(data):
        out += _kept_view(data, _kept(data, _NOT_SPACE), find, "-spaced", deep=True)
    return out


def _kept_view(data: bytes, view: _Kept, find: Finder, suffix: str, deep: bool) -> list[Span]:
    joined = b"".join(view.parts)
    return [(*view.back(s, e), redact.placeholder(value, label + suffix))
            for s, e, value, label in _unseen(joined, data, find(joined, deep))]


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
    """The hits in decoded bytes, also read without their NULs when they look like UTF-16."""
    hits = find(data, True)
    if data.count(b"\x00") * 4 > len(data):
        view = _kept(data, _NOT_NUL)
        joined = b"".join(view.parts)
        hits += [(*view.back(s, e), value, label) for s, e, value, label in find(joined, True)]
    return hits


# --- dumps: lines of cells, each standing for bytes ---------------------------------------------

Line = tuple[int, int, list[bytes]]  # start, end, the bytes of each cell


def _first(classes: bytes, shapes: tuple[bytes, ...], pos: int,
           cache: dict[bytes, int]) -> int:
    """Where the first of ``shapes`` is found in ``classes`` from ``pos`` on, or -1; each shape
    is looked for again only when the text before ``pos`` holds its last place (no shape is
    looked for across the whole text more than once for nothing)."""
    best = -1
    for shape in shapes:
        at = cache.get(shape)
        if at is None or -1 < at < pos:
            at = cache[shape] = classes.find(shape, pos)
        if at != -1 and (best == -1 or at < best):
            best = at
    return best


def _regions(data: bytes, classes: bytes, shapes: tuple[bytes, ...],
             cells: Callable[[bytes], list[bytes] | None]) -> Iterator[list[Line]]:
    """Runs of consecutive lines that ``cells`` reads, around each place where ``classes``
    (``data`` translated) shows one of ``shapes``."""
    pos = 0
    size = len(data)
    cache: dict[bytes, int] = {}
    while True:
        at = _first(classes, shapes, pos, cache)
        if at == -1:
            return
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", at)
        end = size if end == -1 else end
        first = cells(data[start:end])
        if first is None:
            pos = end + 1
            continue
        lines: list[Line] = [(start, end, first)]
        while start > 0:  # the lines above
            above = data.rfind(b"\n", 0, start - 1) + 1
            got = cells(data[above:start - 1])
            if got is None:
                break
            lines.insert(0, (above, start - 1, got))
            start = above
        while end < size:  # and below
            below = data.find(b"\n", end + 1)
            below = size if below == -1 else below
            got = cells(data[end + 1:below])
            if got is None:
                break
            lines.append((end + 1, below, got))
            end = below
        yield lines
        pos = end + 1


def _dump(lines: list[Line], find: Finder, suffix: str, swap: bool) -> list[Span]:
    """The lines of a dump that hold a secret, replaced by its placeholder."""
    decoded = bytearray()
    line_of: list[int] = []
    widths = set()
    for k, (_, _, cells) in enumerate(lines):
        for cell in cells:
            decoded += cell
            line_of += [k] * len(cell)
            widths.add(len(cell))
    if len(decoded) < MIN_DECODED:
        return []
    readings = [bytes(decoded)]
    if swap and widths <= {2, 4}:  # od -x, hexdump: little-endian words
        readings.append(b"".join(cell[::-1] for _, _, cells in lines for cell in cells))
    out: list[Span] = []
    for reading in readings:
        for s, e, value, label in decoded_hits(reading, find):
            out.append((lines[line_of[s]][0], lines[line_of[e - 1]][1],
                        redact.placeholder(value, label + suffix)))
    return out


_OFFSET = re.compile(rb"[ \t]*([0-9a-fA-F]{6,8})(:?)[ \t]+")
_HEX_CELL = re.compile(rb"(?:[0-9a-fA-F]{2})+")


def _hex_cells(line: bytes) -> list[bytes] | None:
    """The bytes of each cell of one line of a hex dump, or None when it is not one."""
    body = line
    m = _OFFSET.match(body)
    if m:
        rest = body[m.end():]
        first = rest.split(None, 1)[0].rstrip(b",") if rest.strip() else b""
        if m.group(2) or len(m.group(1)) != len(first):  # else the first cell (od -An -tx4)
            body = rest
            if m.group(2):  # xxd: its text column follows two spaces
                cut = body.find(b"  ")
                body = body if cut == -1 else body[:cut]
    cut = body.find(b"  |")  # hexdump -C's text column
    if cut != -1:
        body = body[:cut]
    out = []
    for token in body.replace(b",", b" ").split():
        if token[:2] in (b"0x", b"0X"):
            token = token[2:]
        if not _HEX_CELL.fullmatch(token):
            break
        out.append(bytes.fromhex(token.decode()))
    return out or None


_OD_OFFSET = re.compile(rb"[0-7]{7}|[0-9a-fA-F]{6,8}")
_OD_CELL = re.compile(r"   (\S)|  (\\[0abtnfrv]|\*\*)| ([0-7]{3})|    ")
_OD_ESCAPES = {"\\0": b"\0", "\\a": b"\a", "\\b": b"\b", "\\t": b"\t", "\\n": b"\n",
               "\\f": b"\f", "\\r": b"\r", "\\v": b"\v", "**": b""}


def _od_cells(line: bytes) -> list[bytes] | None:
    """The bytes of each cell of one line of ``od -c``, or None when it is not one."""
    m = _OD_OFFSET.match(line)
    text = line[m.end():] if m else line
    rest = text.decode("utf-8", "replace").rstrip("\r")
    out = []
    pos = 0
    while pos < len(rest):
        cell = _OD_CELL.match(rest, pos)
        if cell is None:
            if rest[pos:].strip():
                return None
            break  # trailing blanks trimmed off a space cell
        char, escape, octal = cell.groups()
        if char is not None:
            out.append(char.encode("utf-8", "surrogatepass"))
        elif escape is not None:
            out.append(_OD_ESCAPES[escape])
        elif octal is not None:
            out.append(bytes([int(octal, 8) & 0xFF]))
        else:
            out.append(b" ")
        pos = cell.end()
    return out or None


# --- encoded blocks, replaced whole ------------------------------------------------------------

def _runs(classes: bytes, shapes: tuple[bytes, ...],
          others: bytes) -> Iterator[tuple[int, int]]:
    """(start, end) of each maximal run of one class (``others`` are the other classes) in
    which one of ``shapes`` is found."""
    pos = 0
    cache: dict[bytes, int] = {}
    while True:
        at = _first(classes, shapes, pos, cache)
        if at == -1:
            return
        start = max(classes.rfind(c, 0, at) for c in others) + 1
        ends = [i for i in (classes.find(c, at) for c in others) if i != -1]
        end = min(ends) if ends else len(classes)
        yield start, end
        pos = end


def _base64_blocks(data: bytes, find: Finder) -> list[Span]:
    """Lines of base64 (``base64 FILE`` wraps at 76 columns; a value inside is cut at the line
    ends, where no needle matches it), decoded as they are and with each line reversed."""
    out: list[Span] = []
    pos = 0
    for start, _ in _runs(data.translate(_B64_CLASSES), _B64_SHAPES, b".\n\r="):
        if start < pos:
            continue
        m = _BASE64_BLOCK.match(data, start)
        if m is None:
            continue
        pos = m.end()
        block = m.group()
        lines = block.split(b"\n")
        for joined in (b"".join(lines), b"".join(line.strip()[::-1] for line in lines)):
            held = _held(_b64decode(joined), find)
            if held:
                out.append((m.start(), m.end(), redact.placeholder(block, "base64-of-" + held)))
                break
    return out


def _base32_blocks(data: bytes, find: Finder) -> list[Span]:
    """Runs of base32 (``base32``, ``basenc --base32``), with the lines around them that are
    base32 alone."""
    out: list[Span] = []
    pos = 0
    size = len(data)
    for at, run_end in _runs(data.translate(_B32_CLASSES), (_B32_SHAPE,), b".\n="):
        if at < pos:
            continue
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
