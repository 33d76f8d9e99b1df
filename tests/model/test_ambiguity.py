"""guard.model.ambiguity: which files the rules leave undecided, and the labelled set built from
them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from guard.detect import ruleset
from guard.detect.engine import Engine
from guard.model import ambiguity

DATA = Path(__file__).parents[1] / "data" / "classify"
HEX64 = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(ruleset.load())


def _assess(engine: Engine, path: str, text: str) -> ambiguity.Ambiguity | None:
    pack = engine.ruleset
    return ambiguity.assess(engine, text.encode(), path, path_rule=pack.path_rule_for(path))


def test_a_value_only_the_generic_rule_reports_is_ambiguous(engine: Engine) -> None:
    amb = _assess(engine, "app/settings.py", f'DEBUG = False\nSECRET_KEY = "{HEX64}"\n')
    assert amb is not None
    assert [(c.line, c.reason) for c in amb.candidates] == [(2, "generic")]
    assert amb.heuristic_sensitive
    assert amb.candidates[0].value == HEX64.encode()


def test_a_value_the_filters_turned_down_is_a_near_miss(engine: Engine) -> None:
    text = "# old credentials\n# password = \"Vq7Zr2Lx9Kw4Tp8M\"\nHOST = \"db\"\n"
    amb = _assess(engine, "settings.py", text)
    assert amb is not None
    assert [(c.line, c.reason) for c in amb.candidates] == [(2, "near-miss")]
    assert not amb.heuristic_sensitive
    assert amb.candidates[0].snippet == text.rstrip("\n")


@pytest.mark.parametrize(("path", "text"), [
    # a provider rule decides
    ("config.py", 'token = "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"\n'),
    ("app.py", 'URL = "postgres://app:q7Rk2mWv9Tz4@db.internal/app"\npwd = "Summer2024!"\n'),
    # a path rule decides
    (".env", "DB_PASSWORD=Vq7Zr2Lx9Kw4Tp8M\n"),
    # references, placeholders and names are not values
    ("settings.py", 'password = os.environ["DB_PASSWORD"]\n'),
    ("config.yaml", "auth:\n  token: ${API_TOKEN}\n"),
    ("settings.py", 'password = "changeme"\n'),
    ("settings.py", 'api_key = "<your-api-key>"\n'),
    ("forms.py", 'password_field = "password_confirmation"\n'),
    ("config.yaml", "client_id: 9f8a1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c\ntoken_url: /oauth/token\n"),
    # nothing secret-named at all
    ("main.py", "print('hello')\n"),
    # the user allowed the line
    ("settings.py", 'password = "Summer2024!"  # pragma: allowlist secret\n'),
])
def test_decided_or_plainly_not_a_value(engine: Engine, path: str, text: str) -> None:
    assert _assess(engine, path, text) is None


def test_context_is_two_lines_either_side(engine: Engine) -> None:
    lines = [f"line{i} = {i}" for i in range(1, 11)]
    lines[4] = f'api_key = "{HEX64}"'
    amb = _assess(engine, "c.py", "\n".join(lines) + "\n")
    assert amb is not None
    assert amb.candidates[0].snippet.splitlines() == lines[2:7]


def test_no_near_misses_when_the_generic_rule_is_switched_off() -> None:
    engine = Engine(ruleset.load(), disabled=frozenset(ambiguity.GENERIC_RULES))
    text = f'# password = "Vq7Zr2Lx9Kw4Tp8M"\nSECRET_KEY = "{HEX64}"\n'
    assert ambiguity.assess(engine, text.encode(), "settings.py") is None


def test_candidates_are_bounded(engine: Engine) -> None:
    text = "".join(f'# password{i} = "Vq7Zr2Lx9Kw4Tp{i:02d}"\n' for i in range(20))
    amb = _assess(engine, "settings.py", text)
    assert amb is not None
    assert len(amb.candidates) == ambiguity.MAX_CANDIDATES


# --- the labelled set ---------------------------------------------------------------------------


def _records(split: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / f"{split}.jsonl").read_text().splitlines()]


def test_the_labelled_set_is_large_split_and_ambiguous(engine: Engine) -> None:
    train, test = _records("train"), _records("test")
    assert len(train) + len(test) >= 300
    assert len(test) >= 100
    assert {r["id"] for r in train}.isdisjoint({r["id"] for r in test})
    for split in (train, test):
        labels = {r["label"] for r in split}
        assert labels == {"sensitive", "benign"}
        assert {r["kind"] for r in split} == {r["kind"] for r in train}
    for rec in train + test:
        assert _assess(engine, rec["path"], rec["text"]) is not None, rec["id"]


def test_the_labelled_set_is_what_its_script_makes() -> None:
    sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
    try:
        import classify_dataset
    finally:
        sys.path.pop(0)
    made = classify_dataset.build()
    for split in ("train", "test"):
        want = [{k: r[k] for k in ("id", "path", "label", "kind", "text")}
                for r in made if r["split"] == split]
        assert _records(split) == want
