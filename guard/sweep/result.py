"""A whole sweep: the stores found, each searched, and the secrets grouped by value across them
(by keyed fingerprint: a value is never kept beyond the process), with the file of the user's
that still holds each one and the "rotate these" list by provider.
"""

from __future__ import annotations

import os
import time

from guard.detect.finding import fingerprint, mask
from guard.judge import Judge
from guard.sweep import stores as stores_mod
from guard.sweep.hits import Hit, StoreResult
from guard.sweep.known import Known

TYPE_CHECKING = False
if TYPE_CHECKING:
    from guard import config as config_mod

LAST_RUN = "sweep-last.json"  # in Guard's cache: counts of the last sweep, for `guard doctor`


class Secret:
    """One secret value, wherever it was seen. ``holder``: the user's file that holds the same
    value today, if any."""

    __slots__ = ("confidence", "description", "fingerprint", "hits", "holder", "masked",
                 "provider", "rule_id")

    def __init__(self, hit: Hit, holder: str | None) -> None:
        self.fingerprint = fingerprint(hit.value)
        self.masked = mask(hit.value)
        self.rule_id = hit.rule_id
        self.description = hit.description
        self.confidence = hit.confidence
        self.provider = hit.provider
        self.holder = holder
        self.hits: list[tuple[StoreResult, Hit]] = []

    @property
    def first(self) -> float | None:
        times = [h.first for _, h in self.hits if h.first is not None]
        return min(times) if times else None

    @property
    def last(self) -> float | None:
        times = [h.last for _, h in self.hits if h.last is not None]
        return max(times) if times else None


class SweepResult:
    def __init__(self, home: str) -> None:
        self.home = home
        self.results: list[StoreResult] = []
        self.secrets: list[Secret] = []
        self.seconds = 0.0

    @property
    def read(self) -> list[StoreResult]:
        return [r for r in self.results if r.skip is None]

    @property
    def skipped(self) -> list[StoreResult]:
        return [r for r in self.results if r.skip is not None]

    @property
    def with_secrets(self) -> list[StoreResult]:
        return [r for r in self.results if r.hits]

    @property
    def bytes(self) -> int:
        return sum(r.size for r in self.results)

    def rotate(self) -> dict[str, list[Secret]]:
        """provider -> the secrets to rotate (every secret an assistant saw reached its model
        provider); secrets of no provider last, under ""."""
        out: dict[str, list[Secret]] = {}
        for s in sorted(self.secrets, key=lambda s: (s.provider == "", s.provider.lower())):
            out.setdefault(s.provider, []).append(s)
        return out


def parse_since(text: str | None) -> float | None:
    """A date (``2026-01-31``), a time (ISO 8601) or an age (``30d``, ``12h``, ``2w``)."""
    if not text:
        return None
    from guard.errors import GuardError
    from guard.sweep.search import parse_time

    units = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
    if text[:-1].isdigit() and text[-1] in units:
        return time.time() - int(text[:-1]) * units[text[-1]]
    when = parse_time(text)
    if when is None:
        raise GuardError(f"--since: not a date, a time or an age (30d, 12h): {text!r}")
    return when


def sweep(home: str, cfg: config_mod.Config, *, agents: list[str] | None = None,
          project: str | None = None, since: float | None = None,
          cwd_project: str | None = None, folders: dict[str, str] | None = None) -> SweepResult:
    """Find every store, search each, group the secrets."""
    started = time.monotonic()
    home = os.path.abspath(home)
    found = stores_mod.discover(home, cwd_project=cwd_project, agents=agents, folders=folders)
    if project:
        project = os.path.abspath(project).rstrip("/")
        found = [s for s in found if s.project and
                 (s.project == project or s.project.startswith(project + "/"))]
    result = SweepResult(home)
    sizes = {}
    for store in found:
        try:
            st = os.stat(store.path)
        except OSError:
            continue
        if since is not None and st.st_mtime < since:
            continue  # nothing written there since
        sizes[store.path] = st.st_size
    found = [s for s in found if s.path in sizes or not os.path.exists(s.path)]
    judge = Judge(cfg, root=cwd_project or home, home=home,
                  expected_bytes=sum(sizes.values()))
    known = Known(cfg, judge, home)
    from guard.sweep import database, files, search

    for store in found:
        roots = [home] + ([store.project] if store.project else [])
        if store.kind == "gitdir":
            r = StoreResult(store)
            r.skip = ("snapshots of the project's files in a git repository (compressed): not "
                      "read; delete this folder to drop them, as Gemini CLI's /restore needs "
                      "them only to undo its edits")
        elif store.kind == "sqlite":
            r = StoreResult(store)
            try:
                path = files.resolve(store.path, roots)
            except files.Skip as e:
                r.skip = str(e)
            else:
                database.search(store, path, judge, known, r)
        else:
            r = search.search(store, judge, known, roots)
        if since is not None:
            r.hits = [h for h in r.hits if h.last is None or h.last >= since]
        result.results.append(r)
    by_value: dict[bytes, Secret] = {}
    for r in result.results:
        for hit in r.hits:
            secret = by_value.get(hit.value)
            if secret is None:
                secret = by_value[hit.value] = Secret(hit, known.holder(hit.value))
            secret.hits.append((r, hit))
    result.secrets = sorted(by_value.values(), key=lambda s: (-(s.last or 0), s.rule_id))
    result.seconds = time.monotonic() - started
    return result


def remember(result: SweepResult, left: list[StoreResult] | None = None) -> None:
    """Counts of this sweep in Guard's cache, for `guard doctor` (no value, no fingerprint);
    after a scrub, ``left``: the stores it could not scrub."""
    import json

    from guard.cache import cache_dir

    holding = result.with_secrets if left is None else left
    secrets = {h.value for r in holding for h in r.hits}
    record = {"time": time.time(), "home": result.home, "secrets": len(secrets),
              "stores": len(holding), "read": len(result.read)}
    path = os.path.join(cache_dir(), LAST_RUN)
    try:
        os.makedirs(cache_dir(), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.replace(tmp, path)
    except OSError:
        pass


def last_run() -> dict[str, object] | None:
    """What :func:`remember` kept of the last sweep, or None."""
    import json

    from guard.cache import cache_dir

    try:
        with open(os.path.join(cache_dir(), LAST_RUN), encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
