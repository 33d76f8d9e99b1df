"""Baselines: findings a team has accepted, so that a scan reports only new ones.

Guard's own format stores path, rule and keyed fingerprint, never a value::

    {"format": "guard-baseline", "version": 1,
     "findings": [{"path": "a.py", "rule": "github-pat-classic", "kind": "secret",
                   "fingerprint": "75d8bbab9167a9345239"}]}

An entry stands for every finding with its rule, path and fingerprint, wherever it is in the file.
The file holds nothing that changes while the accepted findings do not: no timestamp and no line
numbers (a line number changes whenever a line is added above it; kept as first seen, it would
soon point at the wrong line), one entry per (rule, path, fingerprint), sorted. Writing it twice
gives the same bytes, and moving a secret within its file changes nothing. Any other key of an
entry or of the document is a person's (``reason``, ``audited_by``…), kept by :func:`merge`.
Files written before (with ``line`` and ``generated_at``) are read too: the fields a reader
needs did not change, so neither did the version.

A detect-secrets ``.secrets.baseline`` is read as well: its entries carry the SHA-1 of each secret,
which Guard computes for its findings only when such a baseline is in use.
"""

from __future__ import annotations

import hashlib
import json
import os

from guard.detect.finding import Finding
from guard.errors import GuardError

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a hook
if TYPE_CHECKING:
    from typing import Any

FORMAT = "guard-baseline"
VERSION = 1
ENTRY_KEYS = ("path", "rule", "kind", "fingerprint")  # what Guard writes, in this order
VOLATILE = frozenset({"line", "generated_at"})  # written by older versions, dropped on update
DOCUMENT_KEYS = frozenset({"format", "version", "findings"}) | VOLATILE
LISTED = 20  # added or removed entries named, each, in the summary of an update

# (rule, path, fingerprint). A hand-written entry without a rule has "" there: any rule.
Key = tuple[str, str, str]


class Baseline:
    """The accepted findings of a baseline file; ``finding in baseline`` asks whether a finding
    is one of them."""

    def __init__(self, keys: set[Key], sha1s: set[tuple[str, str]] | None = None,
                 lines: set[tuple[str, int]] | None = None) -> None:
        self.keys = keys
        self.sha1s = sha1s or set()  # (path, sha1 hex) from detect-secrets
        self.lines = lines or set()  # (path, line) from detect-secrets

    def __contains__(self, f: Finding) -> bool:
        if (f.rule_id, f.path, f.fingerprint) in self.keys or \
                ("", f.path, f.fingerprint) in self.keys:
            return True
        if not self.sha1s or not f.secret:
            return False
        if (f.path, f.line) in self.lines:
            return True
        return (f.path, hashlib.sha1(f.secret).hexdigest()) in self.sha1s


# --- writing --------------------------------------------------------------------------------------

def entry(f: Finding) -> dict[str, Any]:
    return {"path": f.path, "rule": f.rule_id, "kind": f.kind, "fingerprint": f.fingerprint}


def key(e: dict[str, Any]) -> Key:
    return (e.get("rule") or "", e["path"], e["fingerprint"])


def entries(findings: list[Finding]) -> list[dict[str, Any]]:
    """One entry per (rule, path, fingerprint) of ``findings``, sorted by path, rule and
    fingerprint: the order does not depend on where the findings are in their files."""
    return [entry(f) for f in _by_key(findings).values()]


def _by_key(findings: list[Finding]) -> dict[Key, Finding]:
    """The first finding (by position) of each key, in the order of :func:`entries`."""
    first: dict[Key, Finding] = {}
    for f in sorted(findings, key=Finding.sort_key):
        first.setdefault((f.rule_id, f.path, f.fingerprint), f)
    return {k: first[k] for k in sorted(first, key=lambda k: (k[1], k[0], k[2]))}


def document(findings: list[dict[str, Any]], extra: dict[str, Any] | None = None
             ) -> dict[str, Any]:
    """A baseline document; ``extra`` holds a person's top-level keys, kept in their order."""
    return {"format": FORMAT, "version": VERSION, **(extra or {}), "findings": findings}


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2) + "\n"


def save(path: str, doc: dict[str, Any]) -> bool:
    """Write ``doc`` to ``path`` atomically, unless the file already holds exactly that (its
    modification time stays too); whether it wrote. OSError when it cannot."""
    text = render(doc)
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return False
    except (OSError, UnicodeDecodeError):
        pass  # missing or unreadable: written below, or the write says why
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
    return True


# --- updating -------------------------------------------------------------------------------------

class Changes:
    """What :func:`merge` did: entries kept and removed (as they were in the file) and findings
    added (one per new entry, with its current line for the summary)."""

    def __init__(self) -> None:
        self.kept: list[dict[str, Any]] = []
        self.removed: list[dict[str, Any]] = []
        self.added: list[Finding] = []

    def summary(self) -> list[str]:
        """Lines for a person: counts, then where each added or removed entry is (line numbers
        are a hint here: they are not in the file)."""
        lines = [f"{len(self.kept)} kept, {len(self.added)} added, {len(self.removed)} removed"]
        lines += _listed([f"  + {_at(f.path, f.line)} {f.rule_id} fp={f.fingerprint}"
                          for f in self.added])
        lines += _listed([f"  - {_at(e['path'], e.get('line'))} {e.get('rule') or '(any rule)'} "
                          f"fp={e['fingerprint']} (no longer found)" for e in self.removed])
        return lines


def _at(path: str, line: object) -> str:
    """``path:line``, or the path alone for a sensitive file (line 0) or an entry without one."""
    return f"{path}:{line}" if isinstance(line, int) and line > 0 else path


def _listed(lines: list[str]) -> list[str]:
    if len(lines) <= LISTED:
        return lines
    return [*lines[:LISTED], f"  … and {len(lines) - LISTED} more"]


def merge(doc: dict[str, Any], findings: list[Finding]) -> tuple[dict[str, Any], Changes]:
    """The Guard baseline ``doc`` brought up to date with ``findings``: entries that still match
    a finding are kept with the keys a person added to them, entries that match none (fixed) are
    dropped, findings that match no entry are added. Volatile keys of older files go."""
    old = doc["findings"]
    notes = _notes(old)
    changes = Changes()
    merged = []
    matched: set[Key] = set()
    for k, f in _by_key(findings).items():
        e = entry(f)
        known = next((c for c in (k, ("", k[1], k[2])) if c in notes), None)
        if known is None:
            changes.added.append(f)
        else:
            matched.add(known)
            e.update(notes[known])
        merged.append(e)
    seen: set[Key] = set()
    for e in old:
        if key(e) in seen:
            continue
        seen.add(key(e))
        (changes.kept if key(e) in matched else changes.removed).append(e)
    extra = {k: v for k, v in doc.items() if k not in DOCUMENT_KEYS}
    return document(merged, extra), changes


def noted_entries(doc: dict[str, Any]) -> int:
    """How many entries of the Guard baseline ``doc`` carry keys a person added."""
    return sum(1 for note in _notes(doc["findings"]).values() if note)


def _notes(old: list[dict[str, Any]]) -> dict[Key, dict[str, Any]]:
    """What a person added to each entry: its keys beyond Guard's own and the volatile ones.
    Entries of an older file that share a key (the same value on two lines) pool theirs."""
    notes: dict[Key, dict[str, Any]] = {}
    for e in old:
        mine = notes.setdefault(key(e), {})
        for k, v in e.items():
            if k not in ENTRY_KEYS and k not in VOLATILE:
                mine.setdefault(k, v)
    return notes


# --- reading --------------------------------------------------------------------------------------

def load(path: str) -> dict[str, Any]:
    """The JSON document at ``path``; GuardError when it is missing or not JSON."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except FileNotFoundError:
        raise GuardError("baseline file does not exist (create it with `guard baseline`)",
                         path) from None
    except json.JSONDecodeError as e:
        raise GuardError(f"baseline is not valid JSON: {e.msg}", path, e.lineno) from None
    except (OSError, UnicodeDecodeError) as e:
        raise GuardError(f"cannot read baseline: {e}", path) from None
    if not isinstance(doc, dict):
        raise GuardError("not a Guard baseline nor a detect-secrets .secrets.baseline", path)
    return doc


def load_guard(path: str) -> dict[str, Any]:
    """The Guard baseline at ``path``, checked, for :func:`merge`; GuardError for anything
    else, a detect-secrets baseline included (Guard does not rewrite another tool's file)."""
    doc = load(path)
    if doc.get("format") == FORMAT:
        _read_guard(doc, path)
        return doc
    if isinstance(doc.get("results"), dict):
        raise GuardError("a detect-secrets baseline is updated with `detect-secrets scan "
                         "--baseline FILE`; `guard baseline -o ANOTHER_FILE` makes a Guard one",
                         path)
    raise GuardError("not a Guard baseline", path)


def read(path: str) -> Baseline:
    doc = load(path)
    if doc.get("format") == FORMAT:
        return _read_guard(doc, path)
    if isinstance(doc.get("results"), dict):
        return _read_detect_secrets(doc, path)
    raise GuardError("not a Guard baseline nor a detect-secrets .secrets.baseline", path)


def _read_guard(doc: dict[str, Any], path: str) -> Baseline:
    if doc.get("version") != VERSION:
        raise GuardError(f"unsupported baseline version {doc.get('version')!r}", path)
    found = doc.get("findings")
    if not isinstance(found, list) or not all(_valid(e) for e in found):
        raise GuardError("baseline entries need 'path' and 'fingerprint'", path)
    return Baseline({key(e) for e in found})


def _valid(e: object) -> bool:
    return isinstance(e, dict) and isinstance(e.get("path"), str) and \
        isinstance(e.get("fingerprint"), str) and isinstance(e.get("rule", ""), str)


def _read_detect_secrets(doc: dict[str, Any], path: str) -> Baseline:
    sha1s: set[tuple[str, str]] = set()
    lines: set[tuple[str, int]] = set()
    try:
        for filename, entries_ in doc["results"].items():
            name = filename.replace(os.sep, "/")
            for e in entries_:
                sha1s.add((name, e["hashed_secret"]))
                if "line_number" in e:
                    lines.add((name, int(e["line_number"])))
    except (KeyError, TypeError, AttributeError, ValueError):
        raise GuardError("malformed detect-secrets baseline: results entries need "
                         "'hashed_secret'", path) from None
    return Baseline(set(), sha1s, lines)
