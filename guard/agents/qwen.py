"""Qwen Code: ``.qwenignore`` at the project root, gitignore conventions including ``!``
(qwenlm.github.io/qwen-code-docs/en/users/configuration/qwen-ignore).

Hook: Claude-style ``PreToolUse`` in ``.qwen/settings.json`` with Gemini CLI's tool names
(``read_file``, ``run_shell_command``, ``grep_search``…). Verified in the Qwen Code 0.15 bundle
(``PreToolUseHookOutput``): ``hookSpecificOutput.permissionDecision: "deny"`` (or a top-level
``decision: "deny"``) blocks with ``permissionDecisionReason``. Input rewriting is only read from
permission requests, so a read of a sensitive file is denied with the ``guard view`` hint.
"""

from __future__ import annotations

from guard.agents import HOOK_COMMAND, TYPE_CHECKING, HookInstall, IgnoreFileAgent
from guard.agents.gemini import HOOK_TOOLS  # Gemini CLI's tool names

if TYPE_CHECKING:
    from guard.hook.call import Call, Reply
    from guard.hook.context import Context
    from guard.hook.decide import Decision


class Qwen(IgnoreFileAgent):
    name = "qwen"
    display_name = "Qwen Code"
    manifest = ".qwenignore"
    source = "qwenlm.github.io/qwen-code-docs/en/users/configuration/qwen-ignore"
    caveats = (
        "honoured by the tools that support it, applied after a restart; shell commands are not "
        "covered (a Gemini CLI fork: the glob/grep override loophole probably applies)",
    )
    hook_files = (".qwen/settings.json", "~/.qwen/settings.json")
    hook_tools = HOOK_TOOLS
    mcp_prefixes = ("mcp_",)
    hook_events = ("PreToolUse",)
    output_events = ("PostToolUse",)
    # Qwen Code counts milliseconds too (hookRunner.ts): 30 would time out, and fail open
    hook_install = HookInstall(".qwen/settings.json", "~/.qwen/settings.json", "grouped",
                               {"type": "command", "command": HOOK_COMMAND, "timeout": 30000})

    def hook_call(self, event: dict[str, object]) -> Call:
        from guard.agents.gemini import gemini_call

        return gemini_call(event, self.hook_events[0], HOOK_TOOLS, self.mcp_prefixes)

    def hook_reply(self, decision: Decision, call: Call, event: dict[str, object],
                   ctx: Context | None = None) -> Reply:
        from guard.agents.claude import claude_reply

        return claude_reply(decision, call, event, ctx, rewrite=False)

    def output_reply(self, event: dict[str, object], result: object, count: int,
                     why: str) -> Reply:
        """``continue: false`` gives the model the ``stopReason`` instead of the result, and the
        session goes on: the reason carries the redacted result."""
        from guard.hook.call import Reply, dumps
        from guard.hook.output import reason_text

        reason = reason_text(result, count, why)
        if reason is None:
            return Reply()
        return Reply(stdout=dumps({"continue": False, "stopReason": reason}))


AGENT = Qwen()
