"""``guard proxy`` as a real process on loopback, between a real HTTP client and the loopback
mock of the model APIs (tests/e2e/mockmodel.py) as its upstream: what reaches the "model" holds
no secret, answers come back unchanged, and nobody but a loopback client gets through."""

from __future__ import annotations

import base64
import json
import select
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import git_init, guard_command, guard_env, make_tree
from tests.e2e.mockmodel import MockModel

# Fake values made up for these tests.
CANARY = "sk_live_" + "51C3J27XDCG2LmlZGEONYlgCtj"  # pragma: allowlist secret  (random, made up)
PASSWORD = "Wx7-proxy-Pw-9q"  # pragma: allowlist secret
AWS = "wJalrXUtnFEMI/K7MDENG/bPxRfiProxyKEY9"  # pragma: allowlist secret
ORDINARY = "ordinary-content-9d2a"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("proxy")
    repo = git_init(base / "repo")
    home = base / "home"
    make_tree(repo, {".env": f"STRIPE_KEY={CANARY}\nDB_PASSWORD={PASSWORD}\n",
                     "app.txt": f"{ORDINARY}\n"})
    make_tree(home, {".aws/credentials": f"[default]\naws_secret_access_key = {AWS}\n"})
    return repo, home


class Running:
    def __init__(self, proc: subprocess.Popen[str], url: str, log: Path) -> None:
        self.proc, self.url, self.log = proc, url, log


@pytest.fixture
def proxy(sandbox: tuple[Path, Path], tmp_path: Path) -> Iterator[tuple[Running, MockModel]]:
    repo, home = sandbox
    with MockModel([]) as mock:
        log = tmp_path / "audit.jsonl"
        args = [*guard_command(), "proxy", "--listen", "127.0.0.1:0", "--log", str(log),
                "--root", str(repo)]
        for name in ("anthropic", "openai", "gemini"):
            args += ["--upstream", f"{name}={mock.url}"]
        env = guard_env(tmp_path / "cache", {"HOME": str(home)})
        proc = subprocess.Popen(args, cwd=repo, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None
            ready, _, _ = select.select([proc.stdout], [], [], 60)
            assert ready, "guard proxy printed no address"
            line = proc.stdout.readline()
            assert line.startswith("guard proxy: listening on http://127.0.0.1:"), line
            yield Running(proc, line.split()[-1], log), mock
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def post(url: str, path: str, body: bytes | dict[str, object],
         headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def leaked(seen: bytes) -> list[str]:
    values = [CANARY, PASSWORD, AWS]
    forms = values + [base64.b64encode(v.encode()).decode()[4:-4] for v in values]
    return [v for v in forms if v.encode() in seen]


ENV_TEXT = f"STRIPE_KEY={CANARY}\nDB_PASSWORD={PASSWORD}\n"

REQUESTS = {
    "anthropic": ("/v1/messages?beta=true", {"x-api-key": "sk-ant-dummy",
                                             "anthropic-version": "2023-06-01"},
                  {"model": "m", "stream": True, "max_tokens": 10, "messages": [
                      {"role": "user", "content": f"my key is {CANARY}, read {ORDINARY}"},
                      {"role": "assistant", "content": [
                          {"type": "tool_use", "id": "t1", "name": "Bash",
                           "input": {"command": "cat .env"}}]},
                      {"role": "user", "content": [
                          {"type": "tool_result", "tool_use_id": "t1", "content": ENV_TEXT}]}]}),
    "openai-chat": ("/v1/chat/completions", {"Authorization": "Bearer dummy"},
                    {"model": "m", "stream": True, "messages": [
                        {"role": "user", "content": f"{ORDINARY} and aws {AWS}"},
                        {"role": "tool", "tool_call_id": "c1", "content": ENV_TEXT}]}),
    "openai-responses": ("/v1/responses", {"Authorization": "Bearer dummy"},
                         {"model": "m", "stream": True, "input": [
                             {"role": "user", "content": ORDINARY},
                             {"type": "function_call_output", "call_id": "c1",
                              "output": base64.b64encode(ENV_TEXT.encode()).decode()}]}),
    "gemini": ("/v1beta/models/m:streamGenerateContent?alt=sse",
               {"x-goog-api-key": "dummy"},
               {"contents": [{"role": "user", "parts": [{"text": f"{ORDINARY} {CANARY}"}]},
                             {"role": "user", "parts": [{"functionResponse": {
                                 "name": "run_shell_command",
                                 "response": {"output": ENV_TEXT}}}]}]}),
}


@pytest.mark.parametrize("name", list(REQUESTS))
def test_no_secret_reaches_the_model_and_answers_stream_back(
        proxy: tuple[Running, MockModel], name: str) -> None:
    running, mock = proxy
    path, headers, body = REQUESTS[name]
    status, answer = post(running.url, path, body, headers)
    assert status == 200, answer
    seen = mock.seen()
    assert leaked(seen) == []
    assert ORDINARY.encode() in seen and b"<redacted:" in seen
    assert b"data: " in answer  # the mock's server-sent events, passed through
    log = [json.loads(line) for line in running.log.read_text().splitlines()]
    # the Responses request's tool output is one line of base64: replaced whole, by a
    # placeholder saying what it held (base64-of-…); the others hold two secrets each
    expected = 1 if name == "openai-responses" else 2
    assert log[-1]["api"] == name.split("-")[0] and log[-1]["redacted"] >= expected
    if name == "openai-responses":
        assert b"<redacted:base64-of-" in seen
    assert all(set(p) == {"rule", "fingerprint"} for p in log[-1]["placeholders"])
    assert leaked(running.log.read_bytes()) == []


def test_answers_arrive_byte_for_byte(proxy: tuple[Running, MockModel]) -> None:
    running, mock = proxy
    path, headers, body = REQUESTS["anthropic"]
    direct = urllib.request.Request(mock.url + path, data=json.dumps(body).encode(),
                                    method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(direct, timeout=60) as resp:
        expected = resp.read()
    assert post(running.url, path, body, headers) == (200, expected)


def test_placeholders_are_deterministic(proxy: tuple[Running, MockModel]) -> None:
    running, mock = proxy
    path, headers, body = REQUESTS["openai-chat"]
    post(running.url, path, body, headers)
    post(running.url, path, body, headers)
    first, second = mock.bodies[-2:]
    assert first == second and b"<redacted:" in first  # prompt caches keep hitting


def test_a_request_without_secrets_is_forwarded_unchanged(
        proxy: tuple[Running, MockModel]) -> None:
    running, mock = proxy
    raw = b'{"model": "m",   "messages": [{"role": "user", "content": "hello"}]}'
    status, _ = post(running.url, "/v1/chat/completions", raw, {"Authorization": "Bearer x"})
    assert status == 200 and mock.bodies[-1] == raw


@pytest.mark.parametrize(("headers", "fragment"), [
    ({"Origin": "https://evil.example"}, "browser"),
    ({"Host": "evil.example"}, "loopback requests only"),
])
def test_browser_and_foreign_hosts_are_refused(proxy: tuple[Running, MockModel],
                                               headers: dict[str, str], fragment: str) -> None:
    running, mock = proxy
    before = len(mock.bodies)
    status, answer = post(running.url, "/v1/messages", {"messages": []},
                          {"x-api-key": "k", **headers})
    assert status == 403 and fragment in json.loads(answer)["error"]["message"]
    assert len(mock.bodies) == before


def test_a_body_guard_cannot_read_passes_only_without_secrets(
        proxy: tuple[Running, MockModel]) -> None:
    running, mock = proxy
    status, answer = post(running.url, "/v1/messages", f"not json {CANARY}".encode(),
                          {"x-api-key": "k"})
    assert status == 400 and b"guard_proxy_error" in answer and CANARY.encode() not in answer
    assert CANARY.encode() not in mock.seen()
    status, _ = post(running.url, "/v1/messages", b"not json, nothing secret",
                     {"x-api-key": "k"})
    assert status == 200 and mock.bodies[-1] == b"not json, nothing secret"


def test_an_unknown_api_is_refused_with_a_hint(proxy: tuple[Running, MockModel]) -> None:
    running, _ = proxy
    status, answer = post(running.url, "/something/else", {"x": 1})
    assert status == 404 and b"/anthropic, /openai or /gemini" in answer


def test_an_upstream_that_is_down_gives_a_502(sandbox: tuple[Path, Path],
                                              tmp_path: Path) -> None:
    repo, home = sandbox
    proc = subprocess.Popen([*guard_command(), "proxy", "--upstream",
                             "anthropic=http://127.0.0.1:9", "--root", str(repo)],
                            cwd=repo, env=guard_env(tmp_path, {"HOME": str(home)}),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().split()[-1]
        status, answer = post(url, "/v1/messages", {"messages": []}, {"x-api-key": "k"})
        assert status == 502 and b"could not reach the anthropic API" in answer
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.parametrize(("args", "message"), [
    (["--listen", "0.0.0.0:0"], "loopback only"),
    (["--listen", "nonsense"], "expected HOST:PORT"),
    (["--upstream", "mistral=http://x"], "expected NAME=URL"),
])
def test_bad_options_are_clear_errors(args: list[str], message: str, tmp_path: Path) -> None:
    proc = subprocess.run([*guard_command(), "proxy", *args], capture_output=True, text=True,
                          env=guard_env(tmp_path), timeout=60, check=False)
    assert proc.returncode == 2 and message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_gemini_streaming_is_a_model_call() -> None:
    from guard.proxy import apis

    assert apis.model_call("gemini", "/v1beta/models/m:streamGenerateContent")
    assert apis.model_call("gemini", "/v1beta/models/m:generateContent")
    assert not apis.model_call("gemini", "/v1beta/models")


def test_a_start_directory_that_is_gone_changes_nothing(sandbox: tuple[Path, Path],
                                                        tmp_path: Path) -> None:
    """A proxy started from a directory that is later removed (a session's temp folder) keeps
    redacting for its --root: nothing of it depends on its working directory."""
    repo, home = sandbox
    start = tmp_path / "start"
    start.mkdir()
    with MockModel([]) as mock:
        proc = subprocess.Popen([*guard_command(), "proxy", "--upstream", f"openai={mock.url}",
                                 "--root", str(repo)],
                                cwd=start, env=guard_env(tmp_path / "cache", {"HOME": str(home)}),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().split()[-1]
            start.rmdir()
            status, _ = post(url, "/v1/chat/completions",
                             {"model": "m", "messages": [{"role": "tool", "content": ENV_TEXT}]},
                             {"Authorization": "Bearer dummy"})
            assert status == 200
            assert mock.bodies and not leaked(mock.bodies[-1])
        finally:
            proc.terminate()
            _, err = proc.communicate(timeout=30)
        assert "Traceback" not in err


def test_a_second_project_registers_its_secret_files(proxy: tuple[Running, MockModel],
                                                     tmp_path: Path) -> None:
    """One proxy serves the sessions of every project set to its port: ``guard proxy --ensure``
    run in another project (its session start) finds it running and makes it know that
    project's secret files too. A value only a file can tell is secret (no rule knows it)
    leaks before and is redacted after."""
    running, mock = proxy
    other = git_init(tmp_path / "other")
    value = "q8W2-Lp4z-Rt7m-Xc3v"  # pragma: allowlist secret  (made up; no rule's shape)
    make_tree(other, {"deploy.env": f"SALT={value}\n", "config/.env.local": "A=1\n"})
    body = {"model": "m", "messages": [{"role": "tool", "content": f"SALT={value}\n"}]}
    post(running.url, "/v1/chat/completions", body, {"Authorization": "Bearer dummy"})
    assert value.encode() in mock.bodies[-1]  # what the test relies on: unknown before

    port = running.url.rsplit(":", 1)[1]
    ensure = subprocess.run([*guard_command(), "proxy", "--ensure", "--listen",
                             f"127.0.0.1:{port}", "--root", str(other)], capture_output=True,
                            text=True, env=guard_env(tmp_path / "cache"), timeout=60, check=False)
    assert ensure.returncode == 0, ensure.stderr
    post(running.url, "/v1/chat/completions", body, {"Authorization": "Bearer dummy"})
    assert value.encode() not in mock.bodies[-1]
    # the first project's values are still known
    post(running.url, "/v1/chat/completions",
         {"model": "m", "messages": [{"role": "tool", "content": ENV_TEXT}]},
         {"Authorization": "Bearer dummy"})
    assert not leaked(mock.bodies[-1])


def test_registration_takes_only_a_local_absolute_directory(
        proxy: tuple[Running, MockModel], tmp_path: Path) -> None:
    running, _ = proxy
    assert post(running.url, "/_guard/roots", {"root": "relative"})[0] == 400
    assert post(running.url, "/_guard/roots", {"root": str(tmp_path / "missing")})[0] == 400
    assert post(running.url, "/_guard/roots", b"not json")[0] == 400
    status, _ = post(running.url, "/_guard/roots", {"root": str(tmp_path)},
                     {"Origin": "https://example.invalid"})
    assert status == 403
