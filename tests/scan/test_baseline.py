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


# --- a baseline in the tree is not a finding ------------------------------------------------------

# Three secrets that detect-secrets and Guard both find (one per line).
SOURCE = f"token = '{GH}'\npassword = 'Xk9#mQ2vL8pZ4wR7'\naws_key = 'AKIAIOSFODNN7EXAMPLF'\n"
PASSWORD = "Xk9#mQ2vL8pZ4wR7"


def detect_secrets_scan(tree: Path) -> str:
    """What the real ``detect-secrets scan`` writes for ``tree`` (made a git repository, its
    files tracked): the ``.secrets.baseline`` a team migrating to Guard already has."""
    subprocess.run(["git", "init", "-q"], cwd=tree, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tree, check=True)
    ds = Path(sys.executable).with_name("detect-secrets")
    out = subprocess.run([str(ds), "scan"], cwd=tree, capture_output=True, text=True,
                         check=True).stdout
    assert len(json.loads(out)["results"]["a.py"]) >= 3, "detect-secrets should find SOURCE's"
    return out


def scan_json(*args: str, cwd: Path) -> tuple[int, dict]:
    r = guard("scan", "--format", "json", *args, cwd=cwd)
    assert r.returncode in (0, 1), r.stderr
    return r.returncode, json.loads(r.stdout)


def test_a_detect_secrets_baseline_is_not_reported_as_secrets(tmp_path: Path) -> None:
    """The README's migration path: `detect-secrets scan > .secrets.baseline`, then
    `guard scan --baseline .secrets.baseline`. Its hashed_secret values are SHA-1 hashes."""
    (tmp_path / "a.py").write_text(SOURCE)
    (tmp_path / ".secrets.baseline").write_text(detect_secrets_scan(tmp_path))

    code, report = scan_json("--baseline", ".secrets.baseline", ".", cwd=tmp_path)
    assert [(f["path"], f["line"]) for f in report["findings"]] == []
    assert report["summary"]["baselined"] == 3 and code == 0
    # Alone, as the pre-commit hook scans it when it is staged: nothing either.
    code, report = scan_json(".secrets.baseline", cwd=tmp_path)
    assert report["findings"] == [] and code == 0


def test_a_secret_in_a_file_named_like_a_baseline_is_still_found(tmp_path: Path) -> None:
    """A baseline is recognised by its structure, not its name: what is not a hash is scanned."""
    (tmp_path / "a.py").write_text(SOURCE)
    doc = json.loads(detect_secrets_scan(tmp_path))
    doc["results"]["a.py"][0]["hashed_secret"] = GH2  # a value pasted where its hash belongs
    doc["api_token"] = "Zr2Lx9Kw4Tp8VQm7"  # and one added next to the results
    (tmp_path / "pasted").mkdir()
    (tmp_path / "pasted" / ".secrets.baseline").write_text(json.dumps(doc, indent=2))
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / ".secrets.baseline").write_text(f"password = '{PASSWORD}'\n")
    # A SHA-1 under "hashed_secret" in a file that is not a detect-secrets baseline
    hashed = doc["results"]["a.py"][1]["hashed_secret"]
    (tmp_path / "plain" / "settings.json").write_text(json.dumps({"hashed_secret": hashed}))

    code, report = scan_json("pasted", "plain", cwd=tmp_path)
    assert sorted((f["path"], f["rule"]) for f in report["findings"]) == [
        ("pasted/.secrets.baseline", "generic-secret-assignment"),
        ("pasted/.secrets.baseline", "github-pat-classic"),
        ("plain/.secrets.baseline", "generic-secret-assignment"),
        ("plain/settings.json", "generic-secret-assignment"),
    ]
    assert code == 1


def test_guard_baseline_skips_both_baselines_and_its_own_file_scans_clean(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(SOURCE)
    (tmp_path / ".secrets.baseline").write_text(detect_secrets_scan(tmp_path))
    made = guard("baseline", ".", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    doc = json.loads((tmp_path / ".guard-baseline.json").read_text())
    assert [e["path"] for e in doc["findings"]] == ["a.py"] * 3

    # Both baselines sit in the tree; a scan without --baseline reports a.py's secrets only.
    code, report = scan_json(".", cwd=tmp_path)
    assert {f["path"] for f in report["findings"]} == {"a.py"} and code == 1
    assert guard("baseline", ".", cwd=tmp_path).returncode == 0  # with its own file in the tree
    assert json.loads((tmp_path / ".guard-baseline.json").read_text()) == doc

