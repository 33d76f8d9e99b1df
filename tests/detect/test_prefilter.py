"""The prefilter contract: a rule's regex runs only where one of the rule's own keywords occurs
(an anchored rule only at the keyword, a windowed one only in a window holding it), on both
back ends. Without this, a rule that ran on every line with any keyword would pass every other
test and only cost time and false positives."""

from __future__ import annotations

import platform
import random
import re
from collections.abc import Iterator
from typing import Any

import pytest

from guard.detect import prefilter, ruleset
from guard.detect.engine import Engine
from tests.conftest import missing

PACK = ruleset.load(use_cache=False)


def _hyperscan_declared() -> bool:
    """pyproject declares hyperscan on these machines (it has wheels there)."""
    return platform.machine().lower() in ("x86_64", "amd64", "aarch64", "arm64")


def _backend(name: str, keywords: list[str]) -> prefilter.FindPrefilter | Any:
    if name == "find":
        return prefilter.FindPrefilter(keywords)
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        if _hyperscan_declared():
            missing("hyperscan", "pip install -e . (a declared dependency on this machine)")
        pytest.skip("hyperscan has no wheel for this machine")
    return prefilter.HyperscanPrefilter(keywords)


class _Spy:
    """Stands in for a rule's compiled regex and records where the engine ran it."""

    def __init__(self, regex: re.Pattern[bytes], calls: list[tuple[str, int, int]]) -> None:
        self.regex = regex
        self.calls = calls
        self.groupindex = regex.groupindex

    def match(self, data: bytes, pos: int, endpos: int) -> re.Match[bytes] | None:
        self.calls.append(("match", pos, endpos))
        return self.regex.match(data, pos, endpos)

    def finditer(self, data: bytes, pos: int, endpos: int) -> Iterator[re.Match[bytes]]:
        self.calls.append(("finditer", pos, endpos))
        return self.regex.finditer(data, pos, endpos)


def _mixed_text(seed: int) -> bytes:
    """Every positive example of every rule, shuffled, with lines of other rules' keywords and
    filler in between: many rules' keywords, each rule's in few places."""
    rng = random.Random(seed)
    lines: list[str] = []
    for rule in PACK.rules:
        for example in rule.examples["positive"]:
            text = example.partition("::")[2] if "::" in example.split("\n", 1)[0] else example
            lines.append(text)
    keywords = sorted({kw for r in PACK.rules for kw in r.keywords})
    for _ in range(300):
        lines.append(" ".join(rng.choice(keywords) + "=" + "q" * rng.randint(0, 20)
                              for _ in range(rng.randint(1, 4))))
        lines.append("plain filler line without any of them " * rng.randint(0, 3))
    rng.shuffle(lines)
    return "\n".join(lines).encode()


@pytest.mark.parametrize("backend", ["find", "hyperscan"])
def test_rules_run_only_where_their_keywords_occur(backend: str) -> None:
    engine = Engine(PACK)
    engine.prefilter = _backend(backend, engine.keywords)
    calls: dict[str, list[tuple[str, int, int]]] = {}
    for rule in engine.rules:
        calls[rule.id] = []
        rule._regex = _Spy(re.compile(rule.pattern.encode()), calls[rule.id])  # type: ignore
    data = _mixed_text(7)
    lowered = data.lower()
    try:
        found = engine.scan(data, "mixed.txt")
    finally:
        for rule in engine.rules:
            rule._regex = None
    assert found, "the examples hold secrets: a scan that finds none tests nothing"
    ran = 0
    for rule in engine.rules:
        keywords = [kw.encode() for kw in rule.keywords]
        for kind, pos, end in calls[rule.id]:
            ran += 1
            if rule.anchor:
                assert kind == "match", rule.id
                assert any(lowered.startswith(kw, pos) for kw in keywords), \
                    f"{rule.id} (anchored) ran at {pos}, where none of its keywords starts"
            else:
                window = lowered[pos:end]
                assert any(kw in window for kw in keywords), \
                    f"{rule.id} searched {pos}:{end}, a window without any of its keywords"
    assert ran


@pytest.mark.parametrize("backend", ["find", "hyperscan"])
def test_a_rule_never_runs_on_another_rules_keyword(backend: str) -> None:
    """A rule whose regex would match anywhere finds nothing on a line that holds only another
    rule's keyword, and finds the value once its own keyword is on the line."""
    anywhere = {"id": "anywhere", "description": "d", "keywords": ["kwzq"],
                "regex": r"(Vq7Zr2Lx9Kw4Tp8M)", "examples": {"positive": ["x"], "negative": ["y"]}}
    anchored = {**anywhere, "id": "anchored", "keywords": ["akzq"], "anchor": True,
                "regex": r"akzq=(\w+)"}
    pack = ruleset.RuleSet([*PACK.rules, ruleset.Rule(anywhere), ruleset.Rule(anchored)],
                           PACK.paths)
    engine = Engine(pack)
    engine.prefilter = _backend(backend, engine.keywords)

    def ids(text: str) -> set[str]:
        return {f.rule_id for f in engine.scan(text.encode(), "x.txt")}

    assert "anywhere" not in ids("token: Vq7Zr2Lx9Kw4Tp8M\n")
    assert "anywhere" not in ids("kwzq\nVq7Zr2Lx9Kw4Tp8M\n")  # keyword on another line
    assert "anywhere" in ids("token KWZQ Vq7Zr2Lx9Kw4Tp8M\n")
    # an anchored rule runs at its keyword only: the same shape after another keyword is missed
    assert "anchored" not in ids("token=Vq7Zr2Lx9Kw4Tp8M akzq\n")
    assert "anchored" in ids("x akzq=Vq7Zr2Lx9Kw4Tp8M\n")


def test_backends_find_the_same_findings() -> None:
    """The same buffer through either back end gives the same findings."""
    data = _mixed_text(11)
    find = Engine(PACK)
    find.prefilter = _backend("find", find.keywords)
    fast = Engine(PACK)
    fast.prefilter = _backend("hyperscan", fast.keywords)
    a = [(f.rule_id, f.line, f.column) for f in find.scan(data, "m.txt")]
    b = [(f.rule_id, f.line, f.column) for f in fast.scan(data, "m.txt")]
    assert a == b and a
