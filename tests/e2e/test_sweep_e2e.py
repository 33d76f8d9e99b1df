"""`guard sweep`, for real: each assistant CLI runs headless against the loopback mock model
with NO Guard installed and is asked to `cat .env`, so the canary reaches the model and the
client's own stores (transcripts, Codex's SQLite). Then:

1. `guard sweep` reports the canary (by fingerprint, never its value) in that client's store;
2. `guard sweep --scrub --yes` replaces it; no file under the client's home holds it any more;
3. the client resumes the session from its scrubbed store (Claude Code `--resume ID`, Codex
   `exec resume --last`, Gemini CLI `--resume latest`, Qwen Code `--continue`): it exits 0 and
   the resumed conversation it sends holds the placeholder, not the canary;
4. sweeping again finds nothing.

Store formats verified this way: Claude Code 2.1.197, codex-cli 0.171.0, Gemini CLI 0.61.0, Qwen
Code 0.15.10 (guard/sweep/stores.py, VERIFIED).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from guard.detect.finding import fingerprint
from tests.e2e.clients import (
    CANARY,
    base_env,
    client,
    codex_provider,
    gemini_api_key,
    sandbox,
    trust,
)
from tests.e2e.mockmodel import MockModel, Step
from tests.e2e.test_clients_e2e import codex_shell, run_client

RESUMED = "Go on."


def sweep(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "guard", "sweep", *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert CANARY not in proc.stdout + proc.stderr, "guard sweep printed the secret"
    return proc


def call(name: str, **args: object) -> Step:
    return lambda _request: (name, args)


# --- how each client is run, then resumed ---------------------------------------------------------

def claude_run(exe: Path, repo: Path, home: Path, env: dict[str, str], mock: MockModel,
               resume: bool) -> None:
    env = dict(env, ANTHROPIC_BASE_URL=mock.url, ANTHROPIC_API_KEY="sk-ant-dummy-e2e",
               CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1", DISABLE_AUTOUPDATER="1",
               DISABLE_TELEMETRY="1", DISABLE_ERROR_REPORTING="1")
    tools = "Bash,Read,Grep,Glob,Edit,Write"
    args = [str(exe), "-p", RESUMED if resume else "Look at the configuration.",
            "--output-format", "json", "--tools", tools, "--allowedTools", tools]
    if resume:
        session = next((home / ".claude" / "projects").rglob("*.jsonl")).stem
        args += ["--resume", session]
    run_client(args, repo, env, "claude")


def codex_run(exe: Path, repo: Path, home: Path, env: dict[str, str], mock: MockModel,
              resume: bool) -> None:
    env = dict(env, **codex_provider(home, mock.url, repo))
    args = [str(exe), "exec", "-s", "workspace-write", "--skip-git-repo-check"]
    args += ["resume", "--last", RESUMED] if resume else ["Look at this project's configuration."]
    run_client(args, repo, env, "codex")


def gemini_run(exe: Path, repo: Path, home: Path, env: dict[str, str], mock: MockModel,
               resume: bool) -> None:
    env = dict(env, **gemini_api_key(home, repo, mock.url))
    args = [str(exe), "-p", RESUMED if resume else "Look at this project's configuration.",
            "--output-format", "json", "--approval-mode", "yolo"]
    run_client(args + (["--resume", "latest"] if resume else []), repo, env, "gemini")


def qwen_run(exe: Path, repo: Path, home: Path, env: dict[str, str], mock: MockModel,
             resume: bool) -> None:
    trust(home, repo, ".qwen")
    env = dict(env, OPENAI_BASE_URL=f"{mock.url}/v1", OPENAI_API_KEY="dummy-e2e-key",
               OPENAI_MODEL="mock-model")
    args = [str(exe), "--auth-type", "openai", "--approval-mode", "yolo",
            "--output-format", "json"] + (["--continue"] if resume else [])
    run_client([*args, RESUMED if resume else "Look at this project's configuration."], repo,
               env, "qwen")


Runner = Callable[[Path, Path, Path, dict[str, str], MockModel, bool], None]
CLIENTS: dict[str, tuple[Runner, list[Step]]] = {
    "claude": (claude_run, [call("Bash", command="cat .env", description="show")]),
    "codex": (codex_run, [codex_shell("cat .env")]),
    "gemini": (gemini_run, [call("run_shell_command", command="cat .env")]),
    "qwen": (qwen_run, [call("run_shell_command", command="cat .env")]),
}


def holding(home: Path, needle: bytes) -> list[str]:
    return [str(p) for p in home.rglob("*") if p.is_file() and not p.is_symlink()
            and needle in p.read_bytes()]


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CLIENTS))
def test_sweep_finds_scrubs_and_the_client_resumes(tmp_path: Path, name: str) -> None:
    exe = client(name)
    runner, steps = CLIENTS[name]
    repo, home = sandbox(tmp_path)
    env = base_env(home, tmp_path)
    with MockModel(steps) as mock:
        runner(exe, repo, home, env, mock, False)
        assert CANARY.encode() in mock.seen(), f"{name}: the secret never reached the mock"
    stores = holding(home, CANARY.encode())
    assert stores, f"{name} kept no copy of what it saw"

    # 1. the sweep reports it, in that client's own store
    proc = sweep(repo, env, "--format", "json")
    assert proc.returncode == 1, proc.stderr
    report: dict[str, Any] = json.loads(proc.stdout)
    secret = next(s for s in report["secrets"]
                  if s["fingerprint"] == fingerprint(CANARY.encode()))
    seen = {e["store"] for e in secret["seen_in"] if e["agent"] == name}
    assert seen and set(stores) <= seen, (stores, seen)
    assert secret["held_by"] == str(repo / ".env")
    assert all(e["project"] in (str(repo), None) for e in secret["seen_in"])

    # 2. scrubbed: no file of the home holds it any more
    proc = sweep(repo, env, "--scrub", "--yes")
    assert proc.returncode == 0, proc.stderr
    assert not holding(home, CANARY.encode())

    # 3. the client resumes the session from the scrubbed store
    with MockModel([]) as mock:
        runner(exe, repo, home, env, mock, True)
        resumed = mock.seen()
    assert RESUMED.encode() in resumed
    assert CANARY.encode() not in resumed
    assert b"<redacted:stripe-live-secret-key" in resumed, \
        f"{name}: the resumed conversation did not carry the scrubbed tool output"

    # 4. nothing left
    proc = sweep(repo, env)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --- Aider (when installed: not among the npm clients CI installs) --------------------------------

PASTED = "sk_live_" + "51GuardPastedAiderXyZaBcD7788"  # pragma: allowlist secret


def aider_exe() -> str:
    """Aider's executable: GUARD_E2E_AIDER, else `aider` on PATH; the test skips without it (CI
    does not install it: `pip install aider-chat` in a venv of its own, then point
    GUARD_E2E_AIDER at its bin/aider)."""
    import os
    import shutil

    exe = os.environ.get("GUARD_E2E_AIDER") or shutil.which("aider")
    if not exe:
        pytest.skip("aider is not installed (GUARD_E2E_AIDER=/path/to/bin/aider runs this test)")
    return exe


def aider_run(exe: str, repo: Path, env: dict[str, str], mock: MockModel,
              resume: bool) -> None:
    env = dict(env, OPENAI_API_KEY="dummy-e2e-key", OPENAI_API_BASE=f"{mock.url}/v1")
    message = RESUMED if resume else f"Use {PASTED} as the payments key. What is in .env?"
    args = [exe, "--model", "openai/mock-model", "--no-git", "--yes-always",
            "--no-check-update", "--analytics-disable", "--no-show-model-warnings",
            "--no-pretty", "--no-stream", "--message", message]
    args += ["--restore-chat-history"] if resume else [".env"]
    run_client(args, repo, env, "aider")


@pytest.mark.slow
def test_sweep_finds_scrubs_and_aider_restores_its_chat(tmp_path: Path) -> None:
    exe = aider_exe()
    repo, home = sandbox(tmp_path)
    env = base_env(home, tmp_path)
    with MockModel([]) as mock:
        aider_run(exe, repo, env, mock, False)
        assert PASTED.encode() in mock.seen() and CANARY.encode() in mock.seen()
    histories = [repo / ".aider.chat.history.md", repo / ".aider.input.history"]
    assert all(PASTED.encode() in p.read_bytes() for p in histories)

    proc = sweep(repo, env, "--format", "json", "--agent", "aider")
    assert proc.returncode == 1, proc.stderr
    assert PASTED not in proc.stdout
    report = json.loads(proc.stdout)
    secret = next(s for s in report["secrets"]
                  if s["fingerprint"] == fingerprint(PASTED.encode()))
    assert {e["store"] for e in secret["seen_in"]} == {str(p) for p in histories}
    assert all(e["first_seen"] and e["project"] == str(repo) for e in secret["seen_in"])

    proc = sweep(repo, env, "--agent", "aider", "--scrub", "--yes")
    assert proc.returncode == 0, proc.stderr
    assert not any(PASTED.encode() in p.read_bytes() for p in histories)

    with MockModel([]) as mock:  # the scrubbed chat is restored and sent again
        aider_run(exe, repo, env, mock, True)
        resumed = mock.seen()
    assert RESUMED.encode() in resumed and PASTED.encode() not in resumed
    assert b"<redacted:stripe-live-secret-key" in resumed
    assert sweep(repo, env, "--agent", "aider").returncode == 0


# --- a scrub under a running client ---------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", ["claude", "codex"])
def test_scrub_refuses_while_the_client_runs(tmp_path: Path, name: str) -> None:
    """A real client session for this home, waiting on a model that never answers: the scrub
    names it and how to end it, and changes nothing."""
    import socket
    import time

    exe = client(name)
    repo, home = sandbox(tmp_path)
    env = base_env(home, tmp_path)
    runner, steps = CLIENTS[name]
    with MockModel(steps) as mock:  # a first session leaves the canary in the store
        runner(exe, repo, home, env, mock, False)
    before = {p: p.read_bytes() for p in map(Path, holding(home, CANARY.encode()))}
    assert before
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    url = f"http://127.0.0.1:{silent.getsockname()[1]}"
    if name == "claude":
        args = [str(exe), "-p", "hi"]
        run_env = dict(env, ANTHROPIC_BASE_URL=url, ANTHROPIC_API_KEY="sk-ant-dummy-e2e")
    else:
        args = [str(exe), "exec", "--skip-git-repo-check", "hi"]
        run_env = dict(env, **codex_provider(home, url))
    running = subprocess.Popen(args, cwd=repo, env=run_env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        time.sleep(3)
        assert running.poll() is None, f"{name} did not keep running"
        proc = sweep(repo, env, "--scrub", "--yes")
    finally:
        import os
        import signal

        os.killpg(running.pid, signal.SIGKILL)  # the client and the processes it started
        running.wait()
        silent.close()
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"{name} is running (pid " in proc.stderr and str(running.pid) in proc.stderr
    assert all(p.read_bytes() == data for p, data in before.items())


# --- Claude Code's "allow always", in its interactive terminal UI ---------------------------------

def tui_until(fd: int, wanted: bytes, seconds: float) -> bytes:
    """What the terminal UI printed until ``wanted`` shows (escape sequences and spaces taken
    out), or until ``seconds`` passed."""
    import os
    import re
    import select
    import time

    out = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
        if wanted in re.sub(rb"\x1b\[[0-9;?]*[a-zA-Z]|\s", b"", out):
            break
    return out


@pytest.mark.slow
def test_claude_allow_always_keeps_a_key_in_settings_and_sweep_scrubs_it(tmp_path: Path) -> None:
    """In Claude Code's interactive UI, "Yes, and don't ask again" for a command that carries a
    token saves it, token included, as `Bash(GH_TOKEN=ghp_… gh api *)` in the project's
    .claude/settings.local.json (seen with 2.1.197). `guard sweep` reports it there; after the
    scrub the settings are still valid JSON and Claude Code loads them (`claude -p` runs)."""
    import os
    import pty
    import signal
    import time

    from tests.e2e.clients import _github_token

    exe = client("claude")
    repo, home = sandbox(tmp_path)
    env = base_env(home, tmp_path)
    token = _github_token("TuiAllowAlwaysQm2RzT9vXk4NbWc8")
    key = "sk-ant-dummy-e2e-0123456789abcdefghij"  # approved below, as the UI would ask
    (home / ".claude.json").write_text(json.dumps({
        "hasCompletedOnboarding": True, "theme": "dark",
        "customApiKeyResponses": {"approved": [key[-20:]], "rejected": []},
        "projects": {str(repo): {"hasTrustDialogAccepted": True, "allowedTools": []}}}))
    settings = repo / ".claude" / "settings.local.json"
    with MockModel([call("Bash", command=f"GH_TOKEN={token} gh api user",
                         description="who am I")]) as mock:
        tui_env = dict(env, ANTHROPIC_BASE_URL=mock.url, ANTHROPIC_API_KEY=key,
                       TERM="xterm-256color", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1",
                       DISABLE_AUTOUPDATER="1")
        pid, fd = pty.fork()
        if pid == 0:  # the child: Claude Code in a terminal
            os.chdir(repo)
            os.execve(str(exe), [str(exe), "who am i on github?"], tui_env)
        try:
            shown = tui_until(fd, b"don\xe2\x80\x99taskagain", 90)
            assert b"ask" in shown, "no permission prompt"
            os.write(fd, b"2")  # "Yes, and don't ask again for: …"
            deadline = time.monotonic() + 60
            while not settings.exists() and time.monotonic() < deadline:
                tui_until(fd, b"\0", 0.5)
        finally:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(fd)
    assert token in settings.read_text(), "Claude Code did not save the command"

    proc = sweep(repo, env, "--format", "json", "--agent", "claude")
    assert proc.returncode == 1, proc.stderr
    secret = next(s for s in json.loads(proc.stdout)["secrets"]
                  if s["fingerprint"] == fingerprint(token.encode()))
    assert str(settings) in {e["store"] for e in secret["seen_in"]}
    proc = sweep(repo, env, "--agent", "claude", "--scrub", "--yes")
    assert proc.returncode == 0, proc.stderr
    scrubbed = json.loads(settings.read_text())
    assert token not in settings.read_text()
    assert scrubbed["permissions"]["allow"][0].startswith("Bash(GH_TOKEN=<redacted:github-pat")
    with MockModel([]) as mock:  # the settings still load
        claude_run(exe, repo, home, env, mock, False)
    assert sweep(repo, env, "--agent", "claude").returncode == 0
