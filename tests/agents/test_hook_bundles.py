"""hooks/: the Claude Code plugin and the Gemini CLI extension, checked for the documented shape
and for running exactly what `guard install` writes."""

from __future__ import annotations

import json
from pathlib import Path

from guard.commands import install_agents

BUNDLES = Path(__file__).resolve().parents[2] / "hooks"


def load(rel: str) -> dict:
    return json.loads((BUNDLES / rel).read_text(encoding="utf-8"))


def test_claude_plugin_shape() -> None:
    plugin = load("claude-plugin/.claude-plugin/plugin.json")
    assert plugin["name"] == "guard" and plugin["version"] and plugin["description"]
    hooks = load("claude-plugin/hooks/hooks.json")["hooks"]
    assert set(hooks) == {"PreToolUse"}
    want = install_agents.targets()["claude"].events["PreToolUse"]
    assert hooks["PreToolUse"] == [want]


def test_gemini_extension_shape() -> None:
    manifest = load("gemini-extension/gemini-extension.json")
    assert manifest["name"] == "guard" and manifest["version"]
    hooks = load("gemini-extension/hooks/hooks.json")
    assert isinstance(hooks["hooks"], dict)  # Gemini CLI drops the file otherwise
    want = install_agents.targets()["gemini"].events["BeforeTool"]
    assert hooks["hooks"]["BeforeTool"] == [want]
    handler = hooks["hooks"]["BeforeTool"][0]["hooks"][0]
    assert handler["type"] == "command" and handler["timeout"] >= 1000  # milliseconds
