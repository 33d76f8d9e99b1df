"""The formats of git's history, read: ``git log`` output as guard.git streams it (commits and the
patch of each file), and the lines each patch adds, with where they are in the new file.

Pure parsing: nothing here runs git (guard.git does, with LOG_OPTIONS, the options these parsers
rely on) and nothing here knows about detection (guard.sources.gitscan feeds what it reads to the
engine).
"""

from __future__ import annotations

import bisect
import os
import re

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs more than this module
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import IO

READ_CHUNK = 1 << 20  # bytes of git log output read at a time

# One line per commit, starting with NUL: no line of a patch can (each has a one-character prefix).
LOG_FORMAT = "%x00%H%x00%P%x00%aI%x00%an"
LOG_OPTIONS = (
    "-p", "--cc", "-U0", "--inter-hunk-context=0", "--no-color", "--no-ext-diff",
    "--no-textconv", "--no-renames", "--src-prefix=a/", "--dst-prefix=b/", "--no-notes",
    f"--format={LOG_FORMAT}",
)
# Patterns of the patch format, compiled on first use (re caches them), not when the module loads:
# that costs several milliseconds. (The commit hook, which never reads a patch, does not import it.)
_BOUNDARY = rb"\n(?=\x00|diff --(?:git|cc) )"
_NEW_START = rb" \+(\d+)(?:,\d+)? @@"
_HUNK = rb"@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@"


class Commit:
    __slots__ = ("author", "date", "id", "parents")

    def __init__(self, line: bytes) -> None:
        fields = line[1:].split(b"\0")
        fields += [b""] * (4 - len(fields))
        self.id = fields[0].decode("ascii", "replace")
        self.parents = fields[1].decode("ascii", "replace").split()
        self.date = fields[2].decode("ascii", "replace")
        self.author = fields[3].decode("utf-8", "replace")

    def as_dict(self) -> dict[str, str]:
        """What reports carry in a finding's ``commit`` (docs/json-report.md)."""
        return {"id": self.id, "date": self.date, "author": self.author}


class FileDiff:
    """The patch of one file in one commit. ``body`` holds the hunks (empty when ``oversized``)."""

    __slots__ = ("binary", "body", "created", "deleted", "oversized", "path", "submodule")

    def __init__(self, section: bytes, oversized: bool = False) -> None:
        hunks = section.find(b"\n@@")
        header = section if hunks == -1 else section[:hunks]
        self.body = b"" if hunks == -1 or oversized else section[hunks + 1:]
        self.oversized = oversized
        lines = header.split(b"\n")
        self.path = os.fsdecode(_header_path(lines))
        self.created = self.deleted = self.binary = self.submodule = False
        for line in lines[1:]:
            if line.startswith(b"new file mode "):
                self.created = True
            elif line.startswith(b"deleted file mode ") or line == b"+++ /dev/null":
                self.deleted = True
            elif line.startswith(b"Binary files "):
                self.binary = True
            if b"160000" in line and not line.startswith((b"--- ", b"+++ ")):
                self.submodule = True  # "new file mode 160000", "index a..b 160000", "mode …"


def _header_path(lines: list[bytes]) -> bytes:
    """The file's path from ``diff --git a/P b/P`` (or ``diff --cc P``), unquoted.

    Without renames both sides name the same path, so an unquoted header splits in the middle even
    when the path contains `` b/``; a quoted one (control characters, quotes) is C-unquoted.
    """
    first = lines[0]
    if first.startswith(b"diff --cc "):
        rest = first[10:]
        return unquote(rest)[0] if rest.startswith(b'"') else rest
    rest = first[11:]
    if rest.startswith(b'"'):
        _, end = unquote(rest)
        second = rest[end + 1:]
        path = unquote(second)[0] if second.startswith(b'"') else second
        return path[2:]
    half = (len(rest) - 5) // 2
    if rest[:2] == b"a/" and rest[2 + half:5 + half] == b" b/":
        return rest[5 + half:]
    for line in lines[1:]:  # not symmetric (cannot happen without renames): trust "+++ b/P"
        if line.startswith(b"+++ b/"):
            return line[6:].rstrip(b"\t")
    return rest


_ESCAPES = {ord("n"): 10, ord("t"): 9, ord('"'): 34, ord("\\"): 92, ord("a"): 7, ord("b"): 8,
            ord("f"): 12, ord("r"): 13, ord("v"): 11}


def unquote(data: bytes) -> tuple[bytes, int]:
    """A C-quoted name as git writes it (``"new\\nline\\303\\251"``) → (raw bytes, index after
    the closing quote)."""
    out = bytearray()
    i = 1
    n = len(data)
    while i < n:
        c = data[i]
        if c == 34:  # closing quote
            return bytes(out), i + 1
        if c == 92 and i + 1 < n:
            nxt = data[i + 1]
            if 48 <= nxt <= 55 and i + 3 < n:  # three octal digits: one raw byte
                out.append(int(data[i + 1:i + 4], 8) & 0xFF)
                i += 4
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out), n


class LineMap:
    """Line ``i`` (0-based) of an added-lines buffer → its line in the new file. Kept as runs,
    one per hunk (a new file is one run), not as a number per line."""

    __slots__ = ("_buffer", "_file", "count")

    def __init__(self) -> None:
        self._buffer: list[int] = []  # first buffer line of each run
        self._file: list[int] = []  # its line in the file
        self.count = 0

    def add(self, file_line: int, length: int = 1) -> None:
        if length <= 0:
            return
        if not (self._file and self._file[-1] + self.count - self._buffer[-1] == file_line):
            self._buffer.append(self.count)
            self._file.append(file_line)
        self.count += length

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, i: int) -> int:
        if not 0 <= i < self.count:
            raise IndexError(i)
        run = bisect.bisect_right(self._buffer, i) - 1
        return self._file[run] + i - self._buffer[run]


def added_lines(body: bytes) -> tuple[bytes, LineMap]:
    """The lines a patch adds, joined as one buffer, and where each is in the new file.

    Plain hunks (``@@ -a,b +c,d @@``) and dense combined ones of merges (``@@@ … @@@``): in the
    latter only lines new to every parent (``++``) count; a line taken from one parent was added
    by a commit on that parent's side.
    """
    if not body.startswith(b"@@@"):
        plain = _added_lines_plain(body)
        if plain is not None:
            return plain
    return _added_lines_walk(body)


_NO_NEWLINE = b"\n\\ No newline at end of file"


def _added_lines_plain(body: bytes) -> tuple[bytes, LineMap] | None:
    """added_lines for plain -U0 hunks with bytes operations only (no loop over lines): each
    hunk is removed lines then added ones, the added block being new-file lines c .. c+d-1.
    None when the patch does not have that shape."""
    parts: list[bytes] = []
    numbers = LineMap()
    hunk = re.compile(_HUNK)
    end = len(body)
    start = 0
    while start < end:
        nxt = body.find(b"\n@@ ", start)
        stop = end if nxt == -1 else nxt + 1  # this hunk: body[start:stop]
        m = hunk.match(body, start)
        if m is None:
            return None
        count = 1 if m.group(2) is None else int(m.group(2))
        if count:
            first = body.find(b"\n+", start, stop)
            if first == -1:
                return None
            block = body[first:stop].rstrip(b"\n")
            if block.endswith(_NO_NEWLINE):
                block = block[:-len(_NO_NEWLINE)]
            text = block.replace(b"\n+", b"\n")
            if text.count(b"\n") != count:  # a context line, or something else unexpected
                return None
            parts.append(text)
            numbers.add(int(m.group(1)), count)
        start = stop
    return b"".join(parts)[1:] + b"\n" if parts else b"", numbers


def _added_lines_walk(body: bytes) -> tuple[bytes, LineMap]:
    """added_lines one line at a time: merges, and hunks with context lines."""
    out: list[bytes] = []
    numbers = LineMap()
    columns = 1
    line_no = 0
    all_added = b"+"
    for line in body.split(b"\n"):
        if not line:
            continue
        if line[0] == 64:  # "@": a hunk header
            columns = len(line) - len(line.lstrip(b"@")) - 1
            all_added = b"+" * columns
            m = re.search(_NEW_START, line)
            line_no = int(m.group(1)) if m else 0
            continue
        prefix = line[:columns]
        if prefix == all_added:
            out.append(line[columns:])
            numbers.add(line_no)
            line_no += 1
        elif b"-" not in prefix and prefix[:1] in (b" ", b"+"):
            line_no += 1  # context (with inter-hunk context) or a line from one parent
    return b"\n".join(out) + b"\n" if out else b"", numbers


def log_records(stream: IO[bytes], limit: int) -> Iterator[Commit | FileDiff]:
    """Commits and file patches from ``git log`` output, read in blocks.

    A file patch longer than ``limit`` bytes is not kept in memory: it comes out as a FileDiff
    with ``oversized`` set and no body.
    """
    pending = b""
    skipping: bytes | None = None  # the head of an oversized patch, while dropping the rest
    while True:
        block = stream.read(READ_CHUNK)
        data = pending + block if pending else block
        if not block:
            if skipping is not None:
                yield FileDiff(skipping, oversized=True)
            elif data:
                yield from _pieces(data)
            return
        if skipping is not None:
            m = re.search(_BOUNDARY, data)
            if m is None:
                pending = data[-32:]  # a boundary may straddle two blocks
                continue
            yield FileDiff(skipping, oversized=True)
            skipping = None
            data = data[m.end():]
        cut = max(data.rfind(b"\n\x00"), data.rfind(b"\ndiff --git "), data.rfind(b"\ndiff --cc "))
        if cut > 0:
            yield from _pieces(data[:cut])
            pending = data[cut + 1:]
        else:
            pending = data
        if len(pending) > limit + READ_CHUNK and not pending.startswith(b"\x00"):
            hunks = pending.find(b"\n@@")
            skipping = pending[:hunks if hunks != -1 else 4096]
            pending = b""


def _pieces(data: bytes) -> Iterator[Commit | FileDiff]:
    for piece in re.split(_BOUNDARY, data):
        if piece.startswith(b"\x00"):
            yield Commit(piece[:piece.find(b"\n")] if b"\n" in piece else piece)
        elif piece.startswith(b"diff --"):
            yield FileDiff(piece)
