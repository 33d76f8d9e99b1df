"""``guard view PATH``: print a file with every secret value replaced by a typed placeholder,
keeping keys, comments, structure and line numbers (see guard.detect.redact).

Exit status: 0 the view was printed (whether or not anything was redacted); 2 no view can be
given: the path is missing, a directory, unreadable, larger than max-file-size, or binary (a
keystore or an archive has no redacted form), or the config is broken.
"""

from __future__ import annotations

import os
import sys

from guard import config as config_mod
from guard.detect import redact, ruleset
from guard.errors import GuardError


def run(path: str, config_path: str | None = None, out=None) -> int:
    if not os.path.lexists(path):
        raise GuardError("no such file", path)
    if os.path.isdir(path):
        raise GuardError("is a directory: guard view shows one file", path)
    if config_path and not os.path.isfile(config_path):
        raise GuardError("config file does not exist", config_path)
    cfg = config_mod.load(config_path or config_mod.find(path))
    try:
        with open(path, "rb") as f:
            data = f.read(cfg.max_file_size + 1)
    except OSError as e:
        raise GuardError(f"cannot read: {e.strerror or e}", path) from None
    if len(data) > cfg.max_file_size:
        raise GuardError("larger than max-file-size: no redacted view", path)
    if redact.is_binary(data):
        raise GuardError("binary file: Guard shows text files only, a binary secret (keystore, "
                         "archive) has no redacted view", path)
    from guard.detect.engine import Engine

    pack = ruleset.load(tuple(cfg.rule_paths))
    strict = redact.is_strict(path, pack, cfg, root=_root(path))
    engine = Engine(pack, len(data), disabled=redact.disabled_rules(pack, strict,
                                                                    cfg.allow_rules))
    view = redact.redact(data, path, engine, strict, cfg.allow_fingerprints)
    stream = out if out is not None else sys.stdout.buffer
    stream.write(view.data)
    stream.flush()
    return 0


def _root(path: str) -> str:
    """The repository holding ``path``: path rules are written relative to it."""
    d = os.path.dirname(os.path.abspath(path))
    while True:
        if os.path.exists(os.path.join(d, ".git")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return os.path.dirname(os.path.abspath(path))
        d = parent
