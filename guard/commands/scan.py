"""``guard scan``: secrets and sensitive files in files and trees; exit 1 on new findings."""

from __future__ import annotations

import os
import sys

from guard import config as config_mod
from guard.detect import ruleset
from guard.errors import GuardError
from guard.judge import Judge
from guard.scan import scanner

FORMATS = ("text", "json", "sarif")
EXIT_UNSCANNED = 3  # no finding, but a file that had to be scanned was not (too big, unreadable)
BLOCKED_HINT = ("guard: {action} blocked. Remove the secret (and rotate it if it was ever shared), "
                "or allow the line with a `# pragma: allowlist secret` comment. "
                "Skip this check once with `git {action} --no-verify`.\n")
# `guard scan --staged` run by hand: no commit is under way, so none was blocked.
STAGED_HINT = ("guard: Guard's pre-commit hook would block a commit of these staged changes. "
               "Remove the secret (and rotate it if it was ever shared), or allow the line with a "
               "`# pragma: allowlist secret` comment.\n")

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs more than this module
if TYPE_CHECKING:
    from typing import TextIO

    from guard.sources.gitscan import GitSource


def load_config(config_path: str | None, paths: list[str]) -> config_mod.Config:
    if config_path and not os.path.isfile(config_path):
        raise GuardError("config file does not exist", config_path)
    return config_mod.load(config_path or config_mod.find(paths[0] if paths else "."))


def model_notice(cfg: config_mod.Config) -> None:
    """Say once, on stderr, when the config enables the local model and it cannot run: the scan
    then goes on with the rules alone, which the user did not ask for."""
    if not cfg.model.get("enabled"):
        return
    from guard.model import classify  # only when the config asks for the model

    st = classify.status(cfg)
    if not st.problem:
        return
    where = f" in {cfg.path}" if cfg.path else ""
    fix = classify.INSTALL_HINT if not st.runtime else "`guard doctor` says how to turn it on"
    sys.stderr.write(f"guard: the local model is enabled{where} but cannot run ({st.problem}); "
                     f"the scan uses the rules alone. To run it, {fix}.\n")


def run_scan(paths: list[str], cfg: config_mod.Config, *, gitignore: bool = True, jobs: int = 0,
             progress: bool | None = None) -> tuple[scanner.ScanResult, ruleset.RuleSet]:
    """Scan ``paths`` with the rule pack and the config's extra rules."""
    for p in paths:
        if not os.path.lexists(p):
            raise GuardError("no such file or directory", p)
    entries = scanner.collect(paths, cfg, use_gitignore=gitignore)
    first = paths[0] if paths else "."
    repo_root = config_mod.find_root(first if os.path.isdir(first) else
                                     os.path.dirname(os.path.abspath(first)))
    judge = Judge(cfg, root=repo_root, expected_bytes=sum(e.size for e in entries))
    scan = scanner.Scanner(judge)
    if progress is None:
        progress = sys.stderr.isatty() and len(entries) > 500
    result = scanner.scan_entries(scan, entries, jobs=jobs, progress=progress)
    result.named = {e.path for e in entries if e.named}
    scan.finish(result)
    result.root = os.getcwd()
    result.repo_root = repo_root
    return result, judge.pack


def apply_baseline(result: scanner.ScanResult, baseline_path: str | None) -> None:
    if not baseline_path:
        return
    from guard.scan import baseline

    known = baseline.read(baseline_path)
    fresh = [f for f in result.findings if f not in known]
    result.baselined = len(result.findings) - len(fresh)
    result.findings = fresh


def render(result: scanner.ScanResult, pack: ruleset.RuleSet, fmt: str, stream: TextIO,
           verbose: bool = False, colour: bool | None = None) -> None:
    if fmt == "json":
        from guard.scan.report import json as report
        report.render(result, stream)
    elif fmt == "sarif":
        from guard.scan.report import sarif
        sarif.render(result, stream, pack)
    else:
        from guard.scan.report import text
        text.render(result, stream, verbose=verbose, colour=colour)


def _blocked_hint(mode: str) -> str:
    """What a failing scan of a commit or a push says. Git runs a pre-commit hook with
    GIT_INDEX_FILE set (whatever the form of ``git commit``); without it, ``--staged`` was run
    by hand and no commit is being blocked. ``--pre-push`` reads git's refs on stdin: a hook."""
    if mode == "staged":
        return BLOCKED_HINT.format(action="commit") if os.environ.get("GIT_INDEX_FILE") \
            else STAGED_HINT
    return BLOCKED_HINT.format(action="push")


def mark_unscanned(result: scanner.ScanResult, strict: bool) -> None:
    """Which skipped files fail the scan: those whose content went unexamined (larger than
    max-scan-size or max-file-size, unreadable) that had to be scanned: named on the command
    line, or wherever found with ``strict``."""
    from guard.sources import walk

    result.unscanned = [(p, reason) for reason, paths in sorted(result.skipped.items())
                        if walk.leaves_content_unscanned(reason)
                        for p in paths if strict or p in result.named]


def unscanned_message(result: scanner.ScanResult) -> str:
    shown = ", ".join(f"{p} ({reason})" for p, reason in result.unscanned[:5])
    more = f" and {len(result.unscanned) - 5} more" if len(result.unscanned) > 5 else ""
    return (f"guard: not scanned, so the scan fails: {shown}{more}. Raise max-scan-size in the "
            "config for a big file, or exclude what need not be scanned.\n")


def run(paths: list[str], *, fmt: str = "text", output: str | None = None,
        baseline_path: str | None = None, config_path: str | None = None,
        gitignore: bool = True, exclude: bool = True, strict: bool = False, jobs: int = 0,
        verbose: bool = False, colour: bool | None = None,
        source: GitSource | None = None) -> int:
    """The whole command; returns the exit code: 0 nothing new, 1 findings, 3 a file that had
    to be scanned was not (mark_unscanned; a staged file always has to be). With ``source``,
    the content comes from git (index, history, a push) instead of ``paths``. ``exclude``
    False sets the config's excludes aside (``--no-exclude``)."""
    if source is not None:
        from guard.sources import gitscan

        root = source.root()
        cfg = load_config(config_path, [root])
        if not exclude:
            cfg.exclude = []
        model_notice(cfg)
        result, pack = gitscan.scan(source, cfg, root)
    else:
        paths = paths or ["."]
        cfg = load_config(config_path, paths)
        if not exclude:
            cfg.exclude = []
        model_notice(cfg)
        result, pack = run_scan(paths, cfg, gitignore=gitignore, jobs=jobs)
    apply_baseline(result, baseline_path)
    mark_unscanned(result, strict or (source is not None and source.mode == "staged"))
    if output:
        try:
            # a file name that is not UTF-8 is written as its own bytes, as grep and find do
            with open(output, "w", encoding="utf-8", errors="surrogateescape") as stream:
                render(result, pack, fmt, stream, verbose, colour=False)
        except OSError as e:
            raise GuardError(f"cannot write report: {e.strerror}", output) from None
        if fmt != "text":
            from guard.scan.report.text import summary_line
            sys.stderr.write(summary_line(result) + "\n")
    else:
        if hasattr(sys.stdout, "reconfigure"):  # file names that are not UTF-8, as above
            sys.stdout.reconfigure(errors="surrogateescape")
        render(result, pack, fmt, sys.stdout, verbose, colour)
    if result.unscanned:
        sys.stderr.write(unscanned_message(result))
    if result.findings and source is not None and source.mode != "history":
        sys.stderr.write(_blocked_hint(source.mode))
    return 1 if result.findings else EXIT_UNSCANNED if result.unscanned else 0
