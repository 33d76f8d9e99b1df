"""The output layer, for real: each assistant CLI, installed with `guard install AGENT`, runs
shell commands whose output holds secrets that no pre-tool hook can see coming, and the model (a
loopback mock) must receive every result with the secrets replaced by ``<redacted:…>``
placeholders, neither the raw values nor their base64, and still receive the rest of the output.

What the commands reveal, and why only the output layer can catch it:

- ``git log -p``: a token committed in config/deploy.py and removed by a later commit. It is in no
  file of the tree, so no file rule names it; the engine finds it in the diff.
- ``python3 -c "…open(chr(46)+'env')…"``: a path built at run time (``chr(46)`` is ``.``), which
  no reading of the command line can resolve; the output holds .env's values (and, base64-encoded,
  their base64).
- ``env`` / ``printenv``: a secret really exported in the client's environment
  (STRIPE_SECRET_KEY), and for Gemini CLI and Qwen Code also the repository's .env, which they
  load into their own process (STRIPE_KEY).
- Claude Code only: commands that print secrets and then fail. Claude Code sends a failing
  command's output through PostToolUseFailure, which no hook can change; Guard's pre-tool hook
  rewrites every command to succeed (``CMD || echo …``, or a subshell when CMD has an ``exit``)
  so that the output goes through PostToolUse.

Gemini CLI and Qwen Code also run their file tools on the secret files, once as installed (their
ignore files, .geminiignore and .qwenignore, refuse the reads before any hook is asked) and once
with the ignore files deleted, so that Guard's hooks alone are what keeps the values away.

A last test runs ordinary commands, whose output holds no secret, and checks that the model
receives it unchanged: not withheld, nothing replaced.

Each result the model received is checked on its own (see ``tool_results``): a failure names the
step and shows what the model got; with GUARD_E2E_DUMP=DIR, every session writes what the model
received for each step to DIR. See /work/shared/reference/ai-agents.md, "Post-tool contracts".
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import make_tree
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
    guard_install,
    leaks,
    sandbox,
)
from tests.e2e.mockmodel import MockModel, Step, tool_results
from tests.e2e.test_claude_e2e import run_claude
from tests.e2e.test_clients_e2e import codex_shell, run_codex, run_gemini, run_qwen

PLACEHOLDER = "<redacted:"
NOTICE = "[Guard "  # the first line of a result Guard changed or withheld
# a repository file that the hooks deny to file tools (it is not named .env: Gemini CLI's own
# refusal of .env paths does not apply to it)
SECRETS_FILE = "config/secrets.yaml"
FILE_CANARY = "xox" + "b-7302918465021-5718290463719-Qm4TzR8vLx2NcW7pKd9HbJ3s"
CANARIES = {
    ".env (STRIPE_KEY)": CANARY,
    "~/.aws/credentials": AWS_CANARY,
    "git history (config/deploy.py)": HISTORY_CANARY,
    f"the exported {ENV_NAME}": ENV_CANARY,
    SECRETS_FILE: FILE_CANARY,
}
# the clients that load the repository's .env into their own process (and so into `env`)
LOADS_DOTENV = {"gemini", "qwen"}
MANIFESTS = {"gemini": ".geminiignore", "qwen": ".qwenignore"}

COMPUTED = "python3 -c \"print(open(chr(46)+'env').read())\""
COMPUTED_B64 = ("python3 -c \"import base64; "
                "print(base64.b64encode(open(chr(46)+'env','rb').read()).decode())\"")


@dataclass(frozen=True)
class Probe:
    """One scripted tool call: ``tool`` is "shell" (``arg`` the command) or a Gemini CLI / Qwen
    Code file tool (``arg`` a path relative to the repository, or a search pattern); ``wants``:
    what its result must hold when it reaches the model, ``never``: what it must not."""

    tool: str
    arg: str
    wants: tuple[str, ...] = ()
    never: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.arg if self.tool == "shell" else f"{self.tool} {self.arg}"


def shell_probes(agent: str) -> list[Probe]:
    """The secrets only the output layer can catch; the ordinary file shows the session ran."""
    dotenv = agent in LOADS_DOTENV
    return [
        Probe("shell", "cat app.txt", (ORDINARY,)),
        Probe("shell", "git log -p", (HISTORY_MESSAGE, "DEPLOY_REGION", PLACEHOLDER)),
        Probe("shell", COMPUTED, ("DEBUG=1", PLACEHOLDER)),
        Probe("shell", COMPUTED_B64, (PLACEHOLDER,)),
        Probe("shell", "env", (f"{ENV_NAME}={PLACEHOLDER}",
                               *((f"STRIPE_KEY={PLACEHOLDER}",) if dotenv else ()))),
        Probe("shell", f"printenv {ENV_NAME}", (PLACEHOLDER,)),
        Probe("shell", "printenv STRIPE_KEY", (PLACEHOLDER,) if dotenv else ()),
    ]


# Claude Code: commands that print secrets and exit non-zero (the suffix form and the subshell
# form of Guard's rewrite)
FAILING_PROBES = [
    Probe("shell", "git log -p; false", (HISTORY_MESSAGE, PLACEHOLDER)),
    Probe("shell", f"{COMPUTED}; exit 3", ("DEBUG=1", PLACEHOLDER)),
]


def file_probes(agent: str, ignore_files: bool) -> list[Probe]:
    """Gemini CLI's and Qwen Code's file tools on the secret files: refused by the ignore file
    when there is one; else denied by Guard's pre-tool hook (reads; Gemini CLI refuses .env paths
    itself) or redacted by its output layer (a search)."""
    if ignore_files:
        return [Probe("read_file", ".env"), Probe("read_file", SECRETS_FILE),
                Probe("grep_search", "sk_live|xoxb-|ghp_")]
    return [Probe("read_file", ".env", () if agent == "gemini" else ("Guard: ",)),
            Probe("read_file", SECRETS_FILE, ("Guard: ",)),
            Probe("grep_search", "sk_live|xoxb-|ghp_", (PLACEHOLDER, "bot_token"))]


def step(agent: str, probe: Probe, repo: Path) -> Step:
    def fixed(name: str, **args: object) -> Step:
        return lambda _request: (name, args)

    if probe.tool == "shell":
        if agent == "claude":
            return fixed("Bash", command=probe.arg, description="inspect")
        if agent == "codex":
            return codex_shell(probe.arg)
        return fixed("run_shell_command", command=probe.arg)
    if probe.tool == "read_file":
        return fixed("read_file", file_path=str(repo / probe.arg))
    return fixed(probe.tool, pattern=probe.arg, dir_path=str(repo))


def session(agent: str, tmp_path: Path, probes: list[Probe],
            ignore_files: bool = True) -> tuple[MockModel, Path]:
    """A headless session of ``agent`` in the sandbox, after `guard install AGENT` (without the
    ignore file it wrote unless ``ignore_files``), running ``probes``; with a git history,
    config/secrets.yaml, and a secret exported in the environment."""
    exe = client(agent)
    repo, home = sandbox(tmp_path, history=True)
    make_tree(repo, {SECRETS_FILE: f"slack:\n  channel: deploys\n  bot_token: {FILE_CANARY}\n"})
    env = base_env(home, tmp_path)
    env[ENV_NAME] = ENV_CANARY
    guard_install(repo, env, agent)
    if not ignore_files:
        (repo / MANIFESTS[agent]).unlink()
    with MockModel([step(agent, p, repo) for p in probes]) as mock:
        if agent == "claude":
            run_claude(exe, repo, env, mock)
        elif agent == "codex":
            run_codex(exe, repo, home, env, mock)
        elif agent == "gemini":
            run_gemini(exe, repo, home, env, mock)
        else:
            run_qwen(exe, repo, home, env, mock)
    return mock, repo


def check(name: str, mock: MockModel, probes: list[Probe]) -> None:
    """No canary, raw or base64, in anything the model received; and each step's result (in
    order) holds what it must and nothing it must not: a placeholder proves the output layer
    redacted the result rather than that the call was denied."""
    seen = mock.seen()
    results = tool_results(mock)
    dump = os.environ.get("GUARD_E2E_DUMP")
    if dump:
        with open(os.path.join(dump, name.replace(" ", "_") + ".txt"), "w") as f:
            f.writelines(f"[{i}] {p.label}\n-> {results[i] if i < len(results) else None}\n\n"
                         for i, p in enumerate(probes))

    def shown() -> str:
        got = [*(r[:700] for r in results), *["(no result)"] * len(probes)]
        return "\n".join(f"  [{i}] {p.label}\n      -> {got[i]}" for i, p in enumerate(probes))

    leaked = leaks(seen, CANARIES)
    if leaked:
        where = [f"[{i}] {probes[i].label if i < len(probes) else '?'}: {found}"
                 for i, r in enumerate(results) if (found := leaks(r.encode(), CANARIES))]
        pytest.fail(f"{name}: secrets reached the model: {', '.join(leaked)}\n"
                    f"in the results of: {where or 'no tool result (another request)'}\n"
                    f"what the model received for each step:\n{shown()}")
    assert len(results) >= len(probes), \
        f"{name}: the model received {len(results)} tool results for {len(probes)} steps:\n" \
        f"{shown()}"
    wrong = []
    for i, p in enumerate(probes):
        lacks = [w for w in p.wants if w not in results[i]]
        holds = [n for n in p.never if n in results[i]]
        if lacks or holds:
            wrong.append(f"[{i}] {p.label}: " + "; ".join(
                ([f"lacks {lacks}"] if lacks else []) + ([f"holds {holds}"] if holds else [])))
    assert not wrong, f"{name}: results not as they must reach the model:\n" + \
        "\n".join(wrong) + f"\nwhat the model received for each step:\n{shown()}"


AGENTS = ["claude", "codex", "gemini", "qwen"]
NAMES = {"claude": "Claude Code", "codex": "Codex CLI", "gemini": "Gemini CLI",
         "qwen": "Qwen Code"}


@pytest.mark.slow
@pytest.mark.parametrize("agent", AGENTS)
def test_output_layer_redacts_what_no_hook_can_foresee(tmp_path: Path, agent: str) -> None:
    """As installed: the shell probes (and, on Claude Code, failing commands; on Gemini CLI
    and Qwen Code, the file tools, refused by their ignore files)."""
    probes = shell_probes(agent)
    if agent == "claude":
        probes += FAILING_PROBES
    if agent in MANIFESTS:
        probes = file_probes(agent, ignore_files=True) + probes
    mock, _repo = session(agent, tmp_path, probes)
    check(NAMES[agent], mock, probes)


@pytest.mark.slow
@pytest.mark.parametrize("agent", sorted(MANIFESTS))
def test_hooks_alone_without_the_ignore_file(tmp_path: Path, agent: str) -> None:
    """Gemini CLI and Qwen Code without the ignore file `guard install` wrote: the file tools
    reach Guard's hooks, which deny the reads and redact the search."""
    probes = file_probes(agent, ignore_files=False) + shell_probes(agent)
    mock, _repo = session(agent, tmp_path, probes, ignore_files=False)
    check(f"{NAMES[agent]} (hooks only)", mock, probes)


@pytest.mark.slow
@pytest.mark.parametrize("agent", AGENTS)
def test_ordinary_output_reaches_the_model_unchanged(tmp_path: Path, agent: str) -> None:
    """Output without a secret is given to the model as the tool produced it: the working
    directory is a path, not a value to hide (even though the environment names it PWD).

    Fails with Guard as of 2e860ad, on all four clients: the hook inherits PWD (the project
    directory), guard.detect.syntax.SECRET_NAME matches "pwd" (for "password"), so the redactor
    hides the project path as an environment secret wherever a result mentions it; Gemini CLI,
    Codex CLI and Qwen Code then get the result through Guard's block/deny reply (on Gemini CLI,
    as an error)."""
    unchanged = (PLACEHOLDER, NOTICE)
    probes = [Probe("shell", "pwd", (), unchanged),
              Probe("shell", "cat src/main.py", ("print('hello')",), unchanged)]
    mock, repo = session(agent, tmp_path, probes)
    probes[0] = Probe("shell", "pwd", (str(repo),), unchanged)
    check(f"{NAMES[agent]} (ordinary output)", mock, probes)
