"""SARIF 2.1.0 report, in the subset GitHub code scanning ingests: one run, rules with a
security-severity, results with a physical location and a partial fingerprint.

URIs are relative to the repository root, given as ``originalUriBaseIds["%SRCROOT%"]``, whatever
directory guard ran in or was pointed at: code scanning resolves them against the checkout."""

from __future__ import annotations

import json
import os

from guard import __version__
from guard.detect.ruleset import RuleSet
from guard.scan.scanner import ScanResult
from guard.sources.walk import leaves_content_unscanned

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a hook
if TYPE_CHECKING:
    from _typeshed import SupportsWrite  # a report goes to any text stream

LEVEL = {"high": "error", "medium": "warning", "low": "note"}
SEVERITY = {"high": "8.0", "medium": "6.0", "low": "3.0"}
INFO_URI = "https://github.com/guard-secrets/guard"


def _rule_entry(rule_id: str, description: str, confidence: str,
                help_text: str) -> dict[str, object]:
    return {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.split("-")),
        "shortDescription": {"text": description},
        "fullDescription": {"text": description},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": LEVEL[confidence]},
        "properties": {"tags": ["security", "secret"], "precision": confidence,
                       "security-severity": SEVERITY[confidence]},
    }


def as_dict(result: ScanResult, ruleset: RuleSet) -> dict[str, object]:
    rules: list[dict[str, object]] = []
    index: dict[str, int] = {}
    results: list[dict[str, object]] = []
    base = result.root or os.getcwd()
    repo = result.repo_root or base
    artifact = _Artifacts(base, repo)
    for f in result.findings:
        if f.rule_id not in index:
            index[f.rule_id] = len(rules)
            help_text = ("Remove the file from the repository and keep it out with .gitignore; "
                         "run `guard protect` so AI assistants cannot read it."
                         if f.kind == "file" else
                         "Revoke or rotate the secret, then remove it from the code and its "
                         "history; load it from the environment or a secret manager instead.")
            rules.append(_rule_entry(f.rule_id, f.description, f.confidence, help_text))
        message = (f"Sensitive file: {f.description}." if f.kind == "file" else
                   f"{f.description}: {f.masked}.")
        region = {"startLine": max(f.line, 1)}
        if f.kind == "secret":
            region.update(startColumn=f.column, endLine=f.end_line, endColumn=f.end_column + 1)
        entry: dict[str, object] = {
            "ruleId": f.rule_id,
            "ruleIndex": index[f.rule_id],
            "level": LEVEL[f.confidence],
            "message": {"text": message},
            "locations": [{"physicalLocation": {
                "artifactLocation": artifact(f.path),
                "region": region,
            }}],
            "partialFingerprints": {"guard/v1": f.fingerprint},
        }
        if f.commit:  # found in history: the commit that introduced it
            entry["properties"] = {"commit": f.commit}
        results.append(entry)
    return document(rules, results, _invocation(result, artifact),
                    originalUriBaseIds={"%SRCROOT%": {"uri": _file_uri(repo)}},
                    columnKind="unicodeCodePoints")


def document(rules: list[dict[str, object]], results: list[dict[str, object]],
             invocation: dict[str, object], **run: object) -> dict[str, object]:
    """A SARIF 2.1.0 log of one Guard run (``guard scan``, ``guard sweep``); ``run``: more
    members of the run object."""
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "guard", "version": __version__,
                                "informationUri": INFO_URI, "rules": rules}},
            **run,
            "invocations": [invocation],
            "results": results,
        }],
    }


def _invocation(result: ScanResult, artifact: _Artifacts) -> dict[str, object]:
    """The run's invocation: every skipped file as a tool execution notification (an error
    when it fails the scan, a warning when its content went unexamined, else a note), and
    executionSuccessful false when a file that had to be scanned was not."""
    failed = set(result.unscanned)
    notifications: list[dict[str, object]] = []
    for reason, paths in sorted(result.skipped.items()):
        gap = leaves_content_unscanned(reason)
        for path in paths:
            level = "error" if (path, reason) in failed else "warning" if gap else "note"
            notifications.append({
                "level": level,
                "message": {"text": f"Not scanned: {reason}."},
                "locations": [{"physicalLocation": {"artifactLocation": artifact(path)}}],
                "descriptor": {"id": "guard/skipped"},
                "properties": {"reason": reason},
            })
    return {"executionSuccessful": not failed, "toolExecutionNotifications": notifications}


class _Artifacts:
    """artifactLocation of a reported path (relative to ``base``, or absolute): relative to the
    repository root ``repo`` as ``%SRCROOT%``, where GitHub code scanning looks for the file, or
    an absolute file URI for a file outside the repository."""

    def __init__(self, base: str, repo: str) -> None:
        self.base = base
        self.repo = os.path.normpath(repo)
        self.cache: dict[str, dict[str, str]] = {}

    def __call__(self, path: str) -> dict[str, str]:
        location = self.cache.get(path)
        if location is None:
            full = os.path.normpath(os.path.join(self.base, path))
            if full.startswith(self.repo.rstrip(os.sep) + os.sep):
                rel = os.path.relpath(full, self.repo)
                location = {"uri": _uri_path(rel), "uriBaseId": "%SRCROOT%"}
            else:
                location = {"uri": "file://" + _uri_path(full)}
            self.cache[path] = location
        return location


def _uri_path(path: str) -> str:
    """A path as a URI reference: percent-encoded, undecodable file-name bytes included."""
    from urllib.parse import quote

    return quote(path.replace(os.sep, "/").encode("utf-8", "surrogateescape"), safe="/")


def _file_uri(path: str) -> str:
    return "file://" + _uri_path(os.path.abspath(path).rstrip(os.sep) + "/")


def render(result: ScanResult, stream: SupportsWrite[str], ruleset: RuleSet) -> None:
    json.dump(as_dict(result, ruleset), stream, indent=2)
    stream.write("\n")
