"""Whether an assistant is running for a home: a client rewrites its transcript and its
databases while it runs, so a scrub under it would be undone or corrupt the store.

Read from /proc: every process of the current user whose command line is the client's (its
executable, or the npm package a Node.js process runs) and whose ``HOME`` is the swept home
(a process whose environment cannot be read counts as running there).
"""

from __future__ import annotations

import os

# client -> names of its executable, and markers of its npm package in a node command line
CLIENTS = {
    "claude": (("claude",), ("@anthropic-ai/claude-code",)),
    "codex": (("codex",), ("@openai/codex",)),
    "gemini": (("gemini",), ("@google/gemini-cli",)),
    "qwen": (("qwen",), ("@qwen-code/qwen-code",)),
    "copilot": (("copilot",), ("@github/copilot",)),
    "aider": (("aider",), ("/aider/", "aider-chat")),
}
HOW_TO_CLOSE = {
    "claude": "end the Claude Code session (/exit, or Ctrl-D)",
    "codex": "end the Codex session (/quit, or Ctrl-C twice); the app server its terminal UI "
             "leaves running stops with `codex app-server daemon stop`",
    "gemini": "end the Gemini CLI session (/quit)",
    "qwen": "end the Qwen Code session (/quit)",
    "copilot": "end the Copilot CLI session (/exit)",
    "aider": "end the Aider session (/exit)",
}


def running(home: str, agents: set[str], proc: str = "/proc") -> dict[str, list[int]]:
    """client -> the ids of its processes running for ``home``, among ``agents``."""
    found: dict[str, list[int]] = {}
    me = os.getpid()
    uid = os.getuid()
    try:
        pids = sorted(int(p) for p in os.listdir(proc) if p.isdigit())
    except OSError:
        return found
    for pid in pids:
        if pid == me:
            continue
        base = os.path.join(proc, str(pid))
        try:
            if os.stat(base).st_uid != uid:
                continue
            with open(os.path.join(base, "cmdline"), "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        client = _client(argv, agents)
        if client and _home_of(base) in (None, os.path.realpath(home)):
            found.setdefault(client, []).append(pid)
    return found


def _client(argv: list[bytes], agents: set[str]) -> str | None:
    words = [a.decode("utf-8", "replace") for a in argv[:3] if a]
    if any(os.path.basename(w) == "guard" for w in words):
        return None  # `guard sweep --agent claude` is not Claude Code
    for name, (exes, markers) in CLIENTS.items():
        if name not in agents:
            continue
        for word in words:
            if os.path.basename(word) in exes or any(m in word for m in markers):
                return name
    return None


def _home_of(base: str) -> str | None:
    """The HOME of the process at ``base``, or None when its environment cannot be read."""
    try:
        with open(os.path.join(base, "environ"), "rb") as f:
            env = f.read()
    except OSError:
        return None
    for entry in env.split(b"\0"):
        if entry.startswith(b"HOME="):
            return os.path.realpath(entry[5:].decode("utf-8", "surrogateescape"))
    return None
