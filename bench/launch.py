"""Run one command and write "wall utime stime maxrss_kb exit_code" to RESULT.

    python -S -E bench/launch.py RESULT ARGV...

Why not measure from scan_bench.py directly: on Linux a child's ru_maxrss includes the memory it
had before exec, which for a fork (or vfork) of a large parent is the parent's size. Started from
this tiny process instead, the floor is this process's own few MB. Only os, sys and time are
imported, so that floor stays small; stdin, stdout and stderr pass through to the command.
"""

from __future__ import annotations

import os
import sys
import time


def main() -> int:
    if len(sys.argv) < 3:  # (no `need` here: its imports would raise the floor)
        os.write(2, b"usage: python -S -E bench/launch.py RESULT ARGV...\n")
        return 2
    result, argv = sys.argv[1], sys.argv[2:]
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(argv[0], argv)
        except OSError as exc:
            os.write(2, f"launch: cannot run {argv[0]}: {exc}\n".encode())
        os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    with open(result, "w") as fh:
        fh.write(f"{wall} {usage.ru_utime} {usage.ru_stime} {usage.ru_maxrss} {code}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
