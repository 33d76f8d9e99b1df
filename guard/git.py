"""Git access: the staged index, the patches of commits, the commits of a push, hook directories.

Two layers, chosen by how often they run:

- the commit hot path (``guard scan --staged``, on every commit) talks to git plumbing through
  ``subprocess`` only: importing gitpython alone costs about as much as the whole rest of the hook;
- history, pushes and ``guard install`` open the repository with gitpython for discovery, refs and
  remotes, and stream ``git log`` output through a pipe.

This is the only module that runs git, always with SAFE_CONFIG (tests/test_git_calls.py checks).
It knows the formats of the plumbing it reads and nothing about detection; the ``git log`` output it
streams is parsed by ``guard.sources.gitlog``, and ``guard.sources.gitscan`` feeds what both read
to the engine.
"""

from __future__ import annotations

import os
import subprocess

from guard.errors import GuardError

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs more than this module
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import IO

    import git as gitpython
    from git import Repo as Repo  # guard.git.Repo: annotations elsewhere name it through here

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
READ_CHUNK = 1 << 20  # bytes read past at a time, of a blob over the size limit


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
    return os.fspath(repo.working_tree_dir or repo.git_dir)


# --- questions about the working tree (None or "" when git cannot answer) ----------------------


def _probe(args: list[str], cwd: str,
           timeout: float) -> subprocess.CompletedProcess[bytes] | None:
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


def history_paths(root: str, timeout: float = 5.0) -> list[str] | None:
    """Every path any commit of any ref, the stash or the index has held, relative to the top
    of the repository (what ``git log -p`` or ``git show`` can print); None when git cannot
    tell in ``timeout`` seconds."""
    log = _probe(["log", "--all", "--format=", "--name-only", "--no-renames", "-z"], root,
                 timeout)
    index = _probe(["ls-files", "--cached", "-z"], root, timeout)
    if log is None or index is None:
        return None
    if b"not a git repository" in log.stderr + index.stderr:
        return []  # git itself will print nothing but that error
    if index.returncode != 0:
        return None
    if log.returncode != 0:
        if b"does not have any commits" not in log.stderr:
            return None
        log.stdout = b""  # a new repository: only the index holds anything
    names = {os.fsdecode(n).strip("\n") for n in (log.stdout + b"\0" + index.stdout).split(b"\0")}
    return sorted(n for n in names if n)


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
                data: bytes | None = None
                if size <= limit:
                    data = proc.stdout.read(size)
                else:
                    _read_past(proc.stdout, size)
                proc.stdout.read(1)  # the newline after the content
                yield oid, data, size
    finally:
        proc.stdin.close()
        proc.stdout.close()
        proc.wait()


def _read_past(stream: IO[bytes], size: int) -> None:
    """Consume ``size`` bytes of a pipe in bounded pieces (a staged video is not kept in RAM)."""
    while size > 0:
        got = len(stream.read(min(READ_CHUNK, size)))
        if not got:
            return
        size -= got


# --- history -------------------------------------------------------------------------------------


def log_process(root: str, revs: list[str], stdin_revs: list[str] | None = None,
                extra: tuple[str, ...] = ()) -> subprocess.Popen[bytes]:
    """``git log`` with patches over ``revs`` (or exactly the commits ``stdin_revs``, in order),
    in the format guard.sources.gitlog.log_records reads."""
    from guard.sources.gitlog import LOG_OPTIONS  # history only: not on the commit hook's path

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


def _feed(proc: subprocess.Popen[bytes], data: bytes) -> None:
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


def finish(proc: subprocess.Popen[bytes]) -> None:
    """Wait for git; a failure is a GuardError with its message."""
    stderr = proc.stderr.read() if proc.stderr else b""
    if proc.wait() != 0:
        raise GuardError(f"git log: {git_message(stderr)}")


# --- refs ----------------------------------------------------------------------------------------


def resolve_commit(repo: gitpython.Repo, rev: str, what: str) -> str:
    """The commit id ``rev`` names; a GuardError saying ``what`` it was otherwise."""
    import git as gitpython

    try:
        commit: str = repo.git.rev_parse("--verify", "--quiet", "--end-of-options",
                                         f"{rev}^{{commit}}")
        return commit
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
