"""Baselines: Guard's own format and detect-secrets' .secrets.baseline, through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

GH = "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"  # test tokens with valid checksums
GH2 = "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"


def guard(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_CACHE_HOME": str(cwd / ".cache-test")}
    return subprocess.run([sys.executable, "-m", "guard", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_baseline_then_only_new_findings_fail(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(f"token = '{GH}'\n")
    (tmp_path / ".env").write_text("X=1\n")
    made = guard("baseline", "-o", "base.json", ".", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    doc = json.loads((tmp_path / "base.json").read_text())
    assert doc["format"] == "guard-baseline" and len(doc["findings"]) == 2
    assert GH not in (tmp_path / "base.json").read_text()

    (tmp_path / "base.json").rename(tmp_path / "base.guard")  # not scanned as .json noise
    clean = guard("scan", "--baseline", "base.guard", ".", cwd=tmp_path)
    assert clean.returncode == 0, clean.stdout
    assert "2 in baseline" in clean.stdout

    # The same value moved to another line is still known; a new value is not.
    (tmp_path / "a.py").write_text(f"\n\ntoken = '{GH}'\nother = '{GH2}'\n")
    new = guard("scan", "--baseline", "base.guard", "--format", "json", ".", cwd=tmp_path)
    assert new.returncode == 1
    findings = json.loads(new.stdout)["findings"]
    assert [(f["path"], f["line"]) for f in findings] == [("a.py", 4)]


def test_detect_secrets_baseline_is_honoured(tmp_path: Path) -> None:
    """A real baseline written by detect-secrets (a dependency of Guard) for a git repository."""
    (tmp_path / "a.py").write_text(f"token = '{GH}'\n")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "a.py"], cwd=tmp_path, check=True)
    ds = Path(sys.executable).with_name("detect-secrets")
    out = subprocess.run([str(ds), "scan"], cwd=tmp_path, capture_output=True, text=True,
                         check=True)
    (tmp_path / ".secrets.baseline").write_text(out.stdout)
    assert json.loads(out.stdout)["results"]["a.py"], "detect-secrets should find the token"

    clean = guard("scan", "--baseline", ".secrets.baseline", "a.py", cwd=tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    (tmp_path / "a.py").write_text(f"token = '{GH}'\nsecond = '{GH2}'\n")
    new = guard("scan", "--baseline", ".secrets.baseline", "--format", "json", "a.py",
                cwd=tmp_path)
    assert new.returncode == 1
    assert [f["line"] for f in json.loads(new.stdout)["findings"]] == [2]


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "a.base:1: baseline is not valid JSON"),
    ('{"format": "guard-baseline", "version": 9, "findings": []}', "unsupported baseline version"),
    ('{"something": "else"}', "not a Guard baseline nor a detect-secrets"),
    ('{"results": {"a.py": [{"line_number": 1}]}}', "malformed detect-secrets baseline"),
])
def test_bad_baselines_are_clear_errors(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "a.base").write_text(content)
    (tmp_path / "a.py").write_text("x = 1\n")
    r = guard("scan", "--baseline", "a.base", "a.py", cwd=tmp_path)
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr


def test_missing_baseline_says_how_to_make_one(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    r = guard("scan", "--baseline", "nope.json", "a.py", cwd=tmp_path)
    assert r.returncode == 2 and "guard baseline" in r.stderr
