"""Human-readable report. Colour only on a terminal and never when NO_COLOR is set."""

from __future__ import annotations

import os

from guard.scan.scanner import ScanResult
from guard.sources.walk import EXCLUDED, leaves_content_unscanned

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a hook
if TYPE_CHECKING:
    from _typeshed import SupportsWrite  # a report goes to any text stream

EXCLUDED_HINT = " (--no-exclude scans it)"
COLOURS = {"high": "\033[31m", "medium": "\033[33m", "low": "\033[36m", "dim": "\033[2m",
           "bold": "\033[1m", "reset": "\033[0m"}


def use_colour(stream: SupportsWrite[str]) -> bool:
    return "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()


def render(result: ScanResult, stream: SupportsWrite[str], verbose: bool = False,
           colour: bool | None = None) -> None:
    c = COLOURS if (use_colour(stream) if colour is None else colour) else dict.fromkeys(COLOURS,
                                                                                         "")
    for f in result.findings:
        tint = c.get(f.confidence, "")
        if f.kind == "file":
            where = f"{f.commit['id'][:12]}:{f.path}" if f.commit else f.path
            stream.write(f"{c['bold']}{where}{c['reset']}: {tint}sensitive file{c['reset']} "
                         f"[{f.rule_id}] {f.description}\n")
            continue
        where = f"{f.path}:{f.line}:{f.column}"
        if f.commit:
            where = f"{f.commit['id'][:12]}:{where}"
        stream.write(f"{c['bold']}{where}{c['reset']}: {tint}{f.description}{c['reset']} "
                     f"[{f.rule_id}] {f.masked} {c['dim']}fp={f.fingerprint} "
                     f"confidence={f.confidence}{c['reset']}\n")
    failed = set(result.unscanned)
    for reason, paths in sorted(result.skipped.items()):
        for p in paths:
            if (p, reason) in failed:
                stream.write(f"{c['high']}not scanned {p}: {reason}{c['reset']}\n")
            elif listed(result, p, reason, verbose):
                hint = EXCLUDED_HINT if reason == EXCLUDED else ""
                stream.write(f"{c['dim']}skipped {p}: {reason}{hint}{c['reset']}\n")
    for path, notice in result.notices:
        stream.write(f"{c['dim']}note: {path}: {notice}{c['reset']}\n")
    stream.write(summary_line(result, verbose) + "\n")


def listed(result: ScanResult, path: str, reason: str, verbose: bool) -> bool:
    """Whether a skip is listed: every one with --verbose; else a file whose content went
    unexamined (too big, unreadable) and whatever the user named: none passes unsaid."""
    return verbose or path in result.named or leaves_content_unscanned(reason)


def summary_line(result: ScanResult, verbose: bool = False) -> str:
    secrets = sum(1 for f in result.findings if f.kind == "secret")
    files = len(result.findings) - secrets
    parts = [f"{secrets} secret{'s' * (secrets != 1)}",
             f"{files} sensitive file{'s' * (files != 1)}",
             f"{result.files} file{'s' * (result.files != 1)} scanned "
             f"({result.bytes / 1e6:.1f} MB)"]
    if result.commits is not None:  # history: files are (commit, file) patches
        parts[2] = (f"{result.commits} commit{'s' * (result.commits != 1)} scanned "
                    f"({result.files} file change{'s' * (result.files != 1)}, "
                    f"{result.bytes / 1e6:.1f} MB of patches)")
    if result.skipped:
        detail = ", ".join(f"{len(p)} {reason}" for reason, p in sorted(result.skipped.items()))
        unlisted = any(not listed(result, p, reason, False)
                       for reason, paths in result.skipped.items() for p in paths)
        more = "; --verbose lists them" if unlisted and not verbose else ""
        parts.append(f"{result.skipped_count} skipped ({detail}{more})")
    if result.allowed:
        parts.append(f"{result.allowed} allowed")
    if result.baselined:
        parts.append(f"{result.baselined} in baseline")
    return "guard: " + ", ".join(parts)
