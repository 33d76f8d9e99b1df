"""Dumps read back into bytes, a line at a time: hex dumps (``xxd``, ``xxd -p``, ``xxd -i``,
``hexdump -C``, ``hexdump``, ``od -tx1``, ``od -x``, ``od -tx4``), ``od -c``'s one-character
cells and ``od -b``'s octal ones; and the cheap test that finds where a text may hold one: the text
translated into character classes, where ``bytes.find`` looks for the shape of a dump line.
guard.views looks for secrets in what they read.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False  # typing costs a hook ~5 ms to import; annotations are strings here
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    Cells = Callable[[bytes], tuple[bytes, int] | None]  # a line of a dump read, or None


def class_table(groups: dict[bytes, bytes], other: bytes) -> bytes:
    """A translate table: each byte of a group's key to its class, every other byte to
    ``other``."""
    table = bytearray(other * 256)
    for chars, cls in groups.items():
        for c in chars:
            table[c] = cls[0]
    return bytes(table)


_HEX = b"0123456789abcdefABCDEF"
HEX_CLASSES = class_table({_HEX: b"h", b" \t": b" ", b"\n": b"\n", b",": b",",
                           b"xX": b"x", b":": b":"}, b".")
# the shape of a hex dump line: bytes (od -tx1, hexdump -C), words (xxd, od -x, hexdump), long
# words (od -tx4), a C array (xxd -i), lines of hex alone (xxd -p)
HEX_SHAPES = (b" hh hh hh hh hh hh hh hh", b" hhhh hhhh hhhh hhhh",
              b" hhhhhhhh hhhhhhhh hhhhhhhh", b"hxhh, hxhh, hxhh, hxhh", b"h" * 16 + b"\nhh")
CELL_CLASSES = class_table({b" ": b" ", b"\n": b"\n"}, b"c")
OD_SHAPE = b"   c   c   c   c   c   c"  # od -c: a character right-aligned in each 4 columns
OCTAL_SHAPE = b" hhh hhh hhh hhh hhh hhh hhh hhh"  # od -b (in HEX_CLASSES): od -c's octal cells


# a line of a dump read: its start and end in the text, its bytes, and the width of its cells in
# bytes when they are all 2 or all 4 wide (0 otherwise)
Line = tuple[int, int, bytes, int]


def first(classes: bytes, shapes: tuple[bytes, ...], pos: int, cache: dict[bytes, int]) -> int:
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


def regions(data: bytes, classes: bytes, shapes: tuple[bytes, ...],
            cells: Cells) -> Iterator[list[Line]]:
    """Runs of consecutive lines that ``cells`` reads, around each place where ``classes``
    (``data`` translated) shows one of ``shapes``."""
    pos = 0
    size = len(data)
    cache: dict[bytes, int] = {}
    while True:
        at = first(classes, shapes, pos, cache)
        if at == -1:
            return
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", at)
        end = size if end == -1 else end
        read = cells(data[start:end])
        if read is None:
            pos = end + 1
            continue
        lines: list[Line] = [(start, end, *read)]
        while start > 0:  # the lines above
            above = data.rfind(b"\n", 0, start - 1) + 1
            got = cells(data[above:start - 1])
            if got is None:
                break
            lines.append((above, start - 1, *got))
            start = above
        lines.reverse()
        while end < size:  # and below
            below = data.find(b"\n", end + 1)
            below = size if below == -1 else below
            got = cells(data[end + 1:below])
            if got is None:
                break
            lines.append((end + 1, below, *got))
            end = below
        yield lines
        pos = end + 1


_OFFSET = re.compile(rb"[ \t]*([0-9a-fA-F]{6,8})(:?)[ \t]+")
# hex cells, each alone between blanks or commas (a C array's with 0x), up to the first that is
# not one
_HEX_RUN = re.compile(rb"[ \t]*(?:(?:0[xX])?(?:[0-9a-fA-F]{2})+(?=[ \t,]|$),?[ \t]*)+")


def hex_cells(line: bytes) -> tuple[bytes, int] | None:
    """The bytes of one line of a hex dump and the width of its cells, or None when it is not
    one."""
    line = line.rstrip(b"\r")
    if line and b" " not in line and b"\t" not in line and b"," not in line:
        try:  # xxd -p: hex alone
            return bytes.fromhex(line.decode("ascii")), 0
        except ValueError:  # UnicodeDecodeError too
            return None
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
    run = _HEX_RUN.match(body)
    if run is None:
        return None
    cells = run.group()
    if b"x" in cells or b"X" in cells:
        return bytes.fromhex(cells.replace(b"0x", b"").replace(b"0X", b"").replace(
            b",", b" ").decode()), 0
    widths = {len(cell) for cell in cells.replace(b",", b" ").split()}
    width = widths.pop() // 2 if len(widths) == 1 else 0
    return bytes.fromhex(cells.replace(b",", b" ").decode()), width if width in (2, 4) else 0


_OD_OFFSET = re.compile(rb"[0-7]{7}|[0-9a-fA-F]{6,8}")
_OD_ESCAPES = {"\\0": b"\0", "\\a": b"\a", "\\b": b"\b", "\\t": b"\t", "\\n": b"\n",
               "\\f": b"\f", "\\r": b"\r", "\\v": b"\v", "**": b""}
_OD_CELLS: dict[str, bytes | None] = {}  # the cells read so far


def _od_cell(cell: str) -> bytes | None:
    """The byte(s) of one 4-column cell of ``od -c``, or None when it is not one."""
    if cell in _OD_CELLS:
        return _OD_CELLS[cell]
    body = cell.lstrip(" ")
    if cell == "    ":
        got = b" "
    elif len(body) == 1 and cell == "   " + body:
        got = body.encode("utf-8", "surrogatepass")  # a character, UTF-8 in a UTF-8 locale
    elif cell[:2] == "  " and body in _OD_ESCAPES:
        got = _OD_ESCAPES[body]
    elif cell[:1] == " " and len(body) == 3 and all(c in "01234567" for c in body):
        got = bytes([int(body, 8) & 0xFF])
    else:
        got = None
    if len(_OD_CELLS) < 4096:
        _OD_CELLS[cell] = got
    return got


def od_cells(line: bytes) -> tuple[bytes, int] | None:
    """The bytes of one line of ``od -c`` (or ``od -b``), or None when it is not one."""
    m = _OD_OFFSET.match(line)
    rest = (line[m.end():] if m else line).decode("utf-8", "replace").rstrip("\r")
    tail = len(rest) % 4
    if tail and rest[len(rest) - tail:].strip():
        return None  # a line of od -c is cells of 4 columns (less trailing blanks)
    cells = [_od_cell(rest[i:i + 4]) for i in range(0, len(rest) - tail, 4)]
    if not cells or None in cells:
        return None
    return b"".join(cell for cell in cells if cell is not None), 0
