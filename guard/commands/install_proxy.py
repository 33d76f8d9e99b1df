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
import re
import shlex
import sys
from dataclasses import dataclass, field

from guard.commands.install_proxy_files import (
    BY_HAND,
    _add_codex_provider,
    _add_env_line,
    _env_file_value,
    _remove_codex_provider,
    _remove_env_line,
    _shadowed_note,
    _toml,
    codex_home,
    next_env_file,
)
from guard.commands.install_proxy_json import (
    _add_hook,
    _add_json_env,
    _chain_error,
    _edit,
    _env_ops,
    _hook_ops,
    _load,
    _object,
    _remove_hook,
    _remove_json_env_and_hook,
    _shown,
    copy_of,
    url,
)
from guard.errors import GuardError
from guard.protect import manifest

TYPE_CHECKING = False
if TYPE_CHECKING:
    pass

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
            sys.stdout.write(f"guard: {name}: {_shown(r.path)}: {r.message}\n")
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
    command = ensure_command(port, ups)
    if name == "claude":
        base = os.path.expanduser("~") if user else root
        path = os.path.join(base, ".claude", "settings.json")
        return [Result(path, add(path, port, command))]
    if name == "gemini":
        env_path = os.path.join(root, ".gemini", ".env")
        settings = os.path.join(root, ".gemini", "settings.json")
        hidden = next_env_file(root, ".gemini")
        for where in (env_path, hidden):
            if where:
                _refuse_set("gemini", "GOOGLE_GEMINI_BASE_URL", url(port), port,
                            _env_file_value(where, "GOOGLE_GEMINI_BASE_URL", ours=False), where)
        notes = _gemini_notes(root)
        shadowed = _shadowed_note(hidden, ".gemini", "Gemini CLI")
        message = _add_env_line(env_path, "gemini", "GOOGLE_GEMINI_BASE_URL", url(port))
        hook = _add_hook(settings, "SessionStart", {"type": "command", "name": "guard-proxy",
                                                    "command": command, "timeout": 30000})
        return [Result(env_path, message, notes + shadowed), Result(settings, hook)]
    if name == "qwen":
        value = f"{url(port)}/v1"
        if user:
            settings = os.path.join(os.path.expanduser("~"), ".qwen", "settings.json")
            notes = _qwen_checks(root, settings, value, port, user=True)
            message = _add_json_env(settings, "qwen", "OPENAI_BASE_URL", value, port)
            hook = _add_hook(settings, "UserPromptSubmit",
                             {"type": "command", "command": command, "timeout": 30000})
            return [Result(settings, _joined(message, hook), notes)]
        env_path = os.path.join(root, ".qwen", ".env")
        settings = os.path.join(root, ".qwen", "settings.json")
        notes = _qwen_checks(root, env_path, value, port, user=False)
        shadowed = _shadowed_note(next_env_file(root, ".qwen"), ".qwen", "Qwen Code")
        message = _add_env_line(env_path, "qwen", "OPENAI_BASE_URL", value)
        hook = _add_hook(settings, "UserPromptSubmit",
                         {"type": "command", "command": command, "timeout": 30000})
        return [Result(env_path, message, notes + shadowed), Result(settings, hook)]
    home = codex_home()
    config = os.path.join(home, "config.toml")
    hooks = os.path.join(home, "hooks.json")
    message, notes = _add_codex_provider(config, port)
    hook = _add_hook(hooks, "SessionStart", {"type": "command", "command": command,
                                             "timeout": 30})
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
        return [Result(env_path, _remove_env_line(env_path)),
                Result(settings, _remove_hook(settings, "SessionStart"))]
    if name == "qwen":
        if user:
            settings = os.path.join(os.path.expanduser("~"), ".qwen", "settings.json")
            return [Result(settings, _remove_json_env_and_hook(
                settings, "OPENAI_BASE_URL", "UserPromptSubmit", port, "/v1"))]
        env_path = os.path.join(root, ".qwen", ".env")
        settings = os.path.join(root, ".qwen", "settings.json")
        return [Result(env_path, _remove_env_line(env_path)),
                Result(settings, _remove_hook(settings, "UserPromptSubmit"))]
    home = codex_home()
    config = os.path.join(home, "config.toml")
    hooks = os.path.join(home, "hooks.json")
    return [Result(config, _remove_codex_provider(config)),
            Result(hooks, _remove_hook(hooks, "SessionStart"))]


def _joined(*messages: str) -> str:
    if all(m == "already installed" for m in messages):
        return "already installed"
    return "; ".join(dict.fromkeys(m for m in messages if m != "already installed"))




# --- a base URL the user set -----------------------------------------------------------------

# the API name for --upstream, and the base URL the client is then given (the proxy's prefix for
# that API: any upstream path works behind it)


def _refuse_set(agent: str, variable: str, ours: str, port: int, current: str | None,
                where: str) -> None:
    """A GuardError when ``variable`` is set to something other than ``ours``: in the
    environment (which wins over every file) or at ``where``."""
    env = os.environ.get(variable)
    if env not in (None, "", ours):
        _chain_error(agent, variable, env, port, "in this environment (which wins over the "
                                                 "files Guard writes)")
    if current not in (None, ours):
        _chain_error(agent, variable, current, port, f"in {_shown(where)}")




# --- Gemini CLI --------------------------------------------------------------------------------

def _gemini_notes(root: str) -> list[str]:
    """What keeps Gemini CLI from reading .gemini/.env or from using the base URL."""
    import json

    notes = []
    home = os.path.expanduser("~")
    selected = None
    folder_trust = True
    for path in (os.path.join(home, ".gemini", "settings.json"),
                 os.path.join(root, ".gemini", "settings.json")):
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            security = data.get("security") or {}
            selected = (security.get("auth") or {}).get("selectedType", selected)
            if path.startswith(home) and (security.get("folderTrust") or {}).get(
                    "enabled") is False:
                folder_trust = False
        except (OSError, ValueError, AttributeError):
            continue
    if selected not in (None, "gemini-api-key", "gateway"):
        notes.append(f"Gemini CLI signs in with {selected!r} here: GOOGLE_GEMINI_BASE_URL "
                     "applies to API-key auth only (security.auth.selectedType "
                     "\"gemini-api-key\"); with this sign-in its requests do not go through "
                     "the proxy")
    if folder_trust and not gemini_trusted(root):
        notes.append("Gemini CLI reads .gemini/.env and runs the project's hooks only in a "
                     "trusted folder: trust this one (Gemini CLI asks at start), or its "
                     "requests go to the model API directly")
    return notes


def gemini_trusted(root: str) -> bool:
    """Whether ~/.gemini/trustedFolders.json trusts ``root`` (TRUST_FOLDER on it or an ancestor,
    TRUST_PARENT on a child of an ancestor)."""
    import json

    path = os.environ.get("GEMINI_CLI_TRUSTED_FOLDERS_PATH") or \
        os.path.join(os.path.expanduser("~"), ".gemini", "trustedFolders.json")
    if os.environ.get("GEMINI_CLI_TRUST_WORKSPACE") == "true":
        return True
    try:
        with open(path, encoding="utf-8") as f:
            rules = json.load(f)
    except (OSError, ValueError):
        return False
    if not isinstance(rules, dict):
        return False
    here = os.path.realpath(root)
    best, verdict = -1, False  # the longest rule whose folder holds root decides, as Gemini's
    for folder, rule in rules.items():
        target = os.path.realpath(os.path.dirname(folder) if rule == "TRUST_PARENT" else folder)
        inside = here == target or here.startswith(target.rstrip("/") + "/")
        if inside and len(folder) > best:
            best, verdict = len(folder), rule in ("TRUST_FOLDER", "TRUST_PARENT")
    return verdict


# --- Qwen Code ---------------------------------------------------------------------------------

def _qwen_checks(root: str, where: str, value: str, port: int, user: bool) -> list[str]:
    """Refuse when the user set Qwen Code's OpenAI base URL already (the environment, a .env file
    Qwen Code would read first, its settings, a model provider); notes on what else bypasses it."""
    import json

    # --user: settings env comes after the .env file Qwen Code loads; else .qwen/.env hides the
    # .env file it loaded until now, whose base URL would be replaced
    for path in ([next_env_file(root, ".qwen", own=True)] if user else
                 [where, next_env_file(root, ".qwen")]):
        if path:
            _refuse_set("qwen", "OPENAI_BASE_URL", value, port,
                        _env_file_value(path, "OPENAI_BASE_URL", ours=False), path)
    notes = []
    for path in (os.path.join(os.path.expanduser("~"), ".qwen", "settings.json"),
                 os.path.join(root, ".qwen", "settings.json")):
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict):
            continue
        env = data.get("env") if isinstance(data.get("env"), dict) else {}
        current = env.get("OPENAI_BASE_URL") if isinstance(env, dict) else None
        if current not in (None, value):
            _chain_error("qwen", "OPENAI_BASE_URL", str(current), port, f"in {_shown(path)}")
        auth = (data.get("security") or {}).get("auth") or {} \
            if isinstance(data.get("security"), dict) else {}
        if isinstance(auth, dict) and auth.get("baseUrl"):
            _chain_error("qwen", "security.auth.baseUrl", str(auth["baseUrl"]), port,
                         f"in {_shown(path)}")
        providers = data.get("modelProviders")
        if isinstance(providers, dict):
            for models in providers.values():
                for model in models if isinstance(models, list) else []:
                    if isinstance(model, dict) and model.get("baseUrl"):
                        _chain_error("qwen", "a model provider's baseUrl",
                                     str(model["baseUrl"]), port, f"in {_shown(path)}")
        if isinstance(auth, dict) and auth.get("selectedType") not in (None, "openai"):
            notes.append(f"Qwen Code signs in with {auth['selectedType']!r} here: the proxy "
                         "is set for its OpenAI auth type (--auth-type openai) only")
    return notes


# --- Claude Code -------------------------------------------------------------------------------

def add(path: str, port: int, command: str | None = None) -> str:
    old, data = _load(path)
    env = _object(data, "env", path) or {}
    current = env.get("ANTHROPIC_BASE_URL")
    if current not in (None, url(port)):
        _chain_error("claude", "ANTHROPIC_BASE_URL", str(current), port, f"in {_shown(path)}")
    handler = {"type": "command", "command": command or ensure_command(port), "timeout": 30}
    ops = [] if current == url(port) else _env_ops(data, "ANTHROPIC_BASE_URL", url(port), path)
    hook = _hook_ops(copy_of(data, ops), "SessionStart", handler, path)
    if not ops and hook is None:
        return "already installed"
    _edit(path, old, data, ops + (hook or []))
    return f"requests go through guard proxy at {url(port)}"


def remove(path: str, port: int) -> str:
    return _remove_json_env_and_hook(path, "ANTHROPIC_BASE_URL", "SessionStart", port, "")




# --- guard doctor ------------------------------------------------------------------------------

def status(root: str, agent: str = "claude") -> str:
    """For guard doctor: whether ``agent`` goes through the proxy (where Guard or the user set it
    up), what overrides that, and whether the proxy answers now."""
    base, where = _configured(root, agent)
    if base is None:
        return "proxy: off"
    m = re.match(r"http://(?:127\.0\.0\.1|localhost):(\d+)", base)
    if not m:
        return f"proxy: off (base URL {base} in {where})"
    from guard.commands.proxy import answering

    live = "answering" if answering("127.0.0.1", int(m.group(1))) else \
        "not running now (started by the assistant's hook)"
    text = f"proxy: {base} ({where}), {live}"
    variable = {"gemini": "GOOGLE_GEMINI_BASE_URL", "qwen": "OPENAI_BASE_URL"}.get(agent)
    env = os.environ.get(variable) if variable else None
    if env and env != base:
        text += f"; BUT {variable}={env} in this environment wins over it"
    if agent == "gemini" and where.endswith(".env") and not gemini_trusted(root):
        text += "; BUT this folder is not trusted by Gemini CLI, which then ignores .gemini/.env"
    return text


def _configured(root: str, agent: str) -> tuple[str | None, str]:
    """(the proxy base URL the assistant is configured with, where) or (None, "")."""
    home = os.path.expanduser("~")
    if agent == "claude":
        for path in (os.path.join(root, ".claude", "settings.json"),
                     os.path.join(home, ".claude", "settings.json")):
            value = _json_env(path, "ANTHROPIC_BASE_URL")
            if value:
                return value, _shown(path)
        return None, ""
    if agent == "gemini":
        path = os.path.join(root, ".gemini", ".env")
        value = _env_file_value(path, "GOOGLE_GEMINI_BASE_URL") if os.path.isfile(path) else None
        return (value, ".gemini/.env") if value else (None, "")
    if agent == "qwen":
        path = os.path.join(root, ".qwen", ".env")
        value = _env_file_value(path, "OPENAI_BASE_URL") if os.path.isfile(path) else None
        if value:
            return value, ".qwen/.env"
        for path in (os.path.join(root, ".qwen", "settings.json"),
                     os.path.join(home, ".qwen", "settings.json")):
            value = _json_env(path, "OPENAI_BASE_URL")
            if value:
                return value, _shown(path)
        return None, ""
    if agent == "codex":
        path = os.path.join(codex_home(), "config.toml")
        try:
            data = _toml(manifest.read(path) or "", path)
        except GuardError:
            return None, ""
        provider = (data.get("model_providers") or {}).get(data.get("model_provider")) or {}
        value = provider.get("base_url") if isinstance(provider, dict) else None
        if isinstance(value, str) and value.startswith("http://127.0.0.1:"):
            return value, _shown(path)
        return None, ""
    return None, ""


def _json_env(path: str, variable: str) -> str | None:
    import json

    try:
        with open(path, encoding="utf-8") as f:
            value = json.load(f).get("env", {}).get(variable)
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None
