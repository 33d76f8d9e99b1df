"""A home folder with every store `guard sweep` reads, in the formats the real clients write
(copied in shape from runs of Claude Code 2.1.197, codex-cli 0.171.0, Gemini CLI 0.61.0 and Qwen
Code 0.15.10 against the mock model), each holding secrets: a provider token, a value only the
project's .env knows, and a private key that only shows decoded (JSON-escaped newlines)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.conftest import make_tree
from tests.e2e.clients import _github_token

# built at run time so no secret is written in this file
STRIPE = "sk_live_" + "51SweepTestZyNkE52buoG6ZI61"  # pragma: allowlist secret
GITHUB = _github_token("Sw33pT3stQm2RzT9vXk4NbWc8HpJd3")
PASSWORD = "Tr0ub4dor-" + "sweep-9f3k2"  # only .env knows it: no rule finds it
KEY_BODY = "\n".join(["MIIEpAIBAAKCAQEA" + "x7Yq" * 15] + ["Q2hr" * 16] * 6)
PRIVATE_KEY = f"-----BEGIN RSA PRIVATE KEY-----\n{KEY_BODY}\n-----END RSA PRIVATE KEY-----"
VALUES = (STRIPE, GITHUB, PASSWORD)
STAMP = "2026-03-04T05:06:07.000Z"
LATER = "2026-05-06T07:08:09.000Z"


def line(obj: object) -> str:
    return json.dumps(obj, separators=(",", ":")) + "\n"


def build(tmp: Path) -> tuple[Path, Path]:
    """(home, project): a project with a .env, and a home with every client's stores."""
    project = tmp / "proj"
    home = tmp / "home"
    make_tree(project, {".env": f"STRIPE_KEY={STRIPE}\nDB_PASSWORD={PASSWORD}\n",
                        "app.py": "print('hi')\n",
                        ".aider.chat.history.md": "# aider chat started at 2026-02-01 10:00:00\n"
                                                  f"> token is {GITHUB}\n",
                        ".claude/settings.local.json": json.dumps(
                            {"permissions": {"allow": [f"Bash(curl -H 'Authorization: "
                                                       f"Bearer {GITHUB}' https://x)"]}},
                            indent=2) + "\n"})
    cwd = str(project)
    slug = cwd.replace("/", "-")
    claude = (line({"type": "user", "cwd": cwd, "timestamp": STAMP, "sessionId": "s1",
                    "message": {"role": "user", "content": "Look at the configuration."}}) +
              line({"type": "user", "cwd": cwd, "timestamp": STAMP, "message": {
                  "role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1",
                                               "content": f"1\tSTRIPE_KEY={STRIPE}\n2\tDB_PASSWO"
                                                          f"RD={PASSWORD}\n"}]}}) +
              line({"type": "user", "cwd": cwd, "timestamp": LATER, "message": {
                  "role": "user", "content": [{"type": "tool_result", "tool_use_id": "t2",
                                               "content": PRIVATE_KEY}]}}) +
              line({"type": "assistant", "cwd": cwd, "timestamp": LATER,
                    "message": {"content": [{"type": "text", "text": "All done."}]}}))
    codex = (line({"timestamp": STAMP, "type": "session_meta",
                   "payload": {"id": "c1", "cwd": cwd}}) +
             line({"timestamp": LATER, "type": "response_item",
                   "payload": {"type": "function_call_output", "call_id": "call_0",
                               "output": f"Output:\nGITHUB_TOKEN={GITHUB}\n"}}))
    gemini = (line({"sessionId": "g1", "startTime": STAMP, "kind": "main"}) +
              line({"id": "m1", "timestamp": STAMP, "type": "user", "content": [
                  {"functionResponse": {"name": "run_shell_command", "response": {
                      "output": f"Output: STRIPE_KEY={STRIPE}\nDEBUG=1"}}}]}) +
              line({"$set": {"lastUpdated": STAMP}}))
    qwen = line({"uuid": "q1", "timestamp": LATER, "type": "tool_result", "cwd": cwd,
                 "message": {"role": "user", "parts": [{"functionResponse": {
                     "response": {"output": f"Output: STRIPE_KEY={STRIPE}"}}}]}})
    make_tree(home, {
        f".claude/projects/{slug}/s1.jsonl": claude,
        ".claude.json": json.dumps({"projects": {cwd: {"allowedTools": []}}}, indent=2),
        ".codex/sessions/2026/03/04/rollout-2026-03-04T05-06-07-c1.jsonl": codex,
        ".codex/history.jsonl": line({"session_id": "c1", "ts": 1772600767,
                                      "text": f"use {GITHUB} for the API"}),
        ".gemini/tmp/proj/.project_root": cwd,
        ".gemini/tmp/proj/chats/session-2026-03-04T05-06-g1.jsonl": gemini,
        ".gemini/tmp/proj/logs.json": json.dumps([{"sessionId": "g1", "message": "hello",
                                                   "timestamp": STAMP}]),
        f".qwen/projects/{slug}/chats/q1.jsonl": qwen,
        ".copilot/session-state/abc/events.jsonl": line({"type": "user.message", "data": {
            "content": f"deploy with {STRIPE}"}, "timestamp": STAMP}),
        ".bash_history": f"ls\n#1772600767\nexport GH_TOKEN={GITHUB}\n",
        ".zsh_history": f": 1772600767:0;echo hi\n: 1772600800:0;curl -u me:{STRIPE} x\n",
        "notes/keep.txt": STRIPE,  # not a store: never read, never scrubbed
    })
    db = sqlite3.connect(home / ".codex" / "thread_history_1.sqlite")
    db.execute("CREATE TABLE thread_items (thread_id TEXT NOT NULL, item_id TEXT NOT NULL, "
               "created_at_ms INTEGER NOT NULL, item_json TEXT NOT NULL)")
    db.execute("INSERT INTO thread_items VALUES (?, ?, ?, ?)",
               ("c1", "call_0", 1772600767000, json.dumps(
                   {"type": "commandExecution", "aggregatedOutput": f"GITHUB_TOKEN={GITHUB}\n"})))
    db.execute("INSERT INTO thread_items VALUES (?, ?, ?, ?)", ("c1", "m", 1772600767000, "x" * 20))
    db.commit()
    db.close()
    return home, project
