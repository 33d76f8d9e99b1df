"""The files ``guard install AGENT --proxy`` edits, and how it edits them so that uninstalling
gives each back byte for byte: a line first in a .env file, a block first in a TOML file (each
after a comment saying who wrote it, and whether Guard created the file), an env variable and a
hook group in JSON settings (guard.protect.json_text). No secret value is ever written: only the
proxy's loopback address and the command that starts it.
"""

from __future__ import annotations

import os
import re
import shlex

from guard.errors import GuardError
from guard.protect import manifest
from guard.protect.json_text import copy_of, edit, load

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from guard.protect.json_text import Op


def url(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def shown(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


# the API name for --upstream, and the base URL the client is then given (the proxy's prefix for
# that API: any upstream path works behind it)
CHAIN = {"gemini": ("gemini", ""), "qwen": ("openai", "/openai"), "codex": ("openai", "/openai"),
         "claude": ("anthropic", "")}


def refuse_set(agent: str, variable: str, ours: str, port: int, current: str | None,
               where: str) -> None:
    """A GuardError when ``variable`` is set to something other than ``ours``: in the
    environment (which wins over every file) or at ``where``."""
    env = os.environ.get(variable)
    if env not in (None, "", ours):
        chain_error(agent, variable, env, port, "in this environment (which wins over the "
                                                 "files Guard writes)")
    if current not in (None, ours):
        chain_error(agent, variable, current, port, f"in {shown(where)}")


def chain_error(agent: str, setting: str, current: str, port: int, where: str) -> None:
    api, prefix = CHAIN[agent]
    upstream = shlex.quote(f"{api}={current.rstrip('/')}")
    raise GuardError(f"{setting} is set to {current!r} {where} already; Guard does not replace "
                     "it. Run the proxy in front of it instead: `guard proxy --listen "
                     f"127.0.0.1:{port} --upstream {upstream}`, and set {setting} to "
                     f"{url(port)}{prefix} yourself")


ENV_MARK = "# Added by `guard install {agent} --proxy`; `guard uninstall {agent} --proxy` removes"


ENV_BLOCK = re.compile(r"# Added by `guard install (gemini|qwen) --proxy`; `guard uninstall "
                       r"\1 --proxy` removes (these 2 lines|this file)\r?\n"
                       r"(?:GOOGLE_GEMINI_BASE_URL|OPENAI_BASE_URL)=http://127\.0\.0\.1:\d+"
                       r"(?:/v1)?\r?\n")


def _env_line(agent: str, variable: str, value: str, created: bool, newline: str) -> str:
    what = "this file" if created else "these 2 lines"
    return f"{ENV_MARK.format(agent=agent)} {what}{newline}{variable}={value}{newline}"


def env_file_value(path: str, variable: str, ours: bool = True) -> str | None:
    """``variable``'s value in a .env file as dotenv reads it (the last one wins), or None;
    without ``ours``, the user's own (Guard's line left out)."""
    text = manifest.read(path) or ""
    return env_values(text if ours else ENV_BLOCK.sub("", text, count=1)).get(variable)


def env_values(text: str) -> dict[str, str]:
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


def add_env_line(path: str, agent: str, variable: str, value: str) -> str:
    """Put ``variable=value`` first in the .env file, after a line that says who wrote it; the
    file is created when missing (and then removed again by uninstall)."""
    old = manifest.read(path)
    created = old is None
    m = ENV_BLOCK.search(old) if old is not None else None
    if old is not None and m:
        if env_values(m.group(0)).get(variable) == value:
            return "already installed"
        created = m.group(2) == "this file"
        old = old[:m.start()] + old[m.end():]  # Guard's line for another port: replaced
    newline = "\r\n" if old and "\r\n" in old else "\n"
    manifest.write_atomic(path, _env_line(agent, variable, value, created, newline) + (old or ""))
    return f"{variable}={value}: requests go through guard proxy"


def remove_env_line(path: str) -> str:
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


def json_object(data: dict[str, Any], key: str, path: str) -> dict[str, Any] | None:
    value = data.get(key)
    if value is not None and not isinstance(value, dict):
        raise GuardError(f"\"{key}\" is not a JSON object; Guard left the file untouched", path)
    return value


def hook_ops(data: dict[str, Any], event: str, handler: dict[str, object],
             path: str) -> list[Op] | None:
    """What adds Guard's ``guard proxy --ensure`` group last in ``hooks.EVENT`` (one of another
    port or path is replaced); None when it is there already."""
    hooks = json_object(data, "hooks", path)
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
                     for i in reversed(range(len(entries))) if is_ours(entries[i])]
    return [*ops, ("element", ["hooks", event], None, entry)]


def env_ops(data: dict[str, Any], variable: str, value: str, path: str) -> list[Op]:
    env = json_object(data, "env", path)
    if env is None:
        return [("member", [], "env", {variable: value})]
    return [("member", ["env"], variable, value)]


def _unhook_ops(data: dict[str, Any], event: str) -> list[Op]:
    hooks = data.get("hooks")
    entries = hooks.get(event) if isinstance(hooks, dict) else None
    if not isinstance(hooks, dict) or not isinstance(entries, list):
        return []
    ours = [i for i, e in enumerate(entries) if is_ours(e)]
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
            if is_ours(entry):
                for handler in entry["hooks"]:
                    m = re.search(r"--listen 127\.0\.0\.1:(\d+)", str(handler.get("command")))
                    if m:
                        found.add(int(m.group(1)))
    return found


def _ours_values(data: dict[str, Any], port: int, suffix: str) -> set[str]:
    """The base URLs Guard wrote: for ``port``, or for a port one of its hooks starts."""
    return {f"{url(p)}{suffix}" for p in {port, *_our_ports(data)}}


def check_hook(path: str, event: str) -> None:
    """A GuardError now, before any file is written, when ``path`` cannot take the hook."""
    _, data = load(path)
    hook_ops(data, event, {}, path)


def add_hook(path: str, event: str, handler: dict[str, object]) -> str:
    old, data = load(path)
    ops = hook_ops(data, event, handler, path)
    if ops is None:
        return "already installed"
    edit(path, old, data, ops)
    return f"{event} hook starts the proxy"


def add_json_env(path: str, agent: str, variable: str, value: str, port: int) -> str:
    old, data = load(path)
    current = (json_object(data, "env", path) or {}).get(variable)
    if current == value:
        return "already installed"
    if current is not None:
        chain_error(agent, variable, str(current), port, f"in {shown(path)}")
    edit(path, old, data, env_ops(data, variable, value, path))
    return f"{variable}={value}: requests go through guard proxy"


def remove_hook(path: str, event: str) -> str:
    old, data = load(path)
    if old is None:
        return "no proxy here"
    ops = _unhook_ops(data, event)
    return edit(path, old, data, ops) if ops else "no Guard proxy here: left alone"


def remove_json_env_and_hook(path: str, variable: str, event: str, port: int,
                             suffix: str) -> str:
    old, data = load(path)
    if old is None:
        return "no proxy here"
    ops = _unenv_ops(data, variable, _ours_values(data, port, suffix))
    after = copy_of(data, ops)
    ops += _unhook_ops(after, event)
    return edit(path, old, data, ops) if ops else "no Guard proxy here: left alone"


def is_ours(entry: object) -> bool:
    """A hook group running ``guard proxy --ensure``."""
    inner = entry.get("hooks") if isinstance(entry, dict) else None
    return isinstance(inner, list) and any(
        isinstance(h, dict) and isinstance(h.get("command"), str)
        and "guard proxy --ensure" in str(h["command"]).replace("' proxy", " proxy")
        for h in inner)


CODEX_PROVIDER = "guard-proxy"


CODEX_MARK = ("# Added by `guard install codex --proxy --user`; `guard uninstall codex --proxy "
              "--user` removes")


CODEX_BLOCK = re.compile(
    r"# Added by `guard install codex --proxy --user`; `guard uninstall codex --proxy --user` "
    r"removes (these 3 lines|this file)\r?\n"
    rf"model_provider = \"{CODEX_PROVIDER}\"\r?\n"
    rf"model_providers\.{CODEX_PROVIDER} = \{{[^\n]*base_url = \"http://127\.0\.0\.1:\d+/v1\""
    r"[^\n]*\}\r?\n")


def codex_block(port: int, created: bool, newline: str) -> str:
    what = "this file" if created else "these 3 lines"
    return (f"{CODEX_MARK} {what}{newline}"
            f"model_provider = \"{CODEX_PROVIDER}\"{newline}"
            f"model_providers.{CODEX_PROVIDER} = {{ name = \"OpenAI through guard proxy\", "
            f"base_url = \"{url(port)}/v1\", wire_api = \"responses\", "
            f"requires_openai_auth = true }}{newline}")


def toml(text: str, path: str) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise GuardError(f"is not valid TOML ({e}); Guard left it untouched", path) from None


def toml_or_none(text: str) -> dict[str, Any] | None:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def remove_codex_provider(path: str) -> str:
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
