"""Each assistant's hook is described once, in its guard.agents module; what is derived from the
description must agree with it: the matcher covers every tool the table judges, the install
target is where the assistant (and `guard doctor`) looks, the README names it."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

import pytest

from guard import agents
from guard.agents import EVERY_TOOL, HOOK_COMMAND

README = Path(__file__).resolve().parents[2] / "README.md"
HOOKED = agents.with_hooks()

# Skip tools a derived matcher still runs the hook for, because the clients read a matcher as an
# unanchored regex and these names contain a judged tool's name (TodoWrite: Write, BashOutput:
# Bash). The hook answers them at once (kind "skip"). Anchoring the matcher would stop that, but
# would also stop the hook for tools outside the table that it covers today by the same rule
# (ReadMcpResourceTool, whose name contains Read, is judged by its arguments).
UNANCHORED_SKIP_HITS = {"claude": {"TodoWrite", "BashOutput"}}


def runs_for(name: str, matcher: str, tool: str) -> bool:
    """Whether the assistant runs a hook with ``matcher`` for ``tool``, as its client decides.
    Claude Code (2.1.197, ``mam``): a matcher of only ``[A-Za-z0-9_|]`` is a list of exact
    names, anything else an unanchored regex. Gemini CLI (0.61) and Qwen Code (0.15),
    ``matchesToolName``: an unanchored regex."""
    if name == "claude" and re.fullmatch(r"[A-Za-z0-9_|]+", matcher):
        return tool in matcher.split("|")
    return re.search(matcher, tool) is not None


@pytest.mark.parametrize("name", HOOKED)
def test_matcher_covers_the_tool_table(name: str) -> None:
    agent = agents.get(name)
    matcher = agent.hook_matcher()
    if agent.hook_every_tool:
        assert matcher == EVERY_TOOL  # on purpose: tools outside the table are judged too
        return
    assert matcher, name
    table = agent.hook_tools
    judged = [t for t, spec in table.items() if spec[0] != "skip"]
    skipped = [t for t, spec in table.items() if spec[0] == "skip"]
    assert judged and skipped  # a matcher that names tools has both kinds to tell apart
    for tool in judged:
        assert runs_for(name, matcher, tool), (name, tool)
    for prefix in agent.mcp_prefixes:
        assert runs_for(name, matcher, f"{prefix}server_tool"), (name, prefix)
    # as a list of names the matcher holds no skip tool; read as the client reads it, only the
    # known substring hits
    alternatives = matcher.split("|")
    assert not set(skipped) & set(alternatives), name
    hits = {t for t in skipped if runs_for(name, matcher, t)}
    assert hits == UNANCHORED_SKIP_HITS.get(name, set()), name


def test_derived_matchers() -> None:
    """The matchers `guard install` wrote before they were derived, and the one difference."""
    assert agents.get("claude").hook_matcher() == \
        "Read|Write|Edit|MultiEdit|NotebookEdit|Grep|Glob|LS|Bash|mcp__.*"
    gemini = ("read_file|read_many_files|write_file|replace|edit|grep_search|"
              "search_file_content|grep|glob|list_directory|run_shell_command|mcp_.*")
    assert agents.get("gemini").hook_matcher() == gemini  # list_directory is new
    assert agents.get("qwen").hook_matcher() == gemini
    for name in ("augment", "codex", "copilot", "kiro", "cline", "cursor", "windsurf"):
        assert agents.get(name).hook_matcher() == EVERY_TOOL, name


@pytest.mark.parametrize("name", HOOKED)
def test_install_target_is_where_the_hook_is_looked_for(name: str) -> None:
    agent = agents.get(name)
    install = agent.hook_install
    assert install is not None and agent.has_hook and agent.hook_events
    assert install.user.startswith("~/") and not install.project.startswith(("~", "/"))
    for path in (install.project, install.user):  # guard doctor finds what guard install wrote
        assert any(fnmatch.fnmatch(path, pattern) for pattern in agent.hook_files), path
    entries = agent.hook_entries()
    if install.shape == "script":  # an executable named after the event
        assert entries == {}
        assert {Path(install.project).name, Path(install.user).name} == {agent.hook_events[0]}
        return
    assert list(entries) == [*agent.hook_events, *agent.output_events]
    assert HOOK_COMMAND.format(name=name) in agent.hook_handler().values()
    if install.shape == "grouped":
        for event, entry in entries.items():  # the output layer sees every tool's result
            want = agent.hook_matcher() if event in agent.hook_events else ".*"
            assert entry["matcher"] == want


def test_agents_without_a_hook_describe_none() -> None:
    for name in [*agents.REGISTRY, *agents.HOOK_ONLY]:
        agent = agents.get(name)
        if name not in HOOKED:
            assert not agent.has_hook and not agent.hook_events and not agent.hook_files


def hook_table() -> list[str]:
    """The rows of the README's table of `guard install` hooks."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index("| assistant | hook file written | events | verdict |") + 2
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    return lines[start:end]


@pytest.mark.parametrize("name", HOOKED)
def test_readme_names_the_hook_file_and_events(name: str) -> None:
    install = agents.get(name).hook_install
    assert install is not None
    rows = [line for line in hook_table() if f"`{install.project}`" in line]
    assert len(rows) == 1, name
    for event in agents.get(name).hook_events:
        assert f"`{event}`" in rows[0], (name, event)
