"""``guard install AGENT --proxy`` / ``guard uninstall AGENT --proxy``: point an assistant at
``guard proxy`` in its own configuration, and have it start the proxy (``guard proxy --ensure``,
which reuses a proxy that answers already) from its own hooks before its first request.

What each assistant honours was checked against the real clients (tests/e2e/
test_proxy_install_e2e.py; Claude Code 2.1.197, Gemini CLI 0.61.0, Qwen Code 0.15.10, Codex CLI
0.171.0):

- Claude Code: ``env.ANTHROPIC_BASE_URL`` in ``.claude/settings.json`` (or the user's), and a
  ``SessionStart`` hook.
- Gemini CLI: ``GOOGLE_GEMINI_BASE_URL`` in the project's ``.gemini/.env`` (read before any other
  ``.env``, in a trusted folder; the environment wins over it), and a ``SessionStart`` hook in
  ``.gemini/settings.json`` (awaited before the first request, headless too). Only API-key auth
  uses that base URL. Not ``--user``: ``~/.gemini/.env`` is read only when no ``.env`` exists from
  the working directory up, so a project's own ``.env`` hides it.
- Qwen Code: ``OPENAI_BASE_URL`` (its OpenAI auth type) in the project's ``.qwen/.env`` (read
  before any other ``.env``; the environment wins over it), or with ``--user`` in ``env`` of
  ``~/.qwen/settings.json`` (below any ``.env``); and a ``UserPromptSubmit`` hook: Qwen Code fires
  ``SessionStart`` only in its interactive UI, without waiting for it, while
  ``UserPromptSubmit`` runs before every request of a prompt, headless too, and blocks the prompt
  when the proxy cannot be started.
- Codex CLI, ``--user`` only: Codex ignores ``model_provider``, ``model_providers`` and
  ``openai_base_url`` in a project's ``.codex/config.toml`` (it says so), and it does not read
  ``OPENAI_BASE_URL``. Guard adds a model provider (``wire_api = "responses"``, Codex's own OpenAI
  sign-in) to ``$CODEX_HOME/config.toml`` and selects it; not ``openai_base_url``, with which
  Codex first tries a Responses WebSocket that the proxy does not carry. The ``SessionStart``
  hook goes in ``$CODEX_HOME/hooks.json``; Codex runs it once a person has reviewed it.

If the proxy is down the requests fail: no client falls back to the real API. A base URL the user
set already is never replaced (Guard says how to chain it with ``--upstream``). Uninstalling
removes exactly what installing added: each file comes back byte for byte, and a file Guard
created is removed. No secret value is written anywhere.
"""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass, field

from guard.commands import proxy_clients as clients
from guard.commands import proxy_files as files
from guard.commands.proxy_clients import BY_HAND, codex_home, status
from guard.commands.proxy_files import url
from guard.errors import GuardError
from guard.protect import json_text

__all__ = ["AGENTS", "DEFAULT_PORT", "add", "ensure_command", "remove", "run", "status", "url"]


DEFAULT_PORT = 8787
AGENTS = ("claude", "gemini", "qwen", "codex")


def ensure_command(port: int, upstreams: list[str] | tuple[str, ...] = ()) -> str:
    from guard.commands.install_agents import hook_command

    guard = hook_command("claude").rsplit(" hook ", 1)[0]  # the same absolute guard
    extra = "".join(f" --upstream {shlex.quote(u)}" for u in upstreams)
    return f"{guard} proxy --ensure --listen 127.0.0.1:{port}{extra}"


@dataclass
class Result:
    path: str
    message: str
    notes: list[str] = field(default_factory=list)


def run(names: list[str], *, port: int = DEFAULT_PORT, user: bool = False,
        uninstall: bool = False, cwd: str = ".", upstreams: list[str] | None = None) -> int:
    from guard.commands.proxy import parse_upstreams
    from guard.config import find_root

    ups = list(upstreams or [])
    parse_upstreams(ups)
    if not names:
        raise GuardError(f"--proxy needs the assistant to point at the proxy: one of "
                         f"{', '.join(AGENTS)}")
    for name in names:
        if name not in AGENTS:
            from guard import agents

            agents.get(name)  # an unknown name: the usual error listing the known ones
            raise GuardError(f"--proxy is for {', '.join(AGENTS)}; {name} has no setting for "
                             "its model API's address that Guard knows")
        if not uninstall:
            _refuse_scope(name, user, port)
    root = find_root(os.path.abspath(cwd))
    for name in dict.fromkeys(names):
        results = (_uninstall if uninstall else _install)(name, root, user, port, ups)
        for r in results:
            sys.stdout.write(f"guard: {name}: {files.shown(r.path)}: {r.message}\n")
            for note in r.notes:
                sys.stderr.write(f"guard: {name}: note: {note}\n")
    return 0


def _refuse_scope(name: str, user: bool, port: int) -> None:
    if name == "gemini" and user:
        raise GuardError(
            "Gemini CLI reads ~/.gemini/.env only when it finds no .env from the working "
            "directory up, so a project's own .env would hide a user-wide setting: run "
            "`guard install gemini --proxy` in each repository, or set "
            f"{BY_HAND['gemini'].format(url=url(port))} and start `guard proxy --listen "
            f"127.0.0.1:{port}` yourself")
    if name == "codex" and not user:
        raise GuardError(
            "Codex CLI ignores model_provider, model_providers and openai_base_url in a "
            "project's .codex/config.toml: its model API's address can only be set in your "
            "user configuration: run `guard install codex --proxy --user`")


def _install(name: str, root: str, user: bool, port: int, ups: list[str]) -> list[Result]:
    """Every check first (a refusal writes nothing), then the setting, then the hook."""
    command = ensure_command(port, ups)
    if name == "claude":
        base = os.path.expanduser("~") if user else root
        path = os.path.join(base, ".claude", "settings.json")
        return [Result(path, add(path, port, command))]
    if name == "gemini":
        env_path = os.path.join(root, ".gemini", ".env")
        settings = os.path.join(root, ".gemini", "settings.json")
        hidden = clients.next_env_file(root, ".gemini")
        for where in (env_path, hidden):
            if where:
                current = files.env_file_value(where, "GOOGLE_GEMINI_BASE_URL", ours=False)
                files.refuse_set("gemini", "GOOGLE_GEMINI_BASE_URL", url(port), port, current,
                                 where)
        files.check_hook(settings, "SessionStart")
        notes = clients.gemini_notes(root) + clients.shadowed_note(hidden, ".gemini",
                                                                   "Gemini CLI")
        message = files.add_env_line(env_path, "gemini", "GOOGLE_GEMINI_BASE_URL", url(port))
        hook = files.add_hook(settings, "SessionStart", {
            "type": "command", "name": "guard-proxy", "command": command, "timeout": 30000})
        return [Result(env_path, message, notes), Result(settings, hook)]
    handler: dict[str, object] = {"type": "command", "command": command,
                                  "timeout": 30000 if name == "qwen" else 30}  # Qwen: ms
    if name == "qwen":
        value = f"{url(port)}/v1"
        if user:
            settings = os.path.join(os.path.expanduser("~"), ".qwen", "settings.json")
            notes = clients.qwen_checks(root, settings, value, port, user=True)
            files.check_hook(settings, "UserPromptSubmit")
            message = files.add_json_env(settings, "qwen", "OPENAI_BASE_URL", value, port)
            hook = files.add_hook(settings, "UserPromptSubmit", handler)
            return [Result(settings, _joined(message, hook), notes)]
        env_path = os.path.join(root, ".qwen", ".env")
        settings = os.path.join(root, ".qwen", "settings.json")
        notes = clients.qwen_checks(root, env_path, value, port, user=False)
        files.check_hook(settings, "UserPromptSubmit")
        notes += clients.shadowed_note(clients.next_env_file(root, ".qwen"), ".qwen",
                                       "Qwen Code")
        message = files.add_env_line(env_path, "qwen", "OPENAI_BASE_URL", value)
        hook = files.add_hook(settings, "UserPromptSubmit", handler)
        return [Result(env_path, message, notes), Result(settings, hook)]
    home = codex_home()
    config = os.path.join(home, "config.toml")
    hooks = os.path.join(home, "hooks.json")
    files.check_hook(hooks, "SessionStart")
    message, notes = clients.add_codex_provider(config, port)
    hook = files.add_hook(hooks, "SessionStart", handler)
    if hook != "already installed":
        notes.append("Codex CLI runs a new hook only once a person has reviewed it: start "
                     "`codex` and trust Guard's SessionStart hook (`codex exec` skips a hook "
                     "not reviewed yet; its requests then wait for a proxy that nothing "
                     "starts: run `guard proxy --ensure --listen 127.0.0.1:"
                     f"{port}` yourself)")
    return [Result(config, message, notes), Result(hooks, hook)]


def _uninstall(name: str, root: str, user: bool, port: int, ups: list[str]) -> list[Result]:
    if name == "claude":
        base = os.path.expanduser("~") if user else root
        path = os.path.join(base, ".claude", "settings.json")
        return [Result(path, remove(path, port))]
    if name == "gemini":
        env_path = os.path.join(root, ".gemini", ".env")
        settings = os.path.join(root, ".gemini", "settings.json")
        return [Result(env_path, files.remove_env_line(env_path)),
                Result(settings, files.remove_hook(settings, "SessionStart"))]
    if name == "qwen":
        if user:
            settings = os.path.join(os.path.expanduser("~"), ".qwen", "settings.json")
            return [Result(settings, files.remove_json_env_and_hook(
                settings, "OPENAI_BASE_URL", "UserPromptSubmit", port, "/v1"))]
        env_path = os.path.join(root, ".qwen", ".env")
        settings = os.path.join(root, ".qwen", "settings.json")
        return [Result(env_path, files.remove_env_line(env_path)),
                Result(settings, files.remove_hook(settings, "UserPromptSubmit"))]
    home = codex_home()
    config = os.path.join(home, "config.toml")
    hooks = os.path.join(home, "hooks.json")
    return [Result(config, files.remove_codex_provider(config)),
            Result(hooks, files.remove_hook(hooks, "SessionStart"))]


def _joined(*messages: str) -> str:
    if all(m == "already installed" for m in messages):
        return "already installed"
    return "; ".join(dict.fromkeys(m for m in messages if m != "already installed"))


def add(path: str, port: int, command: str | None = None) -> str:
    old, data = json_text.load(path)
    env = files.json_object(data, "env", path) or {}
    current = env.get("ANTHROPIC_BASE_URL")
    if current not in (None, url(port)):
        files.chain_error("claude", "ANTHROPIC_BASE_URL", str(current), port,
                          f"in {files.shown(path)}")
    handler = {"type": "command", "command": command or ensure_command(port), "timeout": 30}
    ops = [] if current == url(port) else \
        files.env_ops(data, "ANTHROPIC_BASE_URL", url(port), path)
    hook = files.hook_ops(json_text.copy_of(data, ops), "SessionStart", handler, path)
    if not ops and hook is None:
        return "already installed"
    json_text.edit(path, old, data, ops + (hook or []))
    return f"requests go through guard proxy at {url(port)}"


def remove(path: str, port: int) -> str:
    return files.remove_json_env_and_hook(path, "ANTHROPIC_BASE_URL", "SessionStart", port, "")
