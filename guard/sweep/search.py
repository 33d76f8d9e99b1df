"""The secrets in one store: which values, where (line, or table and column), when.

One pass of the engine finds them. For JSON stores it runs over an unescaped view of the bytes
(``unescape``: ``\\n`` a newline, ``\\"`` a quote, … by a few ``bytes.replace`` over the whole
buffer, no JSON decoding), so that a key block whose newlines are escapes, or a password between
escaped quotes, looks to the rules as it looked in the tool's output; the JSON structure around
stays as it is, so keys stay next to their values. Then every value found, and every known value
of the project's sensitive files, is located in the raw bytes in each form JSON can give it
(``forms``): those are the spans a scrub replaces. Only a line that holds a secret is decoded, for
its timestamp (``timestamp``, ``ts``…; a shell history's own), else the file's modification time
stands for it.
"""

from __future__ import annotations

import re
from datetime import UTC

from guard.detect.finding import fingerprint
from guard.sweep import files
from guard.sweep.hits import Hit, StoreResult

TYPE_CHECKING = False
if TYPE_CHECKING:

    from guard.judge import Judge
    from guard.sweep.known import Known
    from guard.sweep.stores import Store

MIN_CELL = 8  # shorter SQLite cells hold no secret worth a scan


def search(store: Store, judge: Judge, known: Known, roots: list[str]) -> StoreResult:
    """The secrets in ``store``; a store that cannot be read comes back with ``skip`` set."""
    result = StoreResult(store)
    try:
        path = files.resolve(store.path, roots)
        data, st = files.read(path, judge.config.max_scan_size)
    except files.Skip as e:
        result.skip = str(e)
        return result
    result.size = len(data)
    result.mtime = st.st_mtime
    escaped = store.kind in ("jsonl", "json")
    hint = store.path if store.kind == "text" else "transcript.txt"
    values = find_values(data, hint, store.project, judge, known, escaped)
    lines = _LineIndex(data)
    times = _Times(data, lines, store)
    for value, hit in values.items():
        for form in forms(value) if escaped else (value,):
            pos = data.find(form)
            while pos != -1:
                hit.lines.append(lines.number(pos))
                hit.seen(times.at(pos) or result.mtime)
                pos = data.find(form, pos + len(form))
        if hit.count:
            result.hits.append(hit)
    if times.malformed:
        result.notes.append(f"{times.malformed} line(s) holding a secret are not valid JSON: "
                            "read (and scrubbed) as text")
    return result


def find_values(data: bytes, hint: str, project: str | None, judge: Judge, known: Known,
                escaped: bool) -> dict[bytes, Hit]:
    """Every secret value in ``data``: what the engine finds in it (``escaped``: JSON text, in
    its unescaped view), and the known values of ``project``'s sensitive files that occur in it
    (as JSON may write them)."""
    found: dict[bytes, Hit] = {}
    pack = judge.pack

    def add(value: bytes, rule_id: str, description: str, confidence: str) -> None:
        if value not in found:
            rule = pack.by_id.get(rule_id)
            found[value] = Hit(value, rule_id, description, confidence,
                               rule.provider if rule is not None else "")

    for f in judge.secrets(unescape(data) if escaped else data, hint)[0]:
        add(f.secret, f.rule_id, f.description, f.confidence)
    allowed = judge.config.allow_fingerprints
    for value, (_path, label) in known.values(project).items():
        if allowed and fingerprint(value) in allowed:
            continue
        if value in data or (escaped and any(form in data for form in forms(value)[1:])):
            rule = pack.by_id.get(label)
            add(value, label, rule.description if rule else "value of a sensitive file",
                rule.confidence if rule else "high")
    return found


_ESCAPES = ((b'\\"', b'"'), (b"\\n", b"\n"), (b"\\t", b"\t"), (b"\\r", b"\r"),
            (b"\\/", b"/"))


def unescape(data: bytes) -> bytes:
    """JSON text with its escapes undone where they stand (``\\uXXXX`` excepted): what a tool
    printed, inside the records' structure. Not JSON any more; for the rules' eyes only.

    One pass of the codec that undoes Python's byte escapes, which JSON's are a subset of (but
    ``\\/``, replaced first, and ``\\u``, left as it is); text that is not JSON (a ``\\x``
    that codec refuses) falls back to replacing the escapes one kind after the other."""
    if b"\\" not in data:
        return data
    import codecs
    import warnings

    if b"\\/" in data:
        data = data.replace(b"\\/", b"/")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # \u: "invalid escape sequence", kept as it is
            return codecs.escape_decode(data)[0]
    except ValueError:
        pass
    sentinel = b"\x00" if b"\x00" not in data else b"\x01" * 3
    data = data.replace(b"\\\\", sentinel)
    for escape, char in _ESCAPES:
        data = data.replace(escape, char)
    return data.replace(sentinel, b"\\")


def forms(value: bytes) -> list[bytes]:
    """``value`` as it can stand in a JSON text: raw (when JSON allows it raw), escaped with
    non-ASCII kept or as ``\\u`` escapes, and with ``/`` escaped; the raw form first."""
    import json

    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        return [value]
    out = [value]
    for ascii_only in (False, True):
        form = json.dumps(text, ensure_ascii=ascii_only)[1:-1].encode()
        out.append(form)
        out.append(form.replace(b"/", b"\\/"))
    return list(dict.fromkeys(out))


class _LineIndex:
    """Line numbers of offsets, counted incrementally (offsets mostly come in order)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.line = 1

    def number(self, offset: int) -> int:
        if offset < self.pos:
            self.pos, self.line = 0, 1
        self.line += self.data.count(b"\n", self.pos, offset)
        self.pos = offset
        return self.line

    def bounds(self, offset: int) -> tuple[int, int]:
        start = self.data.rfind(b"\n", 0, offset) + 1
        stop = self.data.find(b"\n", offset)
        return start, len(self.data) if stop == -1 else stop


# --- when ---------------------------------------------------------------------------------------

_ZSH = re.compile(rb"^: (\d{9,11}):\d+;")
_BASH = re.compile(rb"^#(\d{9,11})\s*$")
_FISH = re.compile(rb"^\s+when: (\d{9,11})\s*$")
_AIDER_INPUT = re.compile(rb"^# (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)\s*$")
_AIDER = re.compile(rb"^# aider chat started at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", re.M)
_STAMP_KEYS = ("timestamp", "ts", "created_at", "createdAt", "time", "lastUpdated", "startTime")


class _Times:
    """When the record holding an offset was written, by the record itself; each line decoded
    once, and only a line that holds a secret."""

    def __init__(self, data: bytes, lines: _LineIndex, store: Store) -> None:
        self.data = data
        self.lines = lines
        self.store = store
        self.cache: dict[int, float | None] = {}
        self.malformed = 0

    def at(self, pos: int) -> float | None:
        start, stop = self.lines.bounds(pos)
        if start not in self.cache:
            self.cache[start] = self._when(start, stop, pos)
        return self.cache[start]

    def _when(self, start: int, stop: int, pos: int) -> float | None:
        data = self.data
        if self.store.kind == "jsonl":
            import json

            try:
                record = json.loads(data[start:stop])
            except ValueError:
                self.malformed += 1
                return None
            return stamp_of(record)
        if self.store.kind != "text":
            return None
        return _text_when(data, start, stop, pos)


def _text_when(data: bytes, start: int, stop: int, pos: int) -> float | None:
    """A shell history's time of the command at ``start``..``stop`` (zsh's extended history,
    bash's HISTTIMEFORMAT comments, fish's ``when:``), or the start of Aider's chat."""
    line = data[start:stop]
    m = _ZSH.match(line)
    if m:
        return float(m.group(1))
    if start > 0:
        prev = data[data.rfind(b"\n", 0, start - 1) + 1:start - 1]
        m = _BASH.match(prev)
        if m:
            return float(m.group(1))
        m = _AIDER_INPUT.match(prev)
        if m:
            return parse_time(m.group(1).decode())
    following = data[stop + 1:stop + 200].split(b"\n")[:2]
    for text in following:
        m = _FISH.match(text)
        if m:
            return float(m.group(1))
    start_of_chat = data.rfind(b"# aider chat started at ", 0, pos)
    if start_of_chat != -1:
        m = _AIDER.match(data, start_of_chat)
        if m:
            return parse_time(m.group(1).decode())
    return None


def stamp_of(record: object) -> float | None:
    """The time a JSON record carries: a top-level (or payload's) timestamp key."""
    if not isinstance(record, dict):
        return None
    for holder in (record, record.get("payload")):
        if isinstance(holder, dict):
            for key in _STAMP_KEYS:
                value = holder.get(key)
                if value is not None:
                    when = parse_time(value)
                    if when is not None:
                        return when
    return None


def parse_time(value: object) -> float | None:
    """Seconds since the epoch from an ISO 8601 text or a number of seconds or milliseconds."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) / 1000 if value > 1e11 else float(value)
    if isinstance(value, str):
        from datetime import datetime

        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.timestamp()
    return None
