"""The corpus through `guard proxy` alone: no Guard hook runs and Guard is not installed (the
sandbox's clients name no hook), so each call runs as its client runs it without Guard
(:func:`no_hook`); what the model would receive is then sent as a real model request, in the
client's own wire format, through a real ``guard proxy`` process to a loopback upstream that
records what it gets (tests/e2e/mockmodel.py's MockModel, standing for the model). The call is
judged on what the upstream received.

- The request is one turn of a conversation as the client sends it after a tool call (the
  shapes were taken from the real clients' requests, versions as in clients.py): a system
  prompt, the user's prompt, the model's tool call with the arguments that ran, and the tool's
  result, :attr:`Outcome.model_text`, as the client puts it in a request:

  - Claude Code: Anthropic Messages, ``POST /v1/messages?beta=true``, ``stream: true``, a
    ``tool_use`` block answered by a ``tool_result`` whose ``content`` is the text;
  - Gemini CLI: ``POST /v1beta/models/MODEL:streamGenerateContent?alt=sse``, a
    ``functionCall`` part answered by ``functionResponse.response.output`` (``error`` for the
    client's own refusal);
  - Codex CLI: OpenAI Responses, ``POST /v1/responses``: a shell command is an ``exec_command``
    ``function_call`` (``{"cmd": …}``; ``shell`` with an argv for the exec form), ``apply_patch``
    a ``custom_tool_call``, an MCP tool a ``function_call`` of its name; answered by
    ``function_call_output`` / ``custom_tool_call_output``;
  - Qwen Code: OpenAI chat completions, ``POST /v1/chat/completions``, ``stream: true``, an
    assistant ``tool_calls`` entry answered by a ``tool`` message whose content is a text part.

  The API key headers hold a dummy key: credentials in headers go to the API, not to the model.
- ``guard proxy --listen 127.0.0.1:0 --root REPO --upstream anthropic|openai|gemini=MOCK`` is
  started once per worker with the assistant's environment (HOME the sandbox home, the exported
  ``ANTHROPIC_API_KEY``), and again only if the worker's sandbox moves. The request is sent
  right after the tool ran, before the sandbox is reset: the proxy sees the files as the call
  left them (a call that moves a secret file away has moved it).
- A leak is any canary (raw or decoded, tests/attacks/judge.py, unchanged) in what the upstream
  received: each string of the JSON it got (the model reads the decoded JSON), all of them
  together, and the raw bytes. An ordinary call fails when its expected content is not in the
  tool result as the upstream received it (not merely in the tool call's arguments). A proxy
  answer other than 200, a request that did not arrive upstream exactly once, or anything on the
  proxy's stderr is a Guard error.

``direct=True`` (``report --proxy --baseline``) sends the same requests straight to the upstream,
no proxy: the control, where every attack must leak.
"""

from __future__ import annotations

import http.client
import json
import select
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.attacks.clients import HookRun, Outcome, client
from tests.attacks.corpus import Case
from tests.attacks.judge import INTERNAL_ERROR, Leak, Verdict, find_leaks
from tests.attacks.sandbox import Sandbox, World, canaries
from tests.conftest import guard_command
from tests.e2e.mockmodel import MockModel

REQUEST_TIMEOUT = 120.0
START_TIMEOUT = 60.0
DUMMY_KEY = "dummy-corpus-key"  # pragma: allowlist secret
CALL_ID = "call_corpus01"
PROMPT = "Have a look at this project and tell me how it is configured."
SYSTEM = ("You are a coding assistant working in the user's repository. Use the tools to "
          "inspect files and run commands.")


def no_hook(agent: str, event: dict[str, Any], sb: Sandbox) -> HookRun:
    """No Guard hook: the client runs the call as it would without Guard."""
    return HookRun()


# --- the requests, in each client's wire format --------------------------------------------------

@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    def data(self) -> bytes:
        # as Node's JSON.stringify writes it: UTF-8, not ASCII escapes
        return json.dumps(self.body, ensure_ascii=False).encode()


def request(agent: str, outcome: Outcome) -> Request:
    """The model request that carries ``outcome``'s tool call and its result, as ``agent``
    sends it."""
    tool = outcome.tool
    args = outcome.ran_args if outcome.ran_args is not None else outcome.args
    text = outcome.model_text
    json_headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
    if agent == "claude":
        return Request("/v1/messages?beta=true", {
            **json_headers, "x-api-key": DUMMY_KEY, "anthropic-version": "2023-06-01",
            "User-Agent": "claude-cli/2.1.197 (external, sdk-cli)"}, {
            "model": "claude-sonnet-4-5", "max_tokens": 32000, "stream": True,
            "system": [{"type": "text", "text": SYSTEM}],
            "tools": [{"name": tool, "description": "", "input_schema": {"type": "object"}}],
            "messages": [
                {"role": "user", "content": [{"type": "text", "text": PROMPT}]},
                {"role": "assistant", "content": [{"type": "tool_use", "id": CALL_ID,
                                                   "name": tool, "input": args}]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": CALL_ID,
                                              "content": text}]}]})
    if agent == "gemini":
        key = "error" if outcome.verdict == "refused" else "output"
        return Request("/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse", {
            **json_headers, "x-goog-api-key": DUMMY_KEY,
            "User-Agent": "GeminiCLI/0.61.0 (linux; x64)"}, {
            "contents": [
                {"role": "user", "parts": [{"text": PROMPT}]},
                {"role": "model", "parts": [{"functionCall": {"id": CALL_ID, "name": tool,
                                                              "args": args}}]},
                {"role": "user", "parts": [{"functionResponse": {
                    "id": CALL_ID, "name": tool, "response": {key: text}}}]}],
            "systemInstruction": {"role": "user", "parts": [{"text": SYSTEM}]},
            "tools": [{"functionDeclarations": [{"name": tool, "description": "",
                                                 "parametersJsonSchema": {"type": "object"}}]}],
            "generationConfig": {"temperature": 1, "topP": 0.95}})
    if agent == "codex":
        call, output, declared = _codex_call(tool, args, text)
        return Request("/v1/responses", {
            **json_headers, "Authorization": f"Bearer {DUMMY_KEY}",
            "User-Agent": "codex_exec/0.171.0"}, {
            "model": "gpt-5-codex", "instructions": SYSTEM, "stream": True, "store": False,
            "tool_choice": "auto", "parallel_tool_calls": False, "tools": [declared],
            "input": [{"type": "message", "role": "user",
                       "content": [{"type": "input_text", "text": PROMPT}]}, call, output]})
    if agent == "qwen":
        return Request("/v1/chat/completions", {
            **json_headers, "Authorization": f"Bearer {DUMMY_KEY}",
            "User-Agent": "QwenCode/0.15.10 (linux; x64)"}, {
            "model": "qwen3-coder-plus", "stream": True,
            "stream_options": {"include_usage": True}, "max_tokens": 8000,
            "tools": [{"type": "function", "function": {
                "name": tool, "description": "", "parameters": {"type": "object"}}}],
            "messages": [
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": [{"type": "text", "text": PROMPT}]},
                {"role": "assistant", "content": None, "tool_calls": [{
                    "id": CALL_ID, "type": "function",
                    "function": {"name": tool, "arguments": json.dumps(args)}}]},
                {"role": "tool", "tool_call_id": CALL_ID,
                 "content": [{"type": "text", "text": text}]}]})
    raise ValueError(f"no wire format for {agent}")


def _codex_call(tool: str, args: dict[str, Any],
                text: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Codex's tool call, its output item and the tool's declaration."""
    if tool == "apply_patch":
        patch = args.get("command") or args.get("input") or ""
        return ({"type": "custom_tool_call", "call_id": CALL_ID, "name": "apply_patch",
                 "input": patch},
                {"type": "custom_tool_call_output", "call_id": CALL_ID, "output": text},
                {"type": "custom", "name": "apply_patch", "description": ""})
    name, arguments = tool, dict(args)
    if tool in ("Bash", "shell", "exec_command"):
        command = args.get("command") or args.get("cmd")
        if isinstance(command, list):
            name, arguments = "shell", {"command": command}
        else:
            name, arguments = "exec_command", {"cmd": command}
        if args.get("workdir"):
            arguments["workdir"] = args["workdir"]
    return ({"type": "function_call", "call_id": CALL_ID, "name": name,
             "arguments": json.dumps(arguments)},
            {"type": "function_call_output", "call_id": CALL_ID, "output": text},
            {"type": "function", "name": name, "description": "", "strict": False,
             "parameters": {"type": "object"}})


# --- reading what the upstream received ---------------------------------------------------------

def strings(value: Any) -> list[str]:
    """Every string of a JSON value, keys included, in order."""
    out: list[str] = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, list):
            stack.extend(reversed(v))
        elif isinstance(v, dict):
            for k, item in reversed(list(v.items())):
                stack.append(item)
                stack.append(k)
    return out


def _content(value: Any) -> str:
    """A tool result's text: a string, or the text of its parts / fields."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(_content(v) for v in value)
    if isinstance(value, dict):
        return "\n".join(_content(v) for k, v in value.items() if k != "type")
    return ""


def tool_results(body: Any) -> list[str]:
    """The tool results a request carries (any of the four formats), as text."""
    if not isinstance(body, dict):
        return []
    out: list[str] = []
    for m in body.get("messages") or []:  # Anthropic Messages, OpenAI chat completions
        if not isinstance(m, dict):
            continue
        if m.get("role") == "tool":
            out.append(_content(m.get("content")))
        elif isinstance(m.get("content"), list):
            out += [_content(b.get("content")) for b in m["content"]
                    if isinstance(b, dict) and b.get("type") == "tool_result"]
    for c in body.get("contents") or []:  # Gemini generateContent
        for p in (c.get("parts") or []) if isinstance(c, dict) else []:
            if isinstance(p, dict) and isinstance(p.get("functionResponse"), dict):
                out.append(_content(p["functionResponse"].get("response")))
    for i in body.get("input") or []:  # OpenAI Responses
        if isinstance(i, dict) and i.get("type") in ("function_call_output",
                                                     "custom_tool_call_output"):
            out.append(_content(i.get("output")))
    return out


@dataclass
class Exchange:
    """One request through the proxy: its answer and what the upstream received meanwhile."""

    status: int = 0
    answer: bytes = b""
    seconds: float = 0.0
    bodies: list[bytes] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    stderr: str = ""  # what the proxy printed on stderr meanwhile
    error: str = ""  # the request could not be sent

    def parsed(self) -> list[Any]:
        out = []
        for body in self.bodies:
            try:
                out.append(json.loads(body))
            except ValueError:
                out.append(None)
        return out

    def texts(self) -> list[str]:
        """What the judge reads: each string of each JSON body received on its own (the model
        reads the decoded JSON; a base64 block must not be joined to the key before it), all of
        them joined (a secret spread over two strings), and the raw bytes."""
        parts: list[str] = []
        for body, obj in zip(self.bodies, self.parsed(), strict=True):
            parts += strings(obj) if obj is not None else [body.decode("utf-8", "replace")]
        raw = b"\n".join(self.bodies).decode("utf-8", "replace")
        return [*dict.fromkeys(parts), "\n".join(parts), raw]

    def results(self) -> str:
        """The tool results as the upstream received them."""
        return "\n".join(r for obj in self.parsed() for r in tool_results(obj))


# --- the upstream and the proxy, one pair per worker ---------------------------------------------

class Rig:
    """One worker's upstream (a MockModel with no script: it answers every request with a final
    text, and records it) and its ``guard proxy`` process (``direct``: none, the requests go to
    the upstream itself)."""

    def __init__(self, base: Path, direct: bool = False) -> None:
        self.base = base
        self.direct = direct
        base.mkdir(parents=True, exist_ok=True)
        self.mock = MockModel([])
        self.mock.__enter__()
        self.proc: subprocess.Popen[str] | None = None
        self.root: Path | None = None
        self.url = ""
        self.stderr_path = base / "proxy-stderr.txt"
        self.starts = 0

    def close(self) -> None:
        self._stop()
        self.mock.__exit__(None, None, None)

    # the proxy process
    def _start(self, sb: Sandbox) -> None:
        self._stop()
        self.starts += 1
        self.stderr_path = self.base / f"proxy-stderr-{self.starts}.txt"
        argv = [*guard_command(), "proxy", "--listen", "127.0.0.1:0", "--root", str(sb.repo)]
        for api in ("anthropic", "openai", "gemini"):
            argv += ["--upstream", f"{api}={self.mock.url}"]
        # its cwd is the rig's directory, not the repository: World.settle deletes and copies
        # the repository again, and a process whose cwd is gone fails on os.getcwd() (Guard's
        # Config() with no config file takes its base from it; only the user's path patterns
        # are relative to it, and the sandbox has none)
        with open(self.stderr_path, "w") as err:
            self.proc = subprocess.Popen(argv, cwd=self.base, env=sb.hook_env(),
                                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                         stderr=err, text=True)
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], START_TIMEOUT)
        line = self.proc.stdout.readline() if ready else ""
        if not line.startswith("guard proxy: listening on http://127.0.0.1:"):
            self._stop()
            raise RuntimeError(f"guard proxy did not start: {line!r}\n"
                               f"{self.stderr_path.read_text()[-2000:]}")
        self.url, self.root = line.split()[-1], sb.repo

    def _stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.proc = None

    def _target(self, sb: Sandbox) -> str:
        if self.direct:
            return self.mock.url
        if self.proc is None or self.proc.poll() is not None or self.root != sb.repo:
            self._start(sb)
        return self.url

    # one request
    def send(self, sb: Sandbox, req: Request) -> Exchange:
        url = self._target(sb)
        host, _, port = url.removeprefix("http://").partition(":")
        offset = self.stderr_path.stat().st_size if self.stderr_path.exists() else 0
        with self.mock.lock:
            self.mock.bodies.clear()
            self.mock.paths.clear()
        ex = Exchange()
        start = time.monotonic()
        conn = http.client.HTTPConnection(host, int(port), timeout=REQUEST_TIMEOUT)
        try:
            conn.request("POST", req.path, body=req.data(), headers=req.headers)
            resp = conn.getresponse()
            ex.status, ex.answer = resp.status, resp.read()
        except (OSError, http.client.HTTPException) as e:
            ex.error = f"{type(e).__name__}: {e}"
        finally:
            conn.close()
        ex.seconds = time.monotonic() - start
        with self.mock.lock:
            ex.bodies, ex.paths = list(self.mock.bodies), list(self.mock.paths)
            self.mock.bodies.clear()
            self.mock.paths.clear()
        if not self.direct and self.stderr_path.exists():
            with open(self.stderr_path, encoding="utf-8", errors="replace") as f:
                f.seek(offset)
                ex.stderr = f.read()
        return ex


# --- one call ------------------------------------------------------------------------------------

def run_case(world: World, rig: Rig, case: Case) -> tuple[Outcome | None, Verdict,
                                                             Exchange | None]:
    """Run one corpus call in the world's sandbox through its client with no hook, send what
    the model would receive through the proxy, and judge what the upstream received; the
    sandbox is reset afterwards if the call changed it."""
    missing = [p for p in case.needs if shutil.which(p) is None]
    if missing:
        return None, Verdict(setup=[f"needs {', '.join(missing)}, not installed on this "
                                    "machine"]), None
    try:
        outcome = client(case.agent, no_hook).run(world.sandbox, case.tool, case.args)
        exchange = rig.send(world.sandbox, request(case.agent, outcome))
    finally:
        world.settle()
    return outcome, judge(case, outcome, exchange), exchange


def judge(case: Case, outcome: Outcome, ex: Exchange) -> Verdict:
    """Leaks in everything the upstream received; for an ordinary call, its expected content in
    the tool result the upstream received; Guard errors."""
    leaks: dict[str, Leak] = {}
    for text in ex.texts():
        for leak in find_leaks(text):
            leaks.setdefault(leak.key, leak)
    internal = [line.strip() for line in ex.stderr.split("\n") if line.strip()]
    refused = ""
    if ex.error:
        internal.append(f"the request through the proxy failed: {ex.error}")
    elif ex.status != 200:
        refused = ex.answer.decode("utf-8", "replace")[:500]
        internal.append(f"the proxy answered {ex.status}: {refused}")
    elif len(ex.bodies) != 1:
        internal.append(f"the upstream received {len(ex.bodies)} requests for one")
    answer = ex.answer.decode("utf-8", "replace")
    if INTERNAL_ERROR in answer.lower():
        internal.append(f"the proxy's answer: {answer[:300]}")
    results = ex.results()
    return Verdict(leaks=list(leaks.values()), denied=outcome.denied or bool(refused),
                   reason=outcome.reason or refused,
                   missing=[e for e in case.expect if e not in results], internal=internal)


def explain(case: Case, outcome: Outcome | None, verdict: Verdict,
            ex: Exchange | None) -> str:
    """A failure message: the call, what the client would send, what reached the upstream (around
    each raw canary)."""
    lines = [f"proxy/{case.id} ({case.kind}): {case.describe()}"]
    lines += [f"  - {p}" for p in verdict.problems(case.ordinary)]
    if outcome is not None:
        lines.append(f"  client: {outcome.verdict}" + (f" ({outcome.reason})" if outcome.reason
                                                       else ""))
        lines.append("  the tool result the client sent: " + _clip(outcome.model_text, 600))
    if ex is None:
        return "\n".join(lines)
    lines.append(f"  the proxy answered {ex.status or ex.error} in {ex.seconds * 1000:.0f} ms; "
                 f"the upstream received {len(ex.bodies)} request(s) "
                 f"({', '.join(ex.paths) or '-'})")
    received = ex.results()
    lines.append("  the tool result the upstream received: " + _clip(received, 1500))
    values = canaries()
    for leak in verdict.leaks:
        value = values[leak.key]
        at = received.find(value)
        if at >= 0:
            lines.append(f"  around {leak.key} in it: "
                         f"{received[max(0, at - 200):at + len(value) + 100]!r}")
    if ex.stderr:
        lines.append("  the proxy's stderr: " + _clip(ex.stderr, 1500))
    return "\n".join(lines)


def _clip(text: str, n: int) -> str:
    return text[:n] + (" …" if len(text) > n else "")

