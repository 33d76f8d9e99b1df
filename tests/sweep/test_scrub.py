"""`guard sweep --scrub`: each secret replaced by its placeholder in place, and nothing else in
any file changes; formats stay valid; modes and times are kept."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

from guard import config as config_mod
from guard.detect.redact import placeholder
from guard.sweep import result as result_mod
from guard.sweep import scrub
from guard.sweep.search import forms
from tests.sweep import fakehome
from tests.sweep.fakehome import GITHUB, PASSWORD, PRIVATE_KEY, STRIPE

SECRETS = (STRIPE, GITHUB, PASSWORD, PRIVATE_KEY)


def snapshot(root: Path) -> dict[str, tuple[bytes, int, int]]:
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            st = path.stat()
            out[str(path)] = (path.read_bytes(), st.st_mtime_ns, stat.S_IMODE(st.st_mode))
    return out


def expected(data: bytes, result: result_mod.SweepResult) -> bytes:
    """``data`` with every secret found (and each JSON form of it) replaced by its placeholder:
    what a scrubbed store must hold, byte for byte."""
    holders = {s.fingerprint: None for s in result.secrets}
    pairs = []
    for s in result.secrets:
        for _r, hit in s.hits:
            for form in forms(hit.value):
                pairs.append((form, placeholder(hit.value, hit.rule_id)))
    assert holders
    for form, holder in sorted(set(pairs), key=lambda p: -len(p[0])):
        data = data.replace(form, holder)
    return data


def test_scrub_changes_only_the_secret_spans(tmp_path: Path) -> None:
    home, project = fakehome.build(tmp_path)
    (home / ".bash_history").chmod(0o600)
    cfg = config_mod.Config()
    result = result_mod.sweep(str(home), cfg, cwd_project=str(project))
    before = snapshot(tmp_path)
    targets = {r.store.path for r in result.with_secrets}
    for r in result.with_secrets:
        outcome = scrub.scrub(r, str(home))
        assert outcome.error is None and outcome.replaced, r.store.path
    after = snapshot(tmp_path)
    assert before.keys() == after.keys()  # no file added (no temporary file left), none lost
    for path, (old, mtime, mode) in before.items():
        new, new_mtime, new_mode = after[path]
        assert (new_mtime, new_mode) == (mtime, mode), path
        if path not in targets or path.endswith(".sqlite"):
            if not path.endswith(".sqlite"):
                assert new == old, f"{path} changed but holds no secret"
            continue
        assert new == expected(old, result), path
        for secret in SECRETS:
            for form in forms(secret.encode()):
                assert form not in new, path
        if path.endswith(".jsonl"):
            for line in new.splitlines():
                if line.strip() and not line.startswith(b'{"broken'):
                    json.loads(line)
        if path.endswith(".json"):
            json.loads(new)
    # the files that are no store keep their secrets
    assert STRIPE.encode() in (project / ".env").read_bytes()
    assert STRIPE.encode() in (home / "notes" / "keep.txt").read_bytes()
    # SQLite: updated through sqlite3, still a database, the secret gone
    db = sqlite3.connect(home / ".codex" / "thread_history_1.sqlite")
    rows = [r[0] for r in db.execute("SELECT item_json FROM thread_items")]
    db.close()
    assert not any(GITHUB in r for r in rows) and any("<redacted:" in r for r in rows)
    json.loads(rows[0])
    again = result_mod.sweep(str(home), cfg, cwd_project=str(project))
    assert not again.secrets


def test_a_record_that_would_break_is_not_written(tmp_path: Path) -> None:
    from guard.sweep.hits import Hit, StoreResult
    from guard.sweep.stores import Store

    path = tmp_path / "t.jsonl"
    path.write_bytes(b'{"a": "x"}\n')
    r = StoreResult(Store("claude", str(path), "jsonl", "transcript"))
    hit = Hit(b'"x"', "r", "d", "high", "")  # its raw form spans the JSON quotes
    r.hits.append(hit)
    outcome = scrub.scrub(r, str(tmp_path))
    assert outcome.error and "invalid" in outcome.error
    assert path.read_bytes() == b'{"a": "x"}\n'


def test_no_temporary_file_is_left_when_writing_fails(tmp_path: Path) -> None:
    home, project = fakehome.build(tmp_path)
    result = result_mod.sweep(str(home), config_mod.Config(), agents=["shell"],
                              cwd_project=str(project))
    target = next(r for r in result.with_secrets if r.store.path.endswith(".zsh_history"))
    if os.geteuid() == 0:
        return  # root writes anywhere
    home.chmod(0o500)
    try:
        outcome = scrub.scrub(target, str(home))
    finally:
        home.chmod(0o700)
    assert outcome.error and not list(home.glob(".*.guard-sweep.*"))
