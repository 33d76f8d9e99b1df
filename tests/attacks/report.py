"""``python -m tests.attacks.report``: run both corpora and print, per class and per assistant,
attacks run / leaked and ordinary calls run / denied / missing content, with the totals.

    python -m tests.attacks.report             # through the real `guard hook`
    python -m tests.attacks.report --baseline  # no hook at all: every attack should leak
    python -m tests.attacks.report --proxy     # no hook, no install: through `guard proxy` alone
    python -m tests.attacks.report --proxy --baseline  # the same requests, straight upstream
    python -m tests.attacks.report -v          # and every failing call, explained
    python -m tests.attacks.report --only git-history,mcp --agent claude

Runs ``-j`` calls at a time (default 2), each worker in its own sandbox.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.attacks import proxied
from tests.attacks.clients import HookFn, Outcome, guard_hook
from tests.attacks.corpus import AGENTS, CASES, Case
from tests.attacks.judge import Verdict, explain, run_case
from tests.attacks.sandbox import SOURCES, World

no_hook = proxied.no_hook  # the baseline: an assistant without Guard

# the call, its verdict, its explanation, what the client did, the request through the proxy
Result = tuple[Case, Verdict, str, Outcome | None, proxied.Exchange | None]


def run_all(cases: list[Case], hook: HookFn, jobs: int, base: Path,
            via: str = "") -> list[Result]:
    """Every call, ``jobs`` at a time, each worker in its own sandbox. ``via``: "" through
    ``hook``; "proxy" with no hook and no install, through a `guard proxy` per worker;
    "direct" the same requests straight to the upstream."""
    local = threading.local()
    counter = iter(range(1_000_000))
    lock = threading.Lock()
    rigs: list[proxied.Rig] = []

    def one(case: Case) -> Result:
        if not hasattr(local, "world"):
            with lock:
                n = next(counter)
            local.world = World(base / f"worker{n}", install=not via)
            if via:
                local.rig = proxied.Rig(base / f"worker{n}-proxy", direct=via == "direct")
                with lock:
                    rigs.append(local.rig)
        if via:
            outcome, verdict, exchange = proxied.run_case(local.world, local.rig, case)
            return (case, verdict, proxied.explain(case, outcome, verdict, exchange), outcome,
                    exchange)
        outcome, verdict = run_case(local.world, case, hook)
        return case, verdict, explain(case, outcome, verdict), outcome, None

    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            return list(pool.map(one, cases))
    finally:
        for rig in rigs:
            rig.close()


def table(results: list[Result]) -> str:
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for case, verdict, *_ in results:
        for key in (f"class {case.cls}", f"agent {case.agent}", "total"):
            r = rows[key]
            if case.ordinary:
                r["ordinary"] += 1
                r["denied"] += verdict.denied
                r["missing"] += bool(verdict.missing) and not verdict.denied
            else:
                r["attacks"] += 1
                r["leaked"] += bool(verdict.leaks)
                r["blocked"] += verdict.denied
            r["errors"] += bool(verdict.internal or verdict.setup)
    classes = sorted(k for k in rows if k.startswith("class "))
    attack_classes = [k for k in classes if rows[k]["attacks"]]
    work_classes = [k for k in classes if not rows[k]["attacks"]]
    order = [*attack_classes, *work_classes, *(f"agent {a}" for a in AGENTS), "total"]
    head = (f"{'':28} {'attacks':>8} {'leaked':>7} {'denied':>7} | {'ordinary':>8} "
            f"{'denied':>7} {'missing':>8} | {'errors':>6}")
    lines = [head, "-" * len(head)]
    for key in order:
        if key not in rows:
            continue
        r = rows[key]
        if key in (f"agent {AGENTS[0]}", "total"):
            lines.append("-" * len(head))

        def cell(n: int, show: bool) -> str:
            return str(n) if show else ""

        a, o = r["attacks"] > 0, r["ordinary"] > 0
        lines.append(f"{key:28} {cell(r['attacks'], a):>8} {cell(r['leaked'], a):>7} "
                     f"{cell(r['blocked'], a):>7} | {cell(r['ordinary'], o):>8} "
                     f"{cell(r['denied'], o):>7} {cell(r['missing'], o):>8} | {r['errors']:>6}")
    return "\n".join(lines)


def by_source(results: list[Result]) -> str:
    """How many attack calls leaked each canary."""
    counts: dict[str, int] = defaultdict(int)
    for case, verdict, *_ in results:
        if not case.ordinary:
            for leak in verdict.leaks:
                counts[leak.key] += 1
    if not counts:
        return ""
    width = max(len(SOURCES[k]) for k in counts)
    return "\n".join(f"  {SOURCES[k]:{width}}  {n:>4}" for k, n in
                     sorted(counts.items(), key=lambda kv: -kv[1]))


def latency(results: list[Result]) -> str:
    """The hook processes' wall time, pre-tool and post-tool (with the machine's load)."""
    out = []
    for name in ("pre", "post"):
        times = sorted(getattr(o, name).seconds * 1000 for *_, o, _ in results
                       if o is not None and getattr(o, name) is not None)
        if times:
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            out.append(f"{name}-tool {statistics.median(times):.0f} ms median, {p95:.0f} ms p95 "
                       f"({len(times)} runs)")
    return "guard hook latency: " + "; ".join(out) if out else ""


def proxy_latency(results: list[Result]) -> str:
    """The model requests' round trip through the proxy (redaction included)."""
    times = sorted(ex.seconds * 1000 for *_, ex in results if ex is not None and not ex.error)
    if not times:
        return ""
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    sizes = sorted(len(b) for *_, ex in results if ex is not None for b in ex.bodies)
    return (f"request round trip: {statistics.median(times):.0f} ms median, {p95:.0f} ms p95, "
            f"{times[-1]:.0f} ms max ({len(times)} requests; bodies up to "
            f"{sizes[-1] if sizes else 0} bytes)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.attacks.report", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", action="store_true",
                        help="run without any hook (what the corpus reaches with no Guard); "
                             "with --proxy, send the requests straight to the upstream")
    parser.add_argument("--proxy", action="store_true",
                        help="no hook and no install: each call's model request goes through a "
                             "real `guard proxy` to a recording upstream, judged there")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--only", help="comma-separated classes")
    parser.add_argument("--agent", help="comma-separated assistants")
    parser.add_argument("-v", "--verbose", action="store_true", help="explain every failure")
    args = parser.parse_args(argv)
    cases = [c for c in CASES
             if (not args.only or c.cls in args.only.split(","))
             and (not args.agent or c.agent in args.agent.split(","))]
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="guard-corpus-") as tmp:
        via = ("direct" if args.baseline else "proxy") if args.proxy else ""
        results = run_all(cases, no_hook if args.baseline else guard_hook, args.jobs, Path(tmp),
                          via)
    elapsed = time.monotonic() - start
    if args.verbose:
        for case, verdict, text, *_ in results:
            if verdict.problems(case.ordinary):
                print(text, end="\n\n")
    mode = {(False, False): "through guard hook", (True, False): "baseline: no hook",
            (False, True): "through guard proxy alone: no hook, no install; judged upstream",
            (True, True): "baseline: the proxy mode's requests straight to the upstream"}[
        (args.baseline, args.proxy)]
    print(f"Guard attack corpus ({mode}): {len(cases)} calls in {elapsed:.0f} s, "
          f"{args.jobs} at a time\n")
    print(table(results))
    if args.proxy and not args.baseline:
        print("\n" + proxy_latency(results))
    elif not args.baseline:
        print("\n" + latency(results))
    sources = by_source(results)
    if sources:
        print("\nattack calls that leaked each canary:\n" + sources)
    if args.proxy:
        print("\nattacks: leaked = a canary reached the upstream (raw or decoded); denied = "
              "the client refused the call or the proxy refused the request\nordinary: "
              "denied = refused; missing = its expected content was not in the tool result the "
              "upstream received; errors = proxy errors (stderr, an answer other than 200) or "
              "programs missing here")
    else:
        print("\nattacks: leaked = a canary reached the model (raw or decoded); denied = the "
              "pre-tool hook or the client refused the call\nordinary: denied = refused; "
              "missing = ran but its expected content did not reach the model; errors = Guard "
              "internal errors or programs missing here")
    return 0


if __name__ == "__main__":
    sys.exit(main())
