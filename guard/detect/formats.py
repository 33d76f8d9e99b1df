"""What kind of file this is, as far as detection cares: binary or text, and dotenv or not.

One definition each, asked by the engine's syntax step, the redactor, the scanner, the hook and
the language server alike (they used to carry two definitions of "dotenv" that disagreed).
"""

from __future__ import annotations

import os

BINARY_SNIFF = 8192  # bytes looked at for a NUL, as git and grep do


def is_binary(data: bytes) -> bool:
    """Whether ``data`` (the start of a file is enough) is binary: a NUL in its first 8 KiB."""
    return b"\0" in data[:BINARY_SNIFF]


def is_dotenv(path: str) -> bool:
    """Whether ``path`` names a dotenv-style file (``KEY=value`` lines): ``.env``, ``.env.*``,
    ``*.env``, direnv's ``.envrc`` and Flask's ``.flaskenv``."""
    name = os.path.basename(path).lower()
    return (name == ".env" or name.startswith((".env.", ".envrc")) or name.endswith(".env")
            or name == ".flaskenv")


def read_regular(path: str, limit: int) -> bytes | None:
    """Up to ``limit`` bytes of the regular file at ``path`` (symlinks followed); None when it
    is not a regular file. Opened without blocking and checked before reading: a FIFO or a
    device named by an agent or a user must never hang Guard. OSError when it cannot be read."""
    import stat

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks: list[bytes] = []
        left = limit
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
