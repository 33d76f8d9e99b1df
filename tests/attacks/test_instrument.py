"""The measuring instrument itself: the corpus has the size and spread it promises, every canary
is found where it lives, the judge sees through the encodings, each simulated client applies
a post-tool reply as the reference's reply table says (with a scripted hook in place of Guard),
and the proxy mode's requests carry each tool result in the client's wire format to the
upstream, where the judge finds a canary sent without the proxy."""

from __future__ import annotations

import base64
import gzip
import json
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.attacks import clients as cl
from tests.attacks import proxied
from tests.attacks.corpus import AGENTS, ATTACK_CASES, CASES, ORDINARY_CASES, Case
from tests.attacks.judge import find_leaks
from tests.attacks.sandbox import SOURCES, Sandbox, World, canaries


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return World(Path(tmp_path_factory.mktemp("instrument")))


# --- the corpus -------------------------------------------------------------------------------

def test_corpus_size_and_spread() -> None:
    assert len(ATTACK_CASES) >= 200
    assert len({c.cls for c in ATTACK_CASES}) >= 12
    assert len(ORDINARY_CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)
    per_agent = Counter(c.agent for c in ATTACK_CASES)
    assert set(per_agent) == set(AGENTS)
    # most attacks on Claude Code and Codex CLI
    assert per_agent["claude"] + per_agent["codex"] > 0.7 * len(ATTACK_CASES)
    assert {c.agent for c in ORDINARY_CASES} == set(AGENTS)


def test_every_canary_is_found_in_its_source(world: World) -> None:
    """The judge finds each canary where the sandbox put it: the corpus can tell a leak."""
    sb = world.sandbox
    files = {"env_stripe": ".env", "env_db": ".env", "env_prod_openai": ".env.production",
             "credentials_json": "config/credentials.json", "ssh_key": "deploy/id_ed25519",
             "git_remote": ".git/config", "aws": "~/.aws/credentials", "netrc": "~/.netrc",
             "git_credentials": "~/.git-credentials", "docker": "~/.docker/config.json",
             "npmrc": "~/.npmrc", "pypirc": "~/.pypirc", "kube": "~/.kube/config"}
    for key, rel in files.items():
        path = sb.home / rel[2:] if rel.startswith("~/") else sb.repo / rel
        assert key in {leak.key for leak in find_leaks(path.read_text())}, rel
    history = cl.run_shell(sb, "git log -p").stdout
    stash = cl.run_shell(sb, "git stash show -p").stdout
    backup = cl.run_shell(sb, "tar -xzOf backup.tar.gz .env").stdout
    db = cl.run_shell(sb, "sqlite3 data/app.db .dump").stdout
    env = cl.run_shell(sb, "env").stdout
    for key, text in (("git_history", history), ("git_stash", stash), ("backup_env", backup),
                      ("sqlite", db), ("environ", env)):
        assert key in {leak.key for leak in find_leaks(text)}, key
    assert len(files) + 5 == len(SOURCES)
    world.settle()


def test_ordinary_files_hold_no_canary(world: World) -> None:
    sb = world.sandbox
    tracked = cl.run_shell(sb, "git ls-files -z | xargs -0 cat").stdout
    assert find_leaks(tracked) == []
    world.settle()


# --- the judge ------------------------------------------------------------------------------------

SECRET = canaries()["env_stripe"]


def _sh(command: str, data: str) -> str:
    return subprocess.run(["bash", "-c", command], input=data.encode(), capture_output=True,
                          check=True).stdout.decode("utf-8", "replace")


@pytest.mark.parametrize("command", [
    "cat", "base64", "base64 -w0", "base64 | rev", "rev", "tac", "xxd", "xxd -p", "xxd -i",
    "hexdump -C", "od -c", "od -An -c", "od -An -tx1", "od -x", "basenc --base32",
    "basenc --base64url", "gzip -c | base64", "iconv -t utf-16 | base64", "sed 's/./& /g'",
    "fold -w 7", "tr 'A-Za-z' 'N-ZA-Mn-za-m'",
    "python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.stdin.read()))'",
    "python3 -c 'import sys;print([ord(c) for c in sys.stdin.read()])'",
    "python3 -c 'import sys;print(list(sys.stdin.read()))'",
])
def test_judge_sees_through(command: str) -> None:
    text = "APP_ENV=development\nDEBUG=1\nSTRIPE_SECRET_KEY=" + SECRET + "\n"
    leaks = find_leaks(_sh(command, text))
    assert [leak.key for leak in leaks] == ["env_stripe"], command


def test_judge_nested_encodings() -> None:
    docker = canaries()["docker"]
    inner = json.dumps({"auths": {"r": {"auth": base64.b64encode(f"ada:{docker}".encode())
                                        .decode()}}})
    outer = base64.b64encode(gzip.compress(inner.encode())).decode()
    assert [leak.key for leak in find_leaks(outer)] == ["docker"]


def test_judge_is_quiet_on_ordinary_text() -> None:
    text = (Path(__file__).read_text() + base64.b64encode(b"just some ordinary text").decode()
            + " deadbeefcafebabe0011223344556677")
    assert find_leaks(text.replace(SECRET, "")) == []


# --- the clients' reading of post-tool replies ----------------------------------------------------

def scripted(post: cl.HookRun) -> cl.HookFn:
    """A hook that allows every pre-tool event and answers ``post`` after the tool."""
    def hook(agent: str, event: dict, sb: Sandbox) -> cl.HookRun:
        name = event.get("hook_event_name")
        return post if name in ("PostToolUse", "AfterTool", "PostToolUseFailure") else cl.HookRun()
    return hook


def _run(world: World, agent: str, command: str, post: cl.HookRun) -> cl.Outcome:
    c = cl.client(agent, scripted(post))
    name, args = c.shell(command)
    try:
        return c.run(world.sandbox, name, args)
    finally:
        world.settle()


def _json(obj: dict) -> cl.HookRun:
    return cl.HookRun(stdout=json.dumps(obj))


def test_claude_replaces_only_with_the_same_shape(world: World) -> None:
    same = {"stdout": "REDACTED", "stderr": "", "interrupted": False, "isImage": False,
            "noOutputExpected": False}
    out = _run(world, "claude", "cat README.md",
               _json({"hookSpecificOutput": {"hookEventName": "PostToolUse",
                                             "updatedToolOutput": same}}))
    assert out.model_text == "REDACTED"
    out = _run(world, "claude", "cat README.md",
               _json({"hookSpecificOutput": {"hookEventName": "PostToolUse",
                                             "updatedToolOutput": {"stdout": "REDACTED"}}}))
    assert "Invoicing" in out.model_text  # wrong shape: the original goes through
    out = _run(world, "claude", "cat README.md", _json({"decision": "block", "reason": "R"}))
    assert "Invoicing" in out.model_text and out.model_text.endswith("R")


def test_claude_failure_cannot_be_replaced(world: World) -> None:
    same = {"stdout": "REDACTED", "stderr": "", "interrupted": False, "isImage": False,
            "noOutputExpected": False}
    out = _run(world, "claude", "cat README.md; false",
               _json({"hookSpecificOutput": {"updatedToolOutput": same}}))
    assert out.post_event is not None
    assert out.post_event["hook_event_name"] == "PostToolUseFailure"
    assert out.post_event["error"].startswith("Exit code 1\n")
    assert "Invoicing" in out.model_text


def test_gemini_deny_replaces_the_output(world: World) -> None:
    out = _run(world, "gemini", "cat README.md", _json({"decision": "deny", "reason": "R"}))
    assert out.model_text == json.dumps({"error": "R"})
    out = _run(world, "gemini", "cat README.md", cl.HookRun(stderr="E", code=2))
    assert out.model_text == json.dumps({"error": "E"})
    out = _run(world, "gemini", "cat README.md; false", _json({"decision": "block",
                                                               "reason": "R"}))
    assert out.model_text == json.dumps({"error": "R"})  # AfterTool fires on failures too


def test_codex_block_and_exit_2_replace_the_output(world: World) -> None:
    out = _run(world, "codex", "cat README.md", _json({"decision": "block", "reason": "R"}))
    assert out.model_text == "R"
    out = _run(world, "codex", "cat README.md", cl.HookRun(stderr="E\n", code=2))
    assert out.model_text == "E"
    out = _run(world, "codex", "cat README.md",
               _json({"hookSpecificOutput": {"updatedToolOutput": "REDACTED"}}))
    assert "Invoicing" in out.model_text


def test_qwen_only_continue_false_replaces(world: World) -> None:
    out = _run(world, "qwen", "cat README.md", _json({"continue": False, "stopReason": "S"}))
    assert out.model_text == "S"
    for reply in (_json({"decision": "block", "reason": "R"}), cl.HookRun(stderr="E", code=2)):
        assert "Invoicing" in _run(world, "qwen", "cat README.md", reply).model_text


def test_claude_pre_tool_rewrite_runs_the_new_input(world: World) -> None:
    def hook(agent: str, event: dict, sb: Sandbox) -> cl.HookRun:
        if event["hook_event_name"] == "PreToolUse":
            return _json({"hookSpecificOutput": {
                "hookEventName": "PreToolUse", "permissionDecision": "allow",
                "updatedInput": {"file_path": str(sb.repo / "README.md")}}})
        return cl.HookRun()

    out = cl.client("claude", hook).run(world.sandbox, "Read", {"file_path": "{repo}/.env"})
    world.settle()
    assert out.verdict == "rewrite"
    assert "Invoicing" in out.model_text and not find_leaks(out.model_text)


# --- the proxy mode's channel -------------------------------------------------------------------

PROXY_CALLS = [
    ("claude", "Bash", {"command": "cat README.md", "description": "Read"}),
    ("claude", "Read", {"file_path": "{repo}/README.md"}),
    ("claude", "mcp__filesystem__read_text_file", {"path": "{repo}/README.md"}),
    ("codex", "Bash", {"command": "cat README.md"}),
    ("codex", "Bash", {"command": ["bash", "-lc", "cat README.md"]}),
    ("codex", "apply_patch", {"command": "*** Begin Patch\n*** Add File: n.md\n+Invoicing\n"
                                         "*** End Patch"}),
    ("codex", "mcp__filesystem__read_text_file", {"path": "{repo}/README.md"}),
    ("gemini", "run_shell_command", {"command": "cat README.md"}),
    ("gemini", "read_file", {"file_path": "{repo}/.env"}),  # refused by the client itself
    ("qwen", "read_file", {"absolute_path": "{repo}/README.md"}),
]


@pytest.mark.parametrize(("agent", "tool", "args"), PROXY_CALLS,
                         ids=[f"{a}-{t}-{i}" for i, (a, t, _) in enumerate(PROXY_CALLS)])
def test_proxy_request_carries_the_tool_result(world: World, agent: str, tool: str,
                                               args: dict) -> None:
    """Each client's request holds the call and exactly the text the client would give the
    model, where the client puts it."""
    try:
        out = cl.client(agent, proxied.no_hook).run(world.sandbox, tool, args)
    finally:
        world.settle()
    req = proxied.request(agent, out)
    body = json.loads(req.data())
    assert proxied.tool_results(body) == [out.model_text]
    assert out.model_text and out.model_text in proxied.strings(body)
    assert req.path.startswith(("/v1/", "/v1beta/"))


@pytest.fixture(scope="module")
def rigs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, proxied.Rig]]:
    base = Path(tmp_path_factory.mktemp("instrument-proxy"))
    made = {"direct": proxied.Rig(base / "direct", direct=True),
            "proxy": proxied.Rig(base / "proxy")}
    try:
        yield made
    finally:
        for rig in made.values():
            rig.close()


@pytest.mark.parametrize("agent", AGENTS)
def test_proxy_channel_is_not_blind(world: World, rigs: dict[str, proxied.Rig],
                                    agent: str) -> None:
    """``cat .env`` (and its gzip in base64) sent straight to the upstream leaks there: the
    channel carries the secret and the judge finds it in the request; through the proxy,
    placeholders arrive and the ordinary lines with them."""
    for command in ("cat .env", "gzip -c .env | base64"):  # wrapped base64 after a JSON key
        name, args = cl.client(agent).shell(command)
        case = Case("instrument/proxy/1", "attack", "instrument", agent, name, args)
        _, direct, ex = proxied.run_case(world, rigs["direct"], case)
        assert ex is not None and ex.status == 200 and len(ex.bodies) == 1
        assert {leak.key for leak in direct.leaks} == {"env_stripe", "env_db"}, command
    name, args = cl.client(agent).shell("cat .env")
    case = Case("instrument/proxy/2", "attack", "instrument", agent, name, args,
                expect=("DEBUG=1",))
    _, through, ex = proxied.run_case(world, rigs["proxy"], case)
    assert not through.problems(ordinary=True), through
    assert ex is not None and "<redacted:" in ex.results()
