"""guard.agents.claude: deny rules merged into .claude/settings.json without losing anything of
the user's, and removed again only when Guard added them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guard import config
from guard.agents import claude
from guard.commands import protect
from guard.errors import GuardError
from guard.protect import policy
from tests.conftest import RunGuard, git_init, make_tree

SETTINGS = ".claude/settings.json"


@pytest.mark.parametrize(("pattern", "rule"), [
    (".env", "/**/.env"),
    ("*.key", "/**/*.key"),
    (".env/**", "/.env/**"),
    ("**/.aws/credentials", "/**/.aws/credentials"),
    ("/src/settings.py", "/src/settings.py"),
    ("config/credentials/*.key", "/config/credentials/*.key"),
    ("secrets/", "/**/secrets/**"),
    ("!.env.example", None),
])
def test_rules_are_anchored_at_the_project_root(pattern: str, rule: str | None) -> None:
    assert claude.rule_path(pattern) == rule


def _repo(tmp_path: Path, settings: str | None = None) -> Path:
    files = {".env": "A=1\n", ".env.example": "A=\n", "app.py": "print(1)\n"}
    if settings is not None:
        files[SETTINGS] = settings
    return make_tree(git_init(tmp_path / "repo"), files)


def _deny(repo: Path) -> list[str]:
    return json.loads((repo / SETTINGS).read_text())["permissions"]["deny"]


def test_read_and_edit_rules_come_in_pairs(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    protect.run(root=str(repo), agents=["claude"])
    deny = _deny(repo)
    reads = [d[5:-1] for d in deny if d.startswith("Read(")]
    edits = [d[5:-1] for d in deny if d.startswith("Edit(")]
    assert reads == edits and "/**/.env" in reads
    assert not any(d.startswith(("Glob(", "Write(")) for d in deny)  # ignored by Claude Code


def test_other_keys_and_the_users_entries_survive_in_order(tmp_path: Path) -> None:
    user = {
        "$schema": "https://json.schemastore.org/claude-code-settings.json",
        "model": "opus",
        "permissions": {"allow": ["Bash(npm test)"], "deny": ["Bash(curl *)", "Read(/**/.env)"],
                        "defaultMode": "default"},
        "hooks": {"PreToolUse": []},
    }
    repo = _repo(tmp_path, json.dumps(user, indent=2) + "\n")
    protect.run(root=str(repo), agents=["claude"])
    data = json.loads((repo / SETTINGS).read_text())
    assert list(data) == ["$schema", "model", "permissions", "hooks"]
    assert list(data["permissions"]) == ["allow", "deny", "defaultMode"]
    assert data["permissions"]["allow"] == ["Bash(npm test)"]
    deny = data["permissions"]["deny"]
    assert deny[:2] == ["Bash(curl *)", "Read(/**/.env)"]
    assert deny.count("Read(/**/.env)") == 1


def test_the_files_indentation_is_kept(tmp_path: Path) -> None:
    repo = _repo(tmp_path, '{\n    "model": "opus"\n}\n')
    protect.run(root=str(repo), agents=["claude"])
    text = (repo / SETTINGS).read_text()
    assert text.startswith('{\n    "model": "opus",\n    "permissions": {\n        "deny": [')
    assert text.endswith("]\n    }\n}\n")


def test_an_unchanged_file_is_not_rewritten(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    protect.run(root=str(repo), agents=["claude"])
    # the user reformats the file; as long as the entries are there Guard leaves it alone
    data = json.loads((repo / SETTINGS).read_text())
    compact = json.dumps(data, separators=(",", ":"))
    (repo / SETTINGS).write_text(compact)
    assert protect.run(root=str(repo), agents=["claude"], check=True) == 0
    protect.run(root=str(repo), agents=["claude"])
    assert (repo / SETTINGS).read_text() == compact


def test_stale_entries_guard_added_are_removed_and_the_users_are_not(tmp_path: Path) -> None:
    repo = _repo(tmp_path, json.dumps({"permissions": {"deny": ["Read(/old/user.txt)"]}}))
    (repo / "creds.txt").write_text('token = "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"\n')
    protect.run(root=str(repo), agents=["claude"])
    assert "Read(/creds.txt)" in _deny(repo)
    state = json.loads((repo / ".guard/state.json").read_text())
    assert "Read(/creds.txt)" in state["managed"][SETTINGS]
    assert "Read(/old/user.txt)" not in state["managed"][SETTINGS]
    (repo / "creds.txt").write_text("token = from_env()\n")  # the secret is gone
    assert protect.run(root=str(repo), agents=["claude"], check=True) == 1
    protect.run(root=str(repo), agents=["claude"])
    deny = _deny(repo)
    assert "Read(/creds.txt)" not in deny and "Edit(/creds.txt)" not in deny
    assert "Read(/old/user.txt)" in deny


def test_an_entry_the_user_wrote_is_never_taken_over(tmp_path: Path) -> None:
    repo = _repo(tmp_path, json.dumps({"permissions": {"deny": ["Read(/**/.env)"]}}))
    protect.run(root=str(repo), agents=["claude"])
    state = json.loads((repo / ".guard/state.json").read_text())
    assert "Read(/**/.env)" not in state["managed"][SETTINGS]
    assert "Edit(/**/.env)" in state["managed"][SETTINGS]


@pytest.mark.parametrize(("text", "where"), [
    ('{\n  "permissions": {\n    "deny": ["Read(.env)",]\n  }\n}\n', ":3:27: invalid JSON"),
    ('{"model": "opus"', ":1:17: invalid JSON"),
])
def test_a_settings_file_that_does_not_parse_is_reported_and_untouched(
        tmp_path: Path, text: str, where: str) -> None:
    repo = _repo(tmp_path, text)
    with pytest.raises(GuardError) as info:
        protect.run(root=str(repo), agents=["claude"])
    assert f"{repo / SETTINGS}{where}" in str(info.value)
    assert (repo / SETTINGS).read_text() == text


@pytest.mark.parametrize("text", ['[]', '{"permissions": []}', '{"permissions": {"deny": "x"}}'])
def test_a_settings_file_of_the_wrong_shape_is_refused(tmp_path: Path, text: str) -> None:
    repo = _repo(tmp_path, text)
    with pytest.raises(GuardError, match="untouched"):
        protect.run(root=str(repo), agents=["claude"])
    assert (repo / SETTINGS).read_text() == text


def test_malformed_settings_through_the_cli(tmp_path: Path, run_guard: RunGuard) -> None:
    text = '{\n  "permissions": {\n    "deny": [\n      "Read(.env)"\n      "Edit(.env)"\n'
    repo = _repo(tmp_path, text)
    before = sorted(p.name for p in (repo / ".claude").iterdir())
    proc = run_guard("protect", cwd=repo)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"guard: error: {repo / SETTINGS}:5:7: invalid JSON")
    assert (repo / SETTINGS).read_text() == text
    assert sorted(p.name for p in (repo / ".claude").iterdir()) == before
    assert not (repo / ".cursorignore").exists()  # nothing is written when one manifest is bad


def test_print_shows_the_deny_rules_as_json(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    pol = policy.build(str(repo), config.Config())
    snippet = json.loads(claude.AGENT.snippet(pol))
    assert snippet["permissions"]["deny"] == claude.AGENT.render(pol)
