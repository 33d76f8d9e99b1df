"""Scoring a scanner on the recall corpus.

Each case is one file, at ``<id>/<filename>`` under the scanned root. What a tool reports is
reduced to (path relative to the root, 1-based line) pairs; Guard's findings of kind ``file``
(files sensitive by name, such as ``.env``) are not content findings and are left out before.

- A **secret** case is *found* when the tool reports a finding in its file at exactly the case's
  line (every tool here reports lines). A finding elsewhere in the file does not count.
- A **benign** case is a *false positive* when the tool reports any finding anywhere in its file
  (its files hold nothing else a scanner should report).

Recall is found / secret cases; the FP rate is flagged / benign cases, per class and overall.
Per secret class the benign cases counted are those whose ``near`` is that class.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from recall.core import BENIGN_KINDS, SECRET_CLASSES

Finding = tuple[str, int]


@dataclass(frozen=True)
class LoadedCase:
    id: str
    cls: str
    label: str
    near: str
    kind: str
    filename: str
    line: int
    content: str

    @property
    def path(self) -> str:
        """Where the case's file sits relative to the scanned root."""
        return f"{self.id}/{self.filename}"


def load(path: Path) -> list[LoadedCase]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for raw in fh:
            r = json.loads(raw)
            out.append(LoadedCase(r["id"], r["class"], r["label"], r["near"], r["kind"],
                                  r["filename"], int(r["line"]), r["content"]))
    return out


def materialise(cases: Iterable[LoadedCase], root: Path) -> None:
    """Write each case's file under ``root`` (which must be empty or absent)."""
    for case in cases:
        target = root / case.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(case.content, encoding="utf-8")


@dataclass
class Score:
    """Which cases a tool got right: ``hits`` (secret cases found), ``flagged`` (benign cases
    with a finding in their file)."""

    hits: set[str]
    flagged: set[str]


def score(cases: list[LoadedCase], findings: Iterable[Finding]) -> Score:
    lines: dict[str, set[int]] = {}
    for path, line in findings:
        lines.setdefault(path, set()).add(line)
    hits = {c.id for c in cases if c.label == "secret" and c.line in lines.get(c.path, ())}
    flagged = {c.id for c in cases if c.label == "benign" and c.path in lines}
    return Score(hits, flagged)


def rate(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def by_class(cases: list[LoadedCase], s: Score) -> dict[str, dict[str, float | int]]:
    """Per secret class: recall and the FP rate of its near misses; per benign kind: its FP rate;
    and ``overall``."""
    out: dict[str, dict[str, float | int]] = {}
    for cls in SECRET_CLASSES:
        pos = [c for c in cases if c.label == "secret" and c.cls == cls]
        neg = [c for c in cases if c.label == "benign" and c.near == cls]
        found = sum(c.id in s.hits for c in pos)
        flagged = sum(c.id in s.flagged for c in neg)
        out[cls] = {"secrets": len(pos), "found": found, "recall": rate(found, len(pos)),
                    "benign": len(neg), "flagged": flagged, "fp_rate": rate(flagged, len(neg))}
    for kind in BENIGN_KINDS:
        neg = [c for c in cases if c.cls == kind]
        flagged = sum(c.id in s.flagged for c in neg)
        out[kind] = {"benign": len(neg), "flagged": flagged, "fp_rate": rate(flagged, len(neg))}
    pos = [c for c in cases if c.label == "secret"]
    neg = [c for c in cases if c.label == "benign"]
    out["overall"] = {"secrets": len(pos), "found": len(s.hits), "recall": rate(len(s.hits),
                      len(pos)), "benign": len(neg), "flagged": len(s.flagged),
                      "fp_rate": rate(len(s.flagged), len(neg))}
    return out


def by_kind(cases: list[LoadedCase], s: Score, cls: str) -> dict[str, tuple[int, int]]:
    """Within one class (secret or benign kind): per case ``kind``, (cases, right answers)."""
    out: dict[str, tuple[int, int]] = {}
    for c in cases:
        if c.cls != cls:
            continue
        right = c.id in s.hits if c.label == "secret" else c.id not in s.flagged
        n, ok = out.get(c.kind, (0, 0))
        out[c.kind] = (n + 1, ok + right)
    return out


def guard_in_process(cases: list[LoadedCase]) -> list[Finding]:
    """Guard's content findings, from the engine ``guard scan`` runs (Judge.secrets on each
    file's bytes, under the path a scan of the materialised root would show)."""
    from guard import config as config_mod
    from guard.judge import Judge

    judge = Judge(config_mod.Config(), expected_bytes=sum(len(c.content) for c in cases))
    out: list[Finding] = []
    for case in cases:
        found, _allowed = judge.secrets(case.content.encode("utf-8"), case.path)
        out.extend((case.path, f.line) for f in found if f.kind != "file")
    return out
