"""The assistant-independent vocabulary of a pre-tool hook: a tool call in Guard's terms
(:class:`Call`), what the hook process answers (:class:`Reply`), and the helpers each
``guard.agents`` module uses to read its assistant's event (``tool_call``, ``first``,
``workspace``) and write its verdict (``dumps``).

This module is what assistants import from the hook package: it imports nothing of Guard (the
package ``guard.hook`` is empty), so reading an event costs no engine, config or rule loading.
"""

from __future__ import annotations

import json
import os


class Call:
    """One tool call. ``kind``: read, search, list, write, edit, shell, mcp, other (judged by
    its arguments), skip (nothing to judge: another event, a tool without file access) or bad
    (Guard could not understand the event; ``problem`` says why)."""

    __slots__ = ("args", "command", "content", "cwd", "glob", "kind", "path", "pattern",
                 "problem", "tool")

    def __init__(self, kind: str, tool: str = "", *, path: str = "", command: str = "",
                 pattern: str | None = None, glob: str | None = None,
                 content: str | None = None, args: object = None, cwd: str = "",
                 problem: str = "") -> None:
        self.kind = kind
        self.tool = tool
        self.path = path
        self.command = command
        self.pattern = pattern
        self.glob = glob
        self.content = content
        self.args = args
        self.cwd = cwd
        self.problem = problem

    def __repr__(self) -> str:
        return f"Call({self.kind!r}, {self.tool!r}, path={self.path!r}, command={self.command!r})"


class Reply:
    """What the hook process writes and how it exits."""

    __slots__ = ("code", "stderr", "stdout")

    def __init__(self, stdout: str = "", stderr: str = "", code: int = 0) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self.code = code


# --- reading events ---------------------------------------------------------------------------

# A tool table maps a tool name to (kind, argument holding the path or command, others):
# "search" tools name (path key, pattern key, glob key).
def tool_call(table: dict[str, tuple[str, ...]], tool: str, args: object, cwd: str,
              mcp_prefixes: tuple[str, ...] = ()) -> Call:
    """The Call for ``tool`` with arguments ``args`` according to an assistant's tool table."""
    if not isinstance(args, dict):
        if isinstance(args, str):  # some assistants pass the arguments as a JSON string
            try:
                args = json.loads(args)
            except ValueError:
                return Call("bad", tool, problem="its tool arguments are not JSON")
        if not isinstance(args, dict):
            args = {} if args is None else {"value": args}
    if any(tool.startswith(p) for p in mcp_prefixes):
        return Call("mcp", tool, args=args, cwd=cwd)
    spec = table.get(tool)
    if spec is None:
        return Call("other", tool, args=args, cwd=cwd)
    kind, keys = spec[0], spec[1:]
    if kind == "skip":
        return Call("skip", tool)
    if kind == "search":
        path = first(args, keys[0]) or ""
        return Call("search", tool, path=path, pattern=first(args, keys[1]),
                    glob=first(args, keys[2]) if len(keys) > 2 else None, args=args, cwd=cwd)
    if kind == "list":
        return Call("list", tool, args=args, cwd=cwd)
    if kind == "other" or not keys:  # judged by its arguments, like a tool Guard does not know
        return Call("other", tool, args=args, cwd=cwd)
    value = first(args, keys[0])
    if not value:
        return Call("bad", tool, problem=f"{tool} came without {keys[0].split('|')[0]}")
    if kind == "shell":
        return Call("shell", tool, command=value, args=args, cwd=cwd)
    content = first(args, keys[1]) if len(keys) > 1 else None
    return Call(kind, tool, path=value, content=content, args=args, cwd=cwd)


def first(args: dict[str, object], keys: str) -> str | None:
    """The first string among ``args[k]`` for k in the ``|``-separated ``keys``."""
    for key in keys.split("|"):
        value = args.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def workspace(event: dict[str, object], *keys: str) -> str:
    """The directory the assistant works in: the first string or first element of a list."""
    for key in keys:
        value = event.get(key)
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, str) and value:
            return value
    return os.getcwd()


# --- writing replies --------------------------------------------------------------------------

def dumps(obj: object) -> str:
    """One JSON reply line, as the assistants read it."""
    return json.dumps(obj, ensure_ascii=False) + "\n"
