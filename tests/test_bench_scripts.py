"""The scripts in bench/ say what they need: run by a Python without Guard (outside the venv),
each prints one line naming what is missing and exits 2, never a traceback nor figures timed on
a command that failed; run from the venv, the quick ones print clean figures."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
NEEDS_GUARD = ["lsp_bench.py", "hook_bench.py", "commit_bench.py", "history_bench.py",
               "sweep_bench.py"]
NEEDS_INSTALL = ["classify_bench.py", "classify_dataset.py", "train_probe.py"]


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """This interpreter outside any venv: no guard beside it, no Guard installed in it."""
    bindir = tmp_path_factory.mktemp("bin")
    python = bindir / "python3"
    python.symlink_to(os.path.realpath(sys.executable))
    check = subprocess.run([str(python), "-c", "import sys; print(sys.prefix != sys.base_prefix)"],
                           capture_output=True, text=True, check=True)
    assert check.stdout.strip() == "False"
    return str(python)


def run(python: str, script: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    return subprocess.run([python, str(BENCH / script), *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300, check=False)


@pytest.mark.parametrize("script", NEEDS_GUARD + NEEDS_INSTALL)
def test_outside_the_venv_it_says_what_it_needs(bare_python: str, script: str,
                                                tmp_path: Path) -> None:
    proc = run(bare_python, script, cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith(f"bench/{script}: needs "), proc.stderr
    assert ".venv/bin/python bench/" in proc.stderr  # how to run it
    assert proc.stdout == ""  # no figures


def test_launch_without_a_command_prints_its_usage(tmp_path: Path) -> None:
    proc = run(sys.executable, "launch.py", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (2, "usage: python -S -E bench/launch.py RESULT "
                                                 "ARGV...\n")
    assert list(tmp_path.iterdir()) == []


FIGURE = r"\d+\.\d+"


@pytest.mark.slow
def test_hook_bench_prints_clean_figures(tmp_path: Path) -> None:
    proc = run(sys.executable, "hook_bench.py", "--runs", "1", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr  # 1: over the target on a slow machine
    rows = proc.stdout.splitlines()[2:]
    assert rows[0].startswith("python -c pass") and rows[1] == "guard hook claude:"
    for row in [rows[0], *rows[2:-1]]:
        assert re.fullmatch(rf"\s*\S.*?\s+{FIGURE}\s+{FIGURE}\s+{FIGURE}", row), row
    assert rows[-1] == "target: median wall < 60 ms"
    assert "+-" not in proc.stdout and "nan" not in proc.stdout


@pytest.mark.slow
def test_lsp_bench_prints_clean_figures(tmp_path: Path) -> None:
    proc = run(sys.executable, "lsp_bench.py", "--edits", "3", "--lines", "200", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    assert re.search(rf"median {FIGURE} ms   p90 {FIGURE} ms", proc.stdout), proc.stdout
    assert re.search(rf"idle server RSS: {FIGURE} MiB", proc.stdout), proc.stdout
    assert "+-" not in proc.stdout
