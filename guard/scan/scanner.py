"""Scan files and trees: decide what to read, read each file once, run the engine, collect
findings, skips and notices. Big scans fan out to worker processes."""

from __future__ import annotations

import os
import sys

from guard.config import Config
from guard.detect import prefilter
from guard.detect.finding import Finding
from guard.detect.formats import is_binary
from guard.sources import walk

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: pre-commit's scan avoids importing typing
if TYPE_CHECKING:
    from typing import IO

    from guard.judge import Judge
    from guard.model.ambiguity import Ambiguity

PARALLEL_MIN_BYTES = 8 * 1024 * 1024
NOT_UTF8 = "not valid UTF-8: scanned as raw bytes"

# A file larger than this is scanned in overlapping windows (guard.scan.windows), not read whole.
WINDOW_BYTES = 8 * 1024 * 1024


class ScanResult:
    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.skipped: dict[str, list[str]] = {}
        self.notices: list[tuple[str, str]] = []
        self.files = 0
        self.bytes = 0
        self.allowed = 0
        self.baselined = 0
        # The directory relative paths are relative to: where guard ran, for a scan of paths;
        # the repository root, for a scan of git. None: the current directory.
        self.root: str | None = None
        # The repository holding the scan (where SARIF URIs are relative to); None: root.
        self.repo_root: str | None = None
        self.commits: int | None = None  # a scan of git commits counts them; None otherwise
        self.named: set[str] = set()  # display paths of the files and directories named
        # Skipped files that fail the scan, (path, reason): see commands.scan.mark_unscanned.
        self.unscanned: list[tuple[str, str]] = []
        # Files the rules left undecided, for the local model (only gathered when it is on).
        self.ambiguous: list[Ambiguity] = []

    def skip(self, path: str, reason: str) -> None:
        self.skipped.setdefault(reason, []).append(path)

    def merge(self, other: ScanResult) -> None:
        self.findings.extend(other.findings)
        for reason, paths in other.skipped.items():
            self.skipped.setdefault(reason, []).extend(paths)
        self.notices.extend(other.notices)
        self.ambiguous.extend(other.ambiguous)
        self.files += other.files
        self.bytes += other.bytes
        self.allowed += other.allowed

    @property
    def skipped_count(self) -> int:
        return sum(len(v) for v in self.skipped.values())


class Scanner:
    """One run over many files: asks the judge (rules, engine, config) about each of them."""

    def __init__(self, judge: Judge) -> None:
        self.judge = judge
        self.ruleset = judge.pack
        self.config = judge.config
        expected_bytes = judge.expected_bytes
        # With the local model on, undecided files are set aside for it (see finish).
        self.gather_ambiguous = judge.model_enabled()
        self.path_prefilter = None
        if expected_bytes > prefilter.SMALL_SCAN_BYTES:  # a tree: one pass per path pays off
            literals = self.ruleset.path_literals()[0]
            self.path_prefilter = prefilter.build(literals, expected_bytes, "paths")

    def scan_entry(self, entry: walk.Entry, result: ScanResult) -> None:
        """Path rules first (they need no content: a keystore is binary), then the content."""
        self._path_finding(entry, result)
        if entry.reason:
            result.skip(entry.path, entry.reason)
            return
        try:
            with open(entry.abspath, "rb") as f:
                data = f.read(WINDOW_BYTES + 1)
                if len(data) > WINDOW_BYTES:
                    self.scan_stream(f, data, entry.path, result, abspath=entry.abspath)
                    return
        except OSError as e:
            result.skip(entry.path, f"{walk.UNREADABLE}: {e.strerror or e}")
            return
        self.scan_bytes(data, entry.path, result, abspath=entry.abspath)

    def scan_stream(self, stream: IO[bytes], head: bytes, path: str, result: ScanResult,
                    abspath: str = "") -> None:
        """Scan content too big to hold at once, read from ``stream`` (a file, a pipe) after the
        ``head`` already read from it: in overlapping windows, see guard.scan.windows."""
        from guard.scan import windows  # only for a big file: not on a hook's path

        scanned = windows.scan(stream, head, WINDOW_BYTES,
                               lambda data: self.judge.engine.scan(data, path))
        if scanned is None:
            result.skip(path, walk.BINARY)
            return
        found, size, utf8 = scanned
        result.files += 1
        result.bytes += size
        if not utf8:
            result.notices.append((path, NOT_UTF8))
        # what the config allows, as Judge.secrets; the local model is not asked about a file
        # this big (its snippets come from a whole file)
        allowed_path = bool(abspath) and self.config.path_allowed(abspath)
        for f in found:
            if allowed_path or self.judge.allows(f, ""):
                result.allowed += 1
            else:
                result.findings.append(f)

    def scan_bytes(self, data: bytes, path: str, result: ScanResult, abspath: str = "") -> None:
        """Scan content that did not come from the tree walk (the index, a commit, a buffer)."""
        if is_binary(data):
            result.skip(path, walk.BINARY)
            return
        if not data.isascii():
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                result.notices.append((path, NOT_UTF8))
        result.files += 1
        result.bytes += len(data)
        allowed_path = bool(abspath) and self.config.path_allowed(abspath)
        found, allowed = self.judge.secrets(data, path, abspath)
        result.allowed += allowed
        result.findings.extend(found)
        if self.gather_ambiguous and not allowed_path and not allowed:
            self._gather(data, path, abspath, found, result)

    def _gather(self, data: bytes, path: str, abspath: str, found: list[Finding],
                result: ScanResult) -> None:
        from guard.model import ambiguity

        rule_path = self._rule_path(path, abspath) if abspath else path
        amb = ambiguity.assess(self.judge.engine, data, path, found,
                               self.ruleset.path_rule_for(rule_path, self.path_prefilter))
        if amb is not None:
            result.ambiguous.append(amb)

    def finish(self, result: ScanResult) -> None:
        """The last step of every scan, whatever its source: the local model's verdicts on the
        files the rules left undecided, when it is on."""
        if self.gather_ambiguous:
            _apply_model(result, self.config)

    def check_path(self, path: str, abspath: str, result: ScanResult) -> None:
        """Path rules alone, for a path whose content comes from elsewhere (the index, a commit)."""
        self._path_finding(walk.Entry(abspath, path), result)

    def _rule_path(self, shown: str, abspath: str) -> str:
        """The path path rules see: relative to the judge's root (the repository), however the
        file was named, so that ``guard scan``, ``cd sub && guard scan`` and ``--staged`` agree;
        the shown path for a file outside it."""
        root = self.judge.root
        if abspath.startswith(root) and abspath[len(root):len(root) + 1] == os.sep:
            rel = abspath[len(root) + 1:]
            return rel.replace(os.sep, "/") if os.sep != "/" else rel
        return shown

    def _path_finding(self, entry: walk.Entry, result: ScanResult) -> None:
        if entry.reason in (walk.MISSING, walk.SYMLINK_INSIDE, walk.EXCLUDED) or \
                entry.path.endswith("/"):
            return
        verdict = self.judge.path_rule(self._rule_path(entry.path, entry.abspath),
                                       entry.abspath, self.path_prefilter)
        if verdict is None:
            return
        f = verdict.finding(entry.path)
        if self.judge.allows(f, entry.abspath):
            result.allowed += 1
        else:
            result.findings.append(f)


def _apply_model(result: ScanResult, cfg: Config) -> None:
    """Feed verdicts on the scan's ambiguous files into its findings. The model never hides a
    finding: a file it judges sensitive where the rules found nothing gets a low-confidence
    ``local-model`` finding, and a generic finding in a file it judges benign is kept with its
    confidence lowered to low."""
    from guard.model import ambiguity, classify

    if not result.ambiguous:
        return
    session = classify.Session(cfg)
    generic: dict[str, list[Finding]] = {}
    for f in result.findings:
        if f.rule_id in ambiguity.GENERIC_RULES:
            generic.setdefault(f.path, []).append(f)
    for amb in result.ambiguous:
        try:
            v = session.judge(amb)
        except classify.ModelError as e:
            result.notices.append((amb.path, f"local model off: {e}"))
            break
        if v.sensitive and amb.path not in generic:
            c = v.candidate
            width = len(c.value.decode("utf-8", "replace"))
            f = Finding(classify.MODEL_RULE, classify.MODEL_DESCRIPTION, amb.path, line=c.line,
                        column=c.column, end_column=c.column + width - 1, confidence="low",
                        secret=c.value)
            if f.fingerprint in cfg.allow_fingerprints:
                result.allowed += 1
            else:
                result.findings.append(f)
        elif not v.sensitive:
            for f in generic.get(amb.path, []):
                f.confidence = "low"
    result.findings.sort(key=Finding.sort_key)


def collect(paths: list[str], config: Config, use_gitignore: bool = True) -> list[walk.Entry]:
    """Entries for the given files and directories, with display paths the user can open from
    the current directory: each named path as given, joined with what a walk finds under it
    (``guard scan ../config`` shows ``../config/secrets.yaml``). The config's excludes apply to
    a named path as to a walked one (walk.is_excluded)."""
    entries: list[walk.Entry] = []
    cwd_real = os.path.realpath(os.getcwd())
    for p in paths:
        shown = os.path.normpath(p).replace(os.sep, "/")
        if os.path.isdir(p) and not os.path.islink(p):
            if walk.is_excluded(config, os.path.abspath(p), is_dir=True):
                entry = walk.Entry(os.path.abspath(p), shown.rstrip("/") + "/",
                                   reason=walk.EXCLUDED)
                entry.named = True
                entries.append(entry)
                continue
            prefix = "" if shown == "." else shown.rstrip("/") + "/"
            for e in walk.walk(p, config, use_gitignore, scan=True):
                e.path = prefix + e.path
                entries.append(e)
            continue
        limit = (config.max_scan_size, walk.TOO_BIG_TO_SCAN)
        entry = walk.classify(os.path.abspath(p), shown, *limit)
        if entry.reason == walk.SYMLINK_INSIDE:  # named explicitly: read what it points to
            real = os.path.realpath(p)
            entry = walk.classify(real, shown, *limit)
            if os.path.commonpath([real, cwd_real]) != cwd_real:
                entry.reason = walk.SYMLINK_OUTSIDE
        if walk.is_excluded(config, os.path.abspath(p)) or \
                walk.is_excluded(config, entry.abspath):  # a link's target, too
            entry.reason = walk.EXCLUDED  # named, yet excluded: say so rather than pass silently
        entry.named = True
        entries.append(entry)
    return entries


# --- parallel scanning -------------------------------------------------------------------------

_WORKER: Scanner | None = None


def _scan_chunk(chunk: list[walk.Entry]) -> ScanResult:
    assert _WORKER is not None
    result = ScanResult()
    for entry in chunk:
        _WORKER.scan_entry(entry, result)
    return result


def _chunks(entries: list[walk.Entry], parts: int) -> list[list[walk.Entry]]:
    """Chunks of roughly equal bytes, many more than workers so that they finish together."""
    total = sum(e.size for e in entries) or 1
    target = max(total // (parts * 8), 256 * 1024)
    chunks: list[list[walk.Entry]] = [[]]
    size = 0
    for e in entries:
        chunks[-1].append(e)
        size += e.size
        if size >= target:
            chunks.append([])
            size = 0
    return [c for c in chunks if c]


def scan_entries(scanner: Scanner, entries: list[walk.Entry], jobs: int = 0,
                 progress: bool = False) -> ScanResult:
    result = ScanResult()
    total = sum(e.size for e in entries if not e.reason)
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and total >= PARALLEL_MIN_BYTES and sys.platform != "win32":
        _scan_parallel(scanner, entries, jobs, result, progress)
    else:
        bar = _Progress(len(entries)) if progress else None
        for i, entry in enumerate(entries):
            scanner.scan_entry(entry, result)
            if bar and i % 200 == 0:
                bar.update(i)
        if bar:
            bar.done()
    result.findings.sort(key=Finding.sort_key)
    return result


def _scan_parallel(scanner: Scanner, entries: list[walk.Entry], jobs: int, result: ScanResult,
                   progress: bool) -> None:
    import multiprocessing

    global _WORKER
    _WORKER = scanner  # inherited by the forked workers: rules and prefilter are built once
    chunks = _chunks(entries, jobs)
    bar = _Progress(len(entries)) if progress else None
    done = 0
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(jobs) as pool:
        for part in pool.imap_unordered(_scan_chunk, chunks):
            result.merge(part)
            done += part.files + part.skipped_count
            if bar:
                bar.update(done)
    if bar:
        bar.done()
    _WORKER = None


class _Progress:
    """One line on stderr, rewritten in place; only used when stderr is a terminal."""

    def __init__(self, total: int) -> None:
        self.total = total

    def update(self, n: int) -> None:
        pct = 100 * n // max(self.total, 1)
        sys.stderr.write(f"\rscanning: {n}/{self.total} files ({pct}%)")
        sys.stderr.flush()

    def done(self) -> None:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()
