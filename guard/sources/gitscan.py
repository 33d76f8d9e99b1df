"""Scan what git holds rather than files on disk: the staged index, the lines each commit added,
the commits of a push. Content goes through the same Scanner as a tree scan (path rules first,
then the engine, then the config's allow lists); findings from commits carry ``Finding.commit``.

Repository paths are reported as git spells them, relative to the repository root, whatever the
current directory. Submodules are not descended into: a submodule path is skipped and counted.
"""

from __future__ import annotations

import os
import sys

from guard import git
from guard.detect import prefilter, ruleset
from guard.errors import GuardError
from guard.judge import Judge
from guard.scan.scanner import WINDOW_BYTES, Scanner, ScanResult
from guard.sources import walk

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs more than this module
if TYPE_CHECKING:
    from collections.abc import Iterator

    from guard.config import Config
    from guard.detect.finding import Finding
    from guard.sources import gitlog

SUBMODULE = "submodule (not descended into)"
SHALLOW = ("shallow clone: history stops at the grafted commits, whose patches add their whole "
           "tree; `git fetch --unshallow` to scan all of it")
NO_COMMITS = "the repository has no commits yet"
# History is a big scan whatever its size: Hyperscan's compiled database comes from the cache.
HISTORY_EXPECTED_BYTES = 1 << 30


class GitSource:
    """What to scan from git: ``mode`` is "staged", "history" or "pre-push"."""

    __slots__ = ("_repo", "all_refs", "branch", "cwd", "mode", "push_lines", "remote", "since")

    def __init__(self, mode: str, *, since: str | None = None, branch: str | None = None,
                 all_refs: bool = False, remote: str | None = None,
                 push_lines: list[str] | None = None, cwd: str = ".") -> None:
        self.mode = mode
        self.since = since
        self.branch = branch
        self.all_refs = all_refs
        self.remote = remote
        self.push_lines = push_lines
        self.cwd = cwd
        self._repo: git.Repo | None = None

    def repo(self) -> git.Repo:
        """The gitpython repository (history and pushes only: the staged scan does without)."""
        if self._repo is None:
            self._repo = git.open_repo(self.cwd)
        return self._repo

    def root(self) -> str:
        """The repository root, where the config is looked up and paths are relative to."""
        if self.mode == "staged":
            return git.toplevel(self.cwd)
        return git.repo_root(self.repo())


def source_from_options(paths: list[str], *, staged: bool = False, history: bool = False,
                        since: str | None = None, branch: str | None = None,
                        all_refs: bool = False, pre_push: bool = False) -> GitSource | None:
    """The git source the ``guard scan`` options ask for, None for a scan of files; conflicting
    options are a GuardError (exit 2)."""
    modes = [name for name, on in (("--staged", staged), ("--history", history),
                                   ("--pre-push", pre_push)) if on]
    if len(modes) > 1:
        raise GuardError(f"{' and '.join(modes)} cannot be combined")
    history_only = [name for name, on in (("--since", since is not None),
                                          ("--branch", branch is not None),
                                          ("--all", all_refs)) if on]
    if history_only and not history:
        raise GuardError(f"{', '.join(history_only)} only applies to --history")
    if branch is not None and all_refs:
        raise GuardError("--branch and --all cannot be combined")
    if not modes:
        return None
    if pre_push:
        if len(paths) > 2:
            raise GuardError("--pre-push takes at most the remote name and URL that git passes "
                             "to a pre-push hook")
        return GitSource("pre-push", remote=paths[0] if paths else None,
                         push_lines=_push_lines())
    if paths:
        raise GuardError(f"{modes[0]} scans the repository of the current directory; "
                         "it takes no paths")
    if staged:
        return GitSource("staged")
    return GitSource("history", since=since, branch=branch, all_refs=all_refs)


def _push_lines() -> list[str]:
    if sys.stdin is None or sys.stdin.isatty():
        raise GuardError("--pre-push reads the refs being pushed on stdin, as git gives them to a "
                         "pre-push hook (install one with `guard install --git`)")
    return sys.stdin.read().splitlines()


def scan(source: GitSource, cfg: Config, root: str) -> tuple[ScanResult, ruleset.RuleSet]:
    judge = Judge(cfg, root=root)
    staged = source.mode == "staged"
    result = scan_staged(judge, root) if staged else scan_commits(judge, source)
    result.root = result.repo_root = root
    return result, judge.pack


# --- staged --------------------------------------------------------------------------------------


def scan_staged(judge: Judge, root: str) -> ScanResult:
    """The content each changed path will have in the next commit, read from the index."""
    cfg = judge.config
    result = ScanResult()
    checked: list[tuple[str, str]] = []
    paths: dict[str, list[tuple[str, str]]] = {}  # blob id -> the paths that have it
    for entry in git.staged_changes(root):
        abspath = os.path.join(root, entry.path)
        if walk.is_excluded(cfg, abspath):
            continue
        checked.append((entry.path, abspath))
        if entry.submodule:
            result.skip(entry.path, SUBMODULE)
        else:
            paths.setdefault(entry.oid, []).append((entry.path, abspath))
    content = _SizedScan(judge, result)
    big: list[tuple[str, str, str]] = []  # (oid, path, abspath) of blobs read in windows
    for oid, data, size in git.read_blobs(root, list(paths),
                                          min(WINDOW_BYTES, cfg.max_scan_size)):
        for path, abspath in paths[oid]:
            if data is not None:
                content.add(data, path, abspath)
            elif size < 0:
                result.skip(path, f"{walk.UNREADABLE}: not in the object database")
            elif size > cfg.max_scan_size:
                result.skip(path, walk.TOO_BIG_TO_SCAN)
            else:
                big.append((oid, path, abspath))
                content.size += size  # a big scan: the scanner is built for it
    scanner = content.scanner()
    for oid, path, abspath in big:
        _scan_big_blob(scanner, root, oid, path, abspath, result)
    for path, abspath in checked:
        scanner.check_path(path, abspath, result)
    scanner.finish(result)
    result.findings.sort(key=lambda f: f.sort_key())
    return result


def _scan_big_blob(scanner: Scanner, root: str, oid: str, path: str, abspath: str,
                   result: ScanResult) -> None:
    """A staged blob over WINDOW_BYTES, streamed from ``git cat-file blob`` through the
    scanner's windows: as a file on disk that size is scanned, never held whole."""
    import subprocess

    proc = subprocess.Popen(git.command("cat-file", "blob", oid), cwd=root,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    try:
        scanner.scan_stream(proc.stdout, b"", path, result, abspath=abspath)
    finally:
        proc.stdout.close()
        if proc.wait() != 0:
            result.skip(path, f"{walk.UNREADABLE}: git cat-file failed")


class _SizedScan:
    """Scans blobs with a Scanner built for their total size (which picks the prefilter), known
    only as they are read: up to SMALL_SCAN_BYTES are held back, past that it is a big scan."""

    def __init__(self, judge: Judge, result: ScanResult) -> None:
        self.judge = judge
        self.result = result
        self.pending: list[tuple[bytes, str, str]] = []
        self.size = 0
        self._scanner: Scanner | None = None

    def add(self, data: bytes, path: str, abspath: str) -> None:
        if self._scanner is not None:
            self._scanner.scan_bytes(data, path, self.result, abspath=abspath)
            return
        self.pending.append((data, path, abspath))
        self.size += len(data)
        if self.size > prefilter.SMALL_SCAN_BYTES:
            self.scanner()

    def scanner(self) -> Scanner:
        if self._scanner is None:
            self.judge.expected_bytes = self.size
            self._scanner = Scanner(self.judge)
            for data, path, abspath in self.pending:
                self._scanner.scan_bytes(data, path, self.result, abspath=abspath)
            self.pending = []
        return self._scanner


# --- history and pushes --------------------------------------------------------------------------


def scan_commits(judge: Judge, source: GitSource) -> ScanResult:
    """The lines each commit added, each secret reported once: in the oldest scanned commit that
    added it to that path (a value that stays, or is re-added by a later edit, is one finding)."""
    cfg = judge.config
    repo = source.repo()
    root = git.repo_root(repo)
    result = ScanResult()
    result.commits = 0
    revs: list[str] = []
    options: tuple[str, ...] = ()
    commits: list[str] | None = None
    if source.mode == "pre-push":
        commits = git.pushed_commits(repo, source.remote, source.push_lines or [])
        if not commits:
            return result
    else:
        if not git.has_commits(repo):
            result.notices.append((".", NO_COMMITS))
            return result
        options, revs = _history_revs(repo, source)
    if git.is_shallow(repo):
        result.notices.append((".", SHALLOW))
    judge.expected_bytes = HISTORY_EXPECTED_BYTES
    scanner = Scanner(judge)
    history = _History(scanner, cfg, root, result)
    proc = git.log_process(root, revs, stdin_revs=commits, extra=options)
    assert proc.stdout is not None
    from guard.sources.gitlog import log_records  # not at start-up: the commit hook never needs it

    try:
        history.feed(log_records(proc.stdout, cfg.max_file_size))
    except BaseException:  # Ctrl-C or a bug: do not leave git writing into a dead pipe
        proc.kill()
        proc.wait()
        raise
    git.finish(proc)
    history.close()
    scanner.finish(result)
    return result


def _history_revs(repo: git.Repo, source: GitSource) -> tuple[tuple[str, ...], list[str]]:
    """(git log options, revisions), every revision resolved to a commit id first: a name the
    user typed never reaches git's command line where it could pass for an option."""
    options: tuple[str, ...] = ()
    revs: list[str] = []
    if source.all_refs:
        options = ("--all",)
    elif source.branch is not None:
        revs.append(git.resolve_commit(repo, source.branch, "--branch"))
    elif repo.head.is_valid():
        revs.append(repo.head.commit.hexsha)
    else:
        raise GuardError("HEAD is an unborn branch (no commit yet); scan another with --branch "
                         "NAME, or every ref with --all")
    if source.since is not None:
        revs.append("^" + git.resolve_commit(repo, source.since, "--since"))
    return options, revs


class _History:
    """Turns the stream of commits and file patches into findings."""

    def __init__(self, scanner: Scanner, cfg: Config, root: str, result: ScanResult) -> None:
        self.scanner = scanner
        self.cfg = cfg
        self.root = root
        self.result = result
        self.prefilter = scanner.judge.engine.prefilter
        self.kept: dict[tuple[str, str], tuple[int, Finding]] = {}
        self.seq = 0
        self.commit: dict[str, str] = {}
        self.excluded: dict[str, bool] = {}
        self.skipped: set[tuple[str, str]] = set()
        self.notices: set[tuple[str, str]] = set()

    def feed(self, records: Iterator[gitlog.Commit | gitlog.FileDiff]) -> None:
        from guard.sources.gitlog import Commit

        for record in records:
            if isinstance(record, Commit):
                self.seq += 1
                self.commit = record.as_dict()
                self.result.commits = (self.result.commits or 0) + 1  # 0 from scan_commits
            else:
                self.file(record)

    def file(self, diff: gitlog.FileDiff) -> None:
        path = diff.path
        excluded = self.excluded.get(path)
        if excluded is None:
            excluded = self.excluded[path] = walk.is_excluded(self.cfg,
                                                              os.path.join(self.root, path))
        if excluded or diff.deleted:
            return
        abspath = os.path.join(self.root, path)
        scratch = ScanResult()
        self.scanner.check_path(path, abspath, scratch)
        if diff.submodule:
            self.skip(path, SUBMODULE)
        elif diff.binary:
            self.skip(path, walk.BINARY)
        elif diff.oversized or len(diff.body) > self.cfg.max_file_size:
            self.skip(path, walk.TOO_LARGE)
        elif diff.body:
            self.result.files += 1
            self.result.bytes += len(diff.body)
            if self.prefilter.hits(diff.body):  # most patches hold no keyword at all
                self.secrets(diff, path, abspath, scratch)
        self.keep(scratch)

    def secrets(self, diff: gitlog.FileDiff, path: str, abspath: str, scratch: ScanResult) -> None:
        from guard.sources.gitlog import added_lines

        data, numbers = added_lines(diff.body)
        if not data:
            return
        found = ScanResult()
        self.scanner.scan_bytes(data, path, found, abspath=abspath)
        scratch.allowed += found.allowed
        for notice in found.notices:
            if notice not in self.notices:
                self.notices.add(notice)
                self.result.notices.append(notice)
        if found.ambiguous:  # for the local model, with the file's own line numbers
            import dataclasses

            for amb in found.ambiguous:
                self.result.ambiguous.append(dataclasses.replace(amb, candidates=tuple(
                    dataclasses.replace(c, line=numbers[c.line - 1]) for c in amb.candidates)))
        for f in found.findings:  # buffer lines → the file's own line numbers
            f.line = numbers[f.line - 1]
            f.end_line = numbers[min(f.end_line, len(numbers)) - 1]
            scratch.findings.append(f)

    def keep(self, scratch: ScanResult) -> None:
        """Later records are older commits: the last one seen introduced the value."""
        self.result.allowed += scratch.allowed
        for f in sorted(scratch.findings, key=lambda f: f.line, reverse=True):
            f.commit = self.commit
            self.kept[(f.fingerprint, f.path)] = (self.seq, f)

    def skip(self, path: str, reason: str) -> None:
        if (path, reason) not in self.skipped:
            self.skipped.add((path, reason))
            self.result.skip(path, reason)

    def close(self) -> None:
        ordered = sorted(self.kept.values(), key=lambda item: (item[0], item[1].sort_key()))
        self.result.findings = [f for _, f in ordered]
