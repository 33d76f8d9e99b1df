"""Where each assistant keeps what it saw, on this machine: one small function per client, each
returning :class:`Store` entries (a file, its format, the project it belongs to), all behind one
interface (``discover``), as pre-commit keeps one module per language.

Formats were checked against what the real clients write (headless runs against a loopback mock
model, tests/e2e/test_sweep_e2e.py): ``VERIFIED`` names the client version each one was seen on.
A store no run could produce here (Copilot CLI, Aider: not installed; interactive-only files)
is read conservatively, as plain text, or by its generic format, and its ``verified`` is empty.
"""

from __future__ import annotations

import os
import re

TYPE_CHECKING = False  # typing costs start-up; annotations are strings here
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

# client -> the version of the real client its main stores were verified on
VERIFIED = {
    "claude": "Claude Code 2.1.197",
    "codex": "codex-cli 0.171.0",
    "gemini": "Gemini CLI 0.61.0",
    "qwen": "Qwen Code 0.15.10",
    "aider": "aider 0.86.2",
}
AGENTS = ("claude", "codex", "gemini", "qwen", "copilot", "aider", "shell")
KINDS = ("jsonl", "json", "text", "sqlite", "gitdir")
WALK_LIMIT = 200_000  # entries looked at under one client's folder
_CWD = re.compile(rb'"cwd"\s*:\s*"((?:[^"\\]|\\.)*)"')
HEAD = 64 * 1024  # bytes of a transcript read to find its project


class Store:
    """One file where a client keeps what it saw. ``kind``: how it is read and scrubbed (jsonl,
    json, text, sqlite); ``project``: the directory the sessions ran in, when known;
    ``verified``: the client version the format was checked on ("" when unverified)."""

    __slots__ = ("agent", "kind", "label", "path", "project", "verified")

    def __init__(self, agent: str, path: str, kind: str, label: str,
                 project: str | None = None, verified: str = "") -> None:
        self.agent = agent
        self.path = path
        self.kind = kind
        self.label = label
        self.project = project
        self.verified = verified

    def __repr__(self) -> str:
        return f"Store({self.agent!r}, {self.path!r}, {self.kind!r})"


def kind_of(name: str) -> str:
    """The generic format a file name says: JSON lines, JSON, SQLite, else text."""
    if name.endswith(".jsonl"):
        return "jsonl"
    if name.endswith(".json"):
        return "json"
    if name.endswith((".sqlite", ".sqlite3", ".db")):
        return "sqlite"
    return "text"


def walk(top: str, match: Callable[[str, str], bool] | None = None) -> Iterator[str]:
    """Files under ``top`` (directories are not followed through symlinks; files that are
    symlinks are returned, and judged when read), sorted, for which ``match(rel, name)``."""
    from guard.sources.entries import entries

    found = [e.path for e, rel in entries(top, frozenset({".git", "node_modules"}),
                                          limit=WALK_LIMIT)
             if match is None or match(rel, e.name)]
    return iter(sorted(found))


def _is_file(path: str) -> bool:
    return os.path.lexists(path) and not os.path.isdir(path)


def _project_in(path: str) -> str | None:
    """The project a transcript's records name: the first ``"cwd": "…"`` in its head."""
    import json

    from guard.detect.formats import read_regular

    try:  # a FIFO is never opened for reading in a way that blocks
        head = read_regular(path, HEAD)
    except OSError:
        return None
    if head is None:
        return None
    m = _CWD.search(head)
    if not m:
        return None
    try:
        value = json.loads(b'"' + m.group(1) + b'"')
    except ValueError:
        return None
    if isinstance(value, str) and value.startswith("file://"):
        value = value[len("file://"):]
    return value if isinstance(value, str) and value.startswith("/") else None


# --- Claude Code ----------------------------------------------------------------------------------

def claude(home: str, config_dir: str | None = None) -> Iterator[Store]:
    """Claude Code (verified): ``~/.claude/projects/<slug>/<session>.jsonl`` transcripts, one
    JSON record a line, each with ``timestamp`` and ``cwd`` (subagents' in
    ``<session>/subagents/*.jsonl``); ``~/.claude.json`` (per-project state, prompt history of
    older versions, allowed tools) and its copies in ``~/.claude/backups/``. With
    ``CLAUDE_CONFIG_DIR`` (verified too), all of them live in that folder, ``.claude.json``
    included. Interactive sessions (verified in its terminal UI) also write ``history.jsonl``
    (``{"display", "pastedContents", "timestamp" (ms), "project", "sessionId"}`` a line) and
    ``shell-snapshots/*.sh`` (the shell's functions and aliases, as text); "Yes, and don't ask
    again" saves the command, a token in it included, in the project's
    ``.claude/settings.local.json`` (``permissions.allow``: see project_settings). Read
    generically: the user's settings files, and ``file-history/`` (backups of edited files) as
    text."""
    base = config_dir or os.path.join(home, ".claude")
    state = os.path.join(config_dir, ".claude.json") if config_dir else \
        os.path.join(home, ".claude.json")
    v = VERIFIED["claude"]
    for path in walk(os.path.join(base, "projects"), lambda rel, name: name.endswith(".jsonl")):
        yield Store("claude", path, "jsonl", "transcript", _project_in(path), v)
    if _is_file(state):
        yield Store("claude", state, "json", "state and prompt history", None, v)
    for path in walk(os.path.join(base, "backups"),
                     lambda rel, name: name.startswith(".claude.json.backup")):
        yield Store("claude", path, "json", "backup of its state", None, v)
    for name, kind, label, seen in (("history.jsonl", "jsonl", "prompt history", v),
                                    ("settings.json", "json", "settings", ""),
                                    ("settings.local.json", "json", "settings", "")):
        path = os.path.join(base, name)
        if _is_file(path):
            yield Store("claude", path, kind, label, None, seen)
    for sub, label, seen in (("shell-snapshots", "shell snapshot", v),
                             ("file-history", "file backup", "")):
        for path in walk(os.path.join(base, sub)):
            yield Store("claude", path, "text", label, None, seen)


def claude_projects(home: str, config_dir: str | None = None) -> list[str]:
    """The projects ``~/.claude.json`` knows (its ``projects`` keys)."""
    import json

    from guard.detect.formats import read_regular

    state = os.path.join(config_dir or home, ".claude.json")
    try:
        data = json.loads(read_regular(state, 64 << 20) or b"")
    except (OSError, ValueError):
        return []
    projects = data.get("projects") if isinstance(data, dict) else None
    return [p for p in projects if isinstance(p, str) and p.startswith("/")] \
        if isinstance(projects, dict) else []


def project_settings(project: str) -> Iterator[Store]:
    """A project's own Claude Code settings: "Yes, and don't ask again" saves the command in
    ``.claude/settings.local.json`` (verified: ``{"permissions": {"allow": ["Bash(GH_TOKEN=ghp_…
    gh api *)"]}}``, indented JSON), a key in it included; ``.claude/settings.json`` is the
    shared one, read the same way."""
    for rel, seen in ((".claude/settings.local.json", VERIFIED["claude"]),
                      (".claude/settings.json", "")):
        path = os.path.join(project, rel)
        if _is_file(path):
            yield Store("claude", path, "json", "project settings", project, seen)


# --- Codex CLI ------------------------------------------------------------------------------------

def codex(home: str, codex_home: str | None = None) -> Iterator[Store]:
    """Codex CLI (verified): ``sessions/YYYY/MM/DD/rollout-*.jsonl`` (and
    ``archived_sessions/``), one ``{"timestamp", "type", "payload"}`` record a line, the
    session's ``cwd`` in its ``session_meta``; SQLite databases (``thread_history_*.sqlite``
    holds every command's output again, ``state_*.sqlite`` thread titles, ``logs_*.sqlite``
    logs). Its terminal UI (verified too) writes ``history.jsonl`` (``{"session_id", "ts"
    (seconds), "text"}`` a line) and, on "Yes, and don't ask again", ``rules/default.rules``:
    ``prefix_rule(pattern=["/bin/bash", "-lc", "GH_TOKEN=ghp_… gh api user"],
    decision="allow")``, the whole command, token included (text: a placeholder keeps it
    valid). ``log/`` and ``shell_snapshots/`` are read as text. ``packages/`` (the binaries of
    its app server) is not a store."""
    base = codex_home or os.path.join(home, ".codex")
    v = VERIFIED["codex"]
    for sub in ("sessions", "archived_sessions"):
        for path in walk(os.path.join(base, sub), lambda rel, name: name.endswith(".jsonl")):
            yield Store("codex", path, "jsonl", "transcript", _project_in(path), v)
    path = os.path.join(base, "history.jsonl")
    if _is_file(path):
        yield Store("codex", path, "jsonl", "prompt history", None, v)
    try:
        names = sorted(os.listdir(base))
    except OSError:
        names = []
    for name in names:
        if name.endswith(".sqlite"):
            yield Store("codex", os.path.join(base, name), "sqlite", "database", None, v)
    for sub, label, seen in (("rules", "approved commands", v), ("log", "log", ""),
                             ("shell_snapshots", "shell snapshot", "")):
        for path in walk(os.path.join(base, sub)):
            yield Store("codex", path, "text", label, None, seen)


# --- Gemini CLI and Qwen Code ---------------------------------------------------------------------

def gemini(home: str, base: str | None = None) -> Iterator[Store]:
    """Gemini CLI (verified on chats): ``~/.gemini/tmp/<project>/chats/session-*.jsonl`` (0.61:
    a metadata line, then messages and ``{"$set": …}`` updates; older versions write
    ``session-*.json`` documents), ``logs.json`` (prompts) and ``checkpoint-*.json`` next to
    them; ``.project_root`` in each project folder names the project. With checkpointing on,
    ``~/.gemini/history/<project>/`` is a git repository of snapshots of the project's files
    (seen with its empty first commit): a "gitdir" store, reported, not read (its objects are
    compressed) once it holds more than that first commit."""
    base = base or os.path.join(home, ".gemini")
    yield from _gemini_like("gemini", base, "tmp")
    top = os.path.join(base, "history")
    try:
        folders = sorted(os.listdir(top))
    except OSError:
        folders = []
    for folder in folders:
        directory = os.path.join(top, folder)
        log = os.path.join(directory, ".git", "logs", "HEAD")
        from guard.detect.formats import read_regular

        try:
            head = read_regular(log, 1 << 16)
        except OSError:
            continue
        if head is None or head.count(b"\n") < 2:  # the first, empty commit alone
            continue
        yield Store("gemini", directory, "gitdir", "checkpoint snapshots",
                    _read_small(os.path.join(directory, ".project_root")))


def qwen(home: str, base: str | None = None) -> Iterator[Store]:
    """Qwen Code (verified on chats): ``~/.qwen/projects/<slug>/chats/<session>.jsonl``, one
    record a line with ``timestamp`` and ``cwd``; ``~/.qwen/tmp/<hash>/`` as Gemini CLI (logs,
    checkpoints); ``~/.qwen/debug/*.txt`` debug logs as text."""
    base = base or os.path.join(home, ".qwen")
    yield from _gemini_like("qwen", base, "tmp")
    for path in walk(os.path.join(base, "projects")):
        if path.endswith(".jsonl"):
            yield Store("qwen", path, "jsonl", "transcript", _project_in(path), VERIFIED["qwen"])
    for path in walk(os.path.join(base, "debug")):
        yield Store("qwen", path, "text", "debug log", None, VERIFIED["qwen"])


def _gemini_like(agent: str, base: str, tmp: str) -> Iterator[Store]:
    top = os.path.join(base, tmp)
    try:
        folders = sorted(os.listdir(top))
    except OSError:
        folders = []
    for folder in folders:
        directory = os.path.join(top, folder)
        if not os.path.isdir(directory) or os.path.islink(directory):
            continue
        project = _read_small(os.path.join(directory, ".project_root"))
        for path in walk(directory):
            name = os.path.basename(path)
            if name == ".project_root" or name.startswith("."):
                continue
            kind = kind_of(name)
            label = "transcript" if "/chats/" in path else \
                "prompt log" if name == "logs.json" else \
                "checkpoint" if name.startswith("checkpoint") else "session file"
            verified = VERIFIED[agent] if "/chats/" in path else ""
            yield Store(agent, path, kind, label, project, verified)


def _read_small(path: str) -> str | None:
    from guard.detect.formats import read_regular

    try:
        data = read_regular(path, 4096)
    except OSError:
        return None
    text = data.decode("utf-8", "replace").strip() if data else ""
    return text if text.startswith("/") else None


# --- Copilot CLI (unverified) ---------------------------------------------------------------------

def copilot(home: str) -> Iterator[Store]:
    """GitHub Copilot CLI, UNVERIFIED (not installed here): everything under
    ``~/.copilot/session-state/`` and ``~/.copilot/history-session-state/``, and
    ``~/.copilot/command-history-state.json``, read by the file name's generic format (JSON lines,
    JSON, else text); the project is taken from a ``cwd`` field when a record has one."""
    base = os.path.join(home, ".copilot")
    for sub in ("session-state", "history-session-state"):
        for path in walk(os.path.join(base, sub)):
            kind = kind_of(path)
            project = _project_in(path) if kind in ("jsonl", "json") else None
            yield Store("copilot", path, kind, "session", project)
    path = os.path.join(base, "command-history-state.json")
    if _is_file(path):
        yield Store("copilot", path, "json", "prompt history")


# --- Aider and shells -----------------------------------------------------------------------------

AIDER_FILES = ((".aider.chat.history.md", "chat history"),
               (".aider.input.history", "input history"),
               (".aider.llm.history", "LLM traffic log"))


def aider(projects: list[str]) -> Iterator[Store]:
    """Aider (verified): the chat history (Markdown: ``# aider chat started at …``, the command
    line, each prompt as ``#### …`` and the replies) and the input history (``# <time>`` then
    ``+<prompt line>``), which it writes into the directory it runs in, read as text;
    ``.aider.llm.history`` (with ``--llm-history-file``: every request, file contents included)
    unverified, as text too."""
    for project in projects:
        for name, label in AIDER_FILES:
            path = os.path.join(project, name)
            if _is_file(path):
                verified = VERIFIED["aider"] if "llm" not in name else ""
                yield Store("aider", path, "text", label, project, verified)


SHELL_FILES = (".bash_history", ".zsh_history", ".histfile", ".sh_history",
               ".local/share/fish/fish_history")


def shell(home: str) -> Iterator[Store]:
    """Shell histories (bash, zsh, fish), as text: what was typed, keys pasted in commands."""
    for rel in SHELL_FILES:
        path = os.path.join(home, rel)
        if _is_file(path):
            yield Store("shell", path, "text", "shell history")


# --- all of them ----------------------------------------------------------------------------------

# Where a client's own variables move its folder (honoured for the user's own home only), the
# first one set winning, with what to append to it: Claude Code's CLAUDE_CONFIG_DIR (seen with
# 2.1.197), Codex CLI's CODEX_HOME, and, read in their sources, Gemini CLI's GEMINI_CLI_HOME
# (a home: its .gemini inside), Qwen Code's QWEN_RUNTIME_DIR (sessions, logs) and QWEN_HOME.
FOLDER_VARIABLES = {"claude": (("CLAUDE_CONFIG_DIR", ""),), "codex": (("CODEX_HOME", ""),),
                    "gemini": (("GEMINI_CLI_HOME", ".gemini"),),
                    "qwen": (("QWEN_RUNTIME_DIR", ""), ("QWEN_HOME", ""))}


def folders_from(environ: dict[str, str]) -> dict[str, str]:
    """client -> its folder, as the clients' variables in ``environ`` move it."""
    out = {}
    for agent, variables in FOLDER_VARIABLES.items():
        for name, inside in variables:
            if environ.get(name):
                out[agent] = os.path.join(os.path.abspath(environ[name]), inside).rstrip("/")
                break
    return out


def discover(home: str, *, cwd_project: str | None = None, agents: list[str] | None = None,
             folders: dict[str, str] | None = None) -> list[Store]:
    """Every store of the selected clients (default: all) for the user whose home is ``home``;
    Aider's files and the projects' own settings in every project the other stores name, and in
    ``cwd_project``. ``folders``: a client's folder moved by its variable (FOLDER_VARIABLES)."""
    wanted = set(agents or AGENTS)
    folders = folders or {}
    found: list[Store] = []
    sources: dict[str, Callable[[], Iterator[Store]]] = {
        "claude": lambda: claude(home, folders.get("claude")),
        "codex": lambda: codex(home, folders.get("codex")),
        "gemini": lambda: gemini(home, folders.get("gemini")),
        "qwen": lambda: qwen(home, folders.get("qwen")),
        "copilot": lambda: copilot(home),
        "shell": lambda: shell(home),
    }
    for name, source in sources.items():
        if name in wanted:
            found.extend(source())
    projects = sorted({s.project for s in found if s.project} |
                      set(claude_projects(home, folders.get("claude"))) |
                      ({cwd_project} if cwd_project else set()))
    projects = [p for p in projects if os.path.isdir(p)]
    if "claude" in wanted:
        for project in projects:
            found.extend(project_settings(project))
    if "aider" in wanted:
        found.extend(aider(projects))
    seen: set[str] = set()
    unique = []
    for store in found:
        if store.path not in seen:
            seen.add(store.path)
            unique.append(store)
    return unique
