"""Big content, scanned in overlapping windows with bounded memory.

A file larger than ``scanner.WINDOW_BYTES`` is not read whole: it is scanned in windows of at
least that size (at most WINDOW_BYTES + LINE_SLACK), each holding the last OVERLAP bytes or more
of the one before, so that memory stays bounded whatever the file (about three windows at the
peak). Each window is more than guard.detect.syntax.MAX_PARSE_BYTES, as a file that size is:
syntax rules then trust their regex in every window alike, as they do in a whole file that big.

Findings come out as a scan of the whole content would give them, with their lines and columns
in the whole: each window reports only the matches that start in its share, a share that leaves
at least REACH bytes of the window on either side of it (none before the first window's, none
after the last's). The engine places findings by (line, column) in the buffer it is given, so
shares are compared that way, in each window's own frame; a window starts at a line start when
one lies within LINE_SLACK bytes before where it should start (a longer line is cut, and the
columns before the cut are carried over).

Imported only when a file that big is met: a hook or a pre-commit run never loads it. It knows
the engine only as a function from a buffer to findings (guard.scan.scanner calls it).
"""

from __future__ import annotations

from guard.detect.formats import is_binary

TYPE_CHECKING = False  # not typing.TYPE_CHECKING
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import IO

    from guard.detect.finding import Finding

# How far from the start of a match the engine may look, before it or after it: the keyword
# that triggered the rule, the line around it, the span its regex searches (MULTILINE_WINDOW
# after a line's start, LONG_LINE_WINDOW either side of a keyword on a long line, the whole of a
# line up to LONG_LINE). tests/scan/test_windows.py checks it against the engine's constants.
REACH = 64 * 1024
# Two windows share at least 2 * REACH bytes; the boundary between what each reports lies REACH
# into the shared part, so that whatever the engine looks at for a match on either side of it
# is in the window that reports the match: each finding is reported once, by one window.
OVERLAP = 2 * REACH + 8
LINE_SLACK = 1024 * 1024  # how far back from its ideal start a window looks for a line start


def scan(stream: IO[bytes], head: bytes, window: int,
         find: Callable[[bytes], list[Finding]]) -> tuple[list[Finding], int, bool] | None:
    """What ``find`` (the engine's scan of a buffer) finds in the content ``stream`` holds after
    ``head`` (already read from it), in windows of ``window`` bytes at least: (the findings,
    placed in the whole content, the size of the content, whether it is valid UTF-8); None when
    the content is binary."""
    data = head
    if len(data) < window:
        data += _read(stream, window - len(data))
    if is_binary(data):
        return None
    import codecs  # already loaded by the interpreter: no cost

    utf8: codecs.IncrementalDecoder | None = codecs.getincrementaldecoder("utf-8")()
    found: list[Finding] = []
    size = 0
    fresh = data  # what this window adds to the last
    lo: tuple[int, int] | None = None  # where this window's share starts; None: at its start
    line_base = column_base = 0  # lines before the window; columns before it on its line 1
    while True:
        size += len(fresh)
        if utf8 is not None and not (fresh.isascii() and not utf8.getstate()[0]):
            try:
                utf8.decode(fresh)
            except UnicodeDecodeError:
                utf8 = None
        ahead = _read(stream, window - OVERLAP)
        hi: tuple[int, int] | None = None  # where the share ends; None: at the window's end
        if ahead:
            # The next window starts so that it holds OVERLAP bytes of this one and, with
            # ``ahead``, has ``window`` bytes at least: near the end of the stream it starts
            # further back, and the share of this one ends earlier.
            start = _line_start(data, len(data) - max(OVERLAP, window - len(ahead)))
            boundary = _char_start(data, start + REACH)
            hi = _position(data, boundary)
        found += _share(find(data), lo, hi, line_base, column_base)
        if not ahead:
            break
        line, column = _position(data, start)
        column_base = 0 if data[start - 1] == 0x0A else \
            column - 1 + (column_base if line == 1 else 0)
        line_base += line - 1
        carry = data[start:]
        lo = _position(carry, boundary - start)
        data = fresh = b""  # let go of this window before the next one is put together
        data = carry + ahead
        fresh = ahead
    if utf8 is not None:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = None
    return found, size, utf8 is not None


def _share(found: list[Finding], lo: tuple[int, int] | None, hi: tuple[int, int] | None,
           line_base: int, column_base: int) -> list[Finding]:
    """The findings of one window that start in its share, placed in the whole content."""
    kept: list[Finding] = []
    for f in found:
        where = (f.line, f.column)
        if (lo is not None and where < lo) or (hi is not None and where >= hi):
            continue  # another window's share: reported there, once
        if f.line == 1:
            f.column += column_base
        if f.end_line == 1:
            f.end_column += column_base
        f.line += line_base
        f.end_line += line_base
        kept.append(f)
    return kept


def _read(stream: IO[bytes], size: int) -> bytes:
    """Up to ``size`` bytes; fewer only at the end of the stream (a pipe gives what it has)."""
    data = stream.read(size)
    while data and len(data) < size:
        more = stream.read(size - len(data))
        if not more:
            break
        data += more
    return data


def _line_start(data: bytes, target: int) -> int:
    """Where a window starting near ``target`` (and not after it) starts: after the last line
    break within LINE_SLACK before it, else at ``target`` itself (a line that long is cut)."""
    newline = data.rfind(b"\n", max(0, target - LINE_SLACK), target)
    return newline + 1 if newline >= 0 else _char_start(data, target)


def _char_start(data: bytes, offset: int) -> int:
    """``offset``, moved past UTF-8 continuation bytes to the start of a character."""
    end = min(len(data), offset + 3)
    while offset < end and 0x80 <= data[offset] < 0xC0:
        offset += 1
    return offset


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """(line, column) of ``offset`` in ``data``, 1-based, columns in code points: as the engine
    places its findings (guard.detect.engine._column)."""
    start = data.rfind(b"\n", 0, offset) + 1
    prefix = data[start:offset]
    column = len(prefix) + 1 if prefix.isascii() else \
        len(prefix.decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column
