"""``guard hook AGENT``: read one pre-tool hook event on stdin, decide, answer in the assistant's
own contract (see /work/shared/reference/ai-agents.md and each ``guard.agents`` module).

The assistant module turns its event into a :class:`Call` (what the tool is about to do, in
Guard's terms) and turns Guard's :class:`guard.hook.decide.Decision` into its reply. Everything in
between is shared: this module judges the call with guard.hook.decide.

Fail closed: an event that is not JSON, or a known tool without the argument Guard needs, is
denied with a reason, because Guard cannot tell whether a secret file is involved. A tool Guard
does not know is judged by its arguments (paths and commands in them), so ordinary work is not
blocked. An internal error denies too: every assistant except Claude Code treats a crash as
"allow", and a hook that lets a secret through on a bug is worse than one that blocks a read.

This runs before every tool call: only the assistant's module and guard.hook.decide are imported,
and the engine loads only when a file's content must be scanned.
"""

from __future__ import annotations

import json
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from guard.agents import Agent
    from guard.hook.decide import Context, Decision

VIEWS_DIR = os.path.join(".guard", "views")


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
def tool_call(table: dict[str, tuple], tool: str, args: object, cwd: str,
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
    value = first(args, keys[0])
    if not value:
        return Call("bad", tool, problem=f"{tool} came without {keys[0].split('|')[0]}")
    if kind == "shell":
        return Call("shell", tool, command=value, args=args, cwd=cwd)
    content = first(args, keys[1]) if len(keys) > 1 else None
    return Call(kind, tool, path=value, content=content, args=args, cwd=cwd)


def first(args: dict, keys: str) -> str | None:
    """The first string among ``args[k]`` for k in the ``|``-separated ``keys``."""
    for key in keys.split("|"):
        value = args.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def workspace(event: dict, *keys: str) -> str:
    """The directory the assistant works in: the first string or first element of a list."""
    for key in keys:
        value = event.get(key)
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, str) and value:
            return value
    return os.getcwd()


# --- judging ----------------------------------------------------------------------------------

def judge(call: Call, ctx: Context) -> Decision:
    from guard.hook import decide

    kind = call.kind
    if kind in ("skip", "list"):
        return decide.ALLOW
    if kind == "bad":
        return refusal(call)
    if kind == "read":
        return decide.decide_read(call.path, ctx.cwd, ctx=ctx)
    if kind == "search":
        return decide.decide_search(ctx.cwd, path=call.path or None, pattern=call.pattern,
                                    glob=call.glob, ctx=ctx)
    if kind in ("write", "edit"):
        return decide.decide_write(call.path, ctx.cwd, content=call.content, mode=kind, ctx=ctx)
    if kind == "shell":
        return decide.decide_shell(call.command, ctx.cwd, ctx=ctx)
    # mcp and tools Guard does not know: judged by the paths and commands among the arguments
    return decide.decide_mcp(call.tool, call.args or {}, ctx.cwd, ctx=ctx)


def refusal(call: Call) -> Decision:
    """The deny for a call Guard could not read (kind "bad"): it needs no context."""
    from guard.hook import decide

    return decide.Decision("deny", f"Guard could not read this tool call ({call.problem}) and "
                                   "denies it: it cannot tell whether a secret file is involved.")


def redacted_view(ctx: Context, path: str) -> str:
    """Write the redacted view of ``path`` under the repository's .guard/views/ (which ignores
    itself in git) and return its path. Raises GuardError when there is no view."""
    import zlib  # a name for the view, not a security boundary: crc32 loads in no time

    directory = os.path.join(ctx.root, VIEWS_DIR)
    os.makedirs(directory, exist_ok=True)
    ignore = os.path.join(directory, ".gitignore")
    if not os.path.exists(ignore):
        with open(ignore, "w", encoding="utf-8") as f:
            f.write("# redacted views written by `guard hook`; never commit them\n*\n")
    digest = f"{zlib.crc32(os.fsencode(os.path.abspath(path))):08x}"
    # a name no path rule calls sensitive (".env" or "id_rsa" would be judged by name again)
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in os.path.basename(path))
    target = os.path.join(directory, f"{stem.strip('-') or 'file'}-{digest}.redacted.txt")
    if ctx.by_name(target):
        target = os.path.join(directory, f"view-{digest}.redacted.txt")
    if _fresh(target, path, ctx.config.path):
        return target  # redacting again would load the engine for the same answer
    from guard.commands import view

    data = view.redacted(ctx.judge, path).data  # the judge the hook has loaded already
    tmp = f"{target}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, target)
    return target


def _fresh(view: str, source: str, config: str | None) -> bool:
    """Whether the view was written after the file and the Guard config last changed."""
    try:
        written = os.stat(view).st_mtime_ns
        changed = max(os.stat(p).st_mtime_ns for p in (source, config) if p)
    except OSError:
        return False
    return written > changed


# --- the process ------------------------------------------------------------------------------

def run(agent: Agent, raw: bytes, env: dict[str, str] | None = None) -> Reply:
    from guard.hook import decide

    try:
        event = json.loads(raw)
    except ValueError:
        event = None
    if not isinstance(event, dict):
        call = Call("bad", problem="the hook event on stdin is not a JSON object")
        return agent.hook_reply(refusal(call), call, {})
    try:
        call = agent.hook_call(event)
        if call.kind in ("skip",):
            return agent.hook_reply(decide.ALLOW, call, event)
        if call.kind == "bad":
            return agent.hook_reply(refusal(call), call, event)
        ctx = decide.Context(call.cwd or os.getcwd(), env)
        decision = judge(call, ctx)
        return agent.hook_reply(decision, call, event, ctx)
    except Exception as e:  # a bug must not let a secret through (see the module docstring)
        call = Call("bad", problem=f"internal error: {type(e).__name__}")
        return agent.hook_reply(refusal(call), call, event)


def main(name: str) -> int:
    from guard.errors import guarded

    return guarded(_answer, name)


def _answer(name: str) -> int:
    from guard import agents
    from guard.errors import GuardError

    agent = agents.get(name)  # an unknown name is a GuardError: exit 2 blocks, failing closed
    if not agent.has_hook:
        raise GuardError(f"{agent.display_name} has no pre-tool hook to answer")
    reply = run(agent, sys.stdin.buffer.read())
    if reply.stdout:
        sys.stdout.write(reply.stdout)
        sys.stdout.flush()
    if reply.stderr:
        sys.stderr.write(reply.stderr)
    return reply.code


def dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False) + "\n"
