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


def targets(absolute: bool = False) -> dict[str, Target]:
    """Every assistant with a hook, in the order of guard.agents.with_hooks(); with
    ``absolute``, the command runs this installation's Guard wherever the assistant's PATH
    points (see :func:`hook_command`)."""
    out: dict[str, Target] = {}
    for name in agents.with_hooks():
        agent = agents.get(name)
        install = agent.hook_install
        assert install is not None
        command = hook_command(name) if absolute else None
        out[name] = Target(install.project, install.user, install.shape,
                           agent.hook_entries(command), top=install.top, owned=install.owned)
    return out


def hook_command(name: str) -> str:
    """``guard hook NAME`` with the absolute path of the ``guard`` this installation runs (or
    its interpreter with ``-m guard``): an assistant runs hooks with its own PATH, where a
    virtualenv's ``guard`` is usually missing, and a hook that cannot start lets the tool run."""
    import shlex

    script = os.path.join(os.path.dirname(os.path.abspath(sys.executable)), "guard")
    if os.path.isfile(script) and os.access(script, os.X_OK):
        return f"{shlex.quote(script)} hook {name}"
    return f"{shlex.quote(os.path.abspath(sys.executable))} -m guard hook {name}"


def hook_agents() -> list[str]:
    return list(targets())


def run(names: list[str], *, every: bool = False, user: bool = False, uninstall: bool = False,
        cwd: str = ".", protect: bool = True) -> int:
    known = targets(absolute=True)
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
        if uninstall:
            _prune(os.path.dirname(path), base)
        sys.stdout.write(f"guard: {name}: {_shown(path)}: {message}\n")
    if protect and not uninstall and not user:
        _protect(root, [n for n in names if _has_manifest(n)])
    return 0


def _prune(directory: str, base: str) -> None:
    """Remove the folders left empty by an uninstall (.cursor/, .github/hooks/…), up to
    ``base``: never a folder that still holds anything."""
    base = os.path.abspath(base)
    directory = os.path.abspath(directory)
    while directory.startswith(base + os.sep):
        try:
            os.rmdir(directory)  # only succeeds when empty
        except OSError:
            return
        directory = os.path.dirname(directory)


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
            if entry in entries:
                continue
            # Guard's entry from another installation (another path to guard): replaced
            kept = [e for e in (_without_ours(e, name) for e in entries) if e is not None]
            entries[:] = [*kept, entry]
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
    """Whether ``handler`` runs Guard's hook for ``name``: ``guard hook NAME``, with or
    without a path to guard, or ``PYTHON -m guard hook NAME``."""
    if not isinstance(handler, dict):
        return False
    import re

    want = re.compile(rf"(?:^|[\s/'\"])guard['\"]?\s+hook\s+{re.escape(name)}\s*$")
    return any(isinstance(handler.get(k), str) and want.search(str(handler.get(k)))
               for k in ("command", "bash"))


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
    wanted = list(target.events.values())
    if all(w in hooks for w in wanted):
        return False
    hooks[:] = [h for h in hooks if not (isinstance(h, dict) and _is_command(h.get("action"),
                                                                             name))] + wanted
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
            f"`guard uninstall {name}`\nexec {hook_command(name)}\n")


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


# --- what is installed, and does it answer ------------------------------------------------------

def installed_commands(name: str, root: str) -> list[str]:
    """The commands that run Guard's hook for ``name`` in the assistant's hook files (project
    and user): what the assistant will actually start."""
    import glob
    import json

    agent = agents.get(name)
    found: list[str] = []
    for pattern in agent.hook_files:
        for path in sorted(glob.glob(os.path.join(root, os.path.expanduser(pattern)))):
            if _is_shim(path):  # Cline: the executable itself is the command
                found.append(path)
                continue
            try:
                with open(path, encoding="utf-8") as f:
                    data = json.load(f)
            except (OSError, ValueError):
                continue
            stack: list[object] = [data]
            while stack:
                item = stack.pop()
                if isinstance(item, dict):
                    if _is_command(item, name):
                        command = item.get("command") or item.get("bash")
                        if isinstance(command, str) and command not in found:
                            found.append(command)
                    stack.extend(item.values())
                elif isinstance(item, list):
                    stack.extend(item)
    return found


def probe(command: str, root: str) -> str:
    """Run an installed hook ``command`` as an assistant would, with a minimal PATH and an event
    that is not JSON: a working hook refuses it (exit 2, or a deny in its reply). Returns ""
    when it did, else what went wrong."""
    import subprocess

    env = {"PATH": "/usr/bin:/bin", "HOME": os.path.expanduser("~"), "LANG": "C.UTF-8"}
    try:
        proc = subprocess.run(command if not _is_shim(command) else [command],
                              shell=not _is_shim(command), input="not a hook event",
                              capture_output=True, text=True, cwd=root, env=env, timeout=30,
                              check=False)
    except (OSError, subprocess.SubprocessError) as e:
        return f"could not run it: {e}"
    if proc.returncode == 2 or any(w in proc.stdout for w in ('"deny"', '"block"')):
        return ""
    said = (proc.stderr.strip().splitlines() or [""])[-1][:120]
    return f"exit {proc.returncode}" + (f": {said}" if said else "") + \
        " (an assistant lets the tool run when its hook fails)"
