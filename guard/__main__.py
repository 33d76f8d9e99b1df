"""Entry point of the ``guard`` command.

``guard scan FILE…`` with nothing but file names is what pre-commit and editors run on every
commit and save, so it skips importing click (which alone costs more than Python's start-up):
it calls the same command function the click command calls, with the same defaults. So do
``guard hook AGENT``, which assistants run before every tool call, ``guard view PATH``, which
agents run in place of reading a sensitive file, and ``guard scan --staged``, which the git
pre-commit hook runs.
"""

from __future__ import annotations

import os
import sys

# Flags the fast path takes before the files (what .pre-commit-hooks.yaml passes), each with the
# keyword of scan.run it sets.
FAST_SCAN_FLAGS = {"--no-exclude": ("exclude", False), "--strict": ("strict", True)}


def _fast_scan_args(argv: list[str]) -> tuple[list[str], dict[str, bool]] | None:
    """(files, scan.run keywords) when argv is exactly `scan [FLAG...] FILE...`, the flags from
    FAST_SCAN_FLAGS and the files existing regular files."""
    if len(argv) < 2 or argv[0] != "scan":
        return None
    options: dict[str, bool] = {}
    files = argv[1:]
    while files and files[0] in FAST_SCAN_FLAGS:
        key, value = FAST_SCAN_FLAGS[files.pop(0)]
        options[key] = value
    if not files or any(a.startswith("-") or not os.path.isfile(a) for a in files):
        return None
    return files, options


def _fast_view_arg(argv: list[str]) -> str | None:
    """The path when argv is exactly `view PATH` (no option; a path like `-x` goes to click)."""
    if len(argv) != 2 or argv[0] != "view" or argv[1].startswith("-"):
        return None
    return argv[1]


def _fast_staged() -> int:
    """`guard scan --staged`, exactly what the git hook of `guard install --git` runs on every
    commit: the same command function as through click, without importing click."""
    from guard.commands import scan
    from guard.errors import guarded
    from guard.sources.gitscan import GitSource

    return guarded(lambda: scan.run([], source=GitSource("staged")))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) == 2 and args[0] == "hook" and not args[1].startswith("-"):
        # `guard hook AGENT` runs before every tool call of an assistant: no click
        from guard.hook import process as hook

        return hook.main(args[1])
    if args == ["scan", "--staged"]:
        return _fast_staged()
    fast_scan = _fast_scan_args(args)
    view_path = _fast_view_arg(args)
    if fast_scan is not None or view_path is not None:
        from guard.errors import guarded

        if view_path is not None:
            from guard.commands import view

            return guarded(view.run, view_path)
        from guard.commands import scan

        files, options = fast_scan or ([], {})
        return guarded(scan.run, files, **options)
    from guard.cli import cli

    return cli.main(args=args, prog_name="guard")


if __name__ == "__main__":
    sys.exit(main())
