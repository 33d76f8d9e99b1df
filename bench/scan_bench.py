"""Time Guard and its peers on the benchmark corpus and on one small file; score planted secrets.

    python bench/corpus.py && python bench/scan_bench.py [--runs 5] [--tools guard,gitleaks,...]
                                                         [--corpus PATH] [--quick]

Every tool runs as a whole process; CPU time and peak RSS come from the child's rusage (wait4),
so they include the worker processes a tool waits for. Runs are interleaved across tools (run 1 of
each tool, then run 2, ...) so that load from neighbours on a shared machine spreads over all of
them; the table shows medians.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import corpus
import need
import peers
from peers import Finding, Invocation, Target

BENCH = Path(__file__).resolve().parent
WORK = BENCH / ".work"
PROJECT = BENCH.parent
# Guard is measured as users install it (`pip install .`, bytecode compiled at install), not
# from the editable development install, whose import hook slows every Python start-up.
GUARD_VENV = WORK / "guard-venv"
GUARD = GUARD_VENV / "bin" / "guard"
PROJECT_PYTHON = GUARD_VENV / "bin" / "python"
LAUNCHER = BENCH / "launch.py"
ALL_TOOLS = ("guard", "gitleaks", "kingfisher", "betterleaks", "detect-secrets")
SLICED = {"detect-secrets"}  # too slow for the whole corpus: scans corpus.SLICE only
OK_EXIT = {"guard": {0, 1}, "kingfisher": {0, 200, 205}}  # others: {0}
TIMEOUT = 3600.0
SINGLE_SIZE = 2048
ANSI = re.compile(r"\x1b\[[0-9;]*m")


# --- Running and measuring -----------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    wall: float
    cpu: float
    maxrss_kb: int
    code: int


def run_once(inv: Invocation, log: Path, timeout: float = TIMEOUT) -> Sample:
    """Run ``inv`` to completion through launch.py, which times it and reads its rusage (wait4).

    On a time-out the whole process group is killed and the sample has exit code -9.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    result = log.with_suffix(".rusage")
    result.unlink(missing_ok=True)
    argv = [sys.executable, "-S", "-E", str(LAUNCHER), str(result), *inv.argv]
    with log.open("wb") as err:
        out = inv.stdout.open("wb") if inv.stdout else None
        try:
            proc = subprocess.Popen(
                argv,
                cwd=inv.cwd,
                stdin=subprocess.DEVNULL,
                stdout=out or subprocess.DEVNULL,
                stderr=err,
                start_new_session=True,
            )
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        finally:
            if out:
                out.close()
    if not result.is_file():  # killed on time-out, or the launcher itself failed
        return Sample(float("nan"), float("nan"), 0, -9)
    wall, utime, stime, maxrss, code = result.read_text().split()
    return Sample(float(wall), float(utime) + float(stime), int(maxrss), int(code))


def tail(path: Path, lines: int = 6) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(ANSI.sub("", text).strip().splitlines()[-lines:])


@dataclass
class Tool:
    """One tool's setup for this benchmark and the samples gathered so far."""

    name: str
    invocation: Invocation
    target: Target
    scanned_bytes: int
    writes_report: bool = True  # check after each run that the report file was written
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def ok_codes(self) -> set[int]:
        return OK_EXIT.get(self.name, {0})

    def run(self, log: Path) -> None:
        report = self.invocation.report
        if self.writes_report:
            report.unlink(missing_ok=True)
        try:
            sample = run_once(self.invocation, log)
        except OSError as exc:
            self.errors.append(f"cannot start: {exc}")
            return
        if sample.code not in self.ok_codes():
            self.errors.append(f"exit {sample.code}: {tail(log) or '(no stderr)'}")
        elif self.writes_report and not report.is_file():
            self.errors.append(f"exit {sample.code} but no report at {report}: {tail(log)}")
        else:
            self.samples.append(sample)


# --- Planted secrets and scoring -----------------------------------------------------------------


@dataclass(frozen=True)
class Planted:
    path: str
    line: int
    end_line: int
    kind: str

    def hit_by(self, found: set[Finding]) -> bool:
        return any((self.path, n) in found for n in range(self.line, self.end_line + 1))


def load_planted(root: Path) -> list[Planted]:
    records = json.loads((root / corpus.MANIFEST).read_text(encoding="utf-8"))
    return [Planted(r["path"], r["line"], r.get("end_line", r["line"]), r["kind"]) for r in records]


def in_target(path: str, target: Target) -> bool:
    return any(p == "." or path == p or path.startswith(p.rstrip("/") + "/") for p in target.paths)


@dataclass(frozen=True)
class Score:
    outside: int  # distinct (path, line) outside planted/ and not at a planted secret
    found: int
    in_scope: int
    found_kinds: frozenset[str]  # "kind#index" of each planted secret found

    def recall(self) -> str:
        return f"{self.found}/{self.in_scope}"


def score(findings: Iterable[Finding], planted: list[Planted], target: Target) -> Score:
    found = set(findings)
    planted_lines = {(p.path, n) for p in planted for n in range(p.line, p.end_line + 1)}
    outside = {
        f
        for f in found
        if not f[0].startswith("planted/") and f[0] != corpus.MANIFEST and f not in planted_lines
    }
    scope = [p for p in planted if in_target(p.path, target)]
    hits = frozenset(
        f"{p.kind}#{i}" for i, p in enumerate(planted) if p in scope and p.hit_by(found)
    )
    return Score(len(outside), len(hits), len(scope), hits)


# --- Guard ---------------------------------------------------------------------------------------


def guard_command(target: Target, report: Path) -> Invocation:
    argv = [str(GUARD), "scan", *target.absolute(), "--format", "json", "--output", str(report)]
    return Invocation(argv, target.root, report)


@dataclass(frozen=True)
class GuardReport:
    secrets: list[Finding]
    files: list[str]
    summary: dict[str, Any]


def guard_parse(report: Path, target: Target) -> GuardReport:
    data = json.loads(report.read_text(encoding="utf-8"))
    secrets: list[Finding] = []
    files: list[str] = []
    for item in data.get("findings", []):
        path = peers.relative_to_root(item["path"], target.root, target.root)
        if item.get("kind") == "file":
            files.append(path)
        else:
            secrets.append((path, int(item.get("line") or 0)))
    return GuardReport(secrets, files, data.get("summary", {}))


# --- Setup ---------------------------------------------------------------------------------------


def tree_bytes(root: Path, target: Target) -> int:
    total = 0
    for rel in target.paths:
        base = root if rel == "." else root / rel
        files = [base] if base.is_file() else base.rglob("*")
        total += sum(p.stat().st_size for p in files if p.is_file() and not p.is_symlink())
    return total


def peer_executables(names: list[str]) -> dict[str, list[str]]:
    """The peers' argv prefixes, installing them into their venv first if they are missing."""
    if not names:
        return {}
    try:
        found = peers.locate_all()
    except (FileNotFoundError, subprocess.CalledProcessError, OSError):
        peers.install()
        found = peers.locate_all()
    return {name: found[name] for name in names}


def make_invocation(
    name: str, exe: dict[str, list[str]], target: Target, report: Path
) -> Invocation:
    if name == "guard":
        return guard_command(target, report)
    return peers.PEERS_BY_NAME[name].command(exe[name], target, report)


def corpus_tools(names: list[str], exe: dict[str, list[str]], root: Path) -> list[Tool]:
    tools = []
    for name in names:
        target = Target(root, corpus.SLICE) if name in SLICED else Target(root)
        report = WORK / "reports" / f"{name}.json"
        inv = make_invocation(name, exe, target, report)
        tools.append(Tool(name, inv, target, tree_bytes(root, target)))
    return tools


def single_file(root: Path) -> Path:
    """A 2 KB settings file (one planted settings module, padded with plain settings)."""
    source = root / "planted/svc-billing/billing/settings.py"
    text = source.read_text(encoding="utf-8")
    for i in range(100):
        line = f"FEATURE_FLAG_{i:02d} = {i % 3 == 0}\n"
        if len(text) + len(line) > SINGLE_SIZE - 8:
            break
        text += line
    text += "#" * (SINGLE_SIZE - len(text) - 1) + "\n"
    # Outside the project: this repository's own config excludes bench/.work from its scans.
    target = Path(tempfile.gettempdir()) / "guard-bench-single" / "settings.py"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def single_tools(names: list[str], exe: dict[str, list[str]], path: Path) -> list[Tool]:
    target = Target(path.parent, (path.name,))
    size = path.stat().st_size
    python = Invocation([str(PROJECT_PYTHON), "-c", "pass"], path.parent, path)
    tools = [Tool("python -c pass", python, target, size, writes_report=False)]
    for name in names:
        report = WORK / "reports" / f"single-{name}.json"
        if name == "guard":  # the plain interactive form: text report on stdout
            inv = Invocation([str(GUARD), "scan", str(path)], path.parent, report)
            tools.append(Tool(name, inv, target, size, writes_report=False))
            continue
        inv = make_invocation(name, exe, target, report)
        tools.append(Tool(name, inv, target, size))
    return tools


def warm_page_cache(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as fh:
                while fh.read(1 << 20):
                    pass


# --- Reporting -----------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_header() -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"machine: nproc={cpus}, {cpu_model()}; load avg {load}\ndate: {now}"


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=True)]

    def fmt(row: list[str]) -> str:
        cells = zip(row, widths, strict=True)
        return "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(cells))

    return "\n".join([fmt(headers), fmt(["-" * w for w in widths]), *map(fmt, rows)])


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class Outcome:
    """What a tool's last corpus report says, scored."""

    score: Score | None = None
    files: int | None = None
    note: str = ""


def evaluate(tool: Tool, planted: list[Planted]) -> Outcome:
    report = tool.invocation.report
    if not tool.samples:
        return Outcome(note="; ".join(dict.fromkeys(tool.errors)) or "no run")
    try:
        if tool.name == "guard":
            parsed = guard_parse(report, tool.target)
            result = Outcome(score(parsed.secrets, planted, tool.target), len(parsed.files))
            s = parsed.summary
            result.note = f"summary: {s.get('files_scanned')} files, {s.get('bytes_scanned')} bytes"
            if not s.get("files_scanned"):
                result.note += " -- guard scanned nothing"
            return result
        peer = peers.PEERS_BY_NAME[tool.name]
        findings = peer.parse(report, tool.target, tool.invocation.cwd)
        return Outcome(score(findings, planted, tool.target))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return Outcome(note=f"cannot read report {report}: {exc!r}")


def corpus_row(tool: Tool, outcome: Outcome) -> list[str]:
    if not tool.samples:
        return [tool.name, "error", *[""] * (len(CORPUS_HEADERS) - 2)]
    wall = median([s.wall for s in tool.samples])
    cpu = median([s.cpu for s in tool.samples])
    rss = max(s.maxrss_kb for s in tool.samples) / 1024
    mb = tool.scanned_bytes / 1e6
    sc = outcome.score
    return [
        tool.name + (" (slice)" if tool.name in SLICED else ""),
        f"{mb:.1f}",
        f"{len(tool.samples)}",
        f"{wall:.2f}",
        f"{cpu:.2f}",
        f"{mb / cpu:.1f}" if cpu > 0 else "-",
        f"{rss:.0f}",
        str(sc.outside) if sc else "?",
        sc.recall() if sc else "?",
        "" if outcome.files is None else str(outcome.files),
    ]


CORPUS_HEADERS = [
    "tool",
    "MB",
    "runs",
    "wall med s",
    "CPU med s",
    "MB/CPU-s",
    "peak RSS MB",
    "findings outside planted",
    "planted found",
    "sensitive files",
]


def kinds_table(tools: list[Tool], outcomes: dict[str, Outcome], planted: list[Planted]) -> str:
    kinds = sorted({p.kind for p in planted})
    rows = []
    for kind in kinds:
        row = [kind]
        for tool in tools:
            sc = outcomes[tool.name].score
            scope = [
                i
                for i, p in enumerate(planted)
                if p.kind == kind and in_target(p.path, tool.target)
            ]
            hits = sum(f"{kind}#{i}" in sc.found_kinds for i in scope) if sc else 0
            row.append(f"{hits}/{len(scope)}" if sc and scope else ("-" if sc else "?"))
        rows.append(row)
    return table(["kind", *[t.name for t in tools]], rows)


def single_rows(tools: list[Tool]) -> list[list[str]]:
    base = median([s.wall for s in tools[0].samples]) if tools[0].samples else float("nan")
    rows = []
    for tool in tools:
        if not tool.samples:
            rows.append([tool.name, "error", "", "", ""])
            continue
        wall = median([s.wall for s in tool.samples])
        cpu = median([s.cpu for s in tool.samples])
        rss = max(s.maxrss_kb for s in tool.samples) / 1024
        ms = [f"{wall * 1000:.0f}", f"{cpu * 1000:.0f}", f"{rss:.0f}"]
        rows.append([tool.name, *ms, f"{wall / base:.1f}x"])
    return rows


def save_results(path: Path, header: dict[str, Any], groups: dict[str, list[Tool]]) -> None:
    """Every sample, as JSON, for later comparison (the printed tables show medians only)."""
    data: dict[str, Any] = dict(header)
    for group, tools in groups.items():
        data[group] = {
            t.name: {
                "argv": t.invocation.argv,
                "cwd": str(t.invocation.cwd),
                "bytes": t.scanned_bytes,
                "samples": [vars(s) for s in t.samples],
                "errors": t.errors,
            }
            for t in tools
        }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


# --- Main ----------------------------------------------------------------------------------------


def run_rounds(tools: list[Tool], runs: int, logs: Path, label: str) -> None:
    for i in range(runs):
        for tool in tools:
            tool.run(logs / f"{tool.name.replace(' ', '_')}.{i}.stderr")
        print(f"  {label}: round {i + 1}/{runs} done", file=sys.stderr, flush=True)


def print_commands(tools: list[Tool]) -> None:
    for tool in tools:
        cwd = f"(cwd {tool.invocation.cwd}) " if tool.name in SLICED else ""
        redirect = f" > {tool.invocation.stdout}" if tool.invocation.stdout else ""
        print(f"  {tool.name}: {cwd}{' '.join(tool.invocation.argv)}{redirect}")


def versions(names: list[str], exe: dict[str, list[str]]) -> list[str]:
    out = []
    for name in names:
        if name == "guard":
            try:
                result = subprocess.run(
                    [str(GUARD), "--version"], capture_output=True, text=True, timeout=60
                )
                out.append(
                    (result.stdout or result.stderr).strip() or f"guard: exit {result.returncode}"
                )
            except OSError as exc:
                out.append(f"guard: {exc}")
        else:
            out.append(f"{name} {peers.version(exe[name], peers.PEERS_BY_NAME[name])}")
    return out


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per tool on the corpus")
    parser.add_argument("--single-runs", type=int, default=15, help="runs for the one-file case")
    parser.add_argument("--tools", default=",".join(ALL_TOOLS), help="comma-separated subset")
    parser.add_argument("--corpus", type=Path, default=corpus.DEFAULT_CORPUS)
    parser.add_argument("--quick", action="store_true", help="one run of everything (smoke test)")
    parser.add_argument("--no-single", action="store_true", help="skip the one-file case")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs = args.single_runs = 1
    args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = sorted(set(args.tools) - set(ALL_TOOLS))
    if unknown:
        parser.error(f"unknown tools {unknown}; known: {', '.join(ALL_TOOLS)}")
    return args


def install_guard() -> None:
    """A fresh regular install of the working tree into GUARD_VENV (dependencies stay cached)."""
    if not PROJECT_PYTHON.exists():
        need.venv_module()
        need.runs([sys.executable, "-m", "venv", str(GUARD_VENV)], "python -m venv")
        need.runs([str(PROJECT_PYTHON), "-m", "pip", "install", "-q", str(PROJECT)],
                  "pip install (it needs the network)", timeout=1800)
    need.runs([str(PROJECT_PYTHON), "-m", "pip", "install", "-q", "--force-reinstall",
               "--no-deps", str(PROJECT)], "pip install", timeout=1800)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    root = args.corpus.resolve()
    if not (root / corpus.MANIFEST).is_file():
        need.fail(f"no corpus at {root}: run `python bench/corpus.py` first")
    if "guard" in args.tools:
        install_guard()
    exe = peer_executables([t for t in args.tools if t != "guard"])
    planted = load_planted(root)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    logs = WORK / "logs" / stamp
    shutil.rmtree(WORK / "reports", ignore_errors=True)
    (WORK / "reports").mkdir(parents=True)

    print(machine_header())
    print("versions: " + "; ".join(versions(args.tools, exe)))
    tools = corpus_tools(args.tools, exe, root)
    single = single_file(root)
    small = single_tools(args.tools, exe, single)
    print(f"corpus: {root} ({tools[0].scanned_bytes / 1e6:.1f} MB); {len(planted)} planted secrets")
    print("commands:")
    print_commands(tools)

    floor = run_once(Invocation(["true"], WORK, WORK / "true"), logs / "true.stderr")
    print(f"peak RSS floor (the launcher, measured on `true`): {floor.maxrss_kb / 1024:.0f} MB")
    warm_page_cache(root)
    run_rounds(small[1:], 1, logs / "warmup", "warm-up")  # fills rule caches, page cache
    for tool in small:
        tool.samples.clear()
        tool.errors.clear()
    run_rounds(tools, args.runs, logs, "corpus")

    outcomes = {tool.name: evaluate(tool, planted) for tool in tools}
    print(f"\ncorpus scan, median of {args.runs} runs:")
    print(table(CORPUS_HEADERS, [corpus_row(t, outcomes[t.name]) for t in tools]))
    for tool in tools:
        if outcomes[tool.name].note:
            print(f"  {tool.name}: {outcomes[tool.name].note}")
    print("\nplanted secrets found, by kind:")
    print(kinds_table(tools, outcomes, planted))

    if not args.no_single:
        run_rounds(small, args.single_runs, logs / "single", "one file")
        size = single.stat().st_size
        print(f"\none file ({size} bytes, {single}), median of {args.single_runs} runs:")
        headers = ["tool", "wall med ms", "CPU med ms", "peak RSS MB", "wall / python"]
        print(table(headers, single_rows(small)))
        for tool in small:
            if tool.errors:
                print(f"  {tool.name}: {tool.errors[0]}")
    header = {"machine": machine_header(), "corpus_root": str(root), "runs": args.runs}
    save_results(logs / "results.json", header, {"corpus_scan": tools, "one_file": small})
    print(f"\nlogs and results.json: {logs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
