"""What Guard adds to a commit: the whole ``git commit`` of a 10-file change, with and without the
hook, in identical repositories.

    .venv/bin/python bench/commit_bench.py [--rounds 40] [--files 10]

Configurations, each its own repository with the same content and the same changes:

    no hook              plain ``git commit``
    guard --git          the hook ``guard install --git`` writes (``guard scan --staged``)
    pre-commit: no-op    the pre-commit framework running a hook that does nothing (``true``)
    pre-commit: guard    the framework running ``guard scan FILE...`` (the guard-scan hook)

The framework hooks use ``language: system`` with this venv's guard, so the benchmark needs no
install; at run time that is what ``language: python`` runs too. Rounds are interleaved (round 1
of every configuration, then round 2, ...) in a rotating order, so load from neighbours spreads
over all of them. Wall time of the ``git commit`` process; CPU time from its rusage (wait4), which
includes the hook processes it waited for. The target: at most 150 ms added (median) by the hook.
Needs the guard of the Python that runs it (a venv's, with the test extra for pre-commit) and
git; exit status 2 when one is missing, 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import need

BENCH = Path(__file__).resolve().parent
WORK = BENCH / ".work" / "commit-bench"
VENV_BIN = Path(sys.executable).parent
GUARD = VENV_BIN / "guard"
TARGET_MS = 150.0
TREE_FILES = 200
SEED = 0xC0FFEE
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
CONFIGS = ("no hook", "guard --git", "pre-commit: no-op", "pre-commit: guard")
WORDS = ("user", "order", "item", "price", "count", "total", "name", "path", "result", "value",
         "config", "client", "request", "response", "session", "cache", "index", "buffer")


def env() -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    out.update(GIT_ENV)
    out["PATH"] = f"{VENV_BIN}{os.pathsep}{out.get('PATH', '')}"
    out["PRE_COMMIT_HOME"] = str(WORK / "pre-commit-home")
    return out


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env=env(), check=True, capture_output=True)


# --- content -------------------------------------------------------------------------------------


def function(rng: random.Random, index: int) -> str:
    """A plausible Python function of 6 to 20 lines."""
    a, b, c = rng.sample(WORDS, 3)
    body = [f"def {a}_{b}_{index}({a}, {b}=None):",
            f'    """Return the {c} of {a} and {b}."""',
            f"    {c} = []"]
    for i in range(rng.randint(3, 17)):
        x, y = rng.sample(WORDS, 2)
        body.append(rng.choice((
            f"    {c}.append({a}.get('{x}', {i}))",
            f"    if {b} is not None and {b}.{y}:",
            f"        {c}.extend({x} for {x} in {b}.{y} if {x})",
            f"    {x}_{i} = len({c}) * {rng.randint(2, 99)}",
        )))
        if body[-1].endswith(":"):
            body.append(f"        {c}.append({rng.randint(0, 9)})")
    body.append(f"    return {c}")
    return "\n".join(body) + "\n"


def module(rng: random.Random, name: str, functions: int) -> str:
    head = f'"""The {name} module."""\n\nimport os\nimport sys\n\n\n'
    return head + "\n\n".join(function(rng, i) for i in range(functions))


def seed_repo(repo: Path) -> None:
    rng = random.Random(SEED)
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    for i in range(TREE_FILES):
        path = repo / "src" / f"pkg{i % 10}" / f"mod{i:03}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(module(rng, f"mod{i:03}", rng.randint(4, 12)))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial tree")


def change(repo: Path, round_no: int, files: int) -> None:
    """The same edit in every configuration: one function appended to each of ``files``
    modules (a 10-file change of about 150 lines)."""
    rng = random.Random(SEED + round_no)
    for i in rng.sample(range(TREE_FILES), files):
        path = repo / "src" / f"pkg{i % 10}" / f"mod{i:03}.py"
        with path.open("a") as f:
            f.write("\n\n" + function(rng, 1000 + round_no))
    git(repo, "add", "-A")


# --- configurations ------------------------------------------------------------------------------


def framework_config(entry: str, pass_filenames: bool) -> str:
    return "\n".join([
        "repos:", "-   repo: local", "    hooks:", "    -   id: bench", "        name: bench",
        f"        entry: '{entry}'", "        language: system",
        f"        pass_filenames: {str(pass_filenames).lower()}", ""])


def setup(config: str, repo: Path) -> None:
    seed_repo(repo)
    if config == "guard --git":
        subprocess.run([str(GUARD), "install", "--git"], cwd=repo, env=env(), check=True,
                       capture_output=True)
    elif config.startswith("pre-commit"):
        entry = f"{GUARD} scan" if config.endswith("guard") else "true"
        (repo / ".pre-commit-config.yaml").write_text(framework_config(entry, True))
        git(repo, "add", ".pre-commit-config.yaml")
        git(repo, "commit", "-q", "-m", "pre-commit config")
        subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=env(),
                       check=True, capture_output=True)


def timed_commit(repo: Path, message: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of git and everything it waited for)."""
    start = time.perf_counter()
    proc = subprocess.Popen(["git", "commit", "-q", "-m", message], cwd=repo, env=env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read() if proc.stderr else b""
    if proc.returncode != 0:
        raise SystemExit(f"{repo.name}: git commit failed: {err.decode(errors='replace')}")
    return wall, usage.ru_utime + usage.ru_stime


def components(repo: Path, rounds: int) -> dict[str, float]:
    """Median wall time of the pieces of the guard hook, on a staged 10-file change."""
    probes = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import git' (gitpython)": [sys.executable, "-c", "import git"],
        "guard --version (click)": [str(GUARD), "--version"],
        "guard scan --staged": [str(GUARD), "scan", "--staged"],
    }
    times: dict[str, list[float]] = {k: [] for k in probes}
    for _ in range(rounds):
        for name, argv in probes.items():
            start = time.perf_counter()
            subprocess.run(argv, cwd=repo, env=env(), capture_output=True, check=False)
            times[name].append(time.perf_counter() - start)
    return {k: statistics.median(v) for k, v in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--files", type=int, default=10, help="files changed per commit")
    args = parser.parse_args(argv)
    need.guard()
    need.program("git", "apt-get install -y git")
    need.modules({"pre_commit": "the test extra: .venv/bin/pip install -e '.[test]'"})
    shutil.rmtree(WORK, ignore_errors=True)
    # An installed package has its bytecode compiled by pip; a source checkout may not (with
    # PYTHONDONTWRITEBYTECODE set, every start would compile the edited modules again).
    package = Path(__file__).resolve().parent.parent / "guard"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    repos = {c: WORK / c.replace(":", "").replace(" ", "-") for c in CONFIGS}
    for config, repo in repos.items():
        setup(config, repo)
    # one warm-up commit each: the rule cache, the framework's first run, the page cache
    for repo in repos.values():
        change(repo, -1, args.files)
        timed_commit(repo, "warm-up")
    walls: dict[str, list[float]] = {c: [] for c in CONFIGS}
    cpus: dict[str, list[float]] = {c: [] for c in CONFIGS}
    for r in range(args.rounds):
        order = CONFIGS[r % len(CONFIGS):] + CONFIGS[:r % len(CONFIGS)]
        for config in order:
            change(repos[config], r, args.files)
            wall, cpu = timed_commit(repos[config], f"round {r}")
            walls[config].append(wall)
            cpus[config].append(cpu)
    change(repos["no hook"], args.rounds, args.files)  # staged, for the component probes
    parts = components(repos["no hook"], max(10, args.rounds // 2))

    base = statistics.median(walls["no hook"])
    base_cpu = statistics.median(cpus["no hook"])
    print(f"git commit of a {args.files}-file change, {args.rounds} rounds, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print(f"{'configuration':22} {'wall median':>12} {'added':>10} {'CPU median':>11} "
          f"{'added':>10}")
    for config in CONFIGS:
        wall = statistics.median(walls[config])
        cpu = statistics.median(cpus[config])
        print(f"{config:22} {wall * 1e3:9.1f} ms {(wall - base) * 1e3:+7.1f} ms "
              f"{cpu * 1e3:8.1f} ms {(cpu - base_cpu) * 1e3:+7.1f} ms")
    added = (statistics.median(walls["guard --git"]) - base) * 1e3
    paired = statistics.median(g - n for g, n in zip(walls["guard --git"], walls["no hook"],
                                                     strict=True)) * 1e3
    framework = (statistics.median(walls["pre-commit: guard"])
                 - statistics.median(walls["pre-commit: no-op"])) * 1e3
    print(f"guard --git adds {added:.1f} ms (median of per-round differences {paired:.1f} ms); "
          f"target <= {TARGET_MS:.0f} ms: {'met' if added <= TARGET_MS else 'MISSED'}")
    print(f"in the pre-commit framework, the guard-scan hook costs {framework:.1f} ms over a "
          "no-op hook")
    print("pieces (median wall, run alone):")
    for name, seconds in parts.items():
        print(f"  {name:38} {seconds * 1e3:7.1f} ms")
    return 0 if added <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
