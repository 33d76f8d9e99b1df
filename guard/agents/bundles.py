"""The hook bundles under ``hooks/``: the Claude Code plugin (``hooks/claude-plugin``) and the
Gemini CLI extension (``hooks/gemini-extension``), made from the same assistant descriptions as
``guard install`` (the hook entries of guard.agents.claude and guard.agents.gemini), so that a
bundle runs exactly what ``guard install`` writes.

The files are checked in (an assistant installs a bundle from a directory). After a change to an
assistant's hook (its tool table, events or handler) regenerate them, from a source checkout::

    python -m guard.agents.bundles --write     # rewrite hooks/…
    python -m guard.agents.bundles             # check only: exit 1 naming the stale files

tests/agents/test_hook_bundles.py fails while a checked-in file differs from what this makes.
The READMEs of the bundles are prose and stay hand-written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# hooks/ of the source checkout (the wheel ships it as the package guard.hooks)
HOOKS_DIR = Path(__file__).resolve().parents[2] / "hooks"

CLAUDE_PLUGIN: dict[str, object] = {
    "name": "guard",
    "description": "Guard keeps secrets away from Claude Code: runs `guard hook claude` before "
                   "file, search, shell and MCP tools; denies reads of secret files and redirects "
                   "them to a redacted view.",
    "author": {"name": "Guard"},
    "license": "MIT",
    "keywords": ["security", "secrets", "dotenv", "hooks"],
}
CLAUDE_HOOKS_DESCRIPTION = ("Guard: judge every file, search, shell and MCP tool call before it "
                            "runs (needs `guard` on PATH: pip install guard-secrets)")
GEMINI_EXTENSION: dict[str, object] = {
    "name": "guard",
    "description": "Guard keeps secrets away from Gemini CLI: runs `guard hook gemini` before "
                   "file, search, shell and MCP tools.",
}


def files() -> dict[str, str]:
    """Path under hooks/ -> the file's text."""
    from guard import __version__, agents

    claude = agents.get("claude").hook_entries()
    gemini = agents.get("gemini").hook_entries()
    return {
        "claude-plugin/.claude-plugin/plugin.json": _json(
            _with_version(CLAUDE_PLUGIN, __version__)),
        "claude-plugin/hooks/hooks.json": _json(
            {"description": CLAUDE_HOOKS_DESCRIPTION,
             "hooks": {event: [entry] for event, entry in claude.items()}}),
        "gemini-extension/gemini-extension.json": _json(
            _with_version(GEMINI_EXTENSION, __version__)),
        # Gemini CLI reads an extension's hooks from hooks/hooks.json, under a "hooks" object
        "gemini-extension/hooks/hooks.json": _json(
            {"hooks": {event: [entry] for event, entry in gemini.items()}}),
    }


def stale(directory: Path = HOOKS_DIR) -> list[str]:
    """The bundle files under ``directory`` that differ from what :func:`files` makes."""
    out: list[str] = []
    for rel, text in files().items():
        try:
            current = (directory / rel).read_bytes()
        except OSError:
            current = None
        if current != text.encode("utf-8"):
            out.append(rel)
    return out


def write(directory: Path = HOOKS_DIR) -> list[str]:
    """Rewrite the stale bundle files under ``directory``; the paths written."""
    written = stale(directory)
    made = files()
    for rel in written:
        path = directory / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(made[rel].encode("utf-8"))
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args not in ([], ["--write"]):
        sys.stderr.write("usage: python -m guard.agents.bundles [--write]\n")
        return 2
    if args == ["--write"]:
        for rel in write():
            sys.stdout.write(f"wrote hooks/{rel}\n")
        return 0
    out_of_date = stale()
    for rel in out_of_date:
        sys.stdout.write(f"stale: hooks/{rel} (python -m guard.agents.bundles --write)\n")
    return 1 if out_of_date else 0


def _with_version(manifest: dict[str, object], version: str) -> dict[str, object]:
    """The manifest with ``version`` after ``name``, where the assistants' examples put it."""
    return {"name": manifest["name"], "version": version,
            **{k: v for k, v in manifest.items() if k != "name"}}


def _json(obj: object) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.exit(main())
