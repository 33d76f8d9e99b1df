"""Recall and false-positive rate of Guard and its peers on Guard's labelled recall corpus.

    .venv/bin/python bench/recall_bench.py [--tools guard,gitleaks,...] [--json] [--in-process]
                                           [--cases PATH] [--misses TOOL] [--kinds CLASS]

The cases (tests/data/recall/cases.jsonl, made by bench/recall_corpus.py) are written out as
files under bench/.work/recall/cases/, one directory per case (``<id>/<filename>``, keeping the
file name that matters: ``Makefile``, ``settings.xml``, ``.bash_history``). Every tool scans that
directory once, as a whole process with a JSON report (the peers as bench/peers.py runs them;
Guard as ``guard scan DIR --format json`` with an empty config, since this repository's own
config excludes bench/.work/). ``--in-process`` scores Guard's engine in this process instead,
as tests/test_recall_corpus.py does.

Scoring (see bench/recall/score.py): a secret case is found when the tool reports a finding in
its file at the case's line; a benign case is a false positive when the tool reports anything in
its file. Guard's findings of kind ``file`` (sensitive by name, such as ``.env``) are left out.
The tables print only counts and rates, never a value; ``--misses TOOL`` lists the ids of the
secret cases TOOL missed and the benign cases it flagged (the values are in the corpus file).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import need
import peers
from peers import Finding, Invocation, Target
from recall import score
from recall.core import BENIGN_KINDS, SECRET_CLASSES

BENCH = Path(__file__).resolve().parent
WORK = BENCH / ".work" / "recall"
ROOT = WORK / "cases"
STAMP = WORK / "cases.source"  # which corpus file ROOT was written from
DEFAULT_CASES = BENCH.parent / "tests" / "data" / "recall" / "cases.jsonl"
ALL_TOOLS = ("guard", "gitleaks", "kingfisher", "betterleaks", "detect-secrets")
OK_EXIT = {"guard": {0, 1}, "kingfisher": {0, 200, 205}}  # others: {0}
TIMEOUT = 1800.0


def materialise(cases: list[score.LoadedCase], source: Path) -> None:
    """A fresh ROOT with one directory per case, refusing to wipe what this script did not make."""
    if ROOT.exists() and any(ROOT.iterdir()):
        if not STAMP.is_file():
            need.fail(f"{ROOT} is not empty and was not written by this script: not removing it")
        shutil.rmtree(ROOT)
    ROOT.mkdir(parents=True, exist_ok=True)
    score.materialise(cases, ROOT)
    STAMP.write_text(f"{source}\n", encoding="utf-8")


def guard_invocation(guard: Path, report: Path) -> Invocation:
    config = WORK / "empty-guard.toml"
    config.write_text("# no excludes: the recall cases are all to be scanned\n", encoding="utf-8")
    argv = [str(guard), "scan", str(ROOT), "--format", "json", "--output", str(report),
            "--config", str(config), "--no-gitignore", "--no-exclude"]
    return Invocation(argv, ROOT, report)


def guard_parse(report: Path) -> list[Finding]:
    data = json.loads(report.read_text(encoding="utf-8"))
    return [(peers.relative_to_root(item["path"], ROOT, ROOT), int(item.get("line") or 0))
            for item in data.get("findings", []) if item.get("kind") != "file"]


def run(name: str, inv: Invocation) -> str:
    """Run one scan; '' when it went well, else what went wrong (the tool's stderr tail)."""
    inv.report.unlink(missing_ok=True)
    out = inv.stdout.open("w") if inv.stdout else subprocess.DEVNULL
    try:
        proc = subprocess.run(inv.argv, cwd=inv.cwd, stdout=out, stderr=subprocess.PIPE,
                              text=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"{name}: {e}"
    finally:
        if inv.stdout:
            out.close()  # type: ignore[union-attr]
    if proc.returncode not in OK_EXIT.get(name, {0}):
        return f"{name}: exit {proc.returncode}: {proc.stderr.strip()[-400:]}"
    if not inv.report.is_file():
        return f"{name}: no report at {inv.report}"
    return ""


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


def findings_of(name: str, exe: dict[str, list[str]], guard: Path | None,
                cases: list[score.LoadedCase], in_process: bool) -> list[Finding]:
    reports = WORK / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    report = reports / f"{name}.json"
    if name == "guard":
        if in_process:
            return score.guard_in_process(cases)
        assert guard is not None
        inv = guard_invocation(guard, report)
        error = run(name, inv)
        if error:
            need.fail(error)
        return guard_parse(report)
    peer = peers.PEERS_BY_NAME[name]
    target = Target(ROOT)
    inv = peer.command(exe[name], target, report)
    error = run(name, inv)
    if error:
        need.fail(error)
    return peer.parse(report, target, inv.cwd)


def versions(names: list[str], exe: dict[str, list[str]], guard: Path | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in names:
        if name != "guard":
            out[name] = peers.version(exe[name], peers.PEERS_BY_NAME[name])
        elif guard is not None:
            proc = subprocess.run([str(guard), "--version"], capture_output=True, text=True,
                                  timeout=60, check=False)
            out[name] = (proc.stdout or proc.stderr).strip() or f"exit {proc.returncode}"
        else:
            out[name] = "in process"
    return out


def pct(value: float | int) -> str:
    return f"{100 * value:5.1f}%"


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

    def fmt(row: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(row, widths, strict=True)))

    return "\n".join([fmt(headers), fmt(["-" * w for w in widths]), *map(fmt, rows)])


def report_text(results: dict[str, dict[str, dict[str, Any]]], tools: list[str]) -> str:
    first = results[tools[0]]
    recall_rows = [[cls, str(first[cls]["secrets"]), *[pct(results[t][cls]["recall"])
                                                        for t in tools]]
                   for cls in [*SECRET_CLASSES, "overall"]]
    fp_rows = [[cls, str(first[cls]["benign"]), *[pct(results[t][cls]["fp_rate"]) for t in tools]]
               for cls in [*SECRET_CLASSES, *BENIGN_KINDS, "overall"]]
    return ("recall (secret cases found at their line):\n"
            + table(["class", "cases", *tools], recall_rows)
            + "\n\nfalse-positive rate (benign cases with any finding in their file; per secret"
              " class: its near misses):\n"
            + table(["class / benign kind", "cases", *tools], fp_rows))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tools", default=",".join(ALL_TOOLS),
                        type=lambda s: [t.strip() for t in s.split(",") if t.strip()])
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--in-process", action="store_true",
                        help="score Guard's engine in this process, not `guard scan`")
    parser.add_argument("--misses", metavar="TOOL", help="list the case ids TOOL got wrong")
    parser.add_argument("--kinds", metavar="CLASS",
                        help="also show, per kind of value in CLASS, how many each tool got right")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.tools) - set(ALL_TOOLS))
    if unknown or not args.tools:
        parser.error(f"unknown tools {unknown}; known: {', '.join(ALL_TOOLS)}")
    if args.misses and args.misses not in args.tools:
        parser.error(f"--misses {args.misses}: not among --tools")
    if args.kinds and args.kinds not in (*SECRET_CLASSES, *BENIGN_KINDS):
        parser.error(f"--kinds {args.kinds}: not a class")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    guard: Path | None = None
    if "guard" in args.tools:
        need.guard_package()
        if not args.in_process:
            guard = need.guard()
    if not args.cases.is_file():
        need.fail(f"no corpus at {args.cases}: run python bench/recall_corpus.py")
    exe = peer_executables([t for t in args.tools if t != "guard"])
    cases = score.load(args.cases)
    materialise(cases, args.cases)
    results: dict[str, dict[str, dict[str, Any]]] = {}
    wrong: dict[str, list[str]] = {}
    kinds: dict[str, dict[str, tuple[int, int]]] = {}
    for name in args.tools:
        found = findings_of(name, exe, guard, cases, args.in_process)
        scored = score.score(cases, found)
        results[name] = score.by_class(cases, scored)
        if args.kinds:
            kinds[name] = score.by_kind(cases, scored, args.kinds)
        wrong[name] = sorted({c.id for c in cases if c.label == "secret"} - scored.hits) + sorted(
            scored.flagged)
    tool_versions = versions(args.tools, exe, guard)
    if args.json:
        print(json.dumps({"cases": str(args.cases), "versions": tool_versions,
                          "results": results}, indent=2))
    else:
        print(f"{len(cases)} cases from {args.cases}, scanned under {ROOT}")
        print("versions: " + "; ".join(f"{k} {v}" for k, v in tool_versions.items()) + "\n")
        print(report_text(results, args.tools))
    if args.kinds and not args.json:
        print(f"\n{args.kinds}, right answers per kind (found, or left alone if benign):")
        names = sorted(kinds[args.tools[0]])
        rows = [[k, str(kinds[args.tools[0]][k][0]),
                 *[str(kinds[t][k][1]) for t in args.tools]] for k in names]
        print(table(["kind", "cases", *args.tools], rows))
    if args.misses:
        print(f"\n{args.misses}: secret cases missed, then benign cases flagged:")
        print(" ".join(wrong[args.misses]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
