"""Entry point of the ``guard`` command.

``guard scan FILE…`` with nothing but file names is what pre-commit and editors run on every
commit and save, so it skips importing click (which alone costs more than Python's start-up):
it calls the same command function the click command calls, with the same defaults.
"""

from __future__ import annotations

import os
import sys


def _fast_scan_args(argv: list[str]) -> list[str] | None:
    """The file list when argv is exactly `scan FILE...` with existing regular files."""
    if len(argv) < 2 or argv[0] != "scan":
        return None
    files = argv[1:]
    if any(a.startswith("-") or not os.path.isfile(a) for a in files):
        return None
    return files


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    files = _fast_scan_args(args)
    if files is not None:
        from guard.commands import scan
        from guard.errors import GuardError

        try:
            return scan.run(files)
        except GuardError as e:
            sys.stderr.write(f"guard: error: {e}\n")
            return 2
    from guard.cli import cli

    return cli.main(args=args, prog_name="guard")


if __name__ == "__main__":
    sys.exit(main())
