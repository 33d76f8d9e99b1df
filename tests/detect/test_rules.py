"""Every rule in rules/ runs its own positive and negative examples through the real engine."""

from __future__ import annotations

import pytest

from guard.detect import ruleset
from guard.detect.engine import Engine

PACK = ruleset.load(use_cache=False)
ENGINE = Engine(PACK)


def _found(rule_id: str, text: str, path: str = "example.txt") -> bool:
    return any(f.rule_id == rule_id for f in ENGINE.scan(text.encode(), path))


def _example_path(example: str) -> tuple[str, str]:
    """An example may name the file it stands in: "path/to/file.py::content"."""
    if "::" in example.split("\n", 1)[0]:
        path, _, text = example.partition("::")
        return path, text
    return "example.txt", example


@pytest.mark.parametrize("rule", PACK.rules, ids=lambda r: r.id)
def test_positive_examples_are_found(rule: ruleset.Rule) -> None:
    for example in rule.examples["positive"]:
        path, text = _example_path(example)
        assert _found(rule.id, text, path), f"{rule.id} misses positive example {example!r}"


@pytest.mark.parametrize("rule", PACK.rules, ids=lambda r: r.id)
def test_negative_examples_are_not_found(rule: ruleset.Rule) -> None:
    for example in rule.examples["negative"]:
        path, text = _example_path(example)
        assert not _found(rule.id, text, path), f"{rule.id} fires on negative {example!r}"


@pytest.mark.parametrize("rule", PACK.paths, ids=lambda r: r.id)
def test_path_rule_examples(rule: ruleset.PathRule) -> None:
    for p in rule.examples["positive"]:
        assert rule.matches(p), f"{rule.id} misses {p!r}"
    for p in rule.examples["negative"]:
        assert PACK.path_rule_for(p) is None, f"{p!r} is flagged as sensitive"


def test_pack_size_and_sources() -> None:
    providers = [r for r in PACK.rules if r.provider]
    assert len(providers) >= 120
    missing = [r.id for r in providers if not r.source.startswith("https://")]
    assert not missing, f"provider rules without a documentation source: {missing}"


def test_every_keyword_occurs_in_a_positive_example_of_its_rule() -> None:
    """A keyword that no example contains is untested gating: the rule might never run."""
    lonely = []
    for rule in PACK.rules:
        text = " ".join(rule.examples["positive"]).lower()
        lonely += [f"{rule.id}:{kw}" for kw in rule.keywords if kw not in text]
    assert not lonely, lonely
