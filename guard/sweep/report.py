"""The sweep's report, as text, JSON (schema ``guard-sweep`` version 1) or SARIF 2.1.0. Never a
value: the masked preview and the keyed fingerprint stand for it, as in ``guard scan``.

JSON::

    {"version": 1, "tool": {...}, "home": "/home/me",
     "secrets": [{"rule", "description", "provider", "confidence", "masked", "fingerprint",
                  "held_by": "/repo/.env" | null, "first_seen", "last_seen",
                  "seen_in": [{"agent", "store", "label", "kind", "project", "count",
                               "lines" | "places", "first_seen", "last_seen", "verified"}]}],
     "rotate": [{"provider", "fingerprints": [...]}],
     "skipped": [{"agent", "store", "reason"}], "notes": [{"store", "note"}],
     "summary": {"secrets", "stores_with_secrets", "stores_read", "bytes_read", "skipped",
                 "seconds"}}

Times are ISO 8601 in UTC.
"""

from __future__ import annotations

import json
import os
from datetime import UTC

from guard import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    from guard.sweep.result import SweepResult

SCHEMA_VERSION = 1


def iso(when: float | None) -> str | None:
    if when is None:
        return None
    from datetime import datetime

    return datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _short(when: float | None) -> str:
    text = iso(when)
    return text[:16].replace("T", " ") if text else "?"


def _tilde(path: str, home: str) -> str:
    return "~" + path[len(home):] if path.startswith(home.rstrip("/") + "/") else path


def as_dict(result: SweepResult) -> dict[str, object]:
    secrets = []
    for s in result.secrets:
        seen = []
        for r, hit in s.hits:
            entry: dict[str, object] = {
                "agent": r.store.agent, "store": r.store.path, "label": r.store.label,
                "kind": r.store.kind, "project": r.store.project, "count": hit.count,
                "first_seen": iso(hit.first), "last_seen": iso(hit.last),
                "verified": r.store.verified or None}
            if hit.places:
                entry["places"] = sorted(set(hit.places))
            else:
                entry["lines"] = sorted(set(hit.lines))
            seen.append(entry)
        secrets.append({"rule": s.rule_id, "description": s.description,
                        "provider": s.provider or None, "confidence": s.confidence,
                        "masked": s.masked, "fingerprint": s.fingerprint,
                        "held_by": s.holder, "first_seen": iso(s.first),
                        "last_seen": iso(s.last), "seen_in": seen})
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "guard", "version": __version__},
        "home": result.home,
        "secrets": secrets,
        "rotate": [{"provider": p or None, "fingerprints": [s.fingerprint for s in group]}
                   for p, group in result.rotate().items()],
        "skipped": [{"agent": r.store.agent, "store": r.store.path, "reason": r.skip}
                    for r in result.skipped],
        "notes": [{"store": r.store.path, "note": n} for r in result.results for n in r.notes],
        "summary": {"secrets": len(result.secrets),
                    "stores_with_secrets": len(result.with_secrets),
                    "stores_read": len(result.read), "bytes_read": result.bytes,
                    "skipped": len(result.skipped), "seconds": round(result.seconds, 3)},
    }


def render_json(result: SweepResult, stream: SupportsWrite[str]) -> None:
    json.dump(as_dict(result), stream, indent=2)
    stream.write("\n")


def render_text(result: SweepResult, stream: SupportsWrite[str], verbose: bool = False) -> None:
    home = result.home
    if result.secrets:
        stream.write(f"Secrets assistants have seen ({len(result.secrets)}), and where copies "
                     "are now:\n\n")
    for s in result.secrets:
        provider = f" ({s.provider})" if s.provider else ""
        stream.write(f"{s.description}{provider} [{s.rule_id}] {s.masked} fp={s.fingerprint}\n")
        if s.holder:
            stream.write(f"  still in your file {_tilde(s.holder, home)}\n")
        for r, hit in s.hits:
            where = f"lines {_lines(hit.lines)}" if not hit.places else \
                ", ".join(sorted(set(hit.places)))
            project = f", project {_tilde(r.store.project, home)}" if r.store.project else ""
            when = _short(hit.first) if _short(hit.first) == _short(hit.last) else \
                f"{_short(hit.first)} .. {_short(hit.last)}"
            stream.write(f"  {r.store.agent:<7} {_tilde(r.store.path, home)} ({r.store.label}"
                         f"{project}): {hit.count}x, {where}; seen {when}\n")
        stream.write("\n")
    if result.secrets:
        stream.write("Rotate these (each was sent to a model provider):\n")
        for provider, group in result.rotate().items():
            names = ", ".join(f"{s.masked} fp={s.fingerprint[:12]}" for s in group)
            stream.write(f"  {provider or 'other'}: {names}\n")
        stream.write("\n")
    for r in result.skipped:
        stream.write(f"skipped {_tilde(r.store.path, home)}: {r.skip}\n")
    for r in result.results:
        for note in r.notes:
            stream.write(f"note: {_tilde(r.store.path, home)}: {note}\n")
    if verbose:
        for r in result.read:
            verified = f"verified on {r.store.verified}" if r.store.verified else "unverified"
            stream.write(f"read {_tilde(r.store.path, home)} ({r.store.agent} {r.store.label}, "
                         f"{r.store.kind}, {verified})\n")
    stream.write(summary_line(result) + "\n")
    if result.secrets:
        stream.write("Run `guard sweep --scrub` to replace them with placeholders in those "
                     "stores; `guard install --all` (hooks) or `guard proxy` keeps new ones "
                     "from reaching the assistants.\n")


def _lines(lines: list[int]) -> str:
    unique = sorted(set(lines))
    shown = ",".join(map(str, unique[:6]))
    return shown + (f",… ({len(unique)})" if len(unique) > 6 else "")


def summary_line(result: SweepResult) -> str:
    by_agent: dict[str, int] = {}
    for r in result.with_secrets:
        by_agent[r.store.agent] = by_agent.get(r.store.agent, 0) + 1
    agents = ", ".join(f"{a} {n}" for a, n in sorted(by_agent.items()))
    n = len(result.secrets)
    parts = [f"{n} secret{'s' * (n != 1)} in {len(result.with_secrets)} store"
             f"{'s' * (len(result.with_secrets) != 1)}" + (f" ({agents})" if agents else ""),
             f"{len(result.read)} stores read ({result.bytes / 1e6:.1f} MB in "
             f"{result.seconds:.1f} s)"]
    if result.skipped:
        parts.append(f"{len(result.skipped)} skipped")
    return "guard: sweep: " + ", ".join(parts)


# --- SARIF ------------------------------------------------------------------------------------

def as_sarif(result: SweepResult) -> dict[str, object]:
    from guard.scan.report.sarif import LEVEL, _rule_entry, _uri_path, document

    rules: list[dict[str, object]] = []
    index: dict[str, int] = {}
    results: list[dict[str, object]] = []
    for s in result.secrets:
        if s.rule_id not in index:
            index[s.rule_id] = len(rules)
            rules.append(_rule_entry(s.rule_id, s.description, s.confidence,
                                     "An assistant saw this secret and sent it to its model "
                                     "provider: rotate it; `guard sweep --scrub` removes the "
                                     "copies from the assistants' stores."))
        for r, hit in s.hits:
            location: dict[str, object] = {"artifactLocation": {
                "uri": "file://" + _uri_path(os.path.abspath(r.store.path))}}
            if hit.lines:
                location["region"] = {"startLine": min(hit.lines)}
            results.append({
                "ruleId": s.rule_id, "ruleIndex": index[s.rule_id],
                "level": LEVEL.get(s.confidence, "warning"),
                "message": {"text": f"{s.description}: {s.masked}, seen by {r.store.agent} "
                                    f"({r.store.label}) {hit.count} time(s)."},
                "locations": [{"physicalLocation": location}],
                "partialFingerprints": {"guard/v1": s.fingerprint},
                "properties": {"agent": r.store.agent, "project": r.store.project,
                               "firstSeen": iso(hit.first), "lastSeen": iso(hit.last),
                               "heldBy": s.holder, "provider": s.provider or None},
            })
    notifications = [{"level": "warning", "message": {"text": f"Not read: {r.skip}."},
                      "locations": [{"physicalLocation": {"artifactLocation": {
                          "uri": "file://" + _uri_path(os.path.abspath(r.store.path))}}}],
                      "descriptor": {"id": "guard/skipped"}} for r in result.skipped]
    return document(rules, results, {"executionSuccessful": True,
                                     "toolExecutionNotifications": notifications})


def render_sarif(result: SweepResult, stream: SupportsWrite[str]) -> None:
    json.dump(as_sarif(result), stream, indent=2)
    stream.write("\n")


def render(result: SweepResult, fmt: str, stream: SupportsWrite[str],
           verbose: bool = False) -> None:
    if fmt == "json":
        render_json(result, stream)
    elif fmt == "sarif":
        render_sarif(result, stream)
    else:
        render_text(result, stream, verbose)
