"""``guard classify PATH…``: the local model's verdict and score for each file the rules leave
undecided, and for every other file why it needs none."""

from __future__ import annotations

import sys

from guard.commands.scan import load_config
from guard.detect import formats
from guard.errors import GuardError
from guard.judge import Judge
from guard.model import ambiguity, classify
from guard.scan import scanner
from guard.sources import walk

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from guard.config import Config


def run(paths: list[str], *, config_path: str | None = None, method: str | None = None,
        gitignore: bool = True, stream: TextIO | None = None) -> int:
    out = stream or sys.stdout
    paths = paths or ["."]
    cfg = load_config(config_path, paths)
    chosen = _method(cfg, method, out)
    session = classify.Session(cfg, chosen)
    judge = Judge(cfg)
    for entry in scanner.collect(paths, cfg, use_gitignore=gitignore):
        out.write(f"{entry.path}: {_verdict(entry, judge, session)}\n")
    return 0


def _method(cfg: Config, method: str | None, out: TextIO) -> str:
    """The method asked for, or the config's; the heuristic (with a note) when the model cannot
    run and none was asked for explicitly."""
    st = classify.status(cfg)
    chosen = method or classify.settings(cfg).method
    if chosen == "heuristic" or not st.problem:
        return chosen
    if method:
        raise GuardError(f"the local model cannot run: {st.problem}; {classify.INSTALL_HINT}")
    out.write(f"local model off ({st.problem}): heuristic verdicts only; to use the model, "
              f"{classify.INSTALL_HINT}\n")
    return "heuristic"


def _verdict(entry: walk.Entry, judge: Judge, session: classify.Session) -> str:
    if entry.reason:
        return f"skipped ({entry.reason})"
    rule = judge.path_rule(entry.path, entry.abspath)
    if rule is not None:
        return f"sensitive by its path ({rule.rule_id}); no model needed"
    try:
        with open(entry.abspath, "rb") as f:
            data = f.read(judge.config.max_file_size)
    except OSError as e:
        return f"skipped (unreadable: {e.strerror or e})"
    if formats.is_binary(data):
        return "skipped (binary)"
    engine = judge.engine
    found = engine.scan(data, entry.path)
    decided = [f.rule_id for f in found if f.rule_id not in ambiguity.GENERIC_RULES]
    if decided:
        return f"secret found by a rule ({', '.join(sorted(set(decided)))}); no model needed"
    amb = ambiguity.assess(engine, data, entry.path, found)
    if amb is None:
        return "nothing ambiguous"
    try:
        v = session.judge(amb)
    except classify.ModelError as e:
        raise GuardError(f"the local model cannot run: {e}") from None
    verdict = "sensitive" if v.sensitive else "benign"
    notes = [v.method]
    if v.cached:
        notes.append("cached")
    if v.timed_out:
        notes.append("timed out: heuristic for the rest")
    return (f"{verdict} (score {v.score:.2f}, line {v.line}, {len(amb.candidates)} "
            f"candidate{'s' if len(amb.candidates) > 1 else ''}; {', '.join(notes)})")
