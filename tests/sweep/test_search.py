"""What the sweep finds, where and when, in every store of a home built in the clients'
formats (tests/sweep/fakehome.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from guard import config as config_mod
from guard.detect.finding import fingerprint
from guard.sweep import result as result_mod
from guard.sweep.search import forms, parse_time, unescape
from tests.sweep import fakehome
from tests.sweep.fakehome import GITHUB, PASSWORD, PRIVATE_KEY, STRIPE


@pytest.fixture
def swept(tmp_path: Path) -> tuple[result_mod.SweepResult, Path, Path]:
    home, project = fakehome.build(tmp_path)
    return result_mod.sweep(str(home), config_mod.Config(), cwd_project=str(project)), home, \
        project


def by_fp(result: result_mod.SweepResult, value: str) -> result_mod.Secret:
    fp = fingerprint(value.encode())
    return next(s for s in result.secrets if s.fingerprint == fp)


def test_secrets_by_store_with_provider_holder_and_times(
        swept: tuple[result_mod.SweepResult, Path, Path]) -> None:
    result, _home, project = swept
    stripe = by_fp(result, STRIPE)
    assert stripe.provider == "Stripe" and stripe.masked.startswith("sk_l")
    assert stripe.holder == str(project / ".env")
    assert {r.store.agent for r, _ in stripe.hits} == {"claude", "gemini", "qwen", "copilot",
                                                      "shell"}
    github = by_fp(result, GITHUB)
    assert github.provider == "GitHub" and github.holder is None
    assert {r.store.agent for r, _ in github.hits} == {"codex", "shell", "claude", "aider"}
    sqlite_hits = [h for r, h in github.hits if r.store.kind == "sqlite"]
    assert sqlite_hits and sqlite_hits[0].places == ["thread_items.item_json"]
    # first and last seen come from the records
    claude_hit = next(h for r, h in stripe.hits if r.store.agent == "claude")
    assert claude_hit.first == parse_time(fakehome.STAMP) and claude_hit.lines == [2]
    bash = next(h for r, h in github.hits if r.store.path.endswith(".bash_history"))
    assert bash.first == 1772600767
    aider = next(h for r, h in github.hits if r.store.agent == "aider")
    assert aider.first == parse_time("2026-02-01 10:00:00")


def test_known_value_and_escaped_key_are_found(
        swept: tuple[result_mod.SweepResult, Path, Path]) -> None:
    result, _home, project = swept
    password = by_fp(result, PASSWORD)  # no rule finds it: only .env knows it
    assert password.holder == str(project / ".env")
    key = by_fp(result, PRIVATE_KEY)  # its newlines are \n escapes in the transcript
    assert key.rule_id == "private-key"
    assert [h.lines for _r, h in key.hits] == [[3]]


def test_filters(tmp_path: Path) -> None:
    home, project = fakehome.build(tmp_path)
    cfg = config_mod.Config()
    only = result_mod.sweep(str(home), cfg, agents=["codex"], cwd_project=str(project))
    assert {r.store.agent for r in only.results} == {"codex"}
    other = result_mod.sweep(str(home), cfg, project=str(tmp_path / "elsewhere"))
    assert not other.secrets
    mine = result_mod.sweep(str(home), cfg, project=str(project))
    assert mine.secrets and all(r.store.project == str(project) for r in mine.results)
    later = result_mod.sweep(str(home), cfg, since=parse_time("2026-04-01"),
                             cwd_project=str(project))
    assert all((h.last or 0) >= parse_time("2026-04-01")  # type: ignore[operator]
               for s in later.secrets for _r, h in s.hits)
    assert by_fp(later, PRIVATE_KEY) and not any(
        r.store.path.endswith(".bash_history") for s in later.secrets for r, _ in s.hits)


def test_forms_cover_json_escapes() -> None:
    assert forms(b"abc") == [b"abc"]
    assert b'a\\nb\\"c' in forms(b'a\nb"c')
    assert b"a\\/b" in forms(b"a/b")
    assert b"caf\\u00e9" in forms("café".encode())


def test_unescape_undoes_json_escapes_only() -> None:
    assert unescape(b'a\\nb \\"q\\" c\\\\nd e\\/f') == b'a\nb "q" c\\nd e/f'
    assert unescape(b'\0 a\\nb c\\\\n') == b'\0 a\nb c\\n'  # no sentinel misread
    assert unescape(b"plain") == b"plain"


def test_parse_since() -> None:
    assert result_mod.parse_since("2026-01-31") == parse_time("2026-01-31")
    assert result_mod.parse_since("30d") is not None
    from guard.errors import GuardError

    with pytest.raises(GuardError):
        result_mod.parse_since("yesterday-ish")


def test_bad_stores_are_skipped_never_raised(tmp_path: Path) -> None:
    home, project = fakehome.build(tmp_path)
    sessions = home / ".claude" / "projects" / "x"
    sessions.mkdir(parents=True)
    (sessions / "bad.jsonl").write_bytes(b'{"broken": \n\xff\xfe not json ' + STRIPE.encode()
                                         + b"\n{\"ok\": 1}\n")
    os.mkfifo(sessions / "fifo.jsonl")
    outside = tmp_path / "outside.jsonl"
    outside.write_text(f'{{"text": "{STRIPE}"}}\n')
    (sessions / "link.jsonl").symlink_to(outside)
    locked = sessions / "locked.jsonl"
    locked.write_text("{}\n")
    locked.chmod(0)
    (sessions / "gone.jsonl").symlink_to(sessions / "missing.jsonl")
    (home / ".codex" / "broken_1.sqlite").write_bytes(b"not a database at all, " * 10)
    result = result_mod.sweep(str(home), config_mod.Config(), cwd_project=str(project))
    skipped = {os.path.basename(r.store.path): r.skip for r in result.skipped}
    assert "unreadable" in (skipped["gone.jsonl"] or "")
    assert skipped["broken_1.sqlite"] == "not a SQLite database"
    assert "FIFO" in (skipped["fifo.jsonl"] or "")
    assert "out of the home" in (skipped["link.jsonl"] or "")
    if os.geteuid() != 0:
        assert "unreadable" in (skipped["locked.jsonl"] or "")
    bad = next(r for r in result.results if r.store.path.endswith("bad.jsonl"))
    assert bad.skip is None and bad.hits  # scanned as text
    assert bad.notes and "not valid JSON" in bad.notes[0]


def test_a_store_over_max_scan_size_is_skipped(tmp_path: Path) -> None:
    home, project = fakehome.build(tmp_path)
    cfg = config_mod.Config()
    cfg.max_scan_size = 100
    result = result_mod.sweep(str(home), cfg, agents=["claude"], cwd_project=str(project))
    transcript = next(r for r in result.results if r.store.label == "transcript")
    assert transcript.skip and transcript.skip.startswith("too big")
