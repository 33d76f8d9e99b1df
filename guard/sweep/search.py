"""The secrets in one store: which values, where (line, or table and column), when.

One pass of the engine over the raw bytes finds what a rule recognises as it is written. JSON
escapes hide some values from that pass (a key block whose newlines are ``\\n``, a password
between ``\\"`` quotes), so the lines where a rule keyword occurs near a backslash are decoded,
and their strings that differ from their raw form are scanned again, in one batch: a line with no
keyword hit is never decoded. Then every value found, and every known value of the project's
sensitive files, is located in the raw bytes in each form JSON can give it (``forms``): those
are the spans a scrub replaces. Timestamps come from the records (``timestamp``, ``ts``, a
shell history's own), else from the file's modification time.
"""

from __future__ import annotations

import os
import re
from datetime import UTC

from guard.sweep import files
from guard.sweep.hits import Hit, StoreResult

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from guard.judge import Judge
    from guard.sweep.known import Known
    from guard.sweep.stores import Store

NEAR = 512  # a backslash this close to a keyword makes its line worth decoding
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
    decoded = _decoded_batch(data, judge, store.kind == "jsonl", result) if escaped else b""
    hint = store.path if store.kind == "text" else "transcript.txt"
    values = find_values(data, decoded, hint, store.project, judge, known, escaped)
    json_forms = store.kind in ("jsonl", "json")
    lines = _LineIndex(data)
    for value, hit in values.items():
        for form in forms(value) if json_forms else (value,):
            pos = data.find(form)
            while pos != -1:
                line = lines.number(pos)
                hit.lines.append(line)
                hit.seen(_when(data, pos, lines, store) or result.mtime)
                pos = data.find(form, pos + len(form))
        if hit.count:
            result.hits.append(hit)
    return result


def find_values(data: bytes, decoded: bytes, hint: str, project: str | None, judge: Judge,
                known: Known, escaped: bool) -> dict[bytes, Hit]:
    """Every secret value in ``data``: what the engine finds in it and in ``decoded`` (the
    decoded JSON strings that differ from their raw form), and the known values of
    ``project``'s sensitive files that occur in it (``escaped``: as JSON may write them)."""
    found: dict[bytes, Hit] = {}
    pack = judge.pack

    def add(value: bytes, rule_id: str, description: str, confidence: str) -> None:
        if value not in found:
            rule = pack.by_id.get(rule_id)
            found[value] = Hit(value, rule_id, description, confidence,
                               rule.provider if rule is not None else "")

    for f in judge.secrets(data, hint)[0]:
        if not (escaped and b"\\" in f.secret):  # an escape inside: the decoded pass sees it
            add(f.secret, f.rule_id, f.description, f.confidence)
    if decoded:
        for f in judge.secrets(decoded, hint)[0]:
            add(f.secret, f.rule_id, f.description, f.confidence)
    for value, (_path, label) in known.values(project).items():
        if value in data or (escaped and any(form in data for form in forms(value)[1:])):
            rule = pack.by_id.get(label)
            add(value, label, rule.description if rule else "value of a sensitive file",
                rule.confidence if rule else "high")
    return found


def _decoded_batch(data: bytes, judge: Judge, lines: bool, result: StoreResult) -> bytes:
    """The decoded strings of the JSON records worth decoding, joined by newlines: those whose
    raw form differs (escapes), from the lines where a keyword stands near a backslash."""
    import json

    if b"\\" not in data:
        return b""
    starts: list[int] = []
    last_stop = -1
    for _kw, end in judge.engine.prefilter.hits(data):
        if end <= last_stop:
            continue
        start = data.rfind(b"\n", 0, end) + 1 if lines else 0
        stop = data.find(b"\n", end) if lines else len(data)
        stop = len(data) if stop == -1 else stop
        last_stop = stop
        if data.find(b"\\", max(start, end - NEAR), min(stop, end + NEAR)) != -1:
            starts.append(start)
    out: list[str] = []
    malformed = 0
    for start in dict.fromkeys(starts):
        stop = data.find(b"\n", start) if lines else len(data)
        try:
            record = json.loads(data[start:len(data) if stop == -1 else stop])
        except ValueError:  # bad UTF-8 or not JSON: its raw bytes were scanned, as text
            malformed += 1
            continue
        out.extend(s for s in strings(record) if len(s) >= MIN_CELL and
                   ("\n" in s or '"' in s or "\\" in s or "\t" in s or "\r" in s))
    if malformed:
        result.notes.append(f"{malformed} record(s) that are not valid JSON, scanned as text")
    return "\n".join(out).encode("utf-8", "surrogatepass") if out else b""


def strings(node: object) -> Iterator[str]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


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
_AIDER = re.compile(rb"^# aider chat started at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", re.M)
_STAMP_KEYS = ("timestamp", "ts", "created_at", "createdAt", "time", "lastUpdated", "startTime")


def _when(data: bytes, pos: int, lines: _LineIndex, store: Store) -> float | None:
    """When the record holding ``pos`` was written, by the record itself."""
    start, stop = lines.bounds(pos)
    if store.kind == "jsonl":
        import json

        try:
            record = json.loads(data[start:stop])
        except ValueError:
            return None
        return stamp_of(record)
    if store.kind != "text":
        return None
    line = data[start:stop]
    m = _ZSH.match(line)
    if m:
        return float(m.group(1))
    if start > 0:
        prev = data[data.rfind(b"\n", 0, start - 1) + 1:start - 1]
        m = _BASH.match(prev)
        if m:
            return float(m.group(1))
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


def mtime(path: str) -> float | None:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None
