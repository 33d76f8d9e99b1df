"""Claude Code: ``permissions.deny`` in ``.claude/settings.json``
(code.claude.com/docs/en/permissions).

Dialect. ``Read(spec)`` and ``Edit(spec)`` take gitignore patterns with four anchors: ``//p`` from
the filesystem root, ``~/p`` from the home directory, ``/p`` from the settings file's project root,
``p`` or ``./p`` from the current directory (a bare name matches at any depth below it). Guard
anchors every rule at the project root (``/**/.env``, ``/config/credentials.json``) so that a
session started in a subdirectory is covered the same. Deny rules have no exceptions: templates
stay readable because patterns that would hide one are replaced by the tree's files (see
guard.protect.policy).

Why both tools: a Read deny also hides files from Grep, Glob and @-mentions and blocks the Edit
tool on them, but not Write or NotebookEdit; an Edit deny covers every built-in editing tool.
``Glob(...)``/``Write(...)`` path rules are ignored by Claude Code (with a startup warning).

Hook (code.claude.com/docs/en/hooks): ``PreToolUse`` gets ``tool_name`` and ``tool_input``
(Read ``file_path`` absolute, Bash ``command``, Grep ``pattern``/``path``/``glob``; MCP tools
``mcp__server__tool``). A deny is ``hookSpecificOutput.permissionDecision: "deny"`` with a reason
the model reads; silence with exit 0 lets the normal permission flow go on. ``updatedInput``
replaces the tool input: a Read of a sensitive text file is redirected to its redacted view
under ``.guard/views/`` (offset and limit kept), so the agent sees keys, never values.

JSON has no comments, so Guard cannot mark its entries in the file, and Claude Code's settings
schema has no place for a Guard key. Guard adds the entries it wants and remembers which ones it
added in ``.guard/state.json``; on the next run it removes only those of them the policy no
longer wants. Entries the user wrote are never removed, even if Guard would write the same.
"""

from __future__ import annotations

import json
import os

from guard.agents import HOOK_COMMAND, TYPE_CHECKING, Agent, HookInstall, Plan
from guard.errors import GuardError

if TYPE_CHECKING:
    from typing import Any

    from guard.hook.call import Call, Reply
    from guard.hook.context import Context
    from guard.hook.decide import Decision
    from guard.protect.policy import Policy

TOOLS = ("Read", "Edit")

# tool -> (kind, path or command argument, content argument | search: path, pattern, glob)
HOOK_TOOLS = {
    "Read": ("read", "file_path"),
    "Write": ("write", "file_path", "content"),
    "Edit": ("edit", "file_path", "new_string"),
    "MultiEdit": ("edit", "file_path"),
    "NotebookEdit": ("edit", "notebook_path", "new_source"),
    "Grep": ("search", "path", "pattern", "glob"),
    "Glob": ("list",),
    "LS": ("list",),
    "Bash": ("shell", "command"),
    "BashOutput": ("skip",),
    "KillShell": ("skip",),
    "TodoWrite": ("skip",),
    "Task": ("skip",),
    "WebSearch": ("skip",),
    "WebFetch": ("skip",),
    "ExitPlanMode": ("skip",),
}


def rule_path(pattern: str) -> str | None:
    """A root-relative gitignore pattern as a Claude Code path anchored at the project root;
    None for a ``!`` exception (deny rules have none)."""
    if pattern.startswith("!"):
        return None
    directory = pattern.endswith("/")
    body = pattern.rstrip("/")
    if body.startswith("/"):
        spec = body
    elif "/" in body:  # gitignore anchors a pattern with an inner slash at the root
        spec = "/" + body
    else:
        spec = "/**/" + body
    return spec + "/**" if directory else spec


class Claude(Agent):
    name = "claude"
    display_name = "Claude Code"
    manifest = ".claude/settings.json"
    negation = False
    remembers_entries = True  # JSON has no comments to mark Guard's entries with
    source = "code.claude.com/docs/en/permissions"
    caveats = (
        "Read/Edit deny rules cover Claude's file tools, Grep, Glob, @-mentions and the shell "
        "readers Claude recognises (cat, head, tail, sed), not arbitrary programs such as "
        "`python -c open(...)`; enable the sandbox or a hook for those",
        "no exceptions in deny rules: a new file of a listed kind is covered only after "
        "`guard protect` runs again",
    )
    hook_files = (".claude/settings.json", ".claude/settings.local.json", "~/.claude/settings.json")
    hook_tools = HOOK_TOOLS
    mcp_prefixes = ("mcp__",)
    hook_events = ("PreToolUse",)
    output_events = ("PostToolUse",)
    output_sees_failures = False  # a failing Bash command comes as PostToolUseFailure
    rewrites_input = True  # updatedInput
    hook_install = HookInstall(".claude/settings.json", "~/.claude/settings.json", "grouped",
                               {"type": "command", "command": HOOK_COMMAND, "timeout": 30})

    def hook_call(self, event: dict[str, object]) -> Call:
        return claude_call(event, HOOK_TOOLS, self.mcp_prefixes)

    def hook_reply(self, decision: Decision, call: Call, event: dict[str, object],
                   ctx: Context | None = None) -> Reply:
        return claude_reply(decision, call, event, ctx, rewrite=True)

    def output_reply(self, event: dict[str, object], result: object, count: int,
                     why: str) -> Reply:
        """``updatedToolOutput`` of the same shape replaces the result (Claude Code ignores, and
        lets through, a replacement of another shape)."""
        from guard.hook.call import Reply, dumps

        if not count and not why:
            return Reply()
        return Reply(stdout=dumps({"hookSpecificOutput": {
            "hookEventName": "PostToolUse", "updatedToolOutput": result}}))

    def render(self, policy: Policy) -> list[str]:
        specs = dict.fromkeys(s for s in (rule_path(line.pattern)
                                          for line in policy.lines(negation=False)) if s)
        return [f"{tool}({spec})" for spec in specs for tool in TOOLS]

    def snippet(self, policy: Policy) -> str:
        return json.dumps({"permissions": {"deny": self.render(policy)}}, indent=2) + "\n"

    def plan(self, root: str, policy: Policy, previous: list[str]) -> Plan:
        from guard.protect import manifest

        path = os.path.join(root, ".claude", "settings.json")
        old = manifest.read(path)
        data = manifest.load_json(old, path) if old and old.strip() else {}
        deny = _deny_list(data, path)
        wanted = self.render(policy)
        wanted_set, previous_set = set(wanted), set(previous)
        stale = [d for d in deny if d in previous_set and d not in wanted_set]
        kept = [d for d in deny if d not in stale]
        missing = [w for w in wanted if w not in kept]
        plan = Plan(self, path, self.manifest or "", old, old or "", missing=missing, stale=stale)
        # Guard's own entries: what it adds now, and what it added before and still wants
        plan.entries = [w for w in wanted if w not in deny or w in previous_set]
        if stale or missing or old is None or not old.strip():
            data.setdefault("permissions", {})["deny"] = kept + missing
            plan.new = manifest.dump_json(data, old)
        return plan

    def excludes(self, path: str, manifest_text: str) -> bool:
        """Whether a Read deny rule of this settings text matches ``path``, taking the current
        directory to be the project root (where Claude Code is normally started)."""
        from guard.protect.policy import compile_lines

        try:
            deny = json.loads(manifest_text).get("permissions", {}).get("deny", [])
        except (ValueError, AttributeError):
            return False
        lines = [_gitignore_line(d[len("Read("):-1]) for d in deny
                 if isinstance(d, str) and d.startswith("Read(") and d.endswith(")")]
        return compile_lines([ln for ln in lines if ln]).match_file(path)


def claude_call(event: dict[str, object], table: dict[str, tuple[str, ...]],
                mcp_prefixes: tuple[str, ...] = ("mcp__",)) -> Call:
    """A Claude-shaped PreToolUse event (Claude Code, Codex, Augment, Copilot CLI's PascalCase
    events)."""
    from guard.hook.call import Call, tool_call, workspace

    name = event.get("hook_event_name")
    if name is not None and name != "PreToolUse":
        return Call("skip")  # another event in the same settings: nothing to decide
    tool = event.get("tool_name")
    if not isinstance(tool, str) or not tool:
        return Call("bad", problem="the event has no tool_name")
    args = event.get("tool_input")
    call = tool_call(table, tool, args, workspace(event, "cwd"), mcp_prefixes)
    if tool == "MultiEdit" and isinstance(args, dict) and isinstance(args.get("edits"), list):
        call.content = "\n".join(e.get("new_string", "") for e in args["edits"]
                                 if isinstance(e, dict) and isinstance(e.get("new_string"), str))
    return call


def claude_reply(decision: Decision, call: Call, event: dict[str, object], ctx: Context | None,
                 rewrite: bool) -> Reply:
    """``hookSpecificOutput`` with ``permissionDecision``; with ``rewrite``, a read that has a
    redacted view is allowed with ``updatedInput`` pointing at the view."""
    from guard.hook.call import Reply, dumps

    if decision.allowed:
        return Reply()
    if decision.action == "restore" and rewrite and isinstance(decision.updates, dict):
        # the edit with the real values in place of the placeholders, run through Claude
        # Code's own permission rules (no permissionDecision)
        return Reply(stdout=dumps({"hookSpecificOutput": {
            "hookEventName": "PreToolUse", "updatedInput": decision.updates}}))
    if decision.action == "rewrite" and rewrite and call.kind == "shell":
        # updatedInput without a permissionDecision: Claude Code runs the rewritten command
        # through its own permission rules, as it would have the original (verified 2.1.197)
        updated = dict(call.args) if isinstance(call.args, dict) else {}
        updated["command"] = decision.replacement
        return Reply(stdout=dumps({"hookSpecificOutput": {
            "hookEventName": "PreToolUse", "updatedInput": updated}}))
    if call.kind == "bad" and not event:
        # not even JSON: exit 2 blocks whatever Claude Code makes of stdout
        return Reply(stderr=f"Guard: {decision.reason}\n", code=2)
    out: dict[str, object] = {"hookEventName": "PreToolUse", "permissionDecision": "deny",
           "permissionDecisionReason": f"Guard: {decision.reason}"}
    if rewrite and decision.action == "view" and call.kind == "read" and ctx is not None:
        from guard.errors import GuardError
        from guard.hook.views import redacted_view

        try:
            view = redacted_view(ctx, decision.path)
        except (GuardError, OSError):
            view = None  # no view (too large, unreadable): the deny and its hint stand
        if view is not None:
            updated = dict(call.args) if isinstance(call.args, dict) else {}
            updated["file_path"] = view
            out = {"hookEventName": "PreToolUse", "permissionDecision": "allow",
                   "permissionDecisionReason": (
                       f"Guard: {ctx.shown(decision.path)} is sensitive; reading its redacted "
                       f"view {ctx.shown(view)} instead (secret values replaced by placeholders)"),
                   "updatedInput": updated}
    return Reply(stdout=dumps({"hookSpecificOutput": out}))


def _gitignore_line(spec: str) -> str | None:
    """A Read() path as a gitignore line relative to the project root (current directory)."""
    if spec.startswith("//") or spec.startswith("~/"):
        return None  # outside the project: the tests and doctor only ask about project files
    if spec.startswith("/"):
        return spec
    spec = spec.removeprefix("./")
    head, _, rest = spec.partition("/")
    if rest == "**" and head:  # deny rules: a one-segment directory matches at any depth
        return f"**/{head}/**"
    return spec


def _deny_list(data: dict[str, Any], path: str) -> list[Any]:
    permissions = data.get("permissions", {})
    if not isinstance(permissions, dict):
        raise GuardError("\"permissions\" is not a JSON object; Guard left the file untouched",
                         path)
    deny = permissions.get("deny", [])
    if not isinstance(deny, list):
        raise GuardError("\"permissions.deny\" is not a JSON list; Guard left the file untouched",
                         path)
    return deny


AGENT = Claude()
