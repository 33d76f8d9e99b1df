"""``guard baseline``: record today's findings so that later scans report only new ones."""

from __future__ import annotations

import sys

from guard.commands.scan import load_config, run_scan
from guard.errors import GuardError
from guard.scan import baseline

DEFAULT_FILE = ".guard-baseline.json"


def run(paths: list[str], *, output: str = DEFAULT_FILE, config_path: str | None = None,
        gitignore: bool = True) -> int:
    paths = paths or ["."]
    cfg = load_config(config_path, paths)
    result, _ = run_scan(paths, cfg, gitignore=gitignore)
    try:
        baseline.write(output, result.findings)
    except OSError as e:
        raise GuardError(f"cannot write baseline: {e.strerror}", output) from None
    sys.stderr.write(f"guard: wrote {len(result.findings)} finding(s) to {output}; "
                     f"use it with `guard scan --baseline {output}`\n")
    return 0
