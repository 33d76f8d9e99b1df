"""The tools of the simulated clients, really executed in the sandbox, and the hook process:
shell commands (``bash -c``, 10 s timeout, no network), file reads, ripgrep searches, writes and
edits, Codex's ``apply_patch``, and the MCP servers the corpus calls (filesystem, a workspace
server that takes its path in pieces, sqlite, git), which read what the real server would read.

Output is not truncated the way the clients truncate long results: the worst case is measured.
"""

from __future__ import annotations

import contextlib
import glob as globlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.attacks.sandbox import Sandbox
from tests.conftest import guard_command

SHELL_TIMEOUT = 10.0
HOOK_TIMEOUT = 30.0  # what `guard install` configures (30 s / 30000 ms)
OUTPUT_LIMIT = 4 * 1024 * 1024


# --- hook processes -----------------------------------------------------------------------------

@dataclass
class HookRun:
    """One run of the hook process: what it wrote and how it exited."""

    stdout: str = ""
    stderr: str = ""
    code: int = 0
    timed_out: bool = False
    seconds: float = 0.0  # wall time of the hook process

    def json(self) -> dict[str, Any] | None:
        """stdout as a JSON object, or None (no output, not JSON, not an object)."""
        if self.code != 0 or not self.stdout.strip():
            return None
        try:
            obj = json.loads(self.stdout)
        except ValueError:
            return None
        return obj if isinstance(obj, dict) else None


HookFn = Callable[[str, dict[str, Any], Sandbox], HookRun]


def guard_hook(agent: str, event: dict[str, Any], sb: Sandbox) -> HookRun:
    """The real ``guard hook AGENT``, started as the client starts it: the event on stdin, the
    client's environment, the project directory as cwd."""
    start = time.monotonic()
    try:
        proc = subprocess.run([*guard_command(), "hook", agent], input=json.dumps(event),
                              capture_output=True, text=True, errors="replace", cwd=sb.repo,
                              env=sb.hook_env(), timeout=HOOK_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return HookRun(code=-1, timed_out=True, seconds=time.monotonic() - start)
    return HookRun(proc.stdout, proc.stderr, proc.returncode, seconds=time.monotonic() - start)


# --- executing tools ----------------------------------------------------------------------------

@dataclass
class ShellRun:
    stdout: str
    stderr: str
    code: int
    timed_out: bool = False

    @property
    def output(self) -> str:
        """stdout then stderr, as a client that merges them shows them."""
        return "\n".join(s for s in (self.stdout.rstrip("\n"), self.stderr.rstrip("\n")) if s)


def run_shell(sb: Sandbox, command: str | list[str], cwd: str | Path | None = None,
              timeout: float = SHELL_TIMEOUT) -> ShellRun:
    """``bash -c COMMAND`` (or an argv) in the sandbox, with its environment and no network."""
    argv = ["bash", "-c", command] if isinstance(command, str) else [str(c) for c in command]
    proc = subprocess.Popen([*sb.command_prefix(), *argv], cwd=cwd or sb.repo, env=sb.env(),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    return ShellRun(out[:OUTPUT_LIMIT].decode("utf-8", "replace"),
                    err[:OUTPUT_LIMIT].decode("utf-8", "replace"),
                    proc.returncode if not timed_out else 124, timed_out)


class ToolError(Exception):
    """The tool failed the way the client reports a failure (no such file, no match…)."""


def resolve(sb: Sandbox, path: str) -> str:
    """A tool's path the way Node's path.resolve makes it: relative to the cwd, ``..`` and
    ``//`` folded as strings (not through the filesystem)."""
    if path.startswith("file://"):
        path = path[len("file://"):]
    if path.startswith("~/"):
        path = str(sb.home) + path[1:]
    return os.path.normpath(os.path.join(sb.repo, path))


def read_text(sb: Sandbox, path: str) -> str:
    target = resolve(sb, path)
    if os.path.isdir(target):
        raise ToolError(f"EISDIR: illegal operation on a directory, read '{target}'")
    try:
        with open(target, "rb") as f:
            data = f.read(OUTPUT_LIMIT)
    except FileNotFoundError as e:
        raise ToolError(f"File does not exist: {target}") from e
    except OSError as e:
        raise ToolError(f"{type(e).__name__}: {e}") from e
    return data.decode("utf-8", "replace")


def is_binary(sb: Sandbox, path: str) -> bool:
    try:
        with open(resolve(sb, path), "rb") as f:
            return b"\0" in f.read(8192)
    except OSError:
        return False


def git_ignored(sb: Sandbox, path: str) -> bool:
    """Whether git ignores ``path`` in the sandbox repository (as the Gemini CLI's file filter
    asks)."""
    target = resolve(sb, path)
    if not target.startswith(str(sb.repo) + os.sep):
        return False
    proc = subprocess.run(["git", "check-ignore", "-q", "--", target], cwd=sb.repo,
                          env=sb.env(), capture_output=True, check=False)
    return proc.returncode == 0


def ripgrep(sb: Sandbox, pattern: str, path: str | None, *, files: bool = False,
            count: bool = False, glob: str | None = None, ignore_case: bool = False,
            hidden: bool = True, no_ignore: bool = False, context: dict[str, int] | None = None,
            multiline: bool = False, file_type: str | None = None) -> list[str]:
    """Real ripgrep over the sandbox: the lines it prints (``path\\0rest``)."""
    argv = ["rg", "--color", "never", "--no-heading", "--with-filename", "--null",
            "--max-columns", "2000", "--glob", "!.git"]
    if hidden:
        argv.append("--hidden")
    if no_ignore:
        argv.append("--no-ignore")
    if ignore_case:
        argv.append("-i")
    if multiline:
        argv += ["-U", "--multiline-dotall"]
    if glob:
        for g in re.split(r"[\s,]+", glob.strip("{}")) if "{" in glob else [glob]:
            argv += ["--glob", g]
    if file_type:
        argv += ["--type", file_type]
    if files:
        argv.append("-l")
    elif count:
        argv.append("-c")
    else:
        argv.append("-n")
        for flag, n in (context or {}).items():
            argv += [flag, str(n)]
    argv += ["-e", pattern, "--", resolve(sb, path or ".")]
    proc = subprocess.run(argv, cwd=sb.repo, env=sb.env(), capture_output=True,
                          timeout=SHELL_TIMEOUT, check=False)
    if proc.returncode not in (0, 1):
        raise ToolError(proc.stderr.decode("utf-8", "replace").strip() or "ripgrep failed")
    return [ln for ln in proc.stdout.decode("utf-8", "replace").splitlines() if ln]


def claude_grep(sb: Sandbox, args: dict[str, Any]) -> dict[str, Any]:
    """Claude Code's Grep: ripgrep over hidden files, .gitignore respected; its
    ``tool_response``."""
    mode = args.get("output_mode") or "files_with_matches"
    context = {f: int(args[f]) for f in ("-A", "-B", "-C") if args.get(f)}
    lines = ripgrep(sb, args["pattern"], args.get("path"), files=mode == "files_with_matches",
                    count=mode == "count", glob=args.get("glob"),
                    ignore_case=bool(args.get("-i")), context=context,
                    multiline=bool(args.get("multiline")), file_type=args.get("type"))
    if mode == "files_with_matches":
        names = [ln.rstrip("\0") for ln in lines]
        return {"mode": mode, "numFiles": len(names), "filenames": names, "content": "",
                "numLines": 0}
    text_lines = [ln.replace("\0", ":", 1) for ln in lines]
    if args.get("-n") is False and mode == "content":
        text_lines = [re.sub(r"^([^:]*):\d+[:-]", r"\1:", ln) for ln in text_lines]
    if args.get("head_limit"):
        text_lines = text_lines[:int(args["head_limit"])]
    names = list(dict.fromkeys(ln.split("\0", 1)[0] for ln in lines))
    return {"mode": mode, "numFiles": len(names), "filenames": names,
            "content": "\n".join(text_lines), "numLines": len(text_lines)}


def read_many(sb: Sandbox, patterns: list[str], excludes: list[str]) -> str:
    """Gemini CLI's read_many_files: every file the patterns name, minus git-ignored ones, binary
    ones and the default excludes, concatenated with its separators."""
    found: list[Path] = []
    for pat in patterns:
        p = Path(resolve(sb, pat))
        if p.is_dir():
            found += [q for q in p.rglob("*") if q.is_file()]
        elif any(ch in pat for ch in "*?["):
            found += [sb.repo / q for q in globlib.glob(pat, root_dir=sb.repo, recursive=True,
                                                        include_hidden=True)
                      if (sb.repo / q).is_file()]
        elif p.is_file():
            found.append(p)
    parts, seen = [], set()
    for q in found:
        rel = os.path.relpath(q, sb.repo)
        if q in seen or ".git" in Path(rel).parts or "node_modules" in Path(rel).parts:
            continue
        seen.add(q)
        if any(Path(rel).match(x) for x in excludes) or git_ignored(sb, str(q)):
            continue
        if is_binary(sb, str(q)):
            continue
        parts.append(f"--- {q} ---\n\n{read_text(sb, str(q))}\n\n")
    if not parts:
        return "No files matching the criteria were found or all were skipped."
    return "".join(parts) + "--- End of content ---"


def gemini_grep(sb: Sandbox, pattern: str, path: str | None, glob: str | None,
                no_ignore: bool) -> str:
    """Gemini CLI's grep_search (ripgrep; .gitignore respected unless ``no_ignore``): its
    llmContent."""
    lines = ripgrep(sb, pattern, path, glob=glob, no_ignore=no_ignore)
    if not lines:
        return f'No matches found for pattern "{pattern}".'
    by_file: dict[str, list[str]] = {}
    for ln in lines:
        name, _, rest = ln.partition("\0")
        num, _, text = rest.partition(":")
        by_file.setdefault(os.path.relpath(name, sb.repo), []).append(f"L{num}: {text}")
    body = "".join(f"File: {name}\n" + "\n".join(hits) + "\n---\n"
                   for name, hits in by_file.items())
    return (f'Found {len(lines)} matches for pattern "{pattern}" in the workspace '
            f"directory:\n---\n{body}")


def write_file(sb: Sandbox, path: str, content: str) -> bool:
    """Write ``content``; whether the file existed."""
    target = resolve(sb, path)
    existed = os.path.exists(target)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8") as f:
        f.write(content)
    return existed


def edit_file(sb: Sandbox, path: str, old: str, new: str,
              replace_all: bool = False) -> tuple[str, str, int]:
    """Replace ``old`` by ``new``: (original text, new text, 1-based line of the change)."""
    original = read_text(sb, path)
    count = original.count(old) if old else 0
    if count == 0:
        raise ToolError("String to replace not found in file.")
    if count > 1 and not replace_all:
        raise ToolError(f"Found {count} matches of the string to replace, but replace_all is "
                        "false.")
    updated = original.replace(old, new) if replace_all else original.replace(old, new, 1)
    with open(resolve(sb, path), "w", encoding="utf-8") as f:
        f.write(updated)
    return original, updated, original[:original.index(old)].count("\n") + 1


def numbered(text: str, start: int = 1) -> str:
    """Lines as Claude Code's Read shows them to the model (``cat -n`` style)."""
    return "\n".join(f"{n:>6}\t{line}" for n, line in enumerate(text.split("\n"), start))


def snippet(text: str, line: int, around: int = 4) -> str:
    lines = text.split("\n")
    lo = max(0, line - 1 - around)
    return numbered("\n".join(lines[lo:line + around]), lo + 1)


def apply_patch(sb: Sandbox, patch: str) -> str:
    """Codex's apply_patch format (``*** Begin Patch`` … ``*** End Patch``): Add, Delete and
    Update File with ``@@`` hunks of context, ``-`` and ``+`` lines. Codex's summary."""
    lines = patch.strip("\n").split("\n")
    if not lines or lines[0].strip() != "*** Begin Patch" or lines[-1].strip() != "*** End Patch":
        raise ToolError("Invalid patch: it must start with '*** Begin Patch' and end with "
                        "'*** End Patch'")
    changes: list[str] = []
    i = 1
    while i < len(lines) - 1:
        line = lines[i]
        if line.startswith("*** Add File: "):
            path, body = line[len("*** Add File: "):].strip(), []
            i += 1
            while i < len(lines) - 1 and not lines[i].startswith("*** "):
                body.append(lines[i][1:] if lines[i].startswith("+") else lines[i])
                i += 1
            write_file(sb, path, "\n".join(body) + "\n")
            changes.append(f"A {path}")
        elif line.startswith("*** Delete File: "):
            path = line[len("*** Delete File: "):].strip()
            try:
                os.remove(resolve(sb, path))
            except OSError as e:
                raise ToolError(f"Failed to delete {path}: {e}") from e
            changes.append(f"D {path}")
            i += 1
        elif line.startswith("*** Update File: "):
            path = line[len("*** Update File: "):].strip()
            text = read_text(sb, path)
            i += 1
            while i < len(lines) - 1 and not lines[i].startswith("*** "):
                if not lines[i].startswith("@@"):
                    raise ToolError(f"Invalid hunk in {path}: {lines[i]!r}")
                i += 1
                old, new = [], []
                while i < len(lines) - 1 and not lines[i].startswith(("@@", "*** ")):
                    tag, body = lines[i][:1], lines[i][1:]
                    if tag in (" ", ""):
                        old.append(body)
                        new.append(body)
                    elif tag == "-":
                        old.append(body)
                    elif tag == "+":
                        new.append(body)
                    i += 1
                before, after = "\n".join(old), "\n".join(new)
                if before not in text:
                    raise ToolError(f"Failed to find expected lines in {path}:\n{before}")
                text = text.replace(before, after, 1)
            write_file(sb, path, text)
            changes.append(f"M {path}")
        else:
            raise ToolError(f"Invalid patch line: {line!r}")
    return "Success. Updated the following files:\n" + "\n".join(changes) + "\n"


def mcp_server(sb: Sandbox, server: str, tool: str, args: dict[str, Any]) -> str:
    """What the MCP server would return as text. Servers: ``filesystem`` (the reference server's
    read_text_file, read_file, read_multiple_files, list_directory, search_files), ``workspace``
    (a server that takes its path in pieces: open_file {directory, filename}, read {root,
    segments}), ``sqlite`` (read_query on data/app.db), ``git`` (git_show, git_diff, git_log)."""
    if server == "filesystem":
        if tool in ("read_text_file", "read_file"):
            return read_text(sb, args["path"])
        if tool == "read_multiple_files":
            parts = []
            for p in args["paths"]:
                try:
                    parts.append(f"{p}:\n{read_text(sb, p)}")
                except ToolError as e:
                    parts.append(f"{p}: Error - {e}")
            return "\n---\n".join(parts)
        if tool == "list_directory":
            base = resolve(sb, args["path"])
            return "\n".join(("[DIR] " if os.path.isdir(os.path.join(base, n)) else "[FILE] ") + n
                             for n in sorted(os.listdir(base)))
        if tool == "search_files":
            base, pat = resolve(sb, args["path"]), args["pattern"].lower()
            hits = [os.path.join(r, n) for r, ds, fs in os.walk(base) for n in ds + fs
                    if pat in n.lower()]
            return "\n".join(sorted(hits)) or "No matches found"
    if server == "workspace":
        if tool == "open_file":
            return read_text(sb, os.path.join(args["directory"], args["filename"]))
        if tool == "read":
            return read_text(sb, os.path.join(args["root"], *args["segments"]))
    if server == "sqlite" and tool == "read_query":
        db = sqlite3.connect(f"file:{sb.repo / 'data' / 'app.db'}?mode=ro", uri=True)
        try:
            cur = db.execute(args["query"])
            names = [d[0] for d in cur.description or ()]
            return json.dumps([dict(zip(names, row, strict=True)) for row in cur.fetchall()])
        except sqlite3.Error as e:
            raise ToolError(f"SQL error: {e}") from e
        finally:
            db.close()
    if server == "git":
        repo = args.get("repo_path", str(sb.repo))
        argv = {"git_show": ["show", args.get("revision", "HEAD")],
                "git_diff": ["diff", args.get("target", "HEAD")],
                "git_log": ["log", f"--max-count={args.get('max_count', 10)}"]}.get(tool)
        if argv is not None:
            run = run_shell(sb, ["git", "-C", repo, *argv])
            if run.code != 0:
                raise ToolError(run.stderr.strip())
            return run.stdout
    raise ToolError(f"unknown MCP tool {server}/{tool}")
