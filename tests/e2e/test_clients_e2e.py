"""Codex CLI, Gemini CLI and Qwen Code, for real: `guard install AGENT`, then a headless session
against a loopback mock model that asks for the secrets through the shell and the file tools.
See /work/shared/reference/agent-clients-headless.md for each client's setup and traps."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.clients import (
    assert_guarded,
    base_env,
    client,
    codex_provider,
    gemini_api_key,
    guard_install,
    sandbox,
    trust,
)
from tests.e2e.mockmodel import MockModel, Step

# what the agent's shell is asked to run; every one but the first reveals a secret
SHELL_ATTEMPTS = [
    "cat app.txt",
    "cat .env",
    "grep -r sk_live .",
    "python3 -c 'print(open(\".env\").read())'",
    "cp .env leak.txt && cat leak.txt",
    "cat notes.txt",
    "head .e*",
    "cat ~/.aws/credentials",
    "env",
    "printenv STRIPE_KEY",
]


def run_client(args: list[str], repo: Path, env: dict[str, str], name: str,
               timeout: float = 240) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, f"{name} failed ({proc.returncode}): " \
                                 f"{proc.stdout[-1500:]}\n{proc.stderr[-2500:]}"
    return proc


def tool_names(request: dict[str, Any]) -> set[str]:
    names = set()
    for tool in request.get("tools") or []:
        names.add(tool.get("name") or (tool.get("function") or {}).get("name"))
        for decl in tool.get("functionDeclarations") or []:
            names.add(decl.get("name"))
    return names


# --- Codex CLI ------------------------------------------------------------------------------------

def codex_shell(command: str) -> Step:
    def step(request: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        names = tool_names(request)
        if "exec_command" in names:
            return "exec_command", {"cmd": command}
        if "shell_command" in names:
            return "shell_command", {"command": command}
        return "shell", {"command": ["bash", "-lc", command]}
    return step


def run_codex(exe: Path, repo: Path, home: Path, env: dict[str, str],
              mock: MockModel) -> subprocess.CompletedProcess[str]:
    """``codex exec`` in ``repo`` against ``mock``, with hooks on and the repo trusted."""
    env = dict(env, **codex_provider(home, mock.url, repo, hooks=True))
    return run_client([str(exe), "exec", "-s", "workspace-write", "--skip-git-repo-check",
                       "--dangerously-bypass-hook-trust", "Look at this project's configuration."],
                      repo, env, "codex")


@pytest.mark.slow
def test_codex_never_sends_the_canary(tmp_path: Path) -> None:
    exe = client("codex")
    repo, home = sandbox(tmp_path)
    env = base_env(home, tmp_path)
    guard_install(repo, env, "codex")
    with MockModel([codex_shell(c) for c in SHELL_ATTEMPTS]) as mock:
        run_codex(exe, repo, home, env, mock)
        seen = mock.seen()
    assert_guarded(seen, "Codex CLI")
    assert seen.count(b"Guard: ") >= 6, "fewer denials than expected reached the model"


# --- Gemini CLI -----------------------------------------------------------------------------------

def gemini_steps(repo: Path, home: Path) -> list[Step]:
    def call(name: str, **args: object) -> Step:
        return lambda _request: (name, args)

    return [call("read_file", file_path=str(repo / ".env")),
            call("grep_search", pattern="sk_live", dir_path=str(repo), no_ignore=True),
            *[call("run_shell_command", command=c) for c in SHELL_ATTEMPTS]]


def run_gemini(exe: Path, repo: Path, home: Path, env: dict[str, str],
               mock: MockModel) -> subprocess.CompletedProcess[str]:
    """``gemini -p`` in ``repo`` against ``mock``: API-key auth, the repo trusted, yolo."""
    env = dict(env, **gemini_api_key(home, repo, mock.url))
    return run_client([str(exe), "-p", "Look at this project's configuration.",
                       "--output-format", "json", "--approval-mode", "yolo"], repo, env, "gemini")


@pytest.mark.slow
def test_gemini_cli_never_sends_the_canary(tmp_path: Path) -> None:
    exe = client("gemini")
    repo, home = sandbox(tmp_path)
    env = base_env(home, tmp_path)
    guard_install(repo, env, "gemini")
    with MockModel(gemini_steps(repo, home)) as mock:
        run_gemini(exe, repo, home, env, mock)
        seen = mock.seen()
    assert_guarded(seen, "Gemini CLI")
    assert seen.count(b"Guard: ") >= 6, "fewer denials than expected reached the model"


# --- Qwen Code ------------------------------------------------------------------------------------

def run_qwen(exe: Path, repo: Path, home: Path, env: dict[str, str],
             mock: MockModel) -> subprocess.CompletedProcess[str]:
    """``qwen`` in ``repo`` against ``mock`` (OpenAI chat completions), the repo trusted, yolo."""
    trust(home, repo, ".qwen")
    env = dict(env, OPENAI_BASE_URL=f"{mock.url}/v1", OPENAI_API_KEY="dummy-e2e-key",
               OPENAI_MODEL="mock-model")
    return run_client([str(exe), "--auth-type", "openai", "--approval-mode", "yolo",
                       "--output-format", "json", "Look at this project's configuration."],
                      repo, env, "qwen")


@pytest.mark.slow
def test_qwen_code_never_sends_the_canary(tmp_path: Path) -> None:
    exe = client("qwen")
    repo, home = sandbox(tmp_path)
    env = base_env(home, tmp_path)
    guard_install(repo, env, "qwen")
    with MockModel(gemini_steps(repo, home)) as mock:
        run_qwen(exe, repo, home, env, mock)
        seen = mock.seen()
    # the memory extraction after the session re-sends the conversation: covered by `seen`
    assert_guarded(seen, "Qwen Code")
    assert seen.count(b"Guard: ") >= 6, "fewer denials than expected reached the model"
