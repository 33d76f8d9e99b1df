"""Measure each way of classifying ambiguous files on the test split of tests/data/classify/.

    .venv/bin/python bench/classify_bench.py            # every method, one process each
    .venv/bin/python bench/classify_bench.py --json     # the same, as JSON

For each method: accuracy, precision and recall (sensitive is the positive class), the time to
load the model, the latency per file once loaded (mean and 95th percentile, cache off), and the
peak resident memory of the process that ran it. ``heuristic`` is Guard without a model: a file is
sensitive when the generic rule reported something. Needs Guard installed with its llm extra in
the Python that runs it (exit status 2 otherwise).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import need

from guard.detect import ruleset
from guard.detect.engine import Engine
from guard.model import ambiguity, classify, methods

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "classify")


def records(split: str) -> list[dict]:
    with open(os.path.join(DATA, f"{split}.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def measure(method: str, split: str) -> dict:
    engine = Engine(ruleset.load())
    start = time.perf_counter()
    clf = methods.build(method)
    load = time.perf_counter() - start
    threshold = classify._default_threshold(method)
    tp = fp = tn = fn = 0
    latencies = []
    by_kind: dict[str, list[int]] = {}
    for rec in records(split):
        t0 = time.perf_counter()
        amb = ambiguity.assess(engine, rec["text"].encode(), rec["path"])
        assert amb is not None, rec["id"]
        score = max(clf.score(rec["path"], c, float("inf")) or 0.0 for c in amb.candidates)
        latencies.append(time.perf_counter() - t0)
        said = score >= threshold
        truth = rec["label"] == "sensitive"
        tp += said and truth
        fp += said and not truth
        tn += not said and not truth
        fn += not said and truth
        by_kind.setdefault(rec["kind"], [0, 0])[0] += said == truth
        by_kind[rec["kind"]][1] += 1
    latencies.sort()
    return {
        "method": method, "files": len(latencies),
        "accuracy": (tp + tn) / len(latencies),
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "tp": tp, "fp": fp, "tn": tn, "fn": fn,
        "load_s": load,
        "latency_ms_mean": 1000 * sum(latencies) / len(latencies),
        "latency_ms_p95": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "by_kind": {k: f"{c}/{n}" for k, (c, n) in sorted(by_kind.items())},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", choices=classify.METHODS, help="one method, in this process")
    parser.add_argument("--split", default="test", choices=("train", "test"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    need.guard_package()
    need.modules({"llama_cpp": need.LLM, methods.DEFAULT_PACKAGE: need.LLM})
    if args.method:
        print(json.dumps(measure(args.method, args.split)))
        return 0
    results = []
    for method in classify.METHODS:  # one process each: peak memory is per method
        proc = subprocess.run([sys.executable, __file__, "--method", method, "--split",
                               args.split], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            need.fail(f"method {method} failed (exit {proc.returncode}):\n{proc.stderr[-800:]}")
        results.append(json.loads(proc.stdout.splitlines()[-1]))
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{args.split} split, {results[0]['files']} files "
          f"({results[0]['tp'] + results[0]['fn']} sensitive)\n")
    print(f"{'method':10} {'accuracy':>8} {'precision':>9} {'recall':>6} {'load s':>7} "
          f"{'ms/file':>8} {'p95 ms':>7} {'peak RSS MB':>11}")
    for r in results:
        print(f"{r['method']:10} {r['accuracy']:8.3f} {r['precision']:9.3f} {r['recall']:6.3f} "
              f"{r['load_s']:7.2f} {r['latency_ms_mean']:8.1f} {r['latency_ms_p95']:7.1f} "
              f"{r['peak_rss_mb']:11.0f}")
    print("\ncorrect per kind:")
    kinds = list(results[0]["by_kind"])
    print(f"  {'kind':22}" + "".join(f"{r['method']:>10}" for r in results))
    for k in kinds:
        print(f"  {k:22}" + "".join(f"{r['by_kind'][k]:>10}" for r in results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
