"""``guard sweep --scrub``: each secret found in a store replaced, in place, by the typed
placeholder the redactor uses (``<redacted:RULE len=N fp=XXXXXXXX>``), and nothing else changed.

- text: every occurrence of the value;
- JSON lines and JSON: every occurrence of the value in each form JSON can write it (raw,
  escaped, ``\\u`` escapes): the replacement happens inside the JSON strings and the placeholder
  needs no escaping, so a record stays valid JSON; a record that parsed before and would not
  parse after stops the store from being written;
- SQLite: through sqlite3 (guard.sweep.database).

Files are written atomically (a temporary file in the same directory, renamed over the store)
with their mode, owner and access and modification times kept.
"""

from __future__ import annotations

import os

from guard.detect.redact import placeholder
from guard.sweep import files
from guard.sweep.search import forms

TYPE_CHECKING = False
if TYPE_CHECKING:
    from guard.sweep.hits import StoreResult


class Outcome:
    __slots__ = ("error", "replaced", "result")

    def __init__(self, result: StoreResult, replaced: int = 0, error: str | None = None) -> None:
        self.result = result
        self.replaced = replaced
        self.error = error


def replacements(result: StoreResult) -> dict[bytes, bytes]:
    """value -> its placeholder, for every secret found in the store."""
    return {h.value: placeholder(h.value, h.rule_id) for h in result.hits}


def scrub(result: StoreResult, home: str) -> Outcome:
    """Scrub one store; an Outcome with ``error`` set when it could not be (left unchanged)."""
    store = result.store
    roots = [home] + ([store.project] if store.project else [])
    repl = replacements(result)
    try:
        path = files.resolve(store.path, roots)
        if store.kind == "sqlite":
            return Outcome(result, _scrub_sqlite(path, repl))
        data, st = files.read(path, 1 << 62)
    except files.Skip as e:
        return Outcome(result, error=str(e))
    except OSError as e:
        return Outcome(result, error=f"cannot write: {e.strerror or e}")
    except Exception as e:  # sqlite3.Error: a locked or damaged database
        return Outcome(result, error=f"database not scrubbed: {e}")
    new, count = replace(data, repl, json_forms=store.kind in ("jsonl", "json"))
    if not count:
        return Outcome(result)
    problem = _still_valid(data, new, store.kind)
    if problem:
        return Outcome(result, error=problem)
    try:
        files.write_atomic(path, new, st)
    except OSError as e:
        return Outcome(result, error=f"cannot write: {e.strerror or e}")
    return Outcome(result, count)


def replace(data: bytes, repl: dict[bytes, bytes], json_forms: bool) -> tuple[bytes, int]:
    """``data`` with every form of every value replaced by its placeholder (longest first: a
    value inside another is replaced with it), and how many replacements were made."""
    needles = [(form, holder) for value, holder in repl.items()
               for form in (forms(value) if json_forms else [value])]
    needles.sort(key=lambda n: -len(n[0]))
    count = 0
    for form, holder in needles:
        n = data.count(form)
        if n:
            data = data.replace(form, holder)
            count += n
    return data, count


def _still_valid(old: bytes, new: bytes, kind: str) -> str | None:
    """Why ``new`` may not replace ``old``: a JSON record (or document) that parsed before and
    would not after; None when it may."""
    import json

    if kind == "json":
        try:
            json.loads(old)
        except ValueError:
            return None  # it was not valid JSON before: scrubbed as text
        try:
            json.loads(new)
        except ValueError:
            return "the replacement would make the JSON invalid; left unchanged"
        return None
    if kind == "jsonl":
        old_lines = old.split(b"\n")
        new_lines = new.split(b"\n")
        if len(old_lines) != len(new_lines):
            return "the replacement would change the number of records; left unchanged"
        for before, after in zip(old_lines, new_lines, strict=True):
            if before == after or not before.strip():
                continue
            try:
                json.loads(before)
            except ValueError:
                continue
            try:
                json.loads(after)
            except ValueError:
                return "the replacement would make a record invalid JSON; left unchanged"
    return None


def _scrub_sqlite(path: str, repl: dict[bytes, bytes]) -> int:
    from guard.sweep import database

    st = os.stat(path)
    changed = database.scrub(path, repl)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    return changed
