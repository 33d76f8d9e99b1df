"""``guard view PATH``: print a file with every secret value replaced by a typed placeholder,
keeping keys, comments, structure and line numbers (see guard.detect.redact).

Exit status: 0 the view was printed (whether or not anything was redacted); 2 no view can be
given: the path is missing, a directory, unreadable, larger than max-file-size, or binary (a
keystore or an archive has no redacted form), or the config is broken.
"""

from __future__ import annotations

import os
import sys

from guard.errors import GuardError
from guard.hook import views
from guard.judge import Judge

TYPE_CHECKING = False  # `guard view` skips click for speed; typing would cost as much
if TYPE_CHECKING:
    from typing import BinaryIO


def run(path: str, config_path: str | None = None, out: BinaryIO | None = None) -> int:
    views.check_path(path)
    if config_path and not os.path.isfile(config_path):
        raise GuardError("config file does not exist", config_path)
    data = views.redacted(Judge.near(path, config_path), path).data
    stream = out if out is not None else sys.stdout.buffer
    stream.write(data)
    stream.flush()
    return 0
