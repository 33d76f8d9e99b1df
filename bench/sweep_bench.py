"""``guard sweep`` over generated assistant stores totalling about 1 GB, against ``guard scan`` on
the same bytes.

    .venv/bin/python bench/sweep_bench.py [--size-mb 1024] [--runs 3] [--rebuild]

The stores are generated under ``bench/.work/sweep/home`` identically on every run (a seeded
generator, ``GENERATOR_VERSION``): Claude Code transcripts (``~/.claude/projects/<slug>/*.jsonl``),
Codex CLI rollouts (``~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl``) and Gemini CLI chats
(``~/.gemini/tmp/<project>/chats/*.jsonl``) in the records' real shapes (see
guard/sweep/stores.py): prompts, tool calls, tool results holding source files, logs and command
output with JSON-escaped newlines and quotes, token-usage records. Secrets are planted in some tool
results (a Stripe key, a GitHub token, a private key whose newlines are JSON escapes);
``planted.json`` counts them by kind (never a value).

Each command runs as a whole process, the runs interleaved; the table shows medians of wall time
and of CPU time (user + system of the process and its children), and MB per wall second and per
CPU second. ``guard scan`` runs on the same home with ``--no-gitignore`` and ``-j 1`` (one
process, as the sweep is) and with its default workers; its ``bytes_scanned`` is checked to be the
bytes the sweep read. Target: the sweep within 2x of ``guard scan -j 1`` per MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
import zlib
from pathlib import Path
from string import ascii_letters, ascii_lowercase, ascii_uppercase, digits

import need

BENCH = Path(__file__).resolve().parent
WORK = BENCH / ".work" / "sweep"
HOME = WORK / "home"
SEED = 0x5EE9
GENERATOR_VERSION = 1  # bump when the generated stores change
FILE_MB = 12  # about this much per transcript
SECRET_EVERY = 4000  # one planted secret per this many tool results

WORDS = ("request", "response", "handler", "config", "session", "cache", "user", "items",
         "value", "result", "parse", "build", "update", "client", "server", "token_count",
         "index", "buffer", "stream", "record", "fetch", "retry", "timeout", "logger", "path",
         "data", "payload", "schema", "model", "field", "query", "batch", "worker", "job")


def _github_token(rng: random.Random) -> str:
    body = "".join(rng.choice(ascii_letters + digits) for _ in range(30))
    number, crc = zlib.crc32(body.encode()), ""
    while number:
        number, rem = divmod(number, 62)
        crc = (digits + ascii_uppercase + ascii_lowercase)[rem] + crc
    return "ghp_" + body + crc.rjust(6, "0")


def _secret(rng: random.Random, n: int) -> tuple[str, str]:
    kind = ("stripe", "github", "private-key")[n % 3]
    if kind == "stripe":
        return kind, "sk_live_51" + "".join(rng.choice(ascii_letters + digits) for _ in range(30))
    if kind == "github":
        return kind, _github_token(rng)
    body = "\n".join("".join(rng.choice(ascii_letters + digits + "+/") for _ in range(64))
                     for _ in range(12))
    return kind, f"-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA{body}\n" \
                 "-----END RSA PRIVATE KEY-----"


class Text:
    """Seeded lines of code, logs and command output, for tool results."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.lines = [self._line() for _ in range(4000)]

    def _line(self) -> str:
        r = self.rng
        w = lambda: r.choice(WORDS)  # noqa: E731
        shapes = (
            lambda: f"    def {w()}_{w()}(self, {w()}: str, {w()}: int = {r.randint(0, 99)}):",
            lambda: f'        {w()} = self.{w()}.get("{w()}", {r.randint(0, 999)})',
            lambda: f"2026-0{r.randint(1, 9)}-1{r.randint(0, 9)}T10:{r.randint(10, 59)}:00Z "
                    f"INFO {w()}.{w()}: {w()} {w()} in {r.randint(1, 900)} ms",
            lambda: f"src/{w()}/{w()}_{w()}.py:{r.randint(1, 400)}:    return {w()}({w()})",
            lambda: f'{{"{w()}": "{w()}", "{w()}": {r.randint(0, 10**6)}, "ok": true}}',
            lambda: f"-rw-r--r-- 1 dev dev {r.randint(100, 99999):>6} Mar  4 10:00 {w()}.py",
            lambda: f"# {w()} the {w()} before the {w()} (see {w()}.md)",
        )
        return r.choice(shapes)()

    def block(self, lines: int) -> str:
        return "\n".join(self.rng.choice(self.lines) for _ in range(lines)) + "\n"


def generate(size_mb: int) -> dict[str, int]:
    """Write the stores; return the planted secrets counted by kind."""
    rng = random.Random(SEED)
    text = Text(rng)
    shutil.rmtree(HOME, ignore_errors=True)
    planted: dict[str, int] = {}
    results = 0
    written = 0
    file_no = 0
    target = size_mb * 1_000_000

    def tool_output() -> str:
        nonlocal results
        results += 1
        out = text.block(rng.randint(5, 120))
        if results % SECRET_EVERY == 0:
            kind, value = _secret(rng, results // SECRET_EVERY)
            planted[kind] = planted.get(kind, 0) + 1
            out += f"SECRET_{kind.upper().replace('-', '_')}=\"{value}\"\n"
        return out

    while written < target:
        client = ("claude", "claude", "claude", "codex", "codex", "gemini")[file_no % 6]
        project = f"/home/dev/src/{rng.choice(WORDS)}-{file_no % 17}"
        stamp = f"2026-0{1 + file_no % 9}-{10 + file_no % 18}T{10 + file_no % 12}:00:00.000Z"
        if client == "claude":
            path = HOME / ".claude" / "projects" / project.replace("/", "-") / f"s{file_no}.jsonl"
        elif client == "codex":
            day = f"2026/0{1 + file_no % 9}/{10 + file_no % 18}"
            path = HOME / ".codex" / "sessions" / day / f"rollout-{file_no:06d}.jsonl"
        else:
            path = HOME / ".gemini" / "tmp" / f"p{file_no % 17}" / "chats" / \
                f"session-{file_no:06d}.jsonl"
            root = path.parent.parent / ".project_root"
            root.parent.mkdir(parents=True, exist_ok=True)
            root.write_text(project)
        path.parent.mkdir(parents=True, exist_ok=True)
        size = 0
        with open(path, "w", encoding="utf-8") as f:
            n = 0
            while size < FILE_MB * 1_000_000 and written + size < target:
                n += 1
                records = _records(client, project, stamp, n, tool_output(), rng)
                chunk = "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records)
                f.write(chunk)
                size += len(chunk.encode())
        written += size
        file_no += 1
    (WORK / "planted.json").write_text(json.dumps({"version": GENERATOR_VERSION,
                                                   "size_mb": size_mb, "planted": planted,
                                                   "bytes": written}))
    return planted


def _records(client: str, cwd: str, stamp: str, n: int, output: str,
             rng: random.Random) -> list[dict[str, object]]:
    command = f"cat src/{rng.choice(WORDS)}.py"
    usage = {"input_tokens": rng.randint(100, 90000), "output_tokens": rng.randint(5, 900),
             "cache_read_input_tokens": rng.randint(0, 50000)}
    if client == "claude":
        return [
            {"parentUuid": f"u{n - 1}", "type": "assistant", "cwd": cwd, "sessionId": "s",
             "timestamp": stamp, "uuid": f"a{n}", "message": {
                 "role": "assistant", "model": "claude", "usage": usage, "content": [
                     {"type": "tool_use", "id": f"toolu_{n}", "name": "Bash",
                      "input": {"command": command, "description": "Show the file"}}]}},
            {"parentUuid": f"a{n}", "type": "user", "cwd": cwd, "sessionId": "s",
             "timestamp": stamp, "uuid": f"u{n}", "message": {"role": "user", "content": [
                 {"tool_use_id": f"toolu_{n}", "type": "tool_result", "content": output,
                  "is_error": False}]},
             "toolUseResult": {"stdout": output, "stderr": "", "interrupted": False}},
        ]
    if client == "codex":
        return [
            {"timestamp": stamp, "type": "response_item", "payload": {
                "type": "function_call", "name": "exec_command", "call_id": f"call_{n}",
                "arguments": json.dumps({"cmd": command})}},
            {"timestamp": stamp, "type": "response_item", "payload": {
                "type": "function_call_output", "call_id": f"call_{n}",
                "output": f"Chunk ID: {n:06x}\nProcess exited with code 0\nOutput:\n{output}"}},
            {"timestamp": stamp, "type": "event_msg", "payload": {
                "type": "token_count", "info": {"total_token_usage": usage}}},
        ]
    return [
        {"id": f"g{n}", "timestamp": stamp, "type": "gemini", "content": "", "tokens": usage,
         "toolCalls": [{"id": f"run_shell_command__call_{n}", "name": "run_shell_command",
                        "args": {"command": command}, "status": "success"}]},
        {"id": f"r{n}", "timestamp": stamp, "type": "user", "content": [{"functionResponse": {
            "id": f"run_shell_command__call_{n}", "name": "run_shell_command",
            "response": {"output": f"Output: {output}"}}}]},
        {"$set": {"lastUpdated": stamp}},
    ]


def timed(argv: list[str],
          env: dict[str, str]) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=WORK, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    guard = need.guard()
    marker = WORK / "planted.json"
    try:
        meta = json.loads(marker.read_text())
    except (OSError, ValueError):
        meta = {}
    if args.rebuild or meta.get("version") != GENERATOR_VERSION or \
            meta.get("size_mb") != args.size_mb:
        WORK.mkdir(parents=True, exist_ok=True)
        print(f"generating {args.size_mb} MB of stores under {HOME} ...", file=sys.stderr)
        started = time.perf_counter()
        generate(args.size_mb)
        print(f"  done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        meta = json.loads(marker.read_text())
    planted = meta["planted"]
    # a config of its own: the repository's excludes bench/.work/
    (WORK / ".guard.toml").write_text("# sweep_bench: Guard's defaults\n")
    env = {k: v for k, v in os.environ.items() if k != "GUARD_SWEEP_HOME"}
    env.update(HOME=str(HOME), NO_COLOR="1")
    commands = {
        "guard sweep": [str(guard), "sweep", "--home", str(HOME), "--format", "json",
                        "-o", str(WORK / "sweep.json")],
        "guard scan -j 1": [str(guard), "scan", str(HOME), "--no-gitignore", "-j", "1",
                            "--format", "json", "-o", str(WORK / "scan.json")],
        "guard scan": [str(guard), "scan", str(HOME), "--no-gitignore", "--format", "json",
                       "-o", str(WORK / "scan-j.json")],
    }
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, argv in commands.items():
            wall, cpu, proc = timed(argv, env)
            if proc.returncode not in (0, 1):
                need.fail(f"{name} failed ({proc.returncode}): {proc.stderr[-800:]}")
            times[name].append((wall, cpu))
    sweep = json.loads((WORK / "sweep.json").read_text())
    scan = json.loads((WORK / "scan.json").read_text())
    swept_bytes = sweep["summary"]["bytes_read"]
    scanned_bytes = scan["summary"]["bytes_scanned"]
    found: dict[str, int] = {}
    for s in sweep["secrets"]:
        kind = {"stripe-live-secret-key": "stripe", "github-pat-classic": "github",
                "private-key": "private-key"}.get(s["rule"], s["rule"])
        found[kind] = found.get(kind, 0) + 1
    mb = swept_bytes / 1e6
    print(f"stores: {mb:.0f} MB in {sweep['summary']['stores_read']} files "
          f"(guard scan read {scanned_bytes / 1e6:.0f} MB); planted {planted}, "
          f"found by the sweep {found}")
    print(f"{'command':<18}{'wall med s':>12}{'CPU med s':>12}{'MB/s':>9}{'MB/CPU-s':>10}")
    rates = {}
    for name, samples in times.items():
        wall = statistics.median(w for w, _ in samples)
        cpu = statistics.median(c for _, c in samples)
        rates[name] = mb / wall
        print(f"{name:<18}{wall:>12.2f}{cpu:>12.2f}{mb / wall:>9.1f}{mb / cpu:>10.1f}")
    ratio = rates["guard scan -j 1"] / rates["guard sweep"]
    print(f"sweep / scan -j 1: the sweep takes {ratio:.2f}x the time of a one-process scan per MB "
          f"(target: within 2x)")


if __name__ == "__main__":
    main()
