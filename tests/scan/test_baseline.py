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
    assert json.loads((tmp_path / ".guard-baseline.json").read_text())["findings"] == \
        doc["findings"]


# --- baselines that do not churn ------------------------------------------------------------------

def baseline_bytes(tree: Path, *args: str) -> bytes:
    made = guard("baseline", *args, ".", cwd=tree)
    assert made.returncode == 0, made.stderr
    return (tree / ".guard-baseline.json").read_bytes()


def test_baseline_is_byte_for_byte_stable_when_lines_move(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(SOURCE)
    (tmp_path / ".env").write_text("X=1\n")
    first = baseline_bytes(tmp_path)
    assert baseline_bytes(tmp_path) == first  # twice on an unchanged tree

    doc = json.loads(first)
    assert set(doc) == {"format", "version", "findings"}  # no generated_at
    assert [list(e) for e in doc["findings"]] == [["path", "rule", "kind", "fingerprint"]] * 4
    keys = [(e["path"], e["rule"], e["fingerprint"]) for e in doc["findings"]]
    assert keys == sorted(keys)

    # Lines added above, the secrets reordered, one of them copied: the same accepted values.
    moved = "import os\n\n\n" + "".join(reversed(SOURCE.splitlines(True))) + f"again = '{GH}'\n"
    (tmp_path / "a.py").write_text(moved)
    code, report = scan_json("--baseline", ".guard-baseline.json", ".", cwd=tmp_path)
    assert report["findings"] == [] and report["summary"]["baselined"] == 5 and code == 0
    assert baseline_bytes(tmp_path) == first


def test_an_entry_matches_by_rule_path_and_fingerprint(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(f"token = '{GH}'\n")
    doc = json.loads(baseline_bytes(tmp_path))
    [entry] = doc["findings"]
    for field, other in [("rule", "generic-secret-assignment"), ("path", "b.py"),
                         ("fingerprint", "0" * 20)]:
        changed = {**doc, "findings": [{**entry, field: other}]}
        (tmp_path / "base.guard").write_text(json.dumps(changed))
        code, report = scan_json("--baseline", "base.guard", "a.py", cwd=tmp_path)
        assert [(f["rule"], f["line"]) for f in report["findings"]] == \
            [("github-pat-classic", 1)], field
        assert code == 1


def test_an_old_baseline_with_lines_and_a_timestamp_is_still_read(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(f"\n\ntoken = '{GH}'\n")
    doc = json.loads(baseline_bytes(tmp_path))
    old = {"format": "guard-baseline", "version": 1, "generated_at": "2025-01-01T00:00:00Z",
           "findings": [{**e, "line": 1} for e in doc["findings"]]}  # the line it was on then
    (tmp_path / "old.guard").write_text(json.dumps(old, indent=2))
    code, report = scan_json("--baseline", "old.guard", "a.py", cwd=tmp_path)
    assert report["findings"] == [] and report["summary"]["baselined"] == 1 and code == 0


# --- guard baseline --update ----------------------------------------------------------------------

def test_update_keeps_audited_entries_drops_fixed_ones_and_adds_new_ones(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(f"token = '{GH}'\n")
    (tmp_path / "b.py").write_text(f"password = '{PASSWORD}'\n")
    doc = json.loads(baseline_bytes(tmp_path))
    [a, _fixed] = doc["findings"]
    a.update(reason="revoked test token", audited_by="ada")  # what a reviewer adds
    doc["comment"] = "accepted on review"
    (tmp_path / ".guard-baseline.json").write_text(json.dumps(doc, indent=2) + "\n")

    (tmp_path / "b.py").write_text("password = os.environ['PASSWORD']\n")  # fixed
    (tmp_path / "c.py").write_text(f"\n\nnew = '{GH2}'\n")  # new
    updated = guard("baseline", "--update", ".", cwd=tmp_path)
    assert updated.returncode == 0, updated.stderr
    after = json.loads((tmp_path / ".guard-baseline.json").read_text())
    assert after["comment"] == "accepted on review"
    assert [(e["path"], e.get("reason"), e.get("audited_by")) for e in after["findings"]] == [
        ("a.py", "revoked test token", "ada"), ("c.py", None, None)]
    assert after["findings"][1]["rule"] == "github-pat-classic"
    assert "1 kept, 1 added, 1 removed" in updated.stderr
    assert "c.py:3" in updated.stderr and "b.py" in updated.stderr  # where, for the reader
    assert GH2 not in updated.stderr + updated.stdout and PASSWORD not in updated.stderr

    first = (tmp_path / ".guard-baseline.json").read_bytes()
    (tmp_path / "c.py").write_text(f"new = '{GH2}'\n")  # moved up: nothing to update
    again = guard("baseline", "--update", ".", cwd=tmp_path)
    assert again.returncode == 0 and "unchanged" in again.stderr
    assert (tmp_path / ".guard-baseline.json").read_bytes() == first
    code, report = scan_json("--baseline", ".guard-baseline.json", ".", cwd=tmp_path)
    assert report["findings"] == [] and code == 0

    # Without --update, a new baseline starts over, and says what it dropped.
    fresh = guard("baseline", ".", cwd=tmp_path)
    assert "reason" not in (tmp_path / ".guard-baseline.json").read_text()
    assert "dropped what you added to 1 entry" in fresh.stderr and "--update" in fresh.stderr


def test_update_converts_an_old_baseline_and_keeps_its_audit_fields(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(f"token = '{GH}'\n")
    [entry] = json.loads(baseline_bytes(tmp_path))["findings"]
    old = {"format": "guard-baseline", "version": 1, "generated_at": "2025-01-01T00:00:00Z",
           "findings": [{**entry, "line": 7, "reason": "fixture"}]}
    (tmp_path / ".guard-baseline.json").write_text(json.dumps(old, indent=2))
    assert guard("baseline", "--update", ".", cwd=tmp_path).returncode == 0
    after = json.loads((tmp_path / ".guard-baseline.json").read_text())
    assert after == {"format": "guard-baseline", "version": 1,
                     "findings": [{**entry, "reason": "fixture"}]}


def test_update_needs_a_guard_baseline(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(SOURCE)
    ds = detect_secrets_scan(tmp_path)
    (tmp_path / ".secrets.baseline").write_text(ds)
    r = guard("baseline", "--update", "-o", ".secrets.baseline", ".", cwd=tmp_path)
    assert r.returncode == 2 and "detect-secrets scan --baseline" in r.stderr
    assert (tmp_path / ".secrets.baseline").read_text() == ds  # untouched
    r = guard("baseline", "--update", "-o", "none.json", ".", cwd=tmp_path)
    assert r.returncode == 2 and "does not exist" in r.stderr
    assert not (tmp_path / "none.json").exists()
