"""Guard's edits of an assistant's JSON settings (env and hooks) as text: Guard's member or
element goes last in its object or list, and uninstalling removes exactly that text, so the file
comes back byte for byte (see guard.commands.install_proxy)."""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass, field

from guard.errors import GuardError
from guard.protect import manifest

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# the API the proxy serves each assistant's requests as, and the base URL's path for it
CHAIN = {"gemini": ("gemini", ""), "qwen": ("openai", "/openai"), "codex": ("openai", "/openai"),
         "claude": ("anthropic", "")}

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


def url(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def _shown(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _chain_error(agent: str, setting: str, current: str, port: int, where: str) -> None:
    api, prefix = CHAIN[agent]
    upstream = shlex.quote(f"{api}={current.rstrip('/')}")
    raise GuardError(f"{setting} is set to {current!r} {where} already; Guard does not replace "
                     "it. Run the proxy in front of it instead: `guard proxy --listen "
                     f"127.0.0.1:{port} --upstream {upstream}`, and set {setting} to "
                     f"{url(port)}{prefix} yourself")


def _ours(entry: object) -> bool:
    """A hook group running ``guard proxy --ensure``."""
    inner = entry.get("hooks") if isinstance(entry, dict) else None
    return isinstance(inner, list) and any(
        isinstance(h, dict) and isinstance(h.get("command"), str)
        and "guard proxy --ensure" in str(h["command"]).replace("' proxy", " proxy")
        for h in inner)
