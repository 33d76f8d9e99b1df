"""Baseline files in the engine: their hashes are not secrets, whatever door asks (scan, hook,
editor); what is not one of their hashes is scanned like any other text."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from guard.detect import ruleset
from guard.detect.engine import Engine

PACK = ruleset.load(use_cache=False)
GH = "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"  # test token with a valid checksum
SOURCE = f"token = '{GH}'\npassword = 'Xk9#mQ2vL8pZ4wR7'\naws_key = 'AKIAIOSFODNN7EXAMPLF'\n"


@pytest.fixture(scope="module")
def detect_secrets_doc(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The baseline the real ``detect-secrets scan`` writes for a repository holding SOURCE."""
    tree = tmp_path_factory.mktemp("ds")
    (tree / "a.py").write_text(SOURCE)
    subprocess.run(["git", "init", "-q"], cwd=tree, check=True)
    subprocess.run(["git", "add", "a.py"], cwd=tree, check=True)
    ds = Path(sys.executable).with_name("detect-secrets")
    out = subprocess.run([str(ds), "scan"], cwd=tree, capture_output=True, text=True,
                         check=True).stdout
    doc = json.loads(out)
    assert len(doc["results"]["a.py"]) >= 3
    return doc


def scan(data: str, path: str, engine: Engine | None = None) -> list[tuple[str, int]]:
    return [(f.rule_id, f.line) for f in (engine or Engine(PACK)).scan(data.encode(), path)]


@pytest.mark.parametrize("indent", [2, None])  # as detect-secrets writes it, and on one line
def test_detect_secrets_hashes_are_not_secrets(detect_secrets_doc: dict,
                                               indent: int | None) -> None:
    text = json.dumps(detect_secrets_doc, indent=indent)
    assert scan(text, ".secrets.baseline") == []
    assert scan(text, "ci/any-name.json") == []  # by structure: the name does not matter


def test_only_the_hashes_are_spared(detect_secrets_doc: dict) -> None:
    doc = json.loads(json.dumps(detect_secrets_doc))
    first = doc["results"]["a.py"][0]
    first["hashed_secret"] = GH  # pasted in place of its hash: not a SHA-1
    first["api_key"] = "Zr2Lx9Kw4Tp8VQm7"  # a value next to a hash
    text = json.dumps(doc, indent=2)
    line = text.splitlines().index
    assert sorted(scan(text, ".secrets.baseline")) == sorted([
        ("github-pat-classic", line(f'        "hashed_secret": "{GH}",') + 1),
        ("generic-secret-assignment", line('        "api_key": "Zr2Lx9Kw4Tp8VQm7"') + 1),
    ])


def test_a_sha1_at_hashed_secret_outside_a_baseline_is_scanned(detect_secrets_doc: dict) -> None:
    sha1 = detect_secrets_doc["results"]["a.py"][0]["hashed_secret"]
    assert scan(json.dumps({"hashed_secret": sha1}), "settings.json") == [
        ("generic-secret-assignment", 1)]
    assert scan(json.dumps({"results": [{"hashed_secret": sha1}]}), ".secrets.baseline") == [
        ("generic-secret-assignment", 1)]  # results must map file names to entries


def test_guard_fingerprints_are_spared_even_from_a_users_rule(tmp_path: Path) -> None:
    """No shipped rule matches a fingerprint; a user's rule for hex values might."""
    (tmp_path / "hex.toml").write_text('''
[[rule]]
id = "user-hex-value"
description = "a hex value at a key ending in print"
keywords = ["print"]
regex = \'\'\'print"\\s*:\\s*"(?P<v>[0-9a-f]{20})"\'\'\'
secret_group = "v"
examples.positive = ['x.json::{"fingerprint": "3f9c0a4b7d21e8f6a5c3"}']
examples.negative = ['x.json::{"fingerprint": "xyz"}']
''')
    engine = Engine(ruleset.load((str(tmp_path / "hex.toml"),), use_cache=False))
    entry = {"path": "a.py", "rule": "github-pat-classic", "kind": "secret",
             "fingerprint": "3f9c0a4b7d21e8f6a5c3"}
    doc = {"format": "guard-baseline", "version": 1, "findings": [entry]}
    assert scan(json.dumps(doc, indent=2), ".guard-baseline.json", engine) == []
    assert scan(json.dumps({"findings": [entry]}), "report.json", engine) == [
        ("user-hex-value", 1)]  # the same text, not a Guard baseline
