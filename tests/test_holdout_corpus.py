"""Guard's blind holdout recall corpus (tests/data/recall/holdout.jsonl, made by
bench/holdout_corpus.py): the committed file is what the seeded generator makes, it is big and
balanced enough to measure with, and every labelled value sits at its recorded line.

No recall floor here: this corpus is for measuring whether gains on the main corpus carry over
(`.venv/bin/python bench/recall_bench.py --cases tests/data/recall/holdout.jsonl`), not a target.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT / "bench"))  # last: bench's modules never shadow anything else

import holdout_corpus  # noqa: E402
from holdout.builder import BENIGN_KINDS, SECRET_CLASSES, Case  # noqa: E402

CASES = ROOT / "tests" / "data" / "recall" / "holdout.jsonl"
MIN_CASES = 800
MIN_BENIGN_SHARE = 0.40
MIN_SECRETS_PER_CLASS = 40


@pytest.fixture(scope="module")
def generated() -> list[Case]:
    return holdout_corpus.generate()


@pytest.fixture(scope="module")
def records() -> list[dict[str, object]]:
    return [json.loads(raw) for raw in CASES.read_text(encoding="utf-8").splitlines()]


def test_the_committed_file_is_a_fresh_generation(generated: list[Case]) -> None:
    assert CASES.read_text(encoding="utf-8") == holdout_corpus.render(generated), \
        "tests/data/recall/holdout.jsonl is stale: run python bench/holdout_corpus.py"


def test_two_generations_are_identical(generated: list[Case]) -> None:
    assert holdout_corpus.render(holdout_corpus.generate()) == holdout_corpus.render(generated)


def test_size_and_balance(records: list[dict[str, object]]) -> None:
    assert len(records) >= MIN_CASES
    benign = [r for r in records if r["label"] == "benign"]
    assert len(benign) >= MIN_BENIGN_SHARE * len(records)
    assert len({r["id"] for r in records}) == len(records)
    assert len({(r["filename"], r["content"]) for r in records}) == len(records)
    secrets = Counter(r["class"] for r in records if r["label"] == "secret")
    near = Counter(r["near"] for r in benign)
    for cls in SECRET_CLASSES:
        assert secrets[cls] >= MIN_SECRETS_PER_CLASS, cls
        assert near[cls] > 0, f"no benign near misses for {cls}"
    assert set(Counter(r["class"] for r in benign)) == set(BENIGN_KINDS)


def test_records_hold_a_line_and_only_a_hash(records: list[dict[str, object]]) -> None:
    fields = {"id", "class", "label", "near", "kind", "filename", "line", "content"}
    for r in records:
        content = str(r["content"])
        assert 1 <= int(r["line"]) <= content.count("\n"), r["id"]  # type: ignore[call-overload]
        if r["label"] == "secret":
            assert set(r) == fields | {"secret_sha256"}, r["id"]
            assert r["near"] == r["class"], r["id"]
        else:
            assert set(r) == fields, r["id"]


def test_each_value_sits_at_its_line_and_hashes_to_its_digest(generated: list[Case]) -> None:
    for case in generated:
        assert case.content[case.offset:case.offset + len(case.value)] == case.value, case.id
        assert case.content[:case.offset].count("\n") + 1 == case.line, case.id
        if case.label == "secret":
            assert len(case.value) >= 8, case.id
            assert hashlib.sha256(case.value.encode()).hexdigest() == case.secret_sha256, case.id


def test_no_value_is_stored_outside_its_case(records: list[dict[str, object]],
                                             generated: list[Case]) -> None:
    """A secret's value appears in its own case's content only (not in another case's file)."""
    contents = [str(r["content"]) for r in records]
    for i, case in enumerate(generated):
        if case.label == "secret":
            assert sum(case.value in c for c in contents) == 1, case.id
            assert case.value in contents[i], case.id


def test_github_and_npm_tokens_carry_a_valid_checksum_and_broken_ones_do_not(
        generated: list[Case]) -> None:
    import binascii

    from holdout.builder import base62

    for case in generated:
        v = case.value
        if v[:4] in ("ghp_", "gho_", "ghs_", "ghr_", "ghu_", "npm_") and len(v) == 40:
            good = base62(binascii.crc32(v[4:34].encode()), 6) == v[34:]
            assert good == (case.label == "secret"), case.id
