"""Reading a store safely and writing it back atomically.

A store is read only when it is a regular file (a FIFO or a device is never opened for reading
in a way that blocks), not larger than the limit, and, when it is a symlink, only when it leads
to a file inside the home or the project it belongs to. Every refusal is a :class:`Skip` with
its reason, for the report: never a traceback, never a hang.
"""

from __future__ import annotations

import contextlib
import os
import stat


class Skip(Exception):
    """A store not read (or not written), and why."""


def inside(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def resolve(path: str, roots: list[str]) -> str:
    """The real path to read for ``path``: itself, or what its symlinks lead to when that is
    inside one of ``roots``; Skip otherwise."""
    try:
        st = os.lstat(path)
    except OSError as e:
        raise Skip(f"unreadable: {e.strerror}") from None
    if not stat.S_ISLNK(st.st_mode):
        return path
    real = os.path.realpath(path)
    if not inside(real, [os.path.realpath(r) for r in roots]):
        raise Skip("symlink leading out of the home folder")
    return real


def read(path: str, limit: int) -> tuple[bytes, os.stat_result]:
    """The bytes of the regular file ``path`` and its stat; Skip when it is not a regular file,
    is over ``limit`` bytes, or cannot be read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as e:
        raise Skip(f"unreadable: {e.strerror}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Skip("not a regular file (FIFO, socket or device)")
        if st.st_size > limit:
            raise Skip(f"too big ({st.st_size / 1e6:.0f} MB, limit {limit / 1e6:.0f} MB)")
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            try:
                chunk = os.read(fd, min(left, 16 << 20))
            except OSError as e:
                raise Skip(f"unreadable: {e.strerror}") from None
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise Skip(f"too big (over {limit / 1e6:.0f} MB)")
        return data, st
    finally:
        os.close(fd)


def write_atomic(path: str, data: bytes, st: os.stat_result) -> None:
    """Replace the file at ``path`` with ``data``: a temporary file in the same directory,
    synced, given the original's mode (and owner, where allowed), renamed over it, then given
    the original's access and modification times."""
    directory = os.path.dirname(path) or "."
    tmp = os.path.join(directory, f".{os.path.basename(path)}.guard-sweep.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fchmod(fd, stat.S_IMODE(st.st_mode))
            with contextlib.suppress(OSError):
                os.fchown(fd, st.st_uid, st.st_gid)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
