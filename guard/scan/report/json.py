"""JSON report, schema version 1 (documented in docs/json-report.md).

    {"version": 1, "tool": {"name": "guard", "version": "…"}, "root": "/abs/path" | null,
     "findings": [Finding.to_dict(), …],
     "skipped": [{"path": "…", "reason": "…"}, …],
     "not_scanned": [{"path": "…", "reason": "…"}, …],  # the skips that fail the scan (exit 3)
     "notices": [{"path": "…", "message": "…"}, …],
     "summary": {"secrets": n, "sensitive_files": n, "files_scanned": n, "bytes_scanned": n,
                 "skipped": n, "not_scanned": n, "allowed": n, "baselined": n
                 [, "commits_scanned": n]}}

A finding from a scan of commits also has "commit": {"id", "date", "author"}.
"""

from __future__ import annotations

import json

from guard import __version__
from guard.scan.scanner import ScanResult

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a hook
if TYPE_CHECKING:
    from _typeshed import SupportsWrite  # a report goes to any text stream

SCHEMA_VERSION = 1


def as_dict(result: ScanResult) -> dict[str, object]:
    secrets = sum(1 for f in result.findings if f.kind == "secret")
    summary = {
        "secrets": secrets,
        "sensitive_files": len(result.findings) - secrets,
        "files_scanned": result.files,
        "bytes_scanned": result.bytes,
        "skipped": result.skipped_count,
        "not_scanned": len(result.unscanned),
        "allowed": result.allowed,
        "baselined": result.baselined,
    }
    if result.commits is not None:  # a scan of git commits: history or a push
        summary["commits_scanned"] = result.commits

    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "guard", "version": __version__},
        "root": result.root,
        "findings": [f.to_dict() for f in result.findings],
        "skipped": [{"path": p, "reason": r} for r, paths in sorted(result.skipped.items())
                    for p in paths],
        "not_scanned": [{"path": p, "reason": r} for p, r in result.unscanned],
        "notices": [{"path": p, "message": m} for p, m in result.notices],
        "summary": summary,
    }


def render(result: ScanResult, stream: SupportsWrite[str]) -> None:
    json.dump(as_dict(result), stream, indent=2)
    stream.write("\n")
