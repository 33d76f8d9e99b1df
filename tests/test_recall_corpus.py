"""Guard's labelled recall corpus (tests/data/recall/cases.jsonl, made by bench/recall_corpus.py):
the committed file is what the seeded generator makes, it is big and balanced enough to measure
with, and Guard's engine keeps at least the recall it has and no more false positives.

When the rules get better, raise the floors below to the new figures (minus a small margin) so a
later change cannot lose the gain unnoticed; `.venv/bin/python bench/recall_bench.py --tools guard
--in-process` prints them.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT / "bench"))  # last: bench's modules never shadow anything else

import recall_corpus  # noqa: E402
from recall import score  # noqa: E402
from recall.core import BENIGN_KINDS, SECRET_CLASSES, Case  # noqa: E402

CASES = ROOT / "tests" / "data" / "recall" / "cases.jsonl"

# Guard's recall per secret class and the false-positive rate of each class's near misses, as
# measured after the structure and context rules of issue 15 (94.8 % recall, 0.3 % false
# positives; 44.8 % and 6.6 % when the corpus was made), with a margin of a few cases.
RECALL_FLOORS: dict[str, float] = {
    "plain-text": 0.81,
    "provider-context": 0.94,
    "lowercase-digit": 0.96,
    "structured": 0.94,
    "cli-header": 0.91,
    "provider-format": 0.90,
    "misspelt-name": 0.96,
    "generic": 0.96,
    "overall": 0.92,
}
FP_CEILINGS: dict[str, float] = {
    "plain-text": 0.03,
    "provider-context": 0.03,
    "lowercase-digit": 0.03,
    "structured": 0.03,
    "cli-header": 0.03,
    "provider-format": 0.04,
    "misspelt-name": 0.03,
    "generic": 0.03,
    "overall": 0.02,
}
MIN_CASES = 2000
MIN_BENIGN_SHARE = 1 / 3
MIN_SECRETS_PER_CLASS = 30


@pytest.fixture(scope="module")
def cases() -> list[score.LoadedCase]:
    return score.load(CASES)


@pytest.fixture(scope="module")
def generated() -> list[Case]:
    return recall_corpus.generate()


def test_the_committed_corpus_is_a_fresh_generation(generated: list[Case]) -> None:
    fresh = recall_corpus.render(generated)
    assert CASES.read_text(encoding="utf-8") == fresh, \
        "tests/data/recall/cases.jsonl is stale: run python bench/recall_corpus.py"


def test_size_and_balance(cases: list[score.LoadedCase]) -> None:
    assert len(cases) >= MIN_CASES
    assert sum(c.label == "benign" for c in cases) >= MIN_BENIGN_SHARE * len(cases)
    assert len({c.id for c in cases}) == len(cases)
    secrets = Counter(c.cls for c in cases if c.label == "secret")
    near = Counter(c.near for c in cases if c.label == "benign")
    for cls in SECRET_CLASSES:
        assert secrets[cls] >= MIN_SECRETS_PER_CLASS, cls
        assert near[cls] > 0, f"no benign near misses for {cls}"
    kinds = Counter(c.cls for c in cases if c.label == "benign")
    assert set(kinds) == set(BENIGN_KINDS)


def test_each_case_records_its_line_and_only_a_hash() -> None:
    fields = {"id", "class", "label", "near", "kind", "filename", "line", "content"}
    for raw in CASES.read_text(encoding="utf-8").splitlines():
        record = json.loads(raw)
        assert 1 <= record["line"] <= record["content"].count("\n"), record["id"]
        if record["label"] == "secret":
            assert set(record) == fields | {"secret_sha256"}, record["id"]
            assert len(record["secret_sha256"]) == 64
        else:
            assert set(record) == fields, record["id"]


def test_the_labelled_value_starts_on_the_recorded_line(generated: list[Case]) -> None:
    for case in generated:
        lines = case.content.split("\n")
        first = case.value.split("\n", 1)[0]
        assert first in lines[case.line - 1], case.id
        if case.label == "secret":
            assert hashlib.sha256(case.value.encode()).hexdigest() == case.secret_sha256
            assert case.value and case.value in case.content


def test_guard_keeps_its_recall_and_false_positive_rate(cases: list[score.LoadedCase]) -> None:
    table = score.by_class(cases, score.score(cases, score.guard_in_process(cases)))
    low = {k: round(float(table[k]["recall"]), 3) for k, floor in RECALL_FLOORS.items()
           if table[k]["recall"] < floor}
    high = {k: round(float(table[k]["fp_rate"]), 3) for k, ceiling in FP_CEILINGS.items()
            if table[k]["fp_rate"] > ceiling}
    assert not low, f"recall fell below its floor: {low}"
    assert not high, f"false positives rose above their ceiling: {high}"


def test_the_bench_says_what_it_needs_outside_the_venv(tmp_path: Path) -> None:
    """Run by a Python without Guard, bench/recall_bench.py names what is missing and exits 2."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    python = bindir / "python3"
    python.symlink_to(os.path.realpath(sys.executable))  # this Python, outside the venv
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    proc = subprocess.run([str(python), str(ROOT / "bench" / "recall_bench.py"), "--tools",
                           "guard"], capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=120, check=False)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.startswith("bench/recall_bench.py: needs "), proc.stderr
    assert ".venv/bin/python bench/" in proc.stderr and proc.stdout == ""
