"""``guard install AGENT --proxy`` / ``guard uninstall AGENT --proxy``: point an assistant at
``guard proxy`` in its own configuration, and have it start the proxy at session start.

Claude Code: ``env.ANTHROPIC_BASE_URL`` in ``.claude/settings.json`` (or the user's), and a
``SessionStart`` hook running ``guard proxy --ensure``. If the proxy is down, Claude Code's
requests fail with a connection error: it never falls back to the real API. A base URL the
user set already is not replaced (Guard says how to chain it with ``--upstream``). Uninstalling
removes exactly what installing added, so the file comes back byte for byte.

The other assistants read their base URL from places Guard does not edit yet; for them the
command says how to point them at the proxy by hand.
"""

from __future__ import annotations

import os
import shlex
import sys

from guard.errors import GuardError
from guard.protect import manifest

DEFAULT_PORT = 8787
BY_HAND = {
    "gemini": "GOOGLE_GEMINI_BASE_URL={url} (in the environment Gemini CLI starts from)",
    "qwen": "OPENAI_BASE_URL={url}/v1 (in the environment Qwen Code starts from)",
    "codex": "a model provider with base_url = \"{url}/v1\" and wire_api = \"responses\" in "
             "~/.codex/config.toml",
}


def url(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def ensure_command(port: int) -> str:
    from guard.commands.install_agents import hook_command

    guard = hook_command("claude").rsplit(" hook ", 1)[0]  # the same absolute guard
    return f"{guard} proxy --ensure --listen 127.0.0.1:{port}"


def run(names: list[str], *, port: int = DEFAULT_PORT, user: bool = False,
        uninstall: bool = False, cwd: str = ".") -> int:
    from guard.config import find_root

    for name in names:
        if name != "claude":
            how = BY_HAND.get(name)
            raise GuardError(f"--proxy is not written for {name} yet" + (
                f": set {how.format(url=url(port))}, and start `guard proxy --listen "
                f"127.0.0.1:{port}`" if how else ""))
    base = os.path.expanduser("~") if user else find_root(os.path.abspath(cwd))
    path = os.path.join(base, ".claude", "settings.json")
    message = remove(path, port) if uninstall else add(path, port)
    sys.stdout.write(f"guard: claude: {path}: {message}\n")
    return 0


def add(path: str, port: int) -> str:
    old = manifest.read(path)
    data = manifest.load_json(old, path) if old and old.strip() else {}
    env = data.setdefault("env", {})
    if not isinstance(env, dict):
        raise GuardError("\"env\" is not a JSON object; Guard left the file untouched", path)
    current = env.get("ANTHROPIC_BASE_URL")
    if current not in (None, url(port)):
        upstream = shlex.quote(f"anthropic={current}")
        raise GuardError(f"ANTHROPIC_BASE_URL is set to {current!r} already; Guard does not "
                         "replace it. Run the proxy in front of it instead: `guard proxy "
                         f"--listen 127.0.0.1:{port} --upstream {upstream}` and set "
                         "ANTHROPIC_BASE_URL to the proxy yourself", path)
    hooks = data.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise GuardError("\"hooks\" is not a JSON object; Guard left the file untouched", path)
    starts = hooks.setdefault("SessionStart", [])
    if not isinstance(starts, list):
        raise GuardError("\"hooks.SessionStart\" is not a JSON list; Guard left the file "
                         "untouched", path)
    entry = {"hooks": [{"type": "command", "command": ensure_command(port), "timeout": 30}]}
    if current == url(port) and entry in starts:
        return "already installed"
    env["ANTHROPIC_BASE_URL"] = url(port)
    if entry not in starts:
        starts[:] = [s for s in starts if not _ours(s)] + [entry]
    manifest.write_atomic(path, manifest.dump_json(data, old))
    return f"requests go through guard proxy at {url(port)}"


def remove(path: str, port: int) -> str:
    old = manifest.read(path)
    if old is None:
        return "no proxy here"
    data = manifest.load_json(old, path) if old.strip() else {}
    changed = False
    env = data.get("env")
    if isinstance(env, dict) and env.get("ANTHROPIC_BASE_URL") == url(port):
        del env["ANTHROPIC_BASE_URL"]
        changed = True
        if not env:
            del data["env"]
    hooks = data.get("hooks")
    if isinstance(hooks, dict) and isinstance(hooks.get("SessionStart"), list):
        kept = [s for s in hooks["SessionStart"] if not _ours(s)]
        if len(kept) != len(hooks["SessionStart"]):
            changed = True
            if kept:
                hooks["SessionStart"] = kept
            else:
                del hooks["SessionStart"]
                if not hooks:
                    del data["hooks"]
    if not changed:
        return "no Guard proxy here: left alone"
    if not data:
        os.remove(path)
        return "removed (the file held nothing else)"
    manifest.write_atomic(path, manifest.dump_json(data, old))
    return "removed"


def _ours(entry: object) -> bool:
    """A SessionStart entry running ``guard proxy --ensure``."""
    inner = entry.get("hooks") if isinstance(entry, dict) else None
    return isinstance(inner, list) and any(
        isinstance(h, dict) and isinstance(h.get("command"), str)
        and "guard proxy --ensure" in str(h["command"]).replace("' proxy", " proxy")
        for h in inner)


def status(root: str) -> str:
    """For guard doctor: whether Claude Code goes through the proxy, and whether it answers."""
    import json

    from guard.commands.proxy import answering

    for path in (os.path.join(root, ".claude", "settings.json"),
                 os.path.expanduser("~/.claude/settings.json")):
        try:
            with open(path, encoding="utf-8") as f:
                base = json.load(f).get("env", {}).get("ANTHROPIC_BASE_URL")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(base, str) and base.startswith("http://127.0.0.1:"):
            port = base.rsplit(":", 1)[1].rstrip("/")
            if port.isdigit():
                live = "answering" if answering("127.0.0.1", int(port)) else \
                    "not running now (started at session start)"
                return f"proxy: {base}, {live}"
    return "proxy: off"
