"""hooks/: the Claude Code plugin and the Gemini CLI extension, checked for the documented shape,
for running exactly what `guard install` writes, and for being what guard.agents.bundles makes
from the assistants' descriptions, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

from guard.agents import bundles
from guard.commands import install_agents

BUNDLES = Path(__file__).resolve().parents[2] / "hooks"


def load(rel: str) -> dict:
    return json.loads((BUNDLES / rel).read_text(encoding="utf-8"))


def test_claude_plugin_shape() -> None:
    plugin = load("claude-plugin/.claude-plugin/plugin.json")
    assert plugin["name"] == "guard" and plugin["version"] and plugin["description"]
    hooks = load("claude-plugin/hooks/hooks.json")["hooks"]
    assert set(hooks) == {"PreToolUse", "PostToolUse"}  # the output layer sees every result
    for event in hooks:
        assert hooks[event] == [install_agents.targets()["claude"].events[event]]
    assert hooks["PostToolUse"][0]["matcher"] == ".*"


def test_gemini_extension_shape() -> None:
    manifest = load("gemini-extension/gemini-extension.json")
    assert manifest["name"] == "guard" and manifest["version"]
    hooks = load("gemini-extension/hooks/hooks.json")
    assert isinstance(hooks["hooks"], dict)  # Gemini CLI drops the file otherwise
    assert set(hooks["hooks"]) == {"BeforeTool", "AfterTool"}
    for event in hooks["hooks"]:
        assert hooks["hooks"][event] == [install_agents.targets()["gemini"].events[event]]
    handler = hooks["hooks"]["BeforeTool"][0]["hooks"][0]
    assert handler["type"] == "command" and handler["timeout"] >= 1000  # milliseconds


def test_checked_in_bundles_are_generated() -> None:
    """Regenerate with `python -m guard.agents.bundles --write` after changing a hook."""
    made = bundles.files()
    for rel, text in made.items():
        assert (BUNDLES / rel).read_bytes() == text.encode("utf-8"), rel
    checked_in = {p.relative_to(BUNDLES).as_posix()
                  for d in ("claude-plugin", "gemini-extension")
                  for p in (BUNDLES / d).rglob("*.json")}
    assert checked_in == set(made)  # no JSON file in a bundle that is not generated
    assert bundles.stale() == []


def test_bundles_script_checks_and_writes(tmp_path: Path) -> None:
    assert sorted(bundles.stale(tmp_path)) == sorted(bundles.files())
    assert sorted(bundles.write(tmp_path)) == sorted(bundles.files())
    assert bundles.stale(tmp_path) == [] and bundles.write(tmp_path) == []
    (tmp_path / "claude-plugin/hooks/hooks.json").write_text("{}\n")
    assert bundles.stale(tmp_path) == ["claude-plugin/hooks/hooks.json"]
