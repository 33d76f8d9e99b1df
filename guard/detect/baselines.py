"""Baseline files are not secrets: the hashes in detect-secrets' ``.secrets.baseline`` and Guard's
own baseline, which teams commit next to their code.

detect-secrets stores the SHA-1 of each secret under a key named ``hashed_secret``: to the generic
rule that is a secret-looking value assigned to a secret-named key, so without this step every scan
and every pre-commit run reported the baseline itself. Guard's own baseline stores keyed
fingerprints, which no rule of the pack matches today; a user's rule might.

A baseline is recognised by its structure, never by its name: the file must parse as one of the
two formats, and only the hashes the format puts there are spared, each at its own key. A secret
pasted anywhere else in a baseline (or in place of a hash, or into a file merely named
``.secrets.baseline``) is still found.
"""

from __future__ import annotations

import json
import re

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a hook
if TYPE_CHECKING:
    from typing import Any

# Cheap tests that come first: a file without them is not a baseline, and is not parsed.
DETECT_SECRETS_MARKER = b'"hashed_secret"'
GUARD_MARKER = b'"guard-baseline"'

# A hash at its key, as both tools write it (json.dump, any indentation or none).
_DETECT_SECRETS_HASH = re.compile(rb'"hashed_secret"\s*:\s*"([0-9a-f]{40})"')
_GUARD_FINGERPRINT = re.compile(rb'"fingerprint"\s*:\s*"([0-9a-f]{8,64})"')
_SHA1 = re.compile(r"[0-9a-f]{40}")
_FINGERPRINT = re.compile(r"[0-9a-f]{8,64}")


def may_be_baseline(data: bytes) -> bool:
    """Whether ``data`` could be a baseline at all (a substring test, for the engine's hot path)."""
    return DETECT_SECRETS_MARKER in data or GUARD_MARKER in data


def hash_spans(data: bytes) -> list[tuple[int, int]]:
    """The byte spans of ``data`` that hold a baseline's hashes: every ``hashed_secret`` of a
    detect-secrets baseline, every ``fingerprint`` of Guard's; [] when ``data`` is neither."""
    doc = _json_object(data)
    if doc is None:
        return []
    hashes = _detect_secrets_hashes(doc)
    if hashes:
        return _spans(_DETECT_SECRETS_HASH, data, hashes)
    fingerprints = _guard_fingerprints(doc)
    if fingerprints:
        return _spans(_GUARD_FINGERPRINT, data, fingerprints)
    return []


def _json_object(data: bytes) -> dict[str, Any] | None:
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):  # not JSON (UnicodeDecodeError is a ValueError)
        return None
    return doc if isinstance(doc, dict) else None


def _detect_secrets_hashes(doc: dict[str, Any]) -> set[str]:
    """The ``hashed_secret`` values of a detect-secrets baseline: ``{"results": {file: [{...,
    "hashed_secret": "<SHA-1 hex>"}]}}``. A value that is not a SHA-1 is not a hash."""
    results = doc.get("results")
    if not isinstance(results, dict):
        return set()
    return {e["hashed_secret"] for entries in results.values() if isinstance(entries, list)
            for e in entries if isinstance(e, dict) and isinstance(e.get("hashed_secret"), str)
            and _SHA1.fullmatch(e["hashed_secret"])}


def _guard_fingerprints(doc: dict[str, Any]) -> set[str]:
    """The ``fingerprint`` values of a Guard baseline: ``{"format": "guard-baseline",
    "findings": [{..., "fingerprint": "<hex>"}]}`` (see guard.scan.baseline)."""
    findings = doc.get("findings")
    if doc.get("format") != "guard-baseline" or not isinstance(findings, list):
        return set()
    return {e["fingerprint"] for e in findings if isinstance(e, dict)
            and isinstance(e.get("fingerprint"), str) and _FINGERPRINT.fullmatch(e["fingerprint"])}


def _spans(pattern: re.Pattern[bytes], data: bytes, values: set[str]) -> list[tuple[int, int]]:
    """Where ``pattern`` finds one of ``values`` (the parsed document's) at its key in the text."""
    return [m.span(1) for m in pattern.finditer(data) if m.group(1).decode() in values]


def within(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether the span ``start:end`` lies inside one of ``spans``."""
    return any(s <= start and end <= e for s, e in spans)
