"""Programs that copy, move or link files: cp, mv, ln, install, and rsync and scp, which send the
files instead when the destination is on another host."""

from __future__ import annotations

import os
import re

from guard.shell.programs.options import name_set, parse_options

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook's start-up avoids importing typing
if TYPE_CHECKING:
    from guard.shell.model import Arg
    from guard.shell.programs.base import Handler, Walker
    from guard.shell.syntax import Simple

COPIERS = name_set("cp mv ln install rsync scp")


def _copy(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object,
          code: list[str]) -> None:
    """cp, mv, ln, install, rsync, scp: every source; the destination only matters when it is
    on another host (then the sources are sent)."""
    values = {"scp": name_set("-i -F -P -o -J -c -l -S"),
              "rsync": name_set("-e --rsh --exclude --include --exclude-from --include-from "
                                "--files-from --filter -f --rsync-path --password-file "
                                "--backup-dir --suffix --chmod --chown"),
              }.get(name, frozenset({"-t", "--target-directory", "-S", "--suffix", "-m", "-o",
                                     "-g", "--mode", "--owner", "--group"}))
    opts, pos = parse_options(args, values)
    flags = {k for k, _ in opts}
    target = next((v for k, v in opts if k in ("-t", "--target-directory")), None)
    sources = pos if target is not None else pos[:-1]
    dest = target.text if target is not None else (pos[-1].text if pos else "")
    remote = name in ("scp", "rsync") and bool(re.match(r"^[^/]*:", dest)) and "://" not in dest
    recursive = bool(flags & {"-r", "-R", "-a", "--recursive", "--archive"})
    excludes = tuple(v.text for k, v in opts if k == "--exclude" and v is not None)
    for k, v in opts:
        if k in ("--files-from", "--exclude-from", "--include-from", "--password-file") and v:
            w.touch("read", v, name)
    op = "send" if remote else {"mv": "move", "ln": "copy"}.get(name, "copy")
    for a in sources:
        if name in ("scp", "rsync") and re.match(r"^[^/]*:", a.text) and "://" not in a.text:
            continue  # a remote source: fetched, not sent
        path = w.abspath(a.text) if a.text else ""
        if recursive and path and os.path.isdir(path):
            w.touch(op, a, name, scope="tree", excludes=excludes)
        else:
            w.touch(op, a, name)


HANDLERS: dict[str, Handler] = dict.fromkeys(COPIERS, _copy)
