"""Baselines: findings a team has accepted, so that a scan reports only new ones.

Guard's own format stores path, rule and keyed fingerprint, never a value. A detect-secrets
``.secrets.baseline`` is read as well: its entries carry the SHA-1 of each secret, which Guard
computes for its findings only when such a baseline is in use.
"""

from __future__ import annotations

import hashlib
import json
import os
import time

from guard.detect.finding import Finding
from guard.errors import GuardError

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a hook
if TYPE_CHECKING:
    from typing import Any

FORMAT = "guard-baseline"
VERSION = 1


class Baseline:
    def __init__(self, keys: set[tuple[str, str]], sha1s: set[tuple[str, str]] | None = None,
                 lines: set[tuple[str, int]] | None = None) -> None:
        self.keys = keys  # (path, fingerprint)
        self.sha1s = sha1s or set()  # (path, sha1 hex) from detect-secrets
        self.lines = lines or set()  # (path, line) from detect-secrets

    def __contains__(self, f: Finding) -> bool:
        if (f.path, f.fingerprint) in self.keys:
            return True
        if not self.sha1s or not f.secret:
            return False
        if (f.path, f.line) in self.lines:
            return True
        return (f.path, hashlib.sha1(f.secret).hexdigest()) in self.sha1s


def write(path: str, findings: list[Finding]) -> None:
    entries = sorted(
        ({"path": f.path, "rule": f.rule_id, "kind": f.kind, "line": f.line,
          "fingerprint": f.fingerprint} for f in findings),
        key=lambda e: (e["path"], e["line"], e["rule"]),
    )
    doc = {"format": FORMAT, "version": VERSION,
           "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "findings": entries}
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def read(path: str) -> Baseline:
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
    if isinstance(doc, dict) and doc.get("format") == FORMAT:
        return _read_guard(doc, path)
    if isinstance(doc, dict) and isinstance(doc.get("results"), dict):
        return _read_detect_secrets(doc, path)
    raise GuardError("not a Guard baseline nor a detect-secrets .secrets.baseline", path)


def _read_guard(doc: dict[str, Any], path: str) -> Baseline:
    if doc.get("version") != VERSION:
        raise GuardError(f"unsupported baseline version {doc.get('version')!r}", path)
    try:
        return Baseline({(e["path"], e["fingerprint"]) for e in doc["findings"]})
    except (KeyError, TypeError):
        raise GuardError("baseline entries need 'path' and 'fingerprint'", path) from None


def _read_detect_secrets(doc: dict[str, Any], path: str) -> Baseline:
    sha1s: set[tuple[str, str]] = set()
    lines: set[tuple[str, int]] = set()
    try:
        for filename, entries in doc["results"].items():
            name = filename.replace(os.sep, "/")
            for e in entries:
                sha1s.add((name, e["hashed_secret"]))
                if "line_number" in e:
                    lines.add((name, int(e["line_number"])))
    except (KeyError, TypeError, AttributeError, ValueError):
        raise GuardError("malformed detect-secrets baseline: results entries need "
                         "'hashed_secret'", path) from None
    return Baseline(set(), sha1s, lines)
