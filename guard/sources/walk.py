"""Which files a scan reads: a tree walk that honours .gitignore files (nested, with git's
precedence) and the config's excludes, and that reports every file it will not read and why."""

from __future__ import annotations

import os
import stat

from guard.config import Config, matchable
from guard.config import find_root as find_root  # where it used to live
from guard.patterns import GitIgnore

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing or collections costs a hook
if TYPE_CHECKING:
    from collections.abc import Iterator

# Reasons a file is not read. Each skip is counted in the summary and listed with --verbose.
SYMLINK_OUTSIDE = "symlink pointing outside the scanned tree"
SYMLINK_INSIDE = "symlink (its target inside the tree is scanned in place)"
SPECIAL = "not a regular file (FIFO, socket or device)"
TOO_LARGE = "larger than max-file-size"  # not read whole (protect; patches in history)
TOO_BIG_TO_SCAN = "larger than max-scan-size"  # not scanned at all, even in windows
UNREADABLE = "unreadable"
BINARY = "binary"
MISSING = "does not exist"
EXCLUDED = "excluded by config"


def leaves_content_unscanned(reason: str) -> bool:
    """Whether a skip for ``reason`` leaves content that may hold a secret unexamined: a file
    too big or unreadable (binary files, excludes, symlinks, FIFOs and devices are decided)."""
    return reason in (TOO_BIG_TO_SCAN, TOO_LARGE) or reason.startswith(UNREADABLE)


class Entry:
    """A file to read (``reason`` empty) or one that is skipped, with the reason."""

    __slots__ = ("abspath", "named", "path", "reason", "size")

    def __init__(self, abspath: str, path: str, size: int = 0, reason: str = "") -> None:
        self.abspath = abspath
        self.path = path
        self.size = size
        self.reason = reason
        self.named = False  # named on the command line, not found by a walk


class _Ignores:
    """The .gitignore specs that apply in one directory, deepest last."""

    def __init__(self, specs: list[tuple[str, GitIgnore]]) -> None:
        self.specs = specs

    def with_dir(self, directory: str) -> _Ignores:
        spec = _read_ignore_file(os.path.join(directory, ".gitignore"))
        return _Ignores([*self.specs, (directory, spec)]) if spec else self

    def ignored(self, abspath: str, is_dir: bool) -> bool:
        for base, spec in reversed(self.specs):
            rel = matchable(_relative(abspath, base))
            result = spec.check(rel + "/" if is_dir else rel)
            if result is not None:
                return result
        return False


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _relative(path: str, base: str) -> str:
    """``path`` relative to ``base``, which contains it (cheaper than os.path.relpath)."""
    rel = path[len(base) + 1:] if path.startswith(base + os.sep) else os.path.relpath(path, base)
    return rel.replace(os.sep, "/") if os.sep != "/" else rel


def _read_ignore_file(path: str) -> GitIgnore | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            spec = GitIgnore.from_lines(f.read().splitlines())
    except OSError:
        return None
    return spec or None


def _initial_ignores(root: str) -> _Ignores:
    """Ignore files from the repository root down to ``root``, and .git/info/exclude."""
    chain = []
    d = root
    while True:
        chain.append(d)
        if os.path.exists(os.path.join(d, ".git")):
            break
        parent = os.path.dirname(d)
        if parent == d:
            chain = [root]  # not in a repository: only the tree's own ignore files count
            break
        d = parent
    ignores = _Ignores([])
    repo = chain[-1]
    exclude = _read_ignore_file(os.path.join(repo, ".git", "info", "exclude"))
    if exclude:
        ignores = _Ignores([(repo, exclude)])
    for d in reversed(chain[1:]):
        ignores = ignores.with_dir(d)
    if root != repo and ignores.ignored(root, is_dir=True):
        # The user named an ignored directory: scan it, with only its own ignore files.
        ignores = _Ignores([])
    return ignores  # the root's own .gitignore is read by _walk_dir, like every directory's


def is_excluded(config: Config, abspath: str, is_dir: bool = False) -> bool:
    """Whether the config's ``exclude`` takes ``abspath`` out of a scan: it matches, or so does
    a directory above it (up to the config's own), which a walk would not have entered. The one
    rule for named files, named directories and walked paths alike."""
    if not config.exclude:
        return False
    if config.excluded(abspath, is_dir):
        return True
    base = config.base.rstrip(os.sep) + os.sep
    parent = os.path.dirname(abspath)
    while parent.startswith(base):
        if config.excluded(parent, is_dir=True):
            return True
        parent = os.path.dirname(parent)
    return False


def walk(root: str, config: Config, use_gitignore: bool = True,
         scan: bool = False) -> Iterator[Entry]:
    """Every file under ``root`` (paths relative to it), in a stable order. Whether ``root``
    itself is excluded is the caller's question (see :func:`is_excluded`). Files over the
    config's max-file-size are skipped as TOO_LARGE, or with ``scan`` (guard scan, which reads
    big files in windows) those over max-scan-size, as TOO_BIG_TO_SCAN."""
    root = os.path.abspath(root)
    real_root = os.path.realpath(root)
    ignores = _initial_ignores(root) if use_gitignore else _Ignores([])
    limit = (config.max_scan_size, TOO_BIG_TO_SCAN) if scan else (config.max_file_size, TOO_LARGE)
    yield from _walk_dir(root, root, real_root, ignores, config, use_gitignore, limit)


def _walk_dir(directory: str, root: str, real_root: str, ignores: _Ignores, config: Config,
              use_gitignore: bool, limit: tuple[int, str]) -> Iterator[Entry]:
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=_name)
    except OSError as e:
        rel = os.path.relpath(directory, root).replace(os.sep, "/")
        yield Entry(directory, rel + "/", reason=f"{UNREADABLE}: {e.strerror}")
        return
    if use_gitignore and any(e.name == ".gitignore" for e in entries):
        ignores = ignores.with_dir(directory)
    for entry in entries:
        if entry.name == ".git":
            continue
        abspath = entry.path
        rel = _relative(abspath, root)
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError as e:
            yield Entry(abspath, rel, reason=f"{UNREADABLE}: {e.strerror}")
            continue
        if use_gitignore and ignores.ignored(abspath, is_dir):
            continue
        if config.excluded(abspath, is_dir):
            continue
        if is_dir:
            yield from _walk_dir(abspath, root, real_root, ignores, config, use_gitignore,
                                 limit)
        elif is_link:
            yield _symlink_entry(abspath, rel, real_root)
        else:
            yield classify(abspath, rel, *limit)


def _symlink_entry(abspath: str, rel: str, real_root: str) -> Entry:
    target = os.path.realpath(abspath)
    if target != real_root and not target.startswith(real_root + os.sep):
        return Entry(abspath, rel, reason=SYMLINK_OUTSIDE)
    return Entry(abspath, rel, reason=SYMLINK_INSIDE)


def classify(abspath: str, rel: str, max_size: int, too_large: str = TOO_LARGE) -> Entry:
    """An Entry for one path from its lstat: regular files to read, anything else skipped."""
    try:
        st = os.lstat(abspath)
    except FileNotFoundError:
        return Entry(abspath, rel, reason=MISSING)
    except OSError as e:
        return Entry(abspath, rel, reason=f"{UNREADABLE}: {e.strerror}")
    if stat.S_ISLNK(st.st_mode):
        return _symlink_entry(abspath, rel, os.path.realpath(os.getcwd()))
    if not stat.S_ISREG(st.st_mode):
        return Entry(abspath, rel, reason=SPECIAL)
    if st.st_size > max_size:
        return Entry(abspath, rel, size=st.st_size, reason=too_large)
    return Entry(abspath, rel, size=st.st_size)
