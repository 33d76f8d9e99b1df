"""GitHub Copilot: content exclusion lives in the repository's settings on GitHub, not in a file
(docs.github.com/en/copilot/how-tos/configure-content-exclusion/exclude-content-from-copilot), so
Guard prints the snippet to paste (``guard protect --print copilot``) and writes nothing.

Dialect: a YAML list of paths; fnmatch notation (Ruby's File.fnmatch), case-insensitive; a leading
``/`` anchors at the repository root, a pattern without one matches anywhere ("secrets.json":
files of that name anywhere); ``/scripts/**`` is everything below. No exceptions, so templates
stay readable by listing files instead of a pattern that would hide one (see guard.protect.policy).
"""

from __future__ import annotations

import json
import re

from guard.agents import HOOK_COMMAND, TYPE_CHECKING, Agent, HookInstall

if TYPE_CHECKING:
    from guard.hook.call import Call, Reply
    from guard.hook.context import Context
    from guard.hook.decide import Decision
    from guard.protect.policy import Policy

# Copilot CLI hooks (github/docs content/copilot/reference/hooks-reference.md): ``preToolUse``
# gets camelCase ``toolName`` and ``toolArgs`` (a JSON string); with a PascalCase event name
# (``PreToolUse``) the payload is Claude's, tool names included. The reply is
# ``{"permissionDecision": "deny", "permissionDecisionReason": ...}``; ``modifiedArgs`` replaces
# the arguments, which redirects a ``view`` of a sensitive file to its redacted view. A crash or
# exit 2 denies (fail closed), a timeout allows.
HOOK_TOOLS = {
    "view": ("read", "path|file_path"),
    "create": ("write", "path|file_path", "file_text|content"),
    "edit": ("edit", "path|file_path", "new_str|new_string"),
    "str_replace": ("edit", "path|file_path", "new_str|new_string"),
    "grep": ("search", "path", "pattern", "glob"),
    "glob": ("list",),
    "bash": ("shell", "command"),
    "powershell": ("shell", "command"),
    "web_fetch": ("skip",),
    "task": ("skip",),
}

HEADER = ("# GitHub Copilot content exclusion, from `guard protect --print copilot`.\n"
          "# Paste into Settings > Copilot > Content exclusion > "
          "\"Paths to exclude in this repository\".\n")


def exclusion_path(pattern: str) -> str | None:
    """A root-relative gitignore pattern as a Copilot path; None for a ``!`` exception."""
    if pattern.startswith("!"):
        return None
    directory = pattern.endswith("/")
    body = pattern.rstrip("/")
    if "/" in body and not body.startswith("/"):
        body = "/" + body  # gitignore anchors a pattern with an inner slash at the root
    return body + "/**" if directory else body


class Copilot(Agent):
    name = "copilot"
    display_name = "GitHub Copilot"
    manifest = None
    negation = False
    source = "docs.github.com/en/copilot/how-tos/configure-content-exclusion"
    caveats = (
        "set in the repository's settings on GitHub (Business/Enterprise plans), which Guard "
        "cannot read: `guard protect --print copilot` prints what to paste; takes up to 30 "
        "minutes to reach the IDEs",
        "Copilot CLI, the cloud agent and Agent mode in the IDE do not apply content exclusion",
    )
    hook_files = (".github/hooks/*.json", "~/.copilot/hooks/*.json")
    hook_tools = HOOK_TOOLS
    mcp_prefixes = ("mcp__", "mcp_")
    hook_events = ("preToolUse",)
    hook_every_tool = True  # no matcher: PascalCase events bring Claude's tool names
    hook_install = HookInstall(".github/hooks/guard.json", "~/.copilot/hooks/guard.json", "flat",
                               {"type": "command", "bash": HOOK_COMMAND, "timeoutSec": 30},
                               top={"version": 1}, owned=True)

    def hook_call(self, event: dict[str, object]) -> Call:
        from guard.hook.call import Call, tool_call, workspace

        if "tool_name" in event:  # PascalCase event: Claude's payload and tool names
            from guard.agents.claude import HOOK_TOOLS as CLAUDE_TOOLS
            from guard.agents.claude import claude_call

            return claude_call(event, CLAUDE_TOOLS)
        tool = event.get("toolName")
        if not isinstance(tool, str) or not tool:
            return Call("bad", problem="the event has no toolName")
        return tool_call(HOOK_TOOLS, tool, event.get("toolArgs"), workspace(event, "cwd"),
                         self.mcp_prefixes)

    def hook_reply(self, decision: Decision, call: Call, event: dict[str, object],
                   ctx: Context | None = None) -> Reply:
        from guard.errors import GuardError
        from guard.hook.call import Reply, dumps
        from guard.hook.views import redacted_view

        if decision.allowed:
            return Reply()
        if "tool_name" in event:
            from guard.agents.claude import claude_reply

            return claude_reply(decision, call, event, ctx, rewrite=False)
        if decision.action == "view" and call.kind == "read" and ctx is not None:
            try:
                view = redacted_view(ctx, decision.path)
            except (GuardError, OSError):
                view = None
            if view is not None and isinstance(call.args, dict):
                key = "file_path" if "file_path" in call.args else "path"
                return Reply(stdout=dumps({"permissionDecision": "allow",
                                           "modifiedArgs": dict(call.args, **{key: view})}))
        return Reply(stdout=dumps({"permissionDecision": "deny",
                                   "permissionDecisionReason": f"Guard: {decision.reason}"}))

    def render(self, policy: Policy) -> list[str]:
        paths = dict.fromkeys(p for p in (exclusion_path(line.pattern)
                                          for line in policy.lines(negation=False)) if p)
        return [f"- {json.dumps(p)}" for p in paths]

    def snippet(self, policy: Policy) -> str:
        return HEADER + "\n".join(self.render(policy)) + "\n"

    def excludes(self, path: str, manifest_text: str) -> bool:
        for line in manifest_text.splitlines():
            pattern = _yaml_item(line)
            if pattern and _matches(pattern, path):
                return True
        return False


def _yaml_item(line: str) -> str | None:
    line = line.strip()
    if not line.startswith("- "):
        return None
    value = line[2:].strip()
    if value.startswith('"'):
        try:
            item: str = json.loads(value)  # valid JSON that starts with '"' is a string
        except ValueError:
            return None
        return item
    return value.strip("'")


def _matches(pattern: str, path: str) -> bool:
    if pattern.startswith("/"):
        return re.fullmatch(_regex(pattern), "/" + path, re.I | re.S) is not None
    return re.fullmatch("(?:.*/)?" + _regex(pattern), path, re.I | re.S) is not None


def _regex(pattern: str) -> str:
    """fnmatch with path semantics: ``*`` and ``?`` stay within a directory, ``**/`` spans any
    number of them, a trailing ``/**`` everything below, ``\\`` escapes."""
    out, i, n = [], 0, len(pattern)
    while i < n:
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "\\" and i + 1 < n:
            out.append(re.escape(pattern[i + 1]))
            i += 2
        elif pattern[i] == "[" and "]" in pattern[i + 2:]:
            close = pattern.index("]", i + 2)
            body = pattern[i + 1:close]
            body = "^" + body[1:] if body.startswith("!") else body
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = close + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)


AGENT = Copilot()
