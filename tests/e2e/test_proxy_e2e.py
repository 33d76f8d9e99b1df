"""`guard proxy` alone, for real: each assistant CLI talks to the loopback mock model through
`guard proxy` (started as the user would, from the same shell: same HOME, same environment,
``--root`` the repository), with NO `guard install`: no hook, no ignore file, nothing in the
client's own settings stands between it and the secrets. The client's base URL is the proxy's:

- Claude Code: ``ANTHROPIC_BASE_URL=PROXY``;
- Gemini CLI: ``GOOGLE_GEMINI_BASE_URL=PROXY``;
- Codex CLI: a model provider with ``base_url = "PROXY/v1"`` and ``wire_api = "responses"``;
- Qwen Code: ``OPENAI_BASE_URL=PROXY/v1``.

The scripted session asks, through the client's shell tool, for ``.env`` (``cat``, a path built
at run time, ``base64``), a token only in git history (``git log -p``), and a secret exported in
the environment (``env``, ``printenv``); the prompt pastes a key, and mentions a secret file as
``@PATH`` where the client attaches mentioned files (Claude Code and Qwen Code: ``@.env``;
Gemini CLI: ``@config/secrets.yaml``, as it skips ``.env`` itself). Qwen Code's memory
extraction, which sends the conversation again after a turn that ends in text, has a session of
its own; and every client runs a short session once more with the mock gzip-compressing its
answers, as the real APIs do.

What must hold: the mock (the upstream, standing for the model) never receives a canary, raw or
base64; it receives ``<redacted:…>`` placeholders where the secrets were and the ordinary file's
content as it is; the client gets the mock's streamed answers intact (its tool calls run, it
exits 0 and prints the mock's final text); the proxy's audit log (``--log``) holds no canary;
and the proxy reports no error on stderr. See /work/shared/reference/agent-clients-headless.md
for each client's setup.
"""

from __future__ import annotations

import json
import select
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import guard_command, make_tree
from tests.e2e.clients import (
    AWS_CANARY,
    CANARY,
    ENV_CANARY,
    ENV_NAME,
    HISTORY_CANARY,
    HISTORY_MESSAGE,
    ORDINARY,
    base_env,
    client,
    codex_provider,
    gemini_api_key,
    leaks,
    sandbox,
    trust,
)
from tests.e2e.mockmodel import FINAL_TEXT, MockModel, Step, tool_results
from tests.e2e.test_clients_e2e import codex_shell
from tests.e2e.test_output_layer_e2e import (
    COMPUTED,
    FILE_CANARY,
    LOADS_DOTENV,
    NAMES,
    SECRETS_FILE,
    Probe,
)

PLACEHOLDER = "<redacted:"
# a key the user pastes into the prompt itself (built here so no key is written in this file)
PASTED_CANARY = "sk_live_" + "51GuardPastedE2eWxYzAbCd8901"  # pragma: allowlist secret
CANARIES = {
    ".env (STRIPE_KEY)": CANARY,
    "~/.aws/credentials": AWS_CANARY,
    "git history (config/deploy.py)": HISTORY_CANARY,
    f"the exported {ENV_NAME}": ENV_CANARY,
    "the key pasted in the prompt": PASTED_CANARY,
    SECRETS_FILE: FILE_CANARY,
}
# the file each client is asked to look at as @PATH in the prompt, which it attaches to the first
# request, and what that request must then hold; Gemini CLI skips a mentioned .env on its own
# ("No files matching the criteria were found or all were skipped"), so it is given the
# repository's other secret file (Codex CLI's `exec` attaches nothing)
MENTIONS = {
    "claude": (".env", ("DEBUG=1", f"STRIPE_KEY={PLACEHOLDER}")),
    "qwen": (".env", ("DEBUG=1", f"STRIPE_KEY={PLACEHOLDER}")),
    "gemini": (SECRETS_FILE, ("channel: deploys", f"bot_token: {PLACEHOLDER}")),
}
PASTED = f"My deploy key is {PASTED_CANARY} if you need it."


def prompt(agent: str) -> str:
    if agent in MENTIONS:
        return f"Look at @{MENTIONS[agent][0]}\n{PASTED}"
    return f"Look at this project's configuration. {PASTED}"


def probes(agent: str) -> list[Probe]:
    dotenv = agent in LOADS_DOTENV
    return [
        Probe("shell", "cat app.txt", (ORDINARY,), (PLACEHOLDER,)),
        Probe("shell", "cat .env", ("DEBUG=1", f"STRIPE_KEY={PLACEHOLDER}")),
        Probe("shell", "git log -p", (HISTORY_MESSAGE, "DEPLOY_REGION", PLACEHOLDER)),
        Probe("shell", COMPUTED, ("DEBUG=1", PLACEHOLDER)),
        Probe("shell", "base64 .env", (PLACEHOLDER,)),
        Probe("shell", "env", (f"{ENV_NAME}={PLACEHOLDER}",
                               *((f"STRIPE_KEY={PLACEHOLDER}",) if dotenv else ()))),
        Probe("shell", f"printenv {ENV_NAME}", (PLACEHOLDER,)),
    ]


def shell_step(agent: str, command: str) -> Step:
    if agent == "claude":
        return lambda _request: ("Bash", {"command": command, "description": "inspect"})
    if agent == "codex":
        return codex_shell(command)
    return lambda _request: ("run_shell_command", {"command": command})


# --- guard proxy, as a process ---------------------------------------------------------------

@dataclass
class Proxy:
    url: str
    log: Path
    stderr: Path


@contextmanager
def guard_proxy(repo: Path, env: dict[str, str], mock: MockModel,
                tmp_path: Path) -> Iterator[Proxy]:
    """`guard proxy` on a free loopback port, with ``mock`` as the upstream of all three APIs,
    in the user's environment (``env``: the sandbox HOME and the exported secret)."""
    log, stderr = tmp_path / "proxy-audit.jsonl", tmp_path / "proxy-stderr.txt"
    args = [*guard_command(), "proxy", "--listen", "127.0.0.1:0", "--root", str(repo),
            "--log", str(log)]
    for name in ("anthropic", "openai", "gemini"):
        args += ["--upstream", f"{name}={mock.url}"]
    with open(stderr, "w") as err:
        proc = subprocess.Popen(args, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=err,
                                text=True, stdin=subprocess.DEVNULL)
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        line = proc.stdout.readline() if ready else ""
        assert line.startswith("guard proxy: listening on http://127.0.0.1:"), \
            f"guard proxy did not start: {line!r}\n{stderr.read_text()[-2000:]}"
        yield Proxy(line.split()[-1], log, stderr)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


# --- the clients, pointed at the proxy --------------------------------------------------------

def run_agent(agent: str, exe: Path, repo: Path, home: Path, env: dict[str, str],
              url: str) -> subprocess.CompletedProcess[str]:
    """One headless session of ``agent`` with its base URL at ``url`` (the exit status is
    checked by the caller, with what the mock received)."""
    text = prompt(agent)
    if agent == "claude":
        tools = "Bash,Read,Grep,Glob,Edit,Write"
        env = dict(env, ANTHROPIC_BASE_URL=url, ANTHROPIC_API_KEY="sk-ant-dummy-e2e",
                   CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1", DISABLE_AUTOUPDATER="1",
                   DISABLE_TELEMETRY="1", DISABLE_ERROR_REPORTING="1")
        args = [str(exe), "-p", text, "--output-format", "json", "--no-session-persistence",
                "--tools", tools, "--allowedTools", tools]
    elif agent == "codex":
        env = dict(env, **codex_provider(home, url, repo))
        args = [str(exe), "exec", "-s", "workspace-write", "--skip-git-repo-check", text]
    elif agent == "gemini":
        env = dict(env, **gemini_api_key(home, repo, url))
        args = [str(exe), "-p", text, "--output-format", "json", "--approval-mode", "yolo"]
    else:
        trust(home, repo, ".qwen")
        env = dict(env, OPENAI_BASE_URL=f"{url}/v1", OPENAI_API_KEY="dummy-e2e-key",
                   OPENAI_MODEL="mock-model")
        args = [str(exe), "--auth-type", "openai", "--approval-mode", "yolo",
                "--output-format", "json", text]
    return subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True, timeout=180,
                          check=False, stdin=subprocess.DEVNULL)


# --- what reached the mock ---------------------------------------------------------------------

def first_turn(mock: MockModel) -> bytes:
    """The first request of the main conversation (it offers tools, and carries no tool result
    yet): the prompt and what the client attached to it."""
    with mock.lock:
        bodies = list(mock.bodies)
    for body in bodies:
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            continue
        if isinstance(request, dict) and request.get("tools") and b"deploy key is" in body:
            return body
    return b""


def received(mock: MockModel, proxy: Proxy) -> str:
    """What the mock received, for a failure message: each request's path and size, and the
    head of each body."""
    with mock.lock:
        pairs = list(zip(mock.paths, mock.bodies, strict=False))
    lines = [f"  POST {path} ({len(body)} bytes): {body[:300]!r}" for path, body in pairs]
    stderr = proxy.stderr.read_text()[-1500:] if proxy.stderr.exists() else ""
    log = proxy.log.read_text()[-1500:] if proxy.log.exists() else "(no audit log)"
    return ("the mock received:\n" + ("\n".join(lines) or "  nothing") +
            f"\nthe proxy's stderr:\n{stderr or '  (empty)'}\nits audit log (tail):\n{log}")


def check(agent: str, proc: subprocess.CompletedProcess[str], mock: MockModel, proxy: Proxy,
          steps: list[Probe]) -> None:
    name = f"{NAMES[agent]} via guard proxy"
    seen = mock.seen()
    results = tool_results(mock)
    got = [*(r[:600] for r in results), *["(no result)"] * len(steps)]
    shown = "\n".join(f"  [{i}] {p.label}\n      -> {got[i]}" for i, p in enumerate(steps))

    leaked = leaks(seen, CANARIES)
    assert not leaked, f"{name}: secrets reached the model: {', '.join(leaked)}\n" \
                       f"what the model received for each step:\n{shown}\n{received(mock, proxy)}"
    assert proc.returncode == 0, \
        f"{name}: the client failed ({proc.returncode}):\nstdout: {proc.stdout[-1500:]}\n" \
        f"stderr: {proc.stderr[-2500:]}\n{received(mock, proxy)}"
    assert FINAL_TEXT in proc.stdout, \
        f"{name}: the client did not print the mock's final answer {FINAL_TEXT!r}:\n" \
        f"stdout: {proc.stdout[-1500:]}\nstderr: {proc.stderr[-1500:]}"
    assert ORDINARY.encode() in seen, \
        f"{name}: the ordinary file's content never reached the mock\n{received(mock, proxy)}"
    assert len(results) >= len(steps), \
        f"{name}: the model received {len(results)} tool results for {len(steps)} steps:\n" \
        f"{shown}\n{received(mock, proxy)}"
    wrong = []
    for i, p in enumerate(steps):
        lacks = [w for w in p.wants if w not in results[i]]
        holds = [n for n in p.never if n in results[i]]
        if lacks or holds:
            wrong.append(f"[{i}] {p.label}: lacks {lacks}, holds {holds}")
    assert not wrong, f"{name}: results not as they must reach the model:\n" + \
        "\n".join(wrong) + f"\nwhat the model received for each step:\n{shown}"

    first = first_turn(mock)
    assert first, f"{name}: no request of the main conversation carried the prompt\n" \
                  f"{received(mock, proxy)}"
    assert f"deploy key is {PLACEHOLDER}stripe".encode() in first, \
        f"{name}: the key pasted in the prompt did not reach the model as a placeholder:\n" \
        f"{first[:3000]!r}"
    if agent in MENTIONS:
        path, wants = MENTIONS[agent]
        assert all(w.encode() in first for w in wants), \
            f"{name}: the file mentioned as @{path} did not reach the model with the prompt, " \
            f"redacted (it must hold {wants}):\n{first[:4000]!r}"

    log = proxy.log.read_bytes() if proxy.log.exists() else b""
    assert not leaks(log, CANARIES), f"{name}: the proxy's audit log holds a canary"
    entries = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert any(e.get("model_call") and e.get("redacted") for e in entries), \
        f"{name}: the audit log records no model call with a secret replaced:\n{log[-2000:]!r}"


def proxy_errors(proxy: Proxy) -> str:
    """What the proxy printed on stderr: nothing, when every request went well."""
    return proxy.stderr.read_text() if proxy.stderr.exists() else ""


def session(agent: str, tmp_path: Path, probes: list[Probe], compress: bool = False,
            direct: bool = False) -> tuple[subprocess.CompletedProcess[str], MockModel, Proxy]:
    """A headless session of ``agent`` through `guard proxy`, without `guard install`, in the
    sandbox (with git history, config/secrets.yaml and a secret exported), running ``probes``;
    with ``compress``, the mock gzips its answers as the real APIs do; with ``direct``, the
    client talks to the mock itself (a control: the proxy runs, unused)."""
    exe = client(agent)
    repo, home = sandbox(tmp_path, history=True)
    make_tree(repo, {SECRETS_FILE: f"slack:\n  channel: deploys\n  bot_token: {FILE_CANARY}\n"})
    env = base_env(home, tmp_path)
    env[ENV_NAME] = ENV_CANARY
    with MockModel([shell_step(agent, p.arg) for p in probes], compress=compress) as mock, \
            guard_proxy(repo, env, mock, tmp_path) as proxy:
        proc = run_agent(agent, exe, repo, home, env, mock.url if direct else proxy.url)
    return proc, mock, proxy


AGENTS = ["claude", "codex", "gemini", "qwen"]


@pytest.mark.slow
@pytest.mark.parametrize("agent", AGENTS)
def test_proxy_alone_keeps_the_secrets_from_the_model(tmp_path: Path, agent: str) -> None:
    """The whole session through the proxy. Last, the proxy's stderr must be empty.

    That last check fails with Guard as of 1c8a704 on Codex CLI, in most runs: Codex closes the
    connection as soon as it has read ``response.completed``, and the proxy's ``write_eof()``
    (the final chunk) then raises ClientConnectionResetError ("Cannot write to closing
    transport"), which aiohttp prints with its traceback ("Error handling request")."""
    steps = probes(agent)
    proc, mock, proxy = session(agent, tmp_path, steps)
    check(agent, proc, mock, proxy, steps)
    # last, so that a failure here says that all the rest held
    assert not proxy_errors(proxy), \
        f"{NAMES[agent]} via guard proxy: the session worked and no secret got through, but the " \
        f"proxy reported errors:\n{proxy_errors(proxy)[-3000:]}"


@pytest.mark.slow
@pytest.mark.parametrize("agent", AGENTS)
def test_compressed_answers_reach_the_client_intact(tmp_path: Path, agent: str) -> None:
    """The real APIs' front ends gzip their answers when the request accepts it (every one of
    these clients sends ``Accept-Encoding: gzip``), server-sent events included: through the
    proxy the client must still get them, decoded, and run the session to its end.

    Fails with Guard as of 1c8a704, on all four clients: the proxy reads the upstream's answer
    without decoding it (auto_decompress=False) and forwards the gzip bytes as they are, but drops
    the ``Content-Encoding`` header, so the client gets gzip bytes it takes for JSON or SSE."""
    steps = probes(agent)[:2]  # cat app.txt, cat .env
    proc, mock, proxy = session(agent, tmp_path, steps, compress=True)
    check(agent, proc, mock, proxy, steps)
    assert mock.compressed, f"{NAMES[agent]}: no answer was compressed (no request accepted " \
                            "gzip): this test proves nothing"


@pytest.mark.slow
def test_qwen_memory_extraction_goes_through_the_proxy(tmp_path: Path) -> None:
    """Qwen Code's memory extraction sends the conversation to the model again after the
    session. It runs only after a main turn that ends in text (after a turn that ends in a tool
    call it has no "cache-safe params" and sends nothing), so this session has no tool call: the
    prompt's pasted key and @.env, and then the extraction's request."""
    proc, mock, proxy = session("qwen", tmp_path, [])
    name = "Qwen Code's memory extraction via guard proxy"
    leaked = leaks(mock.seen(), CANARIES)
    assert not leaked, f"{name}: secrets reached the model: {', '.join(leaked)}\n" \
                       f"{received(mock, proxy)}"
    assert proc.returncode == 0 and FINAL_TEXT in proc.stdout, \
        f"{name}: the client failed ({proc.returncode}):\nstdout: {proc.stdout[-1500:]}\n" \
        f"stderr: {proc.stderr[-2500:]}\n{received(mock, proxy)}"
    with mock.lock:
        extraction = [b for b in mock.bodies if b"Managed memory directory" in b]
    assert extraction, f"{name}: no memory extraction request reached the mock\n" \
                       f"{received(mock, proxy)}"
    wants = (f"deploy key is {PLACEHOLDER}stripe", "DEBUG=1", f"STRIPE_KEY={PLACEHOLDER}")
    lacks = [w for w in wants if w.encode() not in extraction[0]]
    assert not lacks, f"{name}: the extraction request lacks {lacks}:\n{extraction[0][:4000]!r}"
    assert not proxy_errors(proxy), f"{name}: the proxy reported errors:\n{proxy_errors(proxy)}"
