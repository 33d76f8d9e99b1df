"""What a bench script needs, checked before it measures anything: a missing program, module or
guard is one line on stderr saying what to do and exit status 2, never a traceback halfway
through, nor figures timed on a command that failed at once.

    import need
    guard = need.guard()             # the guard next to this Python, checked to run
    need.program("git", "apt-get install -y git")
    need.modules({"numpy": LLM})     # module -> how to install it
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

LLM = "the llm extra: .venv/bin/pip install -e '.[llm]'"


def script() -> str:
    return f"bench/{os.path.basename(sys.argv[0])}" if sys.argv and sys.argv[0] else "bench"


def venv_hint() -> str:
    return ("run it with the project's venv: python3 -m venv .venv && .venv/bin/pip install -e "
            f"'.[test]' && .venv/bin/python {script()}")


def fail(message: str) -> NoReturn:
    print(f"{script()}: {message}", file=sys.stderr)
    raise SystemExit(2)


def runs(argv: list[str], what: str, timeout: float = 120) -> None:
    """Run ``argv`` once; fail with its stderr when it cannot start or exits non-zero."""
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        fail(f"cannot run {what} ({' '.join(argv)}): {e}")
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip()[-800:]
        fail(f"{what} does not work: `{' '.join(argv)}` exited {proc.returncode}\n{tail}")


def guard() -> Path:
    """The guard script next to the Python running the bench (a venv's bin/guard): what it
    measures, started the way an editor, a hook or git starts it."""
    path = Path(sys.executable).with_name("guard")
    if not (path.is_file() and os.access(path, os.X_OK)):
        fail(f"needs guard next to this Python ({path} does not exist): {venv_hint()}")
    runs([str(path), "--version"], "guard")
    return path


def guard_package() -> None:
    """Guard installed in this Python (its rule pack is a package only once installed)."""
    try:
        found = importlib.util.find_spec("guard.rules") is not None
    except ImportError:
        found = False
    if not found:
        fail(f"needs Guard installed in this Python ({sys.executable}): {venv_hint()}")


def program(name: str, install: str) -> str:
    found = shutil.which(name)
    if found is None:
        fail(f"needs {name} on PATH: {install}")
    return found


def modules(wanted: dict[str, str]) -> None:
    """Each module (name -> how to install it) importable by this Python."""
    missing: dict[str, list[str]] = {}
    for name, how in wanted.items():
        try:
            found = importlib.util.find_spec(name) is not None
        except ImportError:
            found = False
        if not found:
            missing.setdefault(how, []).append(name)
    if missing:
        fail("; ".join(f"needs the Python module {', '.join(names)} ({how})"
                       for how, names in missing.items()) + f" in {sys.executable}")


def venv_module() -> None:
    """``python -m venv`` with pip, which Debian's python3 has only with python3-venv."""
    modules({"ensurepip": "apt-get install -y python3-venv (Debian), or a Python with ensurepip",
             "venv": "a Python with venv"})
