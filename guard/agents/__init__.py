"""AI assistants: one module per assistant, each exposing ``AGENT``, an :class:`Agent`.

The interface is small and the same for all: the assistant's names, the manifest file it owns,
``render(policy)`` (the policy in the assistant's own dialect), ``plan(...)`` (the file as it
should be), ``excludes(path, text)`` (whether the manifest keeps a file away, by the assistant's
documented semantics: used by the tests and by ``guard doctor``), ``caveats`` and where its hook
would be configured.

An assistant with a pre-tool hook is described once, in its module: its tool table
(``hook_tools``: tool name -> kind and argument keys), its MCP tool prefixes, the events Guard's
hook is installed on and where and in what shape (``hook_install``); ``hook_call(event)`` reads
its event into a :class:`guard.hook.call.Call` and ``hook_reply(...)`` writes the verdict in its
contract. Everything else is derived from that: the hook matcher (``hook_matcher()``), the entries
``guard install`` writes (``hook_entries()``), and the bundles under ``hooks/``
(``python -m guard.agents.bundles``).

Modules are imported only when asked for: a hook runs on every tool call and loads only its own.
"""

from __future__ import annotations

import os

from guard.errors import GuardError

TYPE_CHECKING = False  # typing costs a hook ~5 ms to import; annotations are strings here
if TYPE_CHECKING:
    from typing import ClassVar

    from guard.hook.call import Call, Reply
    from guard.hook.context import Context
    from guard.hook.decide import Decision
    from guard.protect.policy import Policy

# name -> module; the order is the order of every listing and table
REGISTRY = {
    "claude": "claude",
    "cursor": "cursor",
    "copilot": "copilot",
    "gemini": "gemini",
    "gemini-code-assist": "gemini_code_assist",
    "jetbrains": "jetbrains",
    "windsurf": "windsurf",
    "aider": "aider",
    "continue": "continuedev",
    "cline": "cline",
    "roo": "roo",
    "augment": "augment",
    "kiro": "kiro",
    "qwen": "qwen",
}

# assistants Guard answers hooks for but writes no manifest to (no ignore file, no deny list in
# the repository): `guard hook`/`guard install` know them, listings of manifests do not
HOOK_ONLY = {
    "codex": "codex",
}

# what every assistant's hook runs; `guard install` recognises Guard's entries by it
HOOK_COMMAND = "guard hook {name}"
EVERY_TOOL = ".*"  # the matcher of a hook that sees every tool

# `guard hook claude` as one command string, or "guard" with args ["hook", ...]
_HOOK_COMMAND = r"\bguard\b[\"',\s]*(?:args[\"']?\s*:\s*\[\s*[\"']?)?hook\b"


class Plan:
    """What ``guard protect`` would do to one manifest: ``path`` absolute, ``rel`` as shown,
    ``old`` text (None: no file) and ``new`` text, the entries it adds (``missing``) and removes
    (``stale``), and ``entries``: what Guard manages there after the write."""

    __slots__ = ("agent", "entries", "missing", "new", "old", "path", "rel", "stale")

    def __init__(self, agent: Agent, path: str, rel: str, old: str | None, new: str, *,
                 missing: list[str] | None = None, stale: list[str] | None = None,
                 entries: list[str] | None = None) -> None:
        self.agent = agent
        self.path = path
        self.rel = rel
        self.old = old
        self.new = new
        self.missing = missing or []
        self.stale = stale or []
        self.entries = entries or []

    @property
    def changed(self) -> bool:
        return self.old != self.new


class HookInstall:
    """Where and in what shape ``guard install NAME`` configures the hook (the writing itself is
    guard.commands.install_agents). ``project`` and ``user``: the file, relative to the
    repository root or starting with ``~/``. ``shape``: "grouped" (Claude-shaped: per event, a
    list of groups, each a matcher and its handlers), "flat" (per event, a list of handlers),
    "kiro" (a list of hooks, each naming its trigger event) or "script" (an executable named after
    the event). ``handler``: the handler's fields in the file's order, with :data:`HOOK_COMMAND`
    where the command goes. ``top``: keys the file needs at its top. ``owned``: the whole file is
    Guard's."""

    __slots__ = ("handler", "owned", "project", "shape", "top", "user")

    def __init__(self, project: str, user: str, shape: str,
                 handler: dict[str, object] | None = None, *,
                 top: dict[str, object] | None = None, owned: bool = False) -> None:
        self.project = project
        self.user = user
        self.shape = shape
        self.handler = handler or {}
        self.top = top or {}
        self.owned = owned


class Agent:
    """An assistant. Subclasses set the class attributes and implement the dialect."""

    name: ClassVar[str]
    display_name: ClassVar[str]
    manifest: ClassVar[str | None]  # relative to the repository root; None: not a file in it
    negation: ClassVar[bool] = True  # does the dialect re-include with "!"?
    source: ClassVar[str]  # where the format is documented
    caveats: ClassVar[tuple[str, ...]] = ()
    hook_files: ClassVar[tuple[str, ...]] = ()  # where a `guard hook` entry would be configured
    remembers_entries: ClassVar[bool] = False  # keep Plan.entries in .guard/state.json
    # The pre-tool hook. hook_tools: tool -> (kind, argument keys...), see guard.hook.call.tool_call
    hook_tools: ClassVar[dict[str, tuple[str, ...]]] = {}
    mcp_prefixes: ClassVar[tuple[str, ...]] = ()  # a tool whose name starts so is an MCP tool
    hook_events: ClassVar[tuple[str, ...]] = ()  # the events Guard's hook is installed on
    # True: the hook sees every tool (matcher ".*", or none), because the table is not the
    # assistant's whole tool set and a tool Guard does not know is judged by its arguments
    hook_every_tool: ClassVar[bool] = False
    hook_install: ClassVar[HookInstall | None] = None  # None: no hook Guard answers
    # The output layer (guard.hook.output): the post-tool events Guard's hook answers (none:
    # the assistant has no way for a hook to change a result), and whether they also come for a
    # command that failed (Claude Code sends those as PostToolUseFailure, which no reply changes).
    output_events: ClassVar[tuple[str, ...]] = ()
    # Can a pre-tool reply rewrite a tool's arguments (run the call with others)?
    rewrites_input: ClassVar[bool] = False
    output_sees_failures: ClassVar[bool] = True

    @property
    def has_hook(self) -> bool:
        """Does `guard hook NAME` answer this assistant's events (and `guard install NAME` set
        the hook up)?"""
        return self.hook_install is not None

    def render(self, policy: Policy) -> list[str]:
        """The managed content in this assistant's dialect."""
        raise NotImplementedError

    def plan(self, root: str, policy: Policy, previous: list[str]) -> Plan:
        """The manifest as it should be. ``previous`` is what Guard wrote there last time
        (from .guard/state.json), for formats that cannot mark Guard's part."""
        raise NotImplementedError

    def excludes(self, path: str, manifest_text: str) -> bool:
        """Whether a manifest with this text keeps ``path`` (relative to the root) away from the
        assistant, by the assistant's documented matching rules."""
        raise NotImplementedError

    def snippet(self, policy: Policy) -> str:
        """What ``guard protect --print NAME`` shows: the managed content as text."""
        return "\n".join(self.render(policy)) + "\n"

    def hook_call(self, event: dict[str, object]) -> Call:
        """The tool call described by one hook event (a JSON object)."""
        raise NotImplementedError

    def hook_reply(self, decision: Decision, call: Call, event: dict[str, object],
                   ctx: Context | None = None) -> Reply:
        """The verdict in the assistant's contract. The default is the one most pre-tool hooks
        share: exit 0 and no output lets the call run, exit 2 blocks it and stderr goes to the
        model."""
        from guard.hook.call import Reply

        if decision.allowed:
            return Reply()
        return Reply(stderr=f"Guard: {decision.reason}\n", code=2)

    def output_reply(self, event: dict[str, object], result: object, count: int,
                     why: str) -> Reply:
        """The answer to a post-tool event: ``result`` is the tool's result with ``count``
        secrets replaced, or withheld because of ``why``. Nothing to change: no answer."""
        from guard.hook.call import Reply

        return Reply()

    def output_installed(self, root: str) -> bool:
        """Whether Guard's hook is configured on one of :attr:`output_events` in a hook file of
        this assistant (project or user): then the output layer redacts what a tool prints."""
        if not self.output_events:
            return False
        import glob
        import json
        import re

        for pattern in self.hook_files:
            for path in glob.glob(os.path.join(root, os.path.expanduser(pattern))):
                try:
                    with open(path, encoding="utf-8") as f:
                        hooks = json.load(f).get("hooks")
                except (OSError, ValueError, AttributeError):
                    continue
                if not isinstance(hooks, dict):
                    continue
                for event in self.output_events:
                    if re.search(_HOOK_COMMAND, json.dumps(hooks.get(event))):
                        return True
        return False

    def hook_matcher(self) -> str | None:
        """The tool matcher of Guard's hook, a regex: :data:`EVERY_TOOL` when the hook must see
        every tool, else the tools Guard judges (see :func:`tool_matcher`); None for an assistant
        whose hook is not per tool."""
        if self.hook_every_tool:
            return EVERY_TOOL
        if not self.hook_tools and not self.mcp_prefixes:
            return None
        return tool_matcher(self.hook_tools, self.mcp_prefixes)

    def hook_entries(self, command: str | None = None) -> dict[str, dict[str, object]]:
        """Guard's entry in the hook configuration for each event, as ``guard install NAME``
        writes it: a matcher group ("grouped") or the handler itself ("flat"); nothing for a
        "script", whose content is the command."""
        install = self.hook_install
        if install is None or install.shape == "script":
            return {}
        handler = self.hook_handler(command)
        if install.shape == "flat":  # no matcher: the assistant runs it for every tool
            assert self.hook_every_tool, f"{self.name}: a flat hook sees every tool"
            return {event: handler for event in self.hook_events}
        if install.shape != "grouped":
            raise NotImplementedError(f"{self.name}: {install.shape} hooks define hook_entries")
        entries: dict[str, dict[str, object]] = {
            event: {"matcher": self.hook_matcher(), "hooks": [handler]}
            for event in self.hook_events}
        # every tool's result goes to the model: the output layer sees them all
        entries.update({event: {"matcher": EVERY_TOOL, "hooks": [handler]}
                        for event in self.output_events})
        return entries

    def hook_handler(self, command: str | None = None) -> dict[str, object]:
        """The handler of ``hook_install`` with Guard's command for this assistant: ``command``,
        or the portable ``guard hook NAME`` (the bundles, which cannot know where Guard is)."""
        assert self.hook_install is not None
        command = command or HOOK_COMMAND.format(name=self.name)
        return {key: command if value == HOOK_COMMAND else value
                for key, value in self.hook_install.handler.items()}

    def hook_status(self, root: str) -> str:
        """"installed", "not installed", or "none" for an assistant without hooks. A hook is
        recognised by a `guard hook` command in one of the assistant's hook config files."""
        if not self.hook_files:
            return "none"
        import glob
        import re

        for pattern in self.hook_files:
            for path in sorted(glob.glob(os.path.join(root, os.path.expanduser(pattern)))):
                try:
                    with open(path, encoding="utf-8", errors="replace") as f:
                        if re.search(_HOOK_COMMAND, f.read()):
                            return "installed"
                except OSError:
                    continue
        return "not installed"


class IgnoreFileAgent(Agent):
    """An assistant that reads a gitignore-style file. Guard's lines live in a marked block."""

    comment: ClassVar[str] = "#"
    header: ClassVar[str] = ""

    def render(self, policy: Policy) -> list[str]:
        from guard.protect.policy import SECTIONS

        out = [f"{self.comment} {self.header}"] if self.header else []
        section = origin = None
        for line in policy.lines(negation=self.negation):
            # files standing in for a pattern stay in the rules section, under a note
            current = "rules" if line.section == "listed" else line.section
            if current != section:
                out.append(f"{self.comment} {SECTIONS[current]}")
                section = current
            if line.origin and line.origin != origin:
                out.append(f"{self.comment} {line.origin}: {SECTIONS['listed']}")
            origin = line.origin
            out.append(line.pattern)
        return out

    def plan(self, root: str, policy: Policy, previous: list[str]) -> Plan:
        from guard.protect import manifest

        assert self.manifest is not None
        path = os.path.join(root, self.manifest)
        old = manifest.read(path)
        wanted = self.render(policy)
        current = manifest.block_content(old, self.comment, path) if old is not None else None
        new = manifest.replace_block(old, wanted, self.comment, path)
        have = set(current or ())
        plan = Plan(self, path, self.manifest, old, new, entries=wanted)
        plan.missing = [ln for ln in wanted if ln not in have and not self._is_comment(ln)]
        plan.stale = [ln for ln in current or () if ln not in set(wanted)
                      and not self._is_comment(ln)]
        return plan

    def _is_comment(self, line: str) -> bool:
        return line.startswith(self.comment)

    def patterns(self, manifest_text: str) -> list[str]:
        """The pattern lines the assistant reads from the file (all of it, not only the block)."""
        lines = [ln.rstrip("\r") for ln in manifest_text.splitlines()]
        if not self.negation:  # "!" is not an exception in this dialect: never re-includes
            lines = [ln for ln in lines if not ln.startswith("!")]
        return lines

    def excludes(self, path: str, manifest_text: str) -> bool:
        from guard.protect.policy import compile_lines

        return compile_lines(self.patterns(manifest_text)).match_file(path)


def tool_matcher(tools: dict[str, tuple[str, ...]], mcp_prefixes: tuple[str, ...]) -> str:
    """A hook matcher of the tools Guard judges: every tool of the table whose kind is not
    "skip", in the table's order, then each MCP prefix followed by anything. Claude Code, Gemini
    CLI and Qwen Code read it as an unanchored JavaScript regex."""
    import re

    judged = [re.escape(tool) for tool, spec in tools.items() if spec[0] != "skip"]
    return "|".join(judged + [re.escape(prefix) + ".*" for prefix in mcp_prefixes])


def names() -> list[str]:
    return list(REGISTRY)


def with_hooks() -> list[str]:
    """The assistants Guard answers hooks for, in the order of :data:`REGISTRY`, then
    :data:`HOOK_ONLY`."""
    return [n for n in (*REGISTRY, *HOOK_ONLY) if get(n).has_hook]


def get(name: str) -> Agent:
    import sys

    module = REGISTRY.get(name) or HOOK_ONLY.get(name)
    if module is None:
        raise GuardError(f"unknown assistant {name!r} (known: {', '.join(REGISTRY)}, "
                         f"{', '.join(HOOK_ONLY)})")
    # __import__, not importlib.import_module: the importlib package costs a hook its import
    __import__(f"guard.agents.{module}")
    agent: Agent = sys.modules[f"guard.agents.{module}"].AGENT
    return agent


def resolve(requested: list[str] | None, configured: list[str],
            config_path: str | None = None) -> list[Agent]:
    """The assistants to act on: those requested on the command line, else the config's
    ``agents``, else every assistant that has a manifest file in the repository."""
    if requested:
        return [get(n) for n in _unique(requested)]
    if configured:
        unknown = [n for n in configured if n not in REGISTRY]
        if unknown:
            raise GuardError(f"agents: unknown assistant {unknown[0]!r} "
                             f"(known: {', '.join(REGISTRY)})", config_path)
        return [get(n) for n in _unique(configured)]
    return [a for a in (get(n) for n in REGISTRY) if a.manifest is not None]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
