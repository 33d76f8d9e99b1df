"""``guard view PATH``: print a file with every secret value replaced by a typed placeholder,
keeping keys, comments, structure and line numbers (see guard.detect.redact).

Exit status: 0 the view was printed (whether or not anything was redacted); 2 no view can be
given: the path is missing, a directory, unreadable, larger than max-file-size, or binary (a
keystore or an archive has no redacted form), or the config is broken.
"""

from __future__ import annotations

import os
import sys

from guard.detect import formats
from guard.errors import GuardError
from guard.judge import Judge

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO

    from guard.detect.redact import View


def run(path: str, config_path: str | None = None, out: BinaryIO | None = None) -> int:
    if not os.path.lexists(path):
        raise GuardError("no such file", path)
    if os.path.isdir(path):
        raise GuardError("is a directory: guard view shows one file", path)
    if config_path and not os.path.isfile(config_path):
        raise GuardError("config file does not exist", config_path)
    judge = Judge.near(path, config_path)
    view = redacted(judge, path)
    stream = out if out is not None else sys.stdout.buffer
    stream.write(view.data)
    stream.flush()
    return 0


def redacted(judge: Judge, path: str) -> View:
    """The redacted view of the file at ``path``; GuardError when it has none."""
    limit = judge.config.max_file_size
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as e:
        raise GuardError(f"cannot read: {e.strerror or e}", path) from None
    if len(data) > limit:
        raise GuardError("larger than max-file-size: no redacted view", path)
    if formats.is_binary(data):
        raise GuardError("binary file: Guard shows text files only, a binary secret (keystore, "
                         "archive) has no redacted view", path)
    return judge.redact(data, path)
