"""``guard baseline``: record today's findings so that later scans report only new ones;
``--update`` brings an existing baseline up to date and keeps what reviewers wrote in it."""

from __future__ import annotations

import sys

from guard.commands.scan import load_config, run_scan
from guard.errors import GuardError
from guard.scan import baseline

DEFAULT_FILE = ".guard-baseline.json"


def run(paths: list[str], *, output: str = DEFAULT_FILE, config_path: str | None = None,
        gitignore: bool = True, update: bool = False) -> int:
    paths = paths or ["."]
    # Read before scanning: a missing or foreign file is an error that should not wait for a scan.
    old = baseline.load_guard(output) if update else None
    noted = 0 if update else _noted_entries(output)
    cfg = load_config(config_path, paths)
    result, _ = run_scan(paths, cfg, gitignore=gitignore)
    if old is None:
        doc = baseline.document(baseline.entries(result.findings))
    else:
        doc, changes = baseline.merge(old, result.findings)
    try:
        written = baseline.save(output, doc)
    except OSError as e:
        raise GuardError(f"cannot write baseline: {e.strerror}", output) from None
    if old is None:
        count = len(doc["findings"])
        done = f"wrote {count} entries to {output}" if written else \
            f"{output} unchanged ({count} entries)"
        sys.stderr.write(f"guard: {done}; use it with `guard scan --baseline {output}`\n")
        if noted:
            entries = "1 entry" if noted == 1 else f"{noted} entries"
            sys.stderr.write(f"guard: dropped what you added to {entries} of the previous file; "
                             "`guard baseline --update` keeps it\n")
    else:
        lines = changes.summary()
        lines[0] = f"guard: {'updated' if written else 'unchanged'} {output}: {lines[0]}"
        sys.stderr.write("\n".join(lines) + "\n")
    return 0


def _noted_entries(path: str) -> int:
    """How many entries of the Guard baseline at ``path`` carry keys a person added, which a new
    baseline does not keep; 0 when there is no such file."""
    try:
        return baseline.noted_entries(baseline.load_guard(path))
    except GuardError:
        return 0
