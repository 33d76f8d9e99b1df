"""guard.agents.IgnoreFileAgent and its dialects: what the block holds, and how the assistant
reads the whole file, the user's lines included."""

from __future__ import annotations

from pathlib import Path

import pytest

from guard import agents, config
from guard.agents import gemini_code_assist
from guard.protect import policy
from tests.protect_repo import make_repo

GITIGNORE_AGENTS = [n for n in agents.names()
                    if isinstance(agents.get(n), agents.IgnoreFileAgent)]


@pytest.fixture(scope="module")
def pol(tmp_path_factory: pytest.TempPathFactory) -> policy.Policy:
    repo = make_repo(tmp_path_factory.mktemp("ignore") / "repo")
    return policy.build(str(repo), config.Config())


@pytest.mark.parametrize("name", GITIGNORE_AGENTS)
def test_the_block_explains_its_sections(pol: policy.Policy, name: str) -> None:
    lines = agents.get(name).render(pol)
    assert lines[0] == "# sensitive files (Guard's path rules)"
    assert "# files in which guard scan found secrets" in lines
    assert all(line for line in lines)  # no blank line: it would end nothing, but looks odd


def test_negation_only_where_the_dialect_has_it(pol: policy.Policy) -> None:
    for name in GITIGNORE_AGENTS:
        agent = agents.get(name)
        has_negation = any(line.startswith("!") for line in agent.render(pol))
        assert has_negation is agent.negation, name
    assert not gemini_code_assist.AGENT.negation


def test_a_users_exception_after_the_block_is_honoured_as_the_assistant_would(
        pol: policy.Policy) -> None:
    # last match wins: the assistant reads the user's "!" below Guard's block
    agent = agents.get("cursor")
    block = "\n".join(agent.render(pol))
    assert agent.excludes(".env.local", block)
    assert not agent.excludes(".env.local", block + "\n!.env.local\n")


def test_aiexclude_ignores_negation_and_an_empty_file_blocks_everything() -> None:
    agent = gemini_code_assist.AGENT
    assert agent.excludes("src/app.py", "")
    assert agent.excludes("src/app.py", "# only a comment\n")
    assert agent.excludes(".env.example", ".env.*\n!.env.example\n")  # "!" is not supported


def test_hook_status(tmp_path: Path) -> None:
    agent = agents.get("cursor")
    assert agents.get("aider").hook_status(str(tmp_path)) == "none"
    assert agent.hook_status(str(tmp_path)) == "not installed"
    (tmp_path / ".cursor").mkdir()
    (tmp_path / ".cursor/hooks.json").write_text(
        '{"version":1,"hooks":{"beforeReadFile":[{"command":"guard hook cursor"}]}}')
    assert agent.hook_status(str(tmp_path)) == "installed"
    (tmp_path / ".claude").mkdir()
    (tmp_path / ".claude/settings.json").write_text(
        '{"hooks": {"PreToolUse": [{"matcher": "Read", "hooks": [{"type": "command", '
        '"command": "guard", "args": ["hook", "claude"]}]}]}}')
    assert agents.get("claude").hook_status(str(tmp_path)) == "installed"


def test_unknown_assistant_names_are_errors() -> None:
    from guard.errors import GuardError

    with pytest.raises(GuardError, match=r"unknown assistant 'vim'.*known: claude, cursor"):
        agents.get("vim")
    with pytest.raises(GuardError, match=r"cfg.toml: agents: unknown assistant 'emacs'"):
        agents.resolve(None, ["cursor", "emacs"], "cfg.toml")
