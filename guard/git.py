"""Git access: the staged index, the patches of commits, the commits of a push, hook directories.

Two layers, chosen by how often they run:

- the commit hot path (``guard scan --staged``, on every commit) talks to git plumbing through
  ``subprocess`` only: importing gitpython alone costs about as much as the whole rest of the hook;
- history, pushes and ``guard install`` open the repository with gitpython for discovery, refs and
  remotes, and stream ``git log`` output through a pipe.

Everything here knows git's formats and nothing about detection: ``guard.sources.gitscan`` feeds
what it reads to the engine.
"""

from __future__ import annotations

import bisect
import os
import re
import subprocess

from guard.errors import GuardError

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs more than this module
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    import git as gitpython

# Settings that would change the output formats parsed here; user config must not reach them.
# quotepath=false leaves non-ASCII names unescaped (control characters are still quoted).
SAFE_CONFIG = (
    "-c", "core.quotepath=false",
    "-c", "diff.noprefix=false",
    "-c", "diff.mnemonicPrefix=false",
    "-c", "diff.relative=false",
    "-c", "diff.interHunkContext=0",
    "-c", "log.showSignature=false",
    "-c", "color.ui=false",
)
SUBMODULE_MODE = "160000"
CAT_FILE_CHUNK = 1000  # object names per write: 41 KB, less than a pipe buffer (no deadlock)
READ_CHUNK = 1 << 20


def command(*args: str) -> list[str]:
    return ["git", *SAFE_CONFIG, *args]


def run(args: Iterable[str], cwd: str, stdin: bytes | None = None) -> bytes:
    """Output of one git command; its failure is a GuardError with git's own message."""
    try:
        proc = subprocess.run(command(*args), cwd=cwd, input=stdin, capture_output=True,
                              check=False)
    except FileNotFoundError:
        raise GuardError("git is not installed (or not on PATH)") from None
    if proc.returncode != 0:
        raise GuardError(f"git {next(iter(args), '')}: {git_message(proc.stderr)}")
    return proc.stdout


def git_message(stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    text = lines[-1] if lines else "failed"
    return text.removeprefix("fatal: ").removeprefix("error: ")


def toplevel(cwd: str = ".") -> str:
    """The working tree root that contains ``cwd`` (plumbing only: the commit hot path)."""
    if (os.path.exists(os.path.join(cwd, ".git")) and "GIT_DIR" not in os.environ
            and "GIT_WORK_TREE" not in os.environ):
        return os.path.abspath(cwd)  # where hooks run: no git process needed to know it
    try:
        proc = subprocess.run(command("rev-parse", "--show-toplevel"), cwd=cwd,
                              capture_output=True, check=False)
    except FileNotFoundError:
        raise GuardError("git is not installed (or not on PATH)") from None
    except NotADirectoryError:
        raise GuardError("not a directory", cwd) from None
    if proc.returncode != 0 or not proc.stdout.strip():
        raise GuardError(f"not inside a git working tree ({git_message(proc.stderr)})",
                         os.path.abspath(cwd))
    return os.fsdecode(proc.stdout.rstrip(b"\n"))


def open_repo(cwd: str = ".") -> gitpython.Repo:
    """The repository that contains ``cwd``, through gitpython (imported here, not at start-up).
    Every git command gitpython runs for it, object reads included, carries SAFE_CONFIG."""
    try:
        import git as gitpython
    except ImportError as e:  # gitpython refuses to import when it cannot run git
        raise GuardError(f"cannot use git: {e}") from None
    try:
        repo = gitpython.Repo(cwd, search_parent_directories=True)
    except (gitpython.InvalidGitRepositoryError, gitpython.NoSuchPathError):
        raise GuardError("not inside a git repository", os.path.abspath(cwd)) from None
    repo.git.set_persistent_git_options(c=list(SAFE_CONFIG[1::2]))
    return repo


def repo_root(repo: gitpython.Repo) -> str:
    """Where repository paths are relative to: the working tree, or the git dir of a bare one."""
    return repo.working_tree_dir or repo.git_dir


# --- questions about the working tree (None or "" when git cannot answer) ----------------------


def _probe(args: list[str], cwd: str, timeout: float) -> subprocess.CompletedProcess | None:
    """One git command whose failure to start or to finish in time is an answer (None), not an
    error: for callers that fall back to doing without git."""
    try:
        return subprocess.run(command(*args), cwd=cwd, capture_output=True, timeout=timeout,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return None


def ignored_files(root: str) -> list[str] | None:
    """Files git ignores one by one under ``root``, relative to it; None outside a repository or
    without git.

    ``--ignored=matching`` names a directory that an ignore pattern matches (node_modules/)
    instead of its contents, which are dropped here, and with ``--untracked-files=all`` still
    looks inside untracked directories (``git ls-files --directory`` would not)."""
    proc = _probe(["status", "--porcelain=v1", "-z", "--ignored=matching",
                   "--untracked-files=all", "--no-renames", "."], root, timeout=120)
    if proc is None or proc.returncode != 0:
        return None
    prefix = show_prefix(root)
    files = []
    for item in proc.stdout.split(b"\0"):
        if not item.startswith(b"!! ") or item.endswith(b"/"):
            continue
        rel = os.fsdecode(item[3:])
        if rel.startswith(prefix):
            files.append(rel[len(prefix):])
    return files


def show_prefix(root: str) -> str:
    """``root`` relative to the top of its repository, with a trailing slash ("" at the top, and
    when git cannot tell): git status prints paths from the top."""
    proc = _probe(["rev-parse", "--show-prefix"], root, timeout=60)
    if proc is None or proc.returncode != 0:
        return ""
    return os.fsdecode(proc.stdout).strip()


def is_ignored(root: str, rel: str) -> bool | None:
    """Whether git ignores the path ``rel`` of the working tree at ``root``; None when git cannot
    be run (not installed, or too slow to answer)."""
    proc = _probe(["check-ignore", "-q", "--", rel], root, timeout=30)
    return None if proc is None else proc.returncode == 0


# --- the staged index ----------------------------------------------------------------------------


class IndexEntry:
    """One path whose staged content differs from HEAD (or every path before the first commit)."""

    __slots__ = ("mode", "oid", "path")

    def __init__(self, path: str, mode: str, oid: str) -> None:
        self.path = path
        self.mode = mode
        self.oid = oid

    @property
    def submodule(self) -> bool:
        return self.mode == SUBMODULE_MODE


def staged_changes(root: str) -> list[IndexEntry]:
    """Added, modified and type-changed paths in the index (deletions have nothing to commit).

    ``git diff --cached`` compares with the empty tree when there is no HEAD yet, and honours
    GIT_INDEX_FILE, which git points at a temporary index for ``git commit -a`` or ``commit PATH``.
    """
    out = run(["diff", "--cached", "--raw", "-z", "--no-abbrev", "--no-renames", "--no-ext-diff",
               "--diff-filter=d", "--ignore-submodules=none"], root)
    fields = out.split(b"\0")
    entries: list[IndexEntry] = []
    for i in range(0, len(fields) - 1, 2):
        meta, raw_path = fields[i], fields[i + 1]
        parts = meta.split()  # b":100644 100644 <old> <new> M"
        if len(parts) < 5 or not parts[3].strip(b"0"):  # intent-to-add: no content yet
            continue
        entries.append(IndexEntry(os.fsdecode(raw_path), parts[1].decode(), parts[3].decode()))
    return entries


def read_blobs(root: str, oids: list[str], limit: int) -> Iterator[tuple[str, bytes | None,
                                                                          int]]:
    """(oid, content, size) for each object, from one ``git cat-file --batch`` process. Content
    over ``limit`` bytes is read past, not kept (None); a missing object has size -1."""
    if not oids:
        return
    proc = subprocess.Popen(command("cat-file", "--batch"), cwd=root, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdin is not None and proc.stdout is not None
    try:
        for start in range(0, len(oids), CAT_FILE_CHUNK):
            chunk = oids[start:start + CAT_FILE_CHUNK]
            proc.stdin.write("".join(f"{o}\n" for o in chunk).encode())
            proc.stdin.flush()
            for oid in chunk:
                header = proc.stdout.readline().split()
                if len(header) != 3:  # "<oid> missing": nothing follows
                    yield oid, None, -1
                    continue
                size = int(header[2])
                data = proc.stdout.read(size) if size <= limit else _read_past(proc.stdout, size)
                proc.stdout.read(1)  # the newline after the content
                yield oid, data, size
    finally:
        proc.stdin.close()
        proc.stdout.close()
        proc.wait()


def _read_past(stream, size: int) -> None:
    """Consume ``size`` bytes of a pipe in bounded pieces (a staged video is not kept in RAM)."""
    while size > 0:
        got = len(stream.read(min(READ_CHUNK, size)))
        if not got:
            return
        size -= got


# --- history -------------------------------------------------------------------------------------

# One line per commit, starting with NUL: no line of a patch can (each has a one-character prefix).
LOG_FORMAT = "%x00%H%x00%P%x00%aI%x00%an"
LOG_OPTIONS = (
    "-p", "--cc", "-U0", "--inter-hunk-context=0", "--no-color", "--no-ext-diff",
    "--no-textconv", "--no-renames", "--src-prefix=a/", "--dst-prefix=b/", "--no-notes",
    f"--format={LOG_FORMAT}",
)
# Patterns of the patch format, compiled on first use (re caches them): compiling them when the
# module loads would cost the commit hook, which never reads a patch, several milliseconds.
_BOUNDARY = rb"\n(?=\x00|diff --(?:git|cc) )"
_NEW_START = rb" \+(\d+)(?:,\d+)? @@"
_HUNK = rb"@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@"


class Commit:
    __slots__ = ("author", "date", "id", "parents")

    def __init__(self, line: bytes) -> None:
        fields = line[1:].split(b"\0")
        fields += [b""] * (4 - len(fields))
        self.id = fields[0].decode("ascii", "replace")
        self.parents = fields[1].decode("ascii", "replace").split()
        self.date = fields[2].decode("ascii", "replace")
        self.author = fields[3].decode("utf-8", "replace")

    def as_dict(self) -> dict:
        """What reports carry in a finding's ``commit`` (docs/json-report.md)."""
        return {"id": self.id, "date": self.date, "author": self.author}


class FileDiff:
    """The patch of one file in one commit. ``body`` holds the hunks (empty when ``oversized``)."""

    __slots__ = ("binary", "body", "created", "deleted", "oversized", "path", "submodule")

    def __init__(self, section: bytes, oversized: bool = False) -> None:
        hunks = section.find(b"\n@@")
        header = section if hunks == -1 else section[:hunks]
        self.body = b"" if hunks == -1 or oversized else section[hunks + 1:]
        self.oversized = oversized
        lines = header.split(b"\n")
        self.path = os.fsdecode(_header_path(lines))
        self.created = self.deleted = self.binary = self.submodule = False
        for line in lines[1:]:
            if line.startswith(b"new file mode "):
                self.created = True
            elif line.startswith(b"deleted file mode ") or line == b"+++ /dev/null":
                self.deleted = True
            elif line.startswith(b"Binary files "):
                self.binary = True
            if b"160000" in line and not line.startswith((b"--- ", b"+++ ")):
                self.submodule = True  # "new file mode 160000", "index a..b 160000", "mode …"


def _header_path(lines: list[bytes]) -> bytes:
    """The file's path from ``diff --git a/P b/P`` (or ``diff --cc P``), unquoted.

    Without renames both sides name the same path, so an unquoted header splits in the middle even
    when the path contains `` b/``; a quoted one (control characters, quotes) is C-unquoted.
    """
    first = lines[0]
    if first.startswith(b"diff --cc "):
        rest = first[10:]
        return unquote(rest)[0] if rest.startswith(b'"') else rest
    rest = first[11:]
    if rest.startswith(b'"'):
        _, end = unquote(rest)
        second = rest[end + 1:]
        path = unquote(second)[0] if second.startswith(b'"') else second
        return path[2:]
    half = (len(rest) - 5) // 2
    if rest[:2] == b"a/" and rest[2 + half:5 + half] == b" b/":
        return rest[5 + half:]
    for line in lines[1:]:  # not symmetric (cannot happen without renames): trust "+++ b/P"
        if line.startswith(b"+++ b/"):
            return line[6:].rstrip(b"\t")
    return rest


_ESCAPES = {ord("n"): 10, ord("t"): 9, ord('"'): 34, ord("\\"): 92, ord("a"): 7, ord("b"): 8,
            ord("f"): 12, ord("r"): 13, ord("v"): 11}


def unquote(data: bytes) -> tuple[bytes, int]:
    """A C-quoted name as git writes it (``"new\\nline\\303\\251"``) → (raw bytes, index after
    the closing quote)."""
    out = bytearray()
    i = 1
    n = len(data)
    while i < n:
        c = data[i]
        if c == 34:  # closing quote
            return bytes(out), i + 1
        if c == 92 and i + 1 < n:
            nxt = data[i + 1]
            if 48 <= nxt <= 55 and i + 3 < n:  # three octal digits: one raw byte
                out.append(int(data[i + 1:i + 4], 8) & 0xFF)
                i += 4
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out), n


class LineMap:
    """Line ``i`` (0-based) of an added-lines buffer → its line in the new file. Kept as runs,
    one per hunk (a new file is one run), not as a number per line."""

    __slots__ = ("_buffer", "_file", "count")

    def __init__(self) -> None:
        self._buffer: list[int] = []  # first buffer line of each run
        self._file: list[int] = []  # its line in the file
        self.count = 0

    def add(self, file_line: int, length: int = 1) -> None:
        if length <= 0:
            return
        if not (self._file and self._file[-1] + self.count - self._buffer[-1] == file_line):
            self._buffer.append(self.count)
            self._file.append(file_line)
        self.count += length

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, i: int) -> int:
        if not 0 <= i < self.count:
            raise IndexError(i)
        run = bisect.bisect_right(self._buffer, i) - 1
        return self._file[run] + i - self._buffer[run]


def added_lines(body: bytes) -> tuple[bytes, LineMap]:
    """The lines a patch adds, joined as one buffer, and where each is in the new file.

    Plain hunks (``@@ -a,b +c,d @@``) and dense combined ones of merges (``@@@ … @@@``): in the
    latter only lines new to every parent (``++``) count; a line taken from one parent was added
    by a commit on that parent's side.
    """
    if not body.startswith(b"@@@"):
        plain = _added_lines_plain(body)
        if plain is not None:
            return plain
    return _added_lines_walk(body)


_NO_NEWLINE = b"\n\\ No newline at end of file"


def _added_lines_plain(body: bytes) -> tuple[bytes, LineMap] | None:
    """added_lines for plain -U0 hunks with bytes operations only (no loop over lines): each
    hunk is removed lines then added ones, the added block being new-file lines c .. c+d-1.
    None when the patch does not have that shape."""
    parts: list[bytes] = []
    numbers = LineMap()
    hunk = re.compile(_HUNK)
    end = len(body)
    start = 0
    while start < end:
        nxt = body.find(b"\n@@ ", start)
        stop = end if nxt == -1 else nxt + 1  # this hunk: body[start:stop]
        m = hunk.match(body, start)
        if m is None:
            return None
        count = 1 if m.group(2) is None else int(m.group(2))
        if count:
            first = body.find(b"\n+", start, stop)
            if first == -1:
                return None
            block = body[first:stop].rstrip(b"\n")
            if block.endswith(_NO_NEWLINE):
                block = block[:-len(_NO_NEWLINE)]
            text = block.replace(b"\n+", b"\n")
            if text.count(b"\n") != count:  # a context line, or something else unexpected
                return None
            parts.append(text)
            numbers.add(int(m.group(1)), count)
        start = stop
    return b"".join(parts)[1:] + b"\n" if parts else b"", numbers


def _added_lines_walk(body: bytes) -> tuple[bytes, LineMap]:
    """added_lines one line at a time: merges, and hunks with context lines."""
    out: list[bytes] = []
    numbers = LineMap()
    columns = 1
    line_no = 0
    all_added = b"+"
    for line in body.split(b"\n"):
        if not line:
            continue
        if line[0] == 64:  # "@": a hunk header
            columns = len(line) - len(line.lstrip(b"@")) - 1
            all_added = b"+" * columns
            m = re.search(_NEW_START, line)
            line_no = int(m.group(1)) if m else 0
            continue
        prefix = line[:columns]
        if prefix == all_added:
            out.append(line[columns:])
            numbers.add(line_no)
            line_no += 1
        elif b"-" not in prefix and prefix[:1] in (b" ", b"+"):
            line_no += 1  # context (with inter-hunk context) or a line from one parent
    return b"\n".join(out) + b"\n" if out else b"", numbers


def log_process(root: str, revs: list[str], stdin_revs: list[str] | None = None,
                extra: tuple[str, ...] = ()) -> subprocess.Popen:
    """``git log`` with patches over ``revs`` (or exactly the commits ``stdin_revs``, in order)."""
    args = ["log", *LOG_OPTIONS, *extra]
    if stdin_revs is not None:
        args += ["--no-walk=unsorted", "--stdin"]
    else:
        args += ["--topo-order", "--end-of-options", *revs]
    try:
        proc = subprocess.Popen(command(*args, "--"), cwd=root, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE,
                                stdin=subprocess.PIPE if stdin_revs is not None else None)
    except FileNotFoundError:
        raise GuardError("git is not installed (or not on PATH)") from None
    if stdin_revs is not None:
        _feed(proc, "".join(f"{r}\n" for r in stdin_revs).encode())
    return proc


def _feed(proc: subprocess.Popen, data: bytes) -> None:
    """Write ``data`` to the process's stdin from a thread, so that a long list of commits cannot
    deadlock against git filling its stdout pipe."""
    import threading

    def write() -> None:
        assert proc.stdin is not None
        try:
            proc.stdin.write(data)
        except BrokenPipeError:
            pass
        finally:
            proc.stdin.close()

    threading.Thread(target=write, daemon=True).start()


def finish(proc: subprocess.Popen) -> None:
    """Wait for git; a failure is a GuardError with its message."""
    stderr = proc.stderr.read() if proc.stderr else b""
    if proc.wait() != 0:
        raise GuardError(f"git log: {git_message(stderr)}")


def log_records(stream, limit: int) -> Iterator[Commit | FileDiff]:
    """Commits and file patches from ``git log`` output, read in blocks.

    A file patch longer than ``limit`` bytes is not kept in memory: it comes out as a FileDiff
    with ``oversized`` set and no body.
    """
    pending = b""
    skipping: bytes | None = None  # the head of an oversized patch, while dropping the rest
    while True:
        block = stream.read(READ_CHUNK)
        data = pending + block if pending else block
        if not block:
            if skipping is not None:
                yield FileDiff(skipping, oversized=True)
            elif data:
                yield from _pieces(data)
            return
        if skipping is not None:
            m = re.search(_BOUNDARY, data)
            if m is None:
                pending = data[-32:]  # a boundary may straddle two blocks
                continue
            yield FileDiff(skipping, oversized=True)
            skipping = None
            data = data[m.end():]
        cut = max(data.rfind(b"\n\x00"), data.rfind(b"\ndiff --git "), data.rfind(b"\ndiff --cc "))
        if cut > 0:
            yield from _pieces(data[:cut])
            pending = data[cut + 1:]
        else:
            pending = data
        if len(pending) > limit + READ_CHUNK and not pending.startswith(b"\x00"):
            hunks = pending.find(b"\n@@")
            skipping = pending[:hunks if hunks != -1 else 4096]
            pending = b""


def _pieces(data: bytes) -> Iterator[Commit | FileDiff]:
    for piece in re.split(_BOUNDARY, data):
        if piece.startswith(b"\x00"):
            yield Commit(piece[:piece.find(b"\n")] if b"\n" in piece else piece)
        elif piece.startswith(b"diff --"):
            yield FileDiff(piece)


# --- refs ----------------------------------------------------------------------------------------


def resolve_commit(repo: gitpython.Repo, rev: str, what: str) -> str:
    """The commit id ``rev`` names; a GuardError saying ``what`` it was otherwise."""
    import git as gitpython

    try:
        return repo.git.rev_parse("--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    except gitpython.GitCommandError:
        raise GuardError(f"{what} {rev!r} does not name a commit in this repository") from None


def has_commits(repo: gitpython.Repo) -> bool:
    return repo.head.is_valid() or bool(repo.refs)


def is_shallow(repo: gitpython.Repo) -> bool:
    return os.path.exists(os.path.join(repo.common_dir, "shallow"))


def pushed_commits(repo: gitpython.Repo, remote: str | None, lines: Iterable[str]) -> list[str]:
    """The commits a push sends, from the lines git gives a pre-push hook on stdin:
    ``<local ref> <local oid> <remote ref> <remote oid>``.

    A deleted ref sends nothing; an updated one sends ``local ^remote``; a new one (or one whose
    remote tip is not known here) sends what no remote-tracking branch of that remote has yet.
    """
    import git as gitpython

    names = {r.name for r in repo.remotes}
    known_remote = ["--remotes=" + remote] if remote in names else ["--remotes"]
    seen: set[str] = set()
    commits: list[str] = []
    for raw in lines:
        parts = raw.split()
        if not parts:
            continue
        if len(parts) != 4:
            raise GuardError(f"--pre-push: expected '<local ref> <oid> <remote ref> <oid>' on "
                             f"stdin, got {raw.strip()[:80]!r}")
        local, remote_oid = parts[1], parts[3]
        if set(local) == {"0"}:
            continue
        if set(remote_oid) != {"0"} and _exists(repo, remote_oid):
            spec = [local, "^" + remote_oid]
        else:
            spec = [local, "--not", *known_remote]
        try:
            out = repo.git.rev_list("--topo-order", *spec)
        except gitpython.GitCommandError as e:
            raise GuardError(f"--pre-push: cannot list the commits of {parts[0]}: "
                             f"{git_message(str(e.stderr).encode())}") from None
        for oid in out.split():
            if oid not in seen:
                seen.add(oid)
                commits.append(oid)
    return commits


def _exists(repo: gitpython.Repo, oid: str) -> bool:
    import git as gitpython

    try:
        repo.git.cat_file("-e", f"{oid}^{{commit}}")
    except gitpython.GitCommandError:
        return False
    return True


def hooks_dir(repo: gitpython.Repo) -> str:
    """Where git looks for hooks: core.hooksPath when set (relative to the working tree root),
    else the hooks directory of the common git dir (shared by all worktrees)."""
    root = repo_root(repo)
    path = repo.git.rev_parse("--git-path", "hooks")
    return os.path.normpath(os.path.join(root, path))
