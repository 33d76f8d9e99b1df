"""A JSON settings file edited as text, so that undoing an edit gives the file back byte for byte:
a member or element is inserted last in its object or list, on the layout of the one that was
last, and deleting it removes exactly that text. Each edit is checked against the same edit on
the parsed data: a file laid out so that its text cannot be edited in place is written again in
full (indented as it was). Strict JSON only (manifest.load_json).

Edits are ``Op`` tuples: ``("member", path, key, value)`` adds ``key: value`` to the object at
``path``; ``("element", path, None, value)`` appends ``value`` to the list at ``path``;
``("delete", path, None, None)`` removes the member or element at ``path`` (keys, and indices in
lists).
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass, field

from guard.protect import manifest

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    Path = list[Any]  # keys, and indices in lists
    # ("member", path, key, value) | ("element", path, None, value) | ("delete", path, None, None)
    Op = tuple[str, Path, Any, Any]


@dataclass
class Node:
    start: int
    end: int
    items: list[tuple[Any, int, Node]] = field(default_factory=list)  # (key or index, start, value)
    container: bool = False


def scan(text: str) -> Node:
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

    return value(0)


def find(node: Node, path: Path) -> Node:
    for key in path:
        node = [child for k, _, child in node.items if k == key][-1]
    return node


def insert(text: str, path: Path, key: Any, value: Any) -> str:
    """``value`` last in the object (as member ``key``) or list (``key`` None) at ``path``, on
    the line layout of the one that was last."""
    node = find(scan(text), path)
    item = json.dumps(value, ensure_ascii=False)
    if key is not None:
        item = f"{json.dumps(key, ensure_ascii=False)}: {item}"
    if not node.items:
        return text[:node.start + 1] + item + text[node.start + 1:]
    _, last_start, last = node.items[-1]
    before = node.start + 1 if len(node.items) == 1 else \
        text.index(",", node.items[-2][2].end) + 1
    return text[:last.end] + "," + text[before:last_start] + item + text[last.end:]


def delete(text: str, path: Path) -> str:
    """The member or element at ``path`` removed with what inserting it added."""
    parent = find(scan(text), path[:-1])
    keys = [k for k, _, _ in parent.items]
    index = len(keys) - 1 - keys[::-1].index(path[-1])  # the last, as json.loads keeps
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


def apply_op(data: Any, op: Op) -> None:
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


def edit(path: str, old: str | None, data: dict[str, Any], ops: list[Op]) -> str:
    """Apply ``ops`` to the file (``old``, parsed as ``data``): written as text edits when they
    give the same data, else dumped in full; a file left holding nothing is removed."""
    expected = copy.deepcopy(data)
    for op in ops:
        apply_op(expected, op)
    if not expected and old is not None:
        os.remove(path)
        return "removed (the file held nothing else)"
    text = None
    if old is not None and old.strip():
        try:
            text = old
            for kind, where, key, value in ops:
                text = delete(text, where) if kind == "delete" else \
                    insert(text, where, key, value)
            if json.loads(text) != expected:
                text = None
        except (ValueError, IndexError):
            text = None
    manifest.write_atomic(path, text if text is not None else manifest.dump_json(expected, old))
    return "removed" if ops and ops[-1][0] == "delete" else "written"


def load(path: str) -> tuple[str | None, dict[str, Any]]:
    old = manifest.read(path)
    return old, (manifest.load_json(old, path) if old and old.strip() else {})


def copy_of(data: dict[str, Any], ops: list[Op]) -> dict[str, Any]:
    out = copy.deepcopy(data)
    for op in ops:
        apply_op(out, op)
    return out
