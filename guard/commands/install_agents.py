"""``guard install AGENT…`` / ``guard install --all`` and their uninstall: write each assistant's
hook configuration so that it runs ``guard hook AGENT`` before its tools, next to the manifests
of ``guard protect``.

What to write comes from each assistant's module (``hook_install``, ``hook_entries()``: the
events, the matcher derived from its tool table, the handler); this module only writes and
removes it. Every assistant keeps its hooks in its own documented file (see
/work/shared/reference/ai-agents.md): JSON settings shared with the user (Claude Code, Gemini
CLI, Qwen Code, Augment, Cursor, Windsurf, Codex), a file of Guard's own (Copilot CLI, Kiro), or
an executable named after the event (Cline). In shared JSON Guard only appends its entry,
recognised by its command (``guard hook AGENT``); installing again changes nothing, and
uninstalling removes only that entry, plus the containers left empty by its removal. A file Guard
created that holds nothing else after the removal is deleted. Project scope writes in the
repository; ``--user`` in the home directory.
"""

from __future__ import annotations

import os
import sys

from guard import agents
from guard.agents import HOOK_COMMAND as COMMAND
from guard.errors import GuardError
from guard.protect import manifest

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SHIM_MARKER = "guard-hook-shim"


class Target:
    """Where and what one assistant's hook configuration is: ``project``/``user`` paths (user
    paths start with ~), ``kind`` (grouped: Claude-shaped matcher groups; flat: a list of
    handlers per event; kiro: Kiro's list of hooks; script: an executable), the events and the
    entry for each, and keys the file needs at its top (``top``). Made from the assistant's
    ``hook_install`` and ``hook_entries()``."""

    def __init__(self, project: str, user: str, kind: str, events: dict[str, dict[str, object]],
                 top: dict[str, object] | None = None, owned: bool = False) -> None:
        self.project = project
        self.user = user
        self.kind = kind
        self.events = events
        self.top = top or {}
        self.owned = owned  # the whole file is Guard's


def targets() -> dict[str, Target]:
    """Every assistant with a hook, in the order of guard.agents.with_hooks()."""
    out: dict[str, Target] = {}
    for name in agents.with_hooks():
        agent = agents.get(name)
        install = agent.hook_install
        assert install is not None
        out[name] = Target(install.project, install.user, install.shape, agent.hook_entries(),
                           top=install.top, owned=install.owned)
    return out


def hook_agents() -> list[str]:
    return list(targets())


def run(names: list[str], *, every: bool = False, user: bool = False, uninstall: bool = False,
        cwd: str = ".", protect: bool = True) -> int:
    known = targets()
    if every:
        names = list(known)
    unknown = [n for n in names if n not in known]
    if unknown:
        agents.get(unknown[0])  # an unknown name: the usual error listing the known ones
        raise GuardError(f"{unknown[0]} has no pre-tool hook Guard can install (agents with "
                         f"hooks: {', '.join(known)})")
    root = _root(cwd)
    base = os.path.expanduser("~") if user else root
    for name in dict.fromkeys(names):
        target = known[name]
        path = os.path.join(base, (target.user[2:] if user else target.project))
        message = remove(name, target, path) if uninstall else add(name, target, path)
        sys.stdout.write(f"guard: {name}: {_shown(path)}: {message}\n")
    if protect and not uninstall and not user:
        _protect(root, [n for n in names if _has_manifest(n)])
    return 0


def _has_manifest(name: str) -> bool:
    return agents.get(name).manifest is not None


def _protect(root: str, names: list[str]) -> None:
    """The manifests next to the hooks: the same as `guard protect NAME…`."""
    if not names:
        return
    from guard.commands import protect

    protect.run(root=root, agents=names)


# --- JSON settings ------------------------------------------------------------------------------

def add(name: str, target: Target, path: str) -> str:
    if target.kind == "script":
        return _add_script(name, path)
    old = manifest.read(path)
    data = manifest.load_json(old, path) if old and old.strip() else {}
    changed = False
    for key, value in target.top.items():
        if key not in data:
            data[key] = value
            changed = True
    if target.kind == "kiro":
        changed |= _add_kiro(name, target, data, path)
    else:
        hooks = _object(data, "hooks", path)
        for event, entry in target.events.items():
            entries = _list(hooks, event, path)
            if not any(_is_ours(e, name) for e in entries):
                entries.append(entry)
                changed = True
    if not changed:
        return "already installed"
    manifest.write_atomic(path, manifest.dump_json(data, old))
    return "installed" if old is None else "hook added"


def remove(name: str, target: Target, path: str) -> str:
    if target.kind == "script":
        return _remove_script(path)
    old = manifest.read(path)
    if old is None:
        return "no hook here"
    data = manifest.load_json(old, path) if old.strip() else {}
    remover = _remove_kiro if target.kind == "kiro" else _remove_entries
    removed = remover(name, data)
    if not removed:
        return "no Guard hook here: left alone"
    if all(k in target.top and data[k] == target.top[k] for k in data):
        os.remove(path)  # what is left is what Guard put at the top of the file
        return "removed (the file held nothing else)"
    manifest.write_atomic(path, manifest.dump_json(data, old))
    return "removed"


def _remove_entries(name: str, data: dict[str, Any]) -> bool:
    hooks = data.get("hooks")
    if not isinstance(hooks, dict):
        return False
    removed = False
    for event in list(hooks):
        entries = hooks[event]
        if not isinstance(entries, list):
            continue
        kept = []
        for entry in entries:
            stripped = _without_ours(entry, name)
            if stripped is not entry:
                removed = True
                if stripped is None:
                    continue
            kept.append(stripped)
        if kept:
            hooks[event] = kept
        elif len(kept) != len(entries):
            del hooks[event]
    if removed and not hooks:
        del data["hooks"]
    return removed


def _without_ours(entry: object, name: str) -> object:
    """``entry`` without Guard's handler: the same object when it has none, None when nothing
    is left of it, else a copy without Guard's handlers (the user's handlers in the same group
    are kept)."""
    if not isinstance(entry, dict):
        return entry
    if _is_command(entry, name):
        return None
    inner = entry.get("hooks")
    if not isinstance(inner, list) or not any(_is_command(h, name) for h in inner):
        return entry
    rest = [h for h in inner if not _is_command(h, name)]
    return dict(entry, hooks=rest) if rest else None


def _is_ours(entry: object, name: str) -> bool:
    if _is_command(entry, name):
        return True
    inner = entry.get("hooks") if isinstance(entry, dict) else None
    return isinstance(inner, list) and any(_is_command(h, name) for h in inner)


def _is_command(handler: object, name: str) -> bool:
    if not isinstance(handler, dict):
        return False
    want = COMMAND.format(name=name)
    return any(handler.get(k) == want for k in ("command", "bash"))


def _object(data: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    value = data.setdefault(key, {})
    if not isinstance(value, dict):
        raise GuardError(f"\"{key}\" is not a JSON object; Guard left the file untouched", path)
    return value


def _list(data: dict[str, Any], key: str, path: str) -> list[Any]:
    value = data.setdefault(key, [])
    if not isinstance(value, list):
        raise GuardError(f"\"hooks.{key}\" is not a JSON list; Guard left the file untouched",
                         path)
    return value


# --- Kiro: .kiro/hooks/*.json, {"version": "v1", "hooks": [{name, trigger, matcher, action}]} ---

def _add_kiro(name: str, target: Target, data: dict[str, Any], path: str) -> bool:
    data.setdefault("version", "v1")
    hooks = data.setdefault("hooks", [])
    if not isinstance(hooks, list):
        raise GuardError("\"hooks\" is not a JSON list; Guard left the file untouched", path)
    if any(isinstance(h, dict) and _is_command(h.get("action"), name) for h in hooks):
        return False
    hooks.extend(target.events.values())
    return True


def _remove_kiro(name: str, data: dict[str, Any]) -> bool:
    hooks = data.get("hooks")
    if not isinstance(hooks, list):
        return False
    kept = [h for h in hooks if not (isinstance(h, dict) and _is_command(h.get("action"), name))]
    if len(kept) == len(hooks):
        return False
    if kept:
        data["hooks"] = kept
    else:
        data.clear()  # Guard's own file: nothing of the user's in it
    return True


# --- Cline: an executable named after the event ------------------------------------------------

def _script(name: str) -> str:
    return (f"#!/bin/sh\n# {SHIM_MARKER}: written by `guard install {name}`, removed by "
            f"`guard uninstall {name}`\nexec {COMMAND.format(name=name)}\n")


def _add_script(name: str, path: str) -> str:
    content = _script(name)
    if os.path.lexists(path):
        if not _is_shim(path):
            raise GuardError("a hook that is not Guard's is here; add `guard hook cline` to it "
                             "by hand (it reads the event on stdin)", path)
        with open(path, encoding="utf-8") as f:
            if f.read() == content:
                return "already installed"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    manifest.write_atomic(path, content)
    os.chmod(path, 0o755)
    return "installed"


def _remove_script(path: str) -> str:
    if not os.path.lexists(path):
        return "no hook here"
    if not _is_shim(path):
        return "not Guard's hook: left alone"
    os.remove(path)
    return "removed"


def _is_shim(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return SHIM_MARKER.encode() in f.read(512)
    except OSError:
        return False


def _root(cwd: str) -> str:
    from guard.config import find_root

    return find_root(os.path.abspath(cwd))


def _shown(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel
