"""``guard sweep``: which secrets assistants have already seen, where copies of them are now;
with ``--scrub``, each replaced by its placeholder in those stores."""

from __future__ import annotations

import os
import sys

from guard import config as config_mod
from guard.commands.scan import load_config
from guard.errors import GuardError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from guard.sweep.hits import StoreResult
    from guard.sweep.result import SweepResult

HOME_ENV = "GUARD_SWEEP_HOME"  # the home to sweep instead of $HOME (tests, another account)


def run(*, home: str | None = None, fmt: str = "text", output: str | None = None,
        agents: list[str] | None = None, project: str | None = None, since: str | None = None,
        scrub: bool = False, yes: bool = False, verbose: bool = False,
        config_path: str | None = None, stdin: TextIO | None = None) -> int:
    """The whole command; exit status 0 nothing found (or all scrubbed), 1 secrets found (or
    left in a store a scrub could not write), 2 usage error or a scrub refused."""
    from guard.sweep import result as result_mod
    from guard.sweep import stores

    for a in agents or []:
        if a not in stores.AGENTS:
            raise GuardError(f"--agent: unknown {a!r}; one of {', '.join(stores.AGENTS)}")
    home_given = home or os.environ.get(HOME_ENV)
    home = os.path.abspath(home_given or os.path.expanduser("~"))
    if not os.path.isdir(home):
        raise GuardError("no such home folder", home)
    cfg = load_config(config_path, ["."])
    cwd_project = config_mod.find_root(".")
    # CLAUDE_CONFIG_DIR, CODEX_HOME…: where the user's own clients keep their folders
    folders = {} if home_given else stores.folders_from(dict(os.environ))
    result = result_mod.sweep(home, cfg, agents=agents, project=project,
                              since=result_mod.parse_since(since), cwd_project=cwd_project,
                              folders=folders)
    whole = not project and not agents and since is None  # what doctor may speak of
    if whole:
        result_mod.remember(result)
    _emit(result, fmt, output, verbose)
    if not scrub or not result.secrets:
        return 1 if result.secrets else 0
    left = _scrub(result, home, yes, stdin or sys.stdin)
    if whole and left is not None:
        result_mod.remember(result, left)
    return 1 if left is None or left else 0


def _emit(result: SweepResult, fmt: str, output: str | None, verbose: bool) -> None:
    from guard.sweep import report

    if output:
        try:
            with open(output, "w", encoding="utf-8", errors="surrogateescape") as stream:
                report.render(result, fmt, stream, verbose)
        except OSError as e:
            raise GuardError(f"cannot write report: {e.strerror}", output) from None
        if fmt != "text":
            sys.stderr.write(report.summary_line(result) + "\n")
    else:
        if hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(errors="surrogateescape")
        report.render(result, fmt, sys.stdout, verbose)


def _scrub(result: SweepResult, home: str, yes: bool, stdin: TextIO) -> list[StoreResult] | None:
    """Scrub the stores holding secrets; the stores left unscrubbed, or None when the user
    said no."""
    from guard.sweep import procs, scrub

    targets = result.with_secrets
    agents = {r.store.agent for r in targets}
    busy = procs.running(home, agents)
    if busy:
        for agent, pids in sorted(busy.items()):
            sys.stderr.write(f"guard: sweep: {agent} is running (pid "
                             f"{', '.join(map(str, pids))}); {procs.HOW_TO_CLOSE[agent]}, "
                             "then run `guard sweep --scrub` again.\n")
        raise GuardError("not scrubbing while an assistant that writes these stores is "
                         "running: it would write the secrets back, or break its store")
    count = sum(h.count for r in targets for h in r.hits)
    question = (f"Replace {count} cop{'ies' if count != 1 else 'y'} of "
                f"{len(result.secrets)} secret(s) in {len(targets)} store(s) with placeholders? "
                "[y/N] ")
    if not yes:
        if not stdin.isatty():
            raise GuardError("--scrub rewrites the assistants' stores: confirm on a terminal, "
                             "or pass --yes")
        sys.stderr.write(question)
        sys.stderr.flush()
        if stdin.readline().strip().lower() not in ("y", "yes"):
            sys.stderr.write("guard: sweep: nothing changed.\n")
            return None
    left = []
    for r in targets:
        outcome = scrub.scrub(r, home)
        if outcome.error:
            left.append(r)
            sys.stderr.write(f"guard: sweep: {r.store.path}: {outcome.error}\n")
        else:
            sys.stderr.write(f"guard: sweep: scrubbed {r.store.path} ({outcome.replaced} "
                             "replaced)\n")
    if "shell" in agents:
        sys.stderr.write("guard: sweep: an open shell keeps its history in memory and writes "
                         "it back on exit: reload the scrubbed file in each (bash: `history -c; "
                         "history -r`; zsh: `fc -R`) or close them.\n")
    if left:
        sys.stderr.write(f"guard: sweep: {len(left)} store(s) left unchanged.\n")
    return left
