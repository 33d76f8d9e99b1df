"""Claude Code, for real: `guard install claude`, then a headless session against a loopback
mock of the Messages API that asks for the secrets every way it can."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.e2e.clients import ORDINARY, assert_guarded, base_env, client, guard_install, sandbox
from tests.e2e.mockmodel import MockModel, Step


def steps(repo: Path, home: Path) -> list[Step]:
    def call(name: str, **args: object) -> Step:
        return lambda _request: (name, args)

    return [
        call("Read", file_path=str(repo / ".env")),
        call("Read", file_path=str(repo / "app.txt")),
        call("Bash", command="cat .env", description="show env"),
        call("Grep", pattern="sk_live", path=str(repo), output_mode="content"),
        call("Grep", pattern="STRIPE", glob="*.env*", output_mode="content"),
        call("Bash", command="python3 -c 'print(open(\".env\").read())'", description="py"),
        call("Bash", command="cp .env leak.txt && cat leak.txt", description="copy"),
        call("Bash", command="cat .e*", description="glob"),
        call("Read", file_path=str(repo / "notes.txt")),
        call("Bash", command="cat ~/.aws/credentials", description="aws"),
        call("Read", file_path=str(home / ".aws" / "credentials")),
        call("Bash", command="grep -r sk_live . ; env", description="recursive"),
    ]


def run_claude(exe: Path, repo: Path, env: dict[str, str],
               mock: MockModel) -> subprocess.CompletedProcess[str]:
    """``claude -p`` in ``repo`` against ``mock``, with the file tools and Bash allowed."""
    env = dict(env, ANTHROPIC_BASE_URL=mock.url, ANTHROPIC_API_KEY="sk-ant-dummy-e2e",
               CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1", DISABLE_AUTOUPDATER="1",
               DISABLE_TELEMETRY="1", DISABLE_ERROR_REPORTING="1")
    tools = "Bash,Read,Grep,Glob,Edit,Write"
    proc = subprocess.run([str(exe), "-p", "Look at the configuration of this project.",
                           "--output-format", "json", "--no-session-persistence",
                           "--tools", tools, "--allowedTools", tools], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=180, check=False,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, f"claude failed: {proc.stdout[-1500:]}{proc.stderr[-1500:]}"
    return proc


@pytest.mark.slow
def test_claude_code_never_sends_the_canary(tmp_path: Path) -> None:
    exe = client("claude")
    repo, home = sandbox(tmp_path)
    env = base_env(home, tmp_path)
    guard_install(repo, env, "claude")
    with MockModel(steps(repo, home)) as mock:
        run_claude(exe, repo, env, mock)
        seen = mock.seen()
    assert_guarded(seen, "Claude Code")
    assert b"<redacted:" in seen, "the Read of .env was not redirected to the redacted view"
    assert seen.count(b"Guard: ") >= 8, "fewer denials than expected reached the model"
    assert ORDINARY.encode() in seen
