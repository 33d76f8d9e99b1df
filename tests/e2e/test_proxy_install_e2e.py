"""`guard install AGENT --proxy`, for real, with Gemini CLI, Qwen Code and Codex CLI: the command
exactly as a user runs it (in the repository, the sandbox HOME), then the real client, headless,
against the loopback mock model. Nothing but what Guard wrote points the client at the proxy, and
nothing but the client's own hook starts it: ``--proxy-upstream`` makes that proxy forward to the
mock instead of the public API.

- Gemini CLI: ``GOOGLE_GEMINI_BASE_URL`` in ``.gemini/.env`` (a file the user had, holding the API
  key), a ``SessionStart`` hook in ``.gemini/settings.json`` (a file the user had too).
- Qwen Code: ``OPENAI_BASE_URL`` in ``.qwen/.env`` (new), a ``UserPromptSubmit`` hook in the
  user's ``.qwen/settings.json`` (in the form Qwen Code keeps it: it rewrites one without
  ``"$version"`` on its own).
- Codex CLI (``--user``): a model provider selected first in the user's ``~/.codex/config.toml``
  (which has a ``[model_providers.other]`` table of its own), a ``SessionStart`` hook in
  ``~/.codex/hooks.json``. Codex runs a hook only once a person has reviewed it: no one is here to,
  so the session runs with ``--dangerously-bypass-hook-trust``.

What must hold: the first session starts the proxy (nothing answered on the port before) and the
mock gets the session's requests through it, with the secret of ``cat .env`` replaced by a
placeholder; a second session reuses that proxy (the same process); `guard uninstall AGENT
--proxy` gives every file back byte for byte and removes the ones Guard created. With the port
taken, so that no proxy can start there, the client sends nothing anywhere: Gemini CLI fails
("fetch failed sending request"; its default retries take about five minutes, so the test sets
``general.maxAttempts: 1`` and ``retryFetchErrors: false``), Qwen Code's hook blocks the prompt
(headless, Qwen Code then prints nothing and exits 0; its interactive UI says "UserPromptSubmit
operation blocked by hook" with Guard's reason), Codex CLI keeps retrying ("Reconnecting...
waiting for network") until it is stopped. See /work/shared/reference/agent-clients-headless.md.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from tests.conftest import make_tree
from tests.e2e.clients import CANARY, base_env, client, sandbox, trust
from tests.e2e.mockmodel import FINAL_TEXT, MockModel, Step, tool_results
from tests.e2e.test_clients_e2e import codex_shell

AGENTS = ["gemini", "qwen", "codex"]
PLACEHOLDER = "<redacted:"
API = {"gemini": "gemini", "qwen": "openai", "codex": "openai"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def proxy_pids(port: int) -> list[int]:
    """The `guard proxy` processes listening on ``port`` (started by a client's hook)."""
    proc = subprocess.run(["pgrep", "-f", f"guard proxy --listen 127.0.0.1:{port} "],
                          capture_output=True, text=True, check=False)
    return [int(p) for p in proc.stdout.split()]


@contextmanager
def proxies_stopped(port: int) -> Iterator[None]:
    """At the end, stop the proxies the client's hook started on ``port`` (by their ids)."""
    try:
        yield
    finally:
        for pid in proxy_pids(port):
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)


def answering(port: int) -> bool:
    from guard.commands.proxy import answering as check

    return check("127.0.0.1", port)


# --- the user's own setup, before Guard ------------------------------------------------------

def user_setup(agent: str, repo: Path, home: Path, env: dict[str, str],
               fail_fast: bool = False) -> tuple[dict[str, str], list[Path]]:
    """What the user has before `guard install`: the client signed in (a dummy key), the folder
    trusted, settings of their own. Returns the client's environment and the files Guard may
    touch."""
    if agent == "gemini":
        trust(home, repo, ".gemini")
        general: dict[str, object] = {"disableAutoUpdate": True}
        if fail_fast:
            general.update(maxAttempts=1, retryFetchErrors=False)
        (home / ".gemini" / "settings.json").write_text(json.dumps(
            {"security": {"auth": {"selectedType": "gemini-api-key"}}, "general": general,
             "privacy": {"usageStatisticsEnabled": False}, "telemetry": {"enabled": False}}))
        make_tree(repo, {".gemini/.env": "GEMINI_API_KEY=dummy-e2e-key\n",
                         ".gemini/settings.json": '{\n    "ui": {"hideTips": true}\n}\n'})
        return env, [repo / ".gemini" / ".env", repo / ".gemini" / "settings.json"]
    if agent == "qwen":
        trust(home, repo, ".qwen")
        # as Qwen Code writes it: it rewrites a settings file without "$version" itself
        make_tree(repo, {".qwen/settings.json": '{\n  "general": {\n    "disableAutoUpdate": '
                                                'true\n  },\n  "$version": 4\n}\n'})
        return dict(env, OPENAI_API_KEY="dummy-e2e-key", OPENAI_MODEL="mock-model"), \
            [repo / ".qwen" / ".env", repo / ".qwen" / "settings.json"]
    codex_home = home / ".codex"
    codex_home.mkdir(parents=True, exist_ok=True)
    (codex_home / "config.toml").write_text(
        'model = "mock-model"\n\n[model_providers.other]\nname = "other"\n'
        'base_url = "http://127.0.0.1:9/v1"\nwire_api = "responses"\n\n'
        f'[projects."{repo}"]\ntrust_level = "trusted"\n')
    return dict(env, CODEX_API_KEY="dummy-e2e-key", CODEX_HOME=str(codex_home)), \
        [codex_home / "config.toml", codex_home / "hooks.json"]


def snapshot(paths: list[Path]) -> dict[Path, bytes | None]:
    return {p: p.read_bytes() if p.exists() else None for p in paths}


def guard(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "guard", *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def install_args(agent: str, port: int, mock_url: str) -> list[str]:
    return [agent, "--proxy", "--proxy-port", str(port), "--proxy-upstream",
            f"{API[agent]}={mock_url}", *(["--user"] if agent == "codex" else [])]


def step(agent: str, command: str) -> Step:
    if agent == "codex":
        return codex_shell(command)
    return lambda _request: ("run_shell_command", {"command": command})


def run_client(agent: str, repo: Path, env: dict[str, str],
               timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """One headless session, configured by nothing but the user's setup and what Guard wrote."""
    exe = str(client(agent))
    text = "Look at this project's configuration."
    if agent == "gemini":
        args = [exe, "-p", text, "--output-format", "json", "--approval-mode", "yolo"]
    elif agent == "qwen":
        args = [exe, "--auth-type", "openai", "--approval-mode", "yolo", "--output-format",
                "json", text]
    else:
        args = [exe, "exec", "-s", "workspace-write", "--skip-git-repo-check",
                "--dangerously-bypass-hook-trust", text]
    return subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False, stdin=subprocess.DEVNULL)


def shown(proc: subprocess.CompletedProcess[str]) -> str:
    return f"exit {proc.returncode}\nstdout: {proc.stdout[-1500:]}\nstderr: {proc.stderr[-2500:]}"


# --- the tests ---------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("agent", AGENTS)
def test_install_sends_the_client_through_a_proxy_its_hook_starts(tmp_path: Path,
                                                                  agent: str) -> None:
    client(agent)
    repo, home = sandbox(tmp_path)
    env, files = user_setup(agent, repo, home, base_env(home, tmp_path))
    before = snapshot(files)
    port = free_port()
    with MockModel([step(agent, "cat .env")]) as mock, proxies_stopped(port):
        installed = guard(repo, env, "install", *install_args(agent, port, mock.url))
        assert installed.returncode == 0, installed.stderr
        assert not answering(port), "guard install started a proxy itself"

        first = run_client(agent, repo, env)
        assert first.returncode == 0 and FINAL_TEXT in first.stdout, \
            f"{agent}: the session through guard proxy failed: {shown(first)}"
        started = proxy_pids(port)
        assert len(started) == 1, f"{agent}: the hook did not start one proxy: {started}"
        seen = mock.seen()
        assert seen, f"{agent}: the mock got no request through the proxy"
        assert CANARY.encode() not in seen, f"{agent}: the secret reached the model"
        results = tool_results(mock)
        assert results and PLACEHOLDER in results[0] and "DEBUG=1" in results[0], \
            f"{agent}: `cat .env` did not reach the model redacted: {results[:1]}"

        with mock.lock:
            mock.bodies.clear()
        second = run_client(agent, repo, env)
        assert second.returncode == 0 and FINAL_TEXT in second.stdout, shown(second)
        assert mock.seen(), f"{agent}: the second session sent nothing through the proxy"
        assert proxy_pids(port) == started, f"{agent}: the proxy was not reused"

        removed = guard(repo, env, "uninstall", *install_args(agent, port, mock.url))
        assert removed.returncode == 0, removed.stderr
    after = snapshot(files)
    changed = [str(p) for p in files if after[p] != before[p]]
    assert not changed, f"{agent}: not given back byte for byte: {changed}"


@pytest.mark.slow
@pytest.mark.parametrize("agent", AGENTS)
def test_without_a_proxy_the_client_sends_nothing(tmp_path: Path, agent: str) -> None:
    """The port is taken (bound, not listening: connections are refused) so that the hook's
    proxy cannot start: the client must not reach the model another way."""
    client(agent)
    repo, home = sandbox(tmp_path)
    env, _ = user_setup(agent, repo, home, base_env(home, tmp_path), fail_fast=True)
    with socket.socket() as blocker, MockModel([step(agent, "cat .env")]) as mock:
        blocker.bind(("127.0.0.1", 0))
        port = int(blocker.getsockname()[1])
        with proxies_stopped(port):
            installed = guard(repo, env, "install", *install_args(agent, port, mock.url))
            assert installed.returncode == 0, installed.stderr
            if agent == "codex":  # it retries for as long as it runs
                with pytest.raises(subprocess.TimeoutExpired) as waited:
                    run_client(agent, repo, env, timeout=30)
                out = (waited.value.stdout or b"") + (waited.value.stderr or b"")
                text = out.decode(errors="replace") if isinstance(out, bytes) else str(out)
                assert "Reconnecting" in text, f"codex: no sign of waiting: {text[-2000:]}"
            else:
                proc = run_client(agent, repo, env, timeout=120)
                assert FINAL_TEXT not in proc.stdout, shown(proc)
                if agent == "gemini":
                    assert proc.returncode != 0 and "fetch failed" in proc.stdout + proc.stderr, \
                        shown(proc)
                else:  # the hook blocked the prompt: headless, Qwen Code says nothing of it
                    assert '"result":""' in proc.stdout.replace(" ", ""), shown(proc)
            assert not proxy_pids(port), "a proxy runs on the taken port"
        assert not mock.seen(), f"{agent}: a request reached the model without the proxy"
