"""``guard protect``: write every assistant's ignore manifest or deny rules from one policy, or
check (``--check``) that they are up to date."""

from __future__ import annotations

import json
import os
import sys

from guard import agents as agents_mod
from guard import config as config_mod
from guard.commands.scan import load_config
from guard.errors import GuardError
from guard.protect import manifest, policy

STATE_FILE = os.path.join(".guard", "state.json")
SHOWN = 10  # lines listed per manifest by --check before "… and N more"


def run(*, root: str | None = None, agents: list[str] | None = None, check: bool = False,
        dry_run: bool = False, print_agent: str | None = None, config_path: str | None = None,
        gitignore: bool = True, jobs: int = 0) -> int:
    """The whole command; returns the exit code (1: --check found a manifest to update)."""
    root = config_mod.find_root(root or ".")
    cfg = load_config(config_path, [root])
    if print_agent:
        agent = agents_mod.get(print_agent)
        sys.stdout.write(agent.snippet(build_policy(root, cfg, gitignore, jobs)))
        return 0
    selected = agents_mod.resolve(agents, cfg.agents, cfg.path)
    for agent in selected:
        if agent.manifest is None:
            sys.stderr.write(f"guard: {agent.name}: nothing to write in the repository; "
                             f"`guard protect --print {agent.name}` prints what to paste "
                             "into its settings\n")
    writable = [a for a in selected if a.manifest is not None]
    pol = build_policy(root, cfg, gitignore, jobs)
    state = read_state(root)
    plans = [a.plan(root, pol, state.get(a.manifest or "", [])) for a in writable]
    if dry_run:
        _print_diffs(plans)
    if check:
        return _report(plans)
    if dry_run:
        changed = sum(p.changed for p in plans)
        sys.stderr.write(f"guard: dry run: {changed} file(s) would change, nothing written\n")
        return 0
    _apply(root, plans, state)
    return 0


def build_policy(root: str, cfg: config_mod.Config, gitignore: bool, jobs: int
                 ) -> policy.Policy:
    pol = policy.build(root, cfg, gitignore=gitignore, jobs=jobs)
    for warning in pol.warnings:
        sys.stderr.write(f"guard: warning: {warning}\n")
    return pol


def _apply(root: str, plans: list[agents_mod.Plan], state: dict[str, list[str]]) -> None:
    before = dict(state)
    try:
        for plan in plans:
            if plan.changed:
                manifest.write_atomic(plan.path, plan.new)
                verb = "created" if plan.old is None else "updated"
                sys.stdout.write(f"guard: {verb} {plan.rel} ({_counts(plan)})\n")
            else:
                sys.stdout.write(f"guard: {plan.rel} is up to date\n")
            if plan.agent.remembers_entries:
                state[plan.rel] = plan.entries
    finally:
        if state != before:
            write_state(root, state)


def _counts(plan: agents_mod.Plan) -> str:
    if not plan.missing and not plan.stale:
        return "comments only"
    return f"+{len(plan.missing)} -{len(plan.stale)}"


def _report(plans: list[agents_mod.Plan]) -> int:
    outdated = [p for p in plans if p.changed]
    for plan in plans:
        if not plan.changed:
            sys.stdout.write(f"guard: {plan.rel}: up to date\n")
            continue
        if plan.old is None:
            sys.stdout.write(f"guard: {plan.rel}: missing\n")
            continue
        what = []
        if plan.missing:
            what.append(f"{len(plan.missing)} entr{'y' if len(plan.missing) == 1 else 'ies'} "
                        "missing")
        if plan.stale:
            what.append(f"{len(plan.stale)} stale")
        sys.stdout.write(f"guard: {plan.rel}: {', '.join(what) or 'out of date'}\n")
        _list("+", plan.missing)
        _list("-", plan.stale)
    if outdated:
        sys.stdout.write(f"guard: {len(outdated)} manifest(s) missing or stale; "
                         "run `guard protect`\n")
        return 1
    return 0


def _list(sign: str, items: list[str]) -> None:
    for item in items[:SHOWN]:
        sys.stdout.write(f"    {sign} {item}\n")
    if len(items) > SHOWN:
        sys.stdout.write(f"    … and {len(items) - SHOWN} more\n")


def _print_diffs(plans: list[agents_mod.Plan]) -> None:
    import difflib

    if hasattr(sys.stdout, "reconfigure"):  # file names that are not UTF-8, as guard scan does
        sys.stdout.reconfigure(errors="surrogateescape")
    for plan in plans:
        if not plan.changed:
            continue
        old = (plan.old or "").splitlines(keepends=True)
        new = plan.new.splitlines(keepends=True)
        fromfile = f"a/{plan.rel}" if plan.old is not None else "/dev/null"
        for line in difflib.unified_diff(old, new, fromfile, f"b/{plan.rel}"):
            sys.stdout.write(line if line.endswith("\n") else line + "\n")


# --- .guard/state.json: what Guard added to files that cannot mark Guard's part ----------------


def read_state(root: str) -> dict[str, list[str]]:
    path = os.path.join(root, STATE_FILE)
    text = manifest.read(path)
    if text is None:
        return {}
    data = manifest.load_json(text, path)
    managed = data.get("managed", {})
    if not isinstance(managed, dict) or not all(
            isinstance(v, list) and all(isinstance(s, str) for s in v) for v in managed.values()):
        raise GuardError("\"managed\" must map file names to lists of strings; delete the file "
                         "to start over (Guard then only adds entries)", path)
    return managed


def write_state(root: str, state: dict[str, list[str]]) -> None:
    data = {"version": 1,
            "comment": "written by guard protect: the entries it added to files without "
                       "comments; commit it with them",
            "managed": dict(sorted(state.items()))}
    manifest.write_atomic(os.path.join(root, STATE_FILE), json.dumps(data, indent=2) + "\n")
