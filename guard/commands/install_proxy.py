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

from guard.errors import GuardError
from guard.protect import manifest

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DEFAULT_PORT = 8787
AGENTS = ("claude", "gemini", "qwen", "codex")
CODEX_PROVIDER = "guard-proxy"
# what an agent cannot be given by `guard install --proxy`, and why: said with the way by hand
BY_HAND = {
    "gemini": "GOOGLE_GEMINI_BASE_URL={url} in the environment Gemini CLI starts from (your "
              "shell profile)",
    "qwen": "OPENAI_BASE_URL={url}/v1 in the environment Qwen Code starts from",
    "codex": "a model provider with base_url = \"{{url}}/v1\", wire_api = \"responses\" and "
             "requires_openai_auth = true in ~/.codex/config.toml, selected by model_provider",
}


def url(port: int) -> str:
    return f"http://127.0.0.1:{port}"


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


def codex_home() -> str:
    return os.environ.get("CODEX_HOME") or os.path.join(os.path.expanduser("~"), ".codex")


def _joined(*messages: str) -> str:
    if all(m == "already installed" for m in messages):
        return "already installed"
    return "; ".join(dict.fromkeys(m for m in messages if m != "already installed"))


def _shown(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


# --- a base URL the user set -----------------------------------------------------------------

# the API name for --upstream, and the base URL the client is then given (the proxy's prefix for
# that API: any upstream path works behind it)
CHAIN = {"gemini": ("gemini", ""), "qwen": ("openai", "/openai"), "codex": ("openai", "/openai"),
         "claude": ("anthropic", "")}


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


def _chain_error(agent: str, setting: str, current: str, port: int, where: str) -> None:
    api, prefix = CHAIN[agent]
    upstream = shlex.quote(f"{api}={current.rstrip('/')}")
    raise GuardError(f"{setting} is set to {current!r} {where} already; Guard does not replace "
                     "it. Run the proxy in front of it instead: `guard proxy --listen "
                     f"127.0.0.1:{port} --upstream {upstream}`, and set {setting} to "
                     f"{url(port)}{prefix} yourself")


# --- .env files (Gemini CLI, Qwen Code) --------------------------------------------------------

ENV_MARK = "# Added by `guard install {agent} --proxy`; `guard uninstall {agent} --proxy` removes"
ENV_BLOCK = re.compile(r"# Added by `guard install (gemini|qwen) --proxy`; `guard uninstall "
                       r"\1 --proxy` removes (these 2 lines|this file)\r?\n"
                       r"(?:GOOGLE_GEMINI_BASE_URL|OPENAI_BASE_URL)=http://127\.0\.0\.1:\d+"
                       r"(?:/v1)?\r?\n")


def _env_line(agent: str, variable: str, value: str, created: bool, newline: str) -> str:
    what = "this file" if created else "these 2 lines"
    return f"{ENV_MARK.format(agent=agent)} {what}{newline}{variable}={value}{newline}"


def _env_file_value(path: str, variable: str, ours: bool = True) -> str | None:
    """``variable``'s value in a .env file as dotenv reads it (the last one wins), or None;
    without ``ours``, the user's own (Guard's line left out)."""
    text = manifest.read(path) or ""
    return _env_values(text if ours else ENV_BLOCK.sub("", text, count=1)).get(variable)


def _env_values(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in text.splitlines():
        m = re.match(r"\s*(?:export\s+)?([\w.\-]+)\s*[=:]\s*(.*)$", line)
        if m:
            value = m.group(2).strip()
            if value[:1] in ("'", '"', "`") and value[-1:] == value[:1] and len(value) > 1:
                value = value[1:-1]
            else:
                value = value.split(" #", 1)[0].strip()
            out[m.group(1)] = value
    return out


def _add_env_line(path: str, agent: str, variable: str, value: str) -> str:
    """Put ``variable=value`` first in the .env file, after a line that says who wrote it; the
    file is created when missing (and then removed again by uninstall)."""
    old = manifest.read(path)
    created = old is None
    m = ENV_BLOCK.search(old) if old is not None else None
    if old is not None and m:
        if _env_values(m.group(0)).get(variable) == value:
            return "already installed"
        created = m.group(2) == "this file"
        old = old[:m.start()] + old[m.end():]  # Guard's line for another port: replaced
    newline = "\r\n" if old and "\r\n" in old else "\n"
    manifest.write_atomic(path, _env_line(agent, variable, value, created, newline) + (old or ""))
    return f"{variable}={value}: requests go through guard proxy"


def _remove_env_line(path: str) -> str:
    old = manifest.read(path)
    if old is None:
        return "no proxy here"
    m = ENV_BLOCK.search(old)
    if not m:
        return "no Guard proxy here: left alone"
    rest = old[:m.start()] + old[m.end():]
    if m.group(2) == "this file" and not rest:
        os.remove(path)
        return "removed (Guard had created it)"
    manifest.write_atomic(path, rest)
    return "removed"


def next_env_file(root: str, product_dir: str, own: bool = False) -> str | None:
    """The .env file Gemini CLI or Qwen Code loads when started in ``root``: they load only the
    first they find, their own directory's before the plain one, from the working directory up,
    then the home directory's. Without ``own``, the one found after ``root``'s own
    (``PRODUCT/.env``, which Guard writes)."""
    home = os.path.expanduser("~")
    candidates: list[str] = []
    d = root
    while True:
        if d == home:
            candidates += [os.path.join(home, product_dir, ".env"), os.path.join(home, ".env")]
        else:
            if own or d != root:
                candidates.append(os.path.join(d, product_dir, ".env"))
            candidates.append(os.path.join(d, ".env"))
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    if not root.startswith(home + os.sep) and root != home:
        candidates += [os.path.join(home, product_dir, ".env"), os.path.join(home, ".env")]
    return next((p for p in candidates if os.path.isfile(p)), None)


def _shadowed_note(path: str | None, product_dir: str, client: str) -> list[str]:
    """The variables (named, never their values) of the .env file that ``PRODUCT/.env`` now
    hides from the client."""
    if path is None:
        return []
    try:
        names = sorted(_env_values(manifest.read(path) or ""))
    except GuardError:
        return []
    if not names:
        return []
    shown = ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
    return [f"{client} loads only the first .env it finds, and {product_dir}/.env now comes "
            f"before {_shown(path)}: it no longer loads {shown} from there (export what it "
            "needs, e.g. its API key, in your shell)"]


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


# --- JSON settings: env and a hook, edited as text ---------------------------------------------
#
# Guard's member or element is inserted last in its object or list, on the same indentation as
# the one that was last; uninstalling removes exactly that text, so the file comes back byte for
# byte. Each edit is checked against the same edit on the parsed data: a file laid out so that the
# text cannot be edited in place is written again in full (indented as it was).

if TYPE_CHECKING:
    Path = list[Any]  # keys, and indices in lists
    # ("member", path, key, value) | ("element", path, None, value) | ("delete", path, None, None)
    Op = tuple[str, Path, Any, Any]


@dataclass
class Node:
    start: int
    end: int
    items: list[tuple[Any, int, Node]] = field(default_factory=list)  # (key or index, start, value)
    container: bool = False


def _scan(text: str) -> Node:
    """The spans of the JSON value in ``text`` (valid JSON: json.loads said so)."""
    ws = " \t\r\n"

    def skip(i: int) -> int:
        while i < len(text) and text[i] in ws:
            i += 1
        return i

    def string_end(i: int) -> int:
        i += 1
        while text[i] != '"':
            i += 2 if text[i] == "\\" else 1
        return i + 1

    def value(i: int) -> Node:
        i = skip(i)
        if text[i] == "{" or text[i] == "[":
            node = Node(i, i, container=True)
            closing = "}" if text[i] == "{" else "]"
            j = skip(i + 1)
            index = 0
            while text[j] != closing:
                start = j
                if closing == "}":
                    end = string_end(j)
                    key: Any = json.loads(text[j:end])
                    j = skip(end) + 1  # the colon
                else:
                    key = index
                child = value(j)
                node.items.append((key, start, child))
                index += 1
                j = skip(child.end)
                if text[j] == ",":
                    j = skip(j + 1)
            node.end = j + 1
            return node
        if text[i] == '"':
            return Node(i, string_end(i))
        j = i
        while j < len(text) and text[j] not in ws + ",]}":
            j += 1
        return Node(i, j)

    import json

    return value(0)


def _find(node: Node, path: Path) -> Node:
    for key in path:
        node = [child for k, _, child in node.items if k == key][-1]
    return node


def _text_insert(text: str, path: Path, key: Any, value: Any) -> str:
    """``value`` last in the object (as member ``key``) or list (``key`` None) at ``path``, on
    the line layout of the one that was last."""
    import json

    node = _find(_scan(text), path)
    item = json.dumps(value, ensure_ascii=False)
    if key is not None:
        item = f"{json.dumps(key, ensure_ascii=False)}: {item}"
    if not node.items:
        return text[:node.start + 1] + item + text[node.start + 1:]
    _, last_start, last = node.items[-1]
    before = node.start + 1 if len(node.items) == 1 else \
        text.index(",", node.items[-2][2].end) + 1
    return text[:last.end] + "," + text[before:last_start] + item + text[last.end:]


def _text_delete(text: str, path: Path) -> str:
    """The member or element at ``path`` removed with what inserting it added."""
    parent = _find(_scan(text), path[:-1])
    index = [k for k, _, _ in parent.items].index(path[-1]) if not isinstance(path[-1], int) \
        else path[-1]
    _, start, node = parent.items[index]
    if len(parent.items) == 1:
        return text[:start] + text[node.end:]
    if index == 0:
        after = parent.items[1][1]
        comma = text.index(",", node.end)
        if text[parent.start + 1:start] == text[comma + 1:after]:
            return text[:parent.start + 1] + text[comma + 1:]
        return text[:start] + text[after:]
    return text[:parent.items[index - 1][2].end] + text[node.end:]


def _apply(data: Any, op: Op) -> None:
    kind, path, key, value = op
    target = data
    for k in path if kind != "delete" else path[:-1]:
        target = target[k]
    if kind == "member":
        target[key] = value
    elif kind == "element":
        target.append(value)
    else:
        del target[path[-1]]


def _edit(path: str, old: str | None, data: dict[str, Any], ops: list[Op]) -> str:
    """Apply ``ops`` to the file (``old``, parsed as ``data``): written as text edits when they
    give the same data, else dumped in full; a file left holding nothing is removed."""
    import copy
    import json

    expected = copy.deepcopy(data)
    for op in ops:
        _apply(expected, op)
    if not expected and old is not None:
        os.remove(path)
        return "removed (the file held nothing else)"
    text = None
    if old is not None and old.strip():
        try:
            text = old
            for kind, where, key, value in ops:
                text = _text_delete(text, where) if kind == "delete" else \
                    _text_insert(text, where, key, value)
            if json.loads(text) != expected:
                text = None
        except (ValueError, IndexError):
            text = None
    manifest.write_atomic(path, text if text is not None else manifest.dump_json(expected, old))
    return "removed" if ops and ops[-1][0] == "delete" else "written"


def _load(path: str) -> tuple[str | None, dict[str, Any]]:
    old = manifest.read(path)
    return old, (manifest.load_json(old, path) if old and old.strip() else {})


def _object(data: dict[str, Any], key: str, path: str) -> dict[str, Any] | None:
    value = data.get(key)
    if value is not None and not isinstance(value, dict):
        raise GuardError(f"\"{key}\" is not a JSON object; Guard left the file untouched", path)
    return value


def _hook_ops(data: dict[str, Any], event: str, handler: dict[str, object],
              path: str) -> list[Op] | None:
    """What adds Guard's ``guard proxy --ensure`` group last in ``hooks.EVENT`` (one of another
    port or path is replaced); None when it is there already."""
    hooks = _object(data, "hooks", path)
    entry = {"hooks": [handler]}
    if hooks is None:
        return [("member", [], "hooks", {event: [entry]})]
    entries = hooks.get(event)
    if entries is None:
        return [("member", ["hooks"], event, [entry])]
    if not isinstance(entries, list):
        raise GuardError(f"\"hooks.{event}\" is not a JSON list; Guard left the file untouched",
                         path)
    if entry in entries:
        return None
    ops: list[Op] = [("delete", ["hooks", event, i], None, None)
                     for i in reversed(range(len(entries))) if _ours(entries[i])]
    return [*ops, ("element", ["hooks", event], None, entry)]


def _env_ops(data: dict[str, Any], variable: str, value: str, path: str) -> list[Op]:
    env = _object(data, "env", path)
    if env is None:
        return [("member", [], "env", {variable: value})]
    return [("member", ["env"], variable, value)]


def _unhook_ops(data: dict[str, Any], event: str) -> list[Op]:
    hooks = data.get("hooks")
    entries = hooks.get(event) if isinstance(hooks, dict) else None
    if not isinstance(hooks, dict) or not isinstance(entries, list):
        return []
    ours = [i for i, e in enumerate(entries) if _ours(e)]
    if not ours:
        return []
    if len(ours) < len(entries):
        return [("delete", ["hooks", event, i], None, None) for i in reversed(ours)]
    if len(hooks) == 1:
        return [("delete", ["hooks"], None, None)]
    return [("delete", ["hooks", event], None, None)]


def _unenv_ops(data: dict[str, Any], variable: str, values: set[str]) -> list[Op]:
    env = data.get("env")
    if not isinstance(env, dict) or env.get(variable) not in values:
        return []
    if len(env) == 1:
        return [("delete", ["env"], None, None)]
    return [("delete", ["env", variable], None, None)]


def _our_ports(data: dict[str, Any]) -> set[int]:
    """The ports of the proxies Guard's hooks in ``data`` start."""
    found: set[int] = set()
    hooks = data.get("hooks")
    for entries in hooks.values() if isinstance(hooks, dict) else []:
        for entry in entries if isinstance(entries, list) else []:
            if _ours(entry):
                for handler in entry["hooks"]:
                    m = re.search(r"--listen 127\.0\.0\.1:(\d+)", str(handler.get("command")))
                    if m:
                        found.add(int(m.group(1)))
    return found


def _ours_values(data: dict[str, Any], port: int, suffix: str) -> set[str]:
    """The base URLs Guard wrote: for ``port``, or for a port one of its hooks starts."""
    return {f"{url(p)}{suffix}" for p in {port, *_our_ports(data)}}


def _add_hook(path: str, event: str, handler: dict[str, object]) -> str:
    old, data = _load(path)
    ops = _hook_ops(data, event, handler, path)
    if ops is None:
        return "already installed"
    _edit(path, old, data, ops)
    return f"{event} hook starts the proxy"


def _add_json_env(path: str, agent: str, variable: str, value: str, port: int) -> str:
    old, data = _load(path)
    current = (_object(data, "env", path) or {}).get(variable)
    if current == value:
        return "already installed"
    if current is not None:
        _chain_error(agent, variable, str(current), port, f"in {_shown(path)}")
    _edit(path, old, data, _env_ops(data, variable, value, path))
    return f"{variable}={value}: requests go through guard proxy"


def _remove_hook(path: str, event: str) -> str:
    old, data = _load(path)
    if old is None:
        return "no proxy here"
    ops = _unhook_ops(data, event)
    return _edit(path, old, data, ops) if ops else "no Guard proxy here: left alone"


def _remove_json_env_and_hook(path: str, variable: str, event: str, port: int,
                              suffix: str) -> str:
    old, data = _load(path)
    if old is None:
        return "no proxy here"
    ops = _unenv_ops(data, variable, _ours_values(data, port, suffix))
    after = copy_of(data, ops)
    ops += _unhook_ops(after, event)
    return _edit(path, old, data, ops) if ops else "no Guard proxy here: left alone"


def copy_of(data: dict[str, Any], ops: list[Op]) -> dict[str, Any]:
    import copy

    out = copy.deepcopy(data)
    for op in ops:
        _apply(out, op)
    return out


# --- Codex CLI: $CODEX_HOME/config.toml --------------------------------------------------------

CODEX_MARK = ("# Added by `guard install codex --proxy --user`; `guard uninstall codex --proxy "
              "--user` removes")
CODEX_BLOCK = re.compile(
    r"# Added by `guard install codex --proxy --user`; `guard uninstall codex --proxy --user` "
    r"removes (these 3 lines|this file)\r?\n"
    rf"model_provider = \"{CODEX_PROVIDER}\"\r?\n"
    rf"model_providers\.{CODEX_PROVIDER} = \{{[^\n]*base_url = \"http://127\.0\.0\.1:\d+/v1\""
    r"[^\n]*\}\r?\n")


def _codex_block(port: int, created: bool, newline: str) -> str:
    what = "this file" if created else "these 3 lines"
    return (f"{CODEX_MARK} {what}{newline}"
            f"model_provider = \"{CODEX_PROVIDER}\"{newline}"
            f"model_providers.{CODEX_PROVIDER} = {{ name = \"OpenAI through guard proxy\", "
            f"base_url = \"{url(port)}/v1\", wire_api = \"responses\", "
            f"requires_openai_auth = true }}{newline}")


def _toml(text: str, path: str) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise GuardError(f"is not valid TOML ({e}); Guard left it untouched", path) from None


def _add_codex_provider(path: str, port: int) -> tuple[str, list[str]]:
    """Guard's provider first in config.toml, selected by ``model_provider`` (top-level keys
    must come before the first table, so they go first; the provider is an inline table)."""
    old = manifest.read(path)
    created = old is None
    m = CODEX_BLOCK.search(old) if old is not None else None
    if old is not None and m:
        if f'base_url = "{url(port)}/v1"' in m.group(0):
            return "already installed", _codex_notes(_toml(old, path))
        created = m.group(1) == "this file"
        old = old[:m.start()] + old[m.end():]  # Guard's provider for another port: replaced
    data = _toml(old or "", path)
    current = data.get("model_provider")
    if current is not None:
        provider = (data.get("model_providers") or {}).get(current) or {}
        base = provider.get("base_url") if isinstance(provider, dict) else None
        if base:
            _chain_error("codex", f"model provider {current!r}'s base_url", str(base), port,
                         f"in {_shown(path)}")
        raise GuardError(f"model_provider is set to {current!r} already; Guard does not replace "
                         "it: remove that line (\"openai\" is the default) and run this again, "
                         "or point that provider at the proxy yourself", path)
    if data.get("openai_base_url"):
        _chain_error("codex", "openai_base_url", str(data["openai_base_url"]), port,
                     f"in {_shown(path)}")
    if CODEX_PROVIDER in (data.get("model_providers") or {}):
        raise GuardError(f"a model provider named {CODEX_PROVIDER!r} is there already and is "
                         "not Guard's; Guard left the file untouched", path)
    newline = "\r\n" if old and "\r\n" in old else "\n"
    text = _codex_block(port, created, newline) + (old or "")
    new = _toml_or_none(text)
    provider = ((new or {}).get("model_providers") or {}).get(CODEX_PROVIDER) or {}
    if not new or new.get("model_provider") != CODEX_PROVIDER or \
            provider.get("base_url") != f"{url(port)}/v1":
        raise GuardError("Guard cannot add its model provider at the top of this file (it "
                         "declares [model_providers] as a table); add by hand "
                         f"{BY_HAND['codex'].format(url=url(port))}", path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    manifest.write_atomic(path, text)
    return f"model provider {CODEX_PROVIDER!r} at {url(port)}/v1: requests go through guard " \
           "proxy", _codex_notes(data)


def _toml_or_none(text: str) -> dict[str, Any] | None:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def _codex_notes(data: dict[str, Any]) -> list[str]:
    import json

    notes = []
    profiles = data.get("profiles")
    for name, profile in (profiles.items() if isinstance(profiles, dict) else []):
        if isinstance(profile, dict) and profile.get("model_provider") not in (None,
                                                                               CODEX_PROVIDER):
            notes.append(f"profile {name!r} selects model provider "
                         f"{profile['model_provider']!r}: with it Codex does not use the proxy")
    features = data.get("features")
    if isinstance(features, dict) and (features.get("hooks") is False or
                                       features.get("codex_hooks") is False):
        notes.append("hooks are switched off in [features]: nothing starts the proxy; run "
                     "`guard proxy --ensure --listen …` yourself before Codex")
    try:
        with open(os.path.join(codex_home(), "auth.json"), encoding="utf-8") as f:
            auth = json.load(f)
        if isinstance(auth, dict) and auth.get("tokens") and not auth.get("OPENAI_API_KEY"):
            notes.append("Codex is signed in with ChatGPT: the proxy forwards to the OpenAI API, "
                         "which refuses ChatGPT tokens; sign in with an API key (`codex login "
                         "--with-api-key`)")
    except (OSError, ValueError):
        pass
    return notes


def _remove_codex_provider(path: str) -> str:
    old = manifest.read(path)
    if old is None:
        return "no proxy here"
    m = CODEX_BLOCK.search(old)
    if not m:
        return "no Guard proxy here: left alone"
    rest = old[:m.start()] + old[m.end():]
    if m.group(1) == "this file" and not rest:
        os.remove(path)
        return "removed (Guard had created it)"
    manifest.write_atomic(path, rest)
    return "removed"


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


def _ours(entry: object) -> bool:
    """A hook group running ``guard proxy --ensure``."""
    inner = entry.get("hooks") if isinstance(entry, dict) else None
    return isinstance(inner, list) and any(
        isinstance(h, dict) and isinstance(h.get("command"), str)
        and "guard proxy --ensure" in str(h["command"]).replace("' proxy", " proxy")
        for h in inner)


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
