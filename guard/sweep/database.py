"""SQLite stores (Codex CLI keeps every command's output again in ``thread_history_*.sqlite``):
read through sqlite3, read-only, every text and blob cell of every table; scrubbed through
sqlite3 too (``UPDATE … SET col = new WHERE col = old``: the new value depends on the old one
alone, so equal cells get equal replacements, with or without a rowid), in one transaction.
"""

from __future__ import annotations

import os

from guard.sweep import files
from guard.sweep.hits import StoreResult
from guard.sweep.search import MIN_CELL, find_values, forms, parse_time

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterator

    from guard.judge import Judge
    from guard.sweep.known import Known
    from guard.sweep.stores import Store

_STAMP_COLUMNS = ("created_at_ms", "created_at", "updated_at_ms", "updated_at", "ts",
                  "timestamp", "started_at")


def _connect(path: str, write: bool = False) -> sqlite3.Connection:
    import sqlite3
    from urllib.parse import quote

    mode = "rw" if write else "ro"
    return sqlite3.connect(f"file:{quote(path)}?mode={mode}", uri=True, timeout=2.0)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(db: sqlite3.Connection) -> list[str]:
    return [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                     "AND name NOT LIKE 'sqlite_%'")]


def _cells(db: sqlite3.Connection) -> Iterator[tuple[str, str, bytes, float | None]]:
    """(table, column, cell as bytes, the row's time) for every text or blob cell worth a
    look."""
    for table in _tables(db):
        columns = [r[1] for r in db.execute(f"PRAGMA table_info({_q(table)})")]
        if not columns:
            continue
        stamp = next((c for c in _STAMP_COLUMNS if c in columns), None)
        for row in db.execute(f"SELECT {', '.join(map(_q, columns))} FROM {_q(table)}"):
            when = parse_time(row[columns.index(stamp)]) if stamp else None
            for column, cell in zip(columns, row, strict=True):
                if isinstance(cell, str):
                    cell = cell.encode("utf-8", "surrogatepass")
                if isinstance(cell, bytes) and len(cell) >= MIN_CELL:
                    yield table, column, cell, when


def search(store: Store, path: str, judge: Judge, known: Known, result: StoreResult) -> None:
    """The secrets in the SQLite database at ``path`` into ``result``."""
    import sqlite3

    try:
        st = os.stat(path)
        if not os.path.isfile(path):
            raise files.Skip("not a regular file (FIFO, socket or device)")
        if st.st_size > judge.config.max_scan_size:
            raise files.Skip(f"too big ({st.st_size / 1e6:.0f} MB)")
        with open(path, "rb") as f:
            if f.read(16) != b"SQLite format 3\0":
                raise files.Skip("not a SQLite database")
        db = _connect(path)
        try:
            cells = list(_cells(db))
        finally:
            db.close()
    except files.Skip as e:
        result.skip = str(e)
        return
    except (OSError, sqlite3.Error) as e:
        result.skip = f"unreadable database: {e}"
        return
    result.size = st.st_size
    result.mtime = st.st_mtime
    raw = b"\n".join(c[2] for c in cells)
    values = find_values(raw, "transcript.txt", store.project, judge, known, escaped=True)
    for value, hit in values.items():
        needles = forms(value)
        for table, column, cell, when in cells:
            n = sum(cell.count(form) for form in needles)
            for _ in range(n):
                hit.places.append(f"{table}.{column}")
                hit.seen(when or result.mtime)
        if hit.count:
            result.hits.append(hit)


def scrub(path: str, replacements: dict[bytes, bytes]) -> int:
    """Replace each value (in each of its JSON forms) by its placeholder in every text and blob
    cell, in one transaction; returns how many cells changed. The database's own journal keeps
    it consistent; the file's times are put back afterwards by the caller."""

    needles = [(form, holder) for value, holder in replacements.items()
               for form in forms(value)]
    needles.sort(key=lambda n: -len(n[0]))
    db = _connect(path, write=True)
    changed = 0
    try:
        updates: list[tuple[str, str, bytes, bytes]] = []
        for table, column, cell, _when in _cells(db):
            new = cell
            for form, holder in needles:
                if form in new:
                    new = new.replace(form, holder)
            if new != cell:
                updates.append((table, column, cell, new))
        # the old cells' bytes are overwritten with zeros, not left in free pages
        db.execute("PRAGMA secure_delete = ON")
        with db:
            for table, column, old, new in updates:
                typed = _typed(db, table, column, old, new)
                cur = db.execute(f"UPDATE {_q(table)} SET {_q(column)} = ? WHERE "
                                 f"{_q(column)} = ?", typed)
                changed += cur.rowcount
    finally:
        db.close()
    return changed


def _typed(db: sqlite3.Connection, table: str, column: str, old: bytes,
           new: bytes) -> tuple[object, object]:
    """The new and old values as the column stores them: text stays text, blobs stay blobs."""
    text_old = old.decode("utf-8", "surrogatepass")
    row = db.execute(f"SELECT count(*) FROM {_q(table)} WHERE {_q(column)} = ?",
                     (text_old,)).fetchone()
    if row and row[0]:
        return new.decode("utf-8", "surrogatepass"), text_old
    return new, old
