"""``guard hook AGENT``: read one pre-tool hook event on stdin, decide, answer in the assistant's
own contract (see /work/shared/reference/ai-agents.md and each ``guard.agents`` module).

The assistant module turns its event into a :class:`guard.hook.call.Call` (what the tool is about
to do, in Guard's terms) and turns Guard's :class:`guard.hook.decide.Decision` into its
:class:`guard.hook.call.Reply`. Everything in between is shared: this module judges the call with
guard.hook.decide. Assistants import the vocabulary from guard.hook.call and guard.hook.views,
never from here (this module imports them: ``guard.agents.get``).

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

from guard.hook.call import Call, Reply

TYPE_CHECKING = False
if TYPE_CHECKING:
    from guard.agents import Agent
    from guard.hook.context import Context
    from guard.hook.decide import Decision

# --- judging ----------------------------------------------------------------------------------

def judge(call: Call, ctx: Context) -> Decision:
    """The verdict on a call Guard could read (any kind but "bad", see :func:`refusal`)."""
    from guard.hook import decide

    kind = call.kind
    if kind in ("skip", "list"):
        return decide.ALLOW
    if kind == "read":
        return decide.decide_read(call.path, ctx.cwd, ctx=ctx)
    if kind == "search":
        return decide.decide_search(ctx.cwd, path=call.path or None, pattern=call.pattern,
                                    glob=call.glob, ctx=ctx)
    if kind in ("write", "edit"):
        from guard.hook import writeback

        if writeback.has_placeholder(call.args):
            restored = writeback.decide(ctx, call.path, call.args)
            if restored.action == "restore" and not ctx.output_layer and ctx.sensitive(
                    restored.path, content=False):
                # its result would show the file's lines, and nothing would redact them
                return decide.decide_write(call.path, ctx.cwd, mode=kind, ctx=ctx)
            return restored
        return decide.decide_write(call.path, ctx.cwd, content=call.content, mode=kind, ctx=ctx)
    if kind == "shell":
        from guard.hook import writeback

        if writeback.has_placeholder(call.command) and writeback.writes(call.command, ctx):
            return decide.Decision("deny", "this command writes placeholders of secret values "
                                   "(<redacted:…>) into a file, where they would replace the "
                                   "secrets; edit the file with the file-edit tool, which Guard "
                                   "can restore the values in, or ask the user")
        return decide.decide_shell(call.command, ctx.cwd, ctx=ctx)
    # mcp and tools Guard does not know: judged by the paths and commands among the arguments
    from guard.hook import writeback

    if call.tool in ("apply_patch", "edit_file", "write_file") and \
            writeback.has_placeholder(call.args):
        return decide.Decision("deny", f"this {call.tool} writes placeholders of secret values "
                               "(<redacted:…>), which would replace the secrets in the file, and "
                               "Guard cannot put the values back in this assistant; ask the user "
                               "to make this change")
    return decide.decide_mcp(call.tool, call.args or {}, ctx.cwd, ctx=ctx)


def refusal(call: Call) -> Decision:
    """The deny for a call Guard could not read (kind "bad"): it needs no context."""
    from guard.hook import decide

    # every assistant's reply puts "Guard: " in front of the reason
    return decide.Decision("deny", f"could not read this tool call ({call.problem}) and denies "
                                   "it: it cannot tell whether a secret file is involved.")


# --- the process ------------------------------------------------------------------------------

def run(agent: Agent, raw: bytes, env: dict[str, str] | None = None) -> Reply:
    from guard.hook import decide
    from guard.hook.context import Context  # loaded with decide: costs nothing more

    try:
        event = json.loads(raw)
    except ValueError:
        event = None
    if not isinstance(event, dict):
        call = Call("bad", problem="the hook event on stdin is not a JSON object")
        return agent.hook_reply(refusal(call), call, {})
    if agent.output_events and event.get("hook_event_name") in agent.output_events:
        from guard.hook import output

        return output.answer(agent, event, env)
    try:
        call = agent.hook_call(event)
        if call.kind in ("skip", "list"):  # nothing to judge: no config, no rules to load
            return agent.hook_reply(decide.ALLOW, call, event)
        if call.kind == "bad":
            return agent.hook_reply(refusal(call), call, event)
        ctx = Context(call.cwd or os.getcwd(), env)
        if agent.output_installed(ctx.root):
            ctx.output_layer = True
            ctx.output_sees_failures = agent.output_sees_failures
        decision = judge(call, ctx)
        if decision.action == "restore" and not agent.rewrites_input:
            decision = decide.Decision(
                "deny", f"this edit of {ctx.shown(decision.path)} holds placeholders of secret "
                        f"values, and {agent.display_name} lets no hook put the values back: "
                        "written as it is, it would replace a secret with a placeholder. Ask the "
                        "user to make this change.")
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
