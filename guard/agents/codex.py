"""OpenAI Codex CLI: no ignore file and no deny list in the repository (its sandbox profiles
live in the user's config.toml), so Guard only answers its hook.

Hook (developers.openai.com/codex/hooks): ``.codex/hooks.json`` or ``~/.codex/hooks.json``,
Claude-shaped. ``PreToolUse`` gets ``tool_name`` (``Bash`` for every shell command, which is how
Codex reads files; ``apply_patch``; MCP tools) and ``tool_input.command``. A deny is
``hookSpecificOutput.permissionDecision: "deny"``; reports say Codex rejects ``allow``/``ask``
there, so an allowed call gets no output at all. Guard also exits 2 with the reason on stderr,
which blocks in every reported version.
"""

from __future__ import annotations

from guard.agents import HOOK_COMMAND, TYPE_CHECKING, Agent, HookInstall

if TYPE_CHECKING:
    from guard.hook.call import Call, Reply
    from guard.hook.context import Context
    from guard.hook.decide import Decision

HOOK_TOOLS = {
    "Bash": ("shell", "command"),
    "shell": ("shell", "command"),
    "exec_command": ("shell", "command|cmd"),
    "apply_patch": ("other",),  # the patch names the files it touches: judged as arguments
}


class Codex(Agent):
    name = "codex"
    display_name = "Codex CLI"
    manifest = None
    source = "developers.openai.com/codex/hooks"
    caveats = (
        "no ignore file: reads go through the shell tool, so only the hook (or a sandbox "
        "profile in ~/.codex/config.toml) keeps secret files away",
    )
    hook_files = (".codex/hooks.json", "~/.codex/hooks.json")
    hook_tools = HOOK_TOOLS
    mcp_prefixes = ("mcp__",)
    hook_events = ("PreToolUse",)
    output_events = ("PostToolUse",)
    hook_every_tool = True  # Codex's other tools (and new ones) are judged by their arguments
    hook_install = HookInstall(".codex/hooks.json", "~/.codex/hooks.json", "grouped",
                               {"type": "command", "command": HOOK_COMMAND, "timeout": 30})

    def hook_call(self, event: dict[str, object]) -> Call:
        from guard.agents.claude import claude_call

        args = event.get("tool_input")
        if isinstance(args, dict) and isinstance(args.get("command"), list):
            # the exec form, ["bash", "-lc", "cat .env"], judged as the command line it runs
            import shlex

            event = dict(event, tool_input=dict(args, command=shlex.join(
                str(c) for c in args["command"])))
        return claude_call(event, HOOK_TOOLS, self.mcp_prefixes)

    def hook_reply(self, decision: Decision, call: Call, event: dict[str, object],
                   ctx: Context | None = None) -> Reply:
        from guard.agents.claude import claude_reply

        reply = claude_reply(decision, call, event, ctx, rewrite=False)
        if not decision.allowed:
            reply.stderr = f"Guard: {decision.reason}\n"
            reply.code = 2
        return reply

    def output_reply(self, event: dict[str, object], result: object, count: int,
                     why: str) -> Reply:
        """``decision: block`` gives the model the reason instead of the output: the reason
        carries the redacted output."""
        from guard.hook.call import Reply, dumps
        from guard.hook.output import reason_text

        reason = reason_text(result, count, why)
        if reason is None:
            return Reply()
        return Reply(stdout=dumps({"decision": "block", "reason": reason}))


AGENT = Codex()
