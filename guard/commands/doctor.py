"""``guard doctor``: which sensitive file is kept from which assistant, and how.

For every file the policy protects and every assistant: excluded by the assistant's manifest as
it is on disk (judged by the assistant's own matching rules), covered by a Guard hook, both, or
neither; then each manifest's state and the honest limits of each mechanism.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from guard import agents as agents_mod
from guard import config as config_mod
from guard.commands.protect import build_policy, read_state
from guard.commands.scan import load_config
from guard.errors import GuardError
from guard.protect import manifest, policy

LEGEND = ("M = excluded by its manifest, H = a `guard hook` is installed, "
          "- = NOT protected, ? = Guard cannot tell (settings outside the repository)")
GENERAL_CAVEAT = ("No ignore file or deny rule covers MCP tools or every shell command "
                  "(`python -c \"print(open('.env').read())\"`); only hooks see those.")

TYPE_CHECKING = False  # typing costs start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import TextIO


@dataclass
class Column:
    agent: agents_mod.Agent
    text: str | None  # the manifest's text; None when missing or unreadable
    state: str  # "up to date", "stale", "missing", an error, or "in GitHub's settings"
    hook: str  # "installed", "not installed", "none"

    def cell(self, path: str) -> str:
        if self.agent.manifest is None:
            by_manifest = "?"
        else:
            by_manifest = "M" if self.text is not None and self.agent.excludes(path, self.text) \
                else ""
        by_hook = "H" if self.hook == "installed" else ""
        return (by_manifest + by_hook) or "-"


def run(*, root: str | None = None, agents: list[str] | None = None,
        config_path: str | None = None, gitignore: bool = True, jobs: int = 0,
        stream: TextIO | None = None) -> int:
    out = stream or sys.stdout
    root = config_mod.find_root(root or ".")
    cfg = load_config(config_path, [root])
    if agents or cfg.agents:
        selected = agents_mod.resolve(agents, cfg.agents, cfg.path)
    else:  # every assistant, Copilot too: the table is about all of them
        selected = [agents_mod.get(n) for n in agents_mod.names()]
    pol = build_policy(root, cfg, gitignore, jobs)
    state = read_state(root)
    columns = [_column(a, root, pol, state) for a in selected]
    _table(out, pol, columns)
    _manifests(out, columns, root)
    _caveats(out, columns)
    _local_model(out, cfg)
    _sweep(out)
    return 0


def _column(agent: agents_mod.Agent, root: str, pol: policy.Policy,
            state: dict[str, list[str]]) -> Column:
    hook = agent.hook_status(root)
    if hook == "installed":
        hook = _probe(agent, root)
    if agent.manifest is None:
        return Column(agent, None, "in GitHub's settings, not checked", hook)
    try:
        text = manifest.read(os.path.join(root, agent.manifest))
        plan = agent.plan(root, pol, state.get(agent.manifest, []))
    except GuardError as e:
        return Column(agent, None, f"unusable: {e}", hook)
    if text is None:
        return Column(agent, None, "missing", hook)
    return Column(agent, text, "stale" if plan.changed else "up to date", hook)


def _probe(agent: agents_mod.Agent, root: str) -> str:
    """"installed" when every command configured for Guard's hook answers a probe, else what
    went wrong (a hook that cannot start protects nothing)."""
    from guard.commands import install_agents

    for command in install_agents.installed_commands(agent.name, root):
        problem = install_agents.probe(command, root)
        if problem:
            return f"installed but not answering: `{command}`: {problem}"
    return "installed"


def _table(out: TextIO, pol: policy.Policy, columns: list[Column]) -> None:
    files = pol.files()
    if not files:
        out.write("No sensitive files found in this tree.\n\n")
        return
    import textwrap

    terminal = _terminal_width(out)
    out.write(textwrap.fill(f"Sensitive files × assistants ({LEGEND})", min(terminal, 1 << 16))
              + "\n\n")
    header = ["file", "why"] + [c.agent.name for c in columns]
    rows = [[path, pol.reason(path)] + [c.cell(path) for c in columns] for path in files]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    if sum(widths) + 2 * len(widths) > terminal:
        _as_list(out, pol, files, columns, terminal)  # a table wider than that is unreadable
    else:
        for row in [header, *rows]:
            out.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
                      .rstrip() + "\n")
    unprotected = sum(any(c.cell(p) == "-" for c in columns) for p in files)
    out.write(f"\n{len(files)} sensitive file(s); {unprotected} not protected from at least one "
              "assistant.\n\n")


def _terminal_width(out: TextIO) -> int:
    """The terminal's width when writing to one; no limit otherwise (a file, a pipe)."""
    import shutil

    isatty = getattr(out, "isatty", None)
    if callable(isatty) and isatty():
        return shutil.get_terminal_size((100, 24)).columns
    return 1 << 30


def _as_list(out: TextIO, pol: policy.Policy, files: list[str], columns: list[Column],
             width: int) -> None:
    """The table as one entry per file, wrapped to ``width``: which assistants it is protected
    from, and how."""
    import textwrap

    for path in files:
        out.write(textwrap.fill(f"{path}  ({pol.reason(path)})", width) + "\n")
        cells = {c.agent.name: c.cell(path) for c in columns}
        exposed = [name for name, cell in cells.items() if cell == "-"]
        covered = [f"{name} {cell}" for name, cell in cells.items() if cell != "-"]
        for label, names in (("NOT protected from", exposed), ("protected", covered)):
            if names:
                out.write(textwrap.fill(f"{label}: {', '.join(names)}", width,
                                        initial_indent="    ", subsequent_indent="      ")
                          + "\n")


def _manifests(out: TextIO, columns: list[Column], root: str) -> None:
    out.write("Manifests and hooks\n")
    width = max(len(c.agent.name) for c in columns)
    for c in columns:
        where = c.agent.manifest or "-"
        hook = {"none": "no hook system", "installed": "hook: installed and answering",
                "not installed": "hook: not installed"}.get(c.hook, f"hook: {c.hook}")
        if c.agent.output_events and c.hook == "installed":
            hook += ("; output layer: on" if c.agent.output_installed(root) else
                     "; output layer: off (`guard install` again to add it)")
        from guard.commands import install_proxy

        if c.agent.name in install_proxy.AGENTS:  # where `guard install AGENT --proxy` put it
            proxy = install_proxy.status(root, c.agent.name)
            if proxy != "proxy: off":
                hook += f"; {proxy}"
        out.write(f"  {c.agent.name.ljust(width)}  {where}: {c.state}; {hook}\n")
    from guard.commands import install_proxy

    shown = {c.agent.name for c in columns}
    for name in install_proxy.AGENTS:  # Codex CLI has no manifest column, but may have a proxy
        if name not in shown and (proxy := install_proxy.status(root, name)) != "proxy: off":
            out.write(f"  {name.ljust(width)}  {proxy}\n")
    if any(c.state in ("stale", "missing") for c in columns):
        out.write("  run `guard protect` to write the missing and stale manifests\n")
    out.write("\n")


def _caveats(out: TextIO, columns: list[Column]) -> None:
    out.write("Caveats\n")
    for c in columns:
        for caveat in c.agent.caveats:
            out.write(f"  {c.agent.display_name}: {caveat}\n")
    out.write(f"  All: {GENERAL_CAVEAT}\n")


def _local_model(out: TextIO, cfg: config_mod.Config) -> None:
    from guard.model import classify  # find_spec only: llama_cpp is not imported here

    out.write("\nLocal model (classifies files the rules leave undecided)\n")
    out.write(f"  {classify.status(cfg).describe()}\n")


def _sweep(out: TextIO) -> None:
    """What the last `guard sweep` found in the assistants' own stores (counts it kept in
    Guard's cache: reading them costs nothing, sweeping again would cost seconds)."""
    from guard.sweep.result import last_run

    out.write("\nAssistants' transcripts and histories (`guard sweep`)\n")
    last = last_run()
    home = os.path.expanduser("~")
    if not last or last.get("home") != home:
        out.write("  not swept yet: run `guard sweep` to find the secrets assistants have "
                  "already seen\n")
        return
    import time

    when = last.get("time")
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(when)) \
        if isinstance(when, int | float) else "?"
    stores, secrets = last.get("stores", 0), last.get("secrets", 0)
    if not stores:
        out.write(f"  no secret in any store at the last sweep ({stamp})\n")
        return
    out.write(f"  {stores} store(s) held {secrets} secret(s) at the last sweep ({stamp}): "
              "`guard sweep` lists them, `guard sweep --scrub` removes them; rotate them\n")
