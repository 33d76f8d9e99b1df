"""guard.agents.copilot: the snippet to paste into GitHub's content exclusion settings, and the
fnmatch semantics GitHub documents for it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from guard.agents import copilot
from tests.conftest import RunGuard
from tests.protect_repo import READABLE, SENSITIVE, make_repo


@pytest.mark.parametrize(("pattern", "path"), [
    (".env", ".env"),
    ("*.key", "*.key"),
    ("**/.aws/credentials", "/**/.aws/credentials"),
    (".env/**", "/.env/**"),
    ("/src/settings.py", "/src/settings.py"),
    ("secrets/", "secrets/**"),
    ("!.env.example", None),
])
def test_gitignore_patterns_become_copilot_paths(pattern: str, path: str | None) -> None:
    assert copilot.exclusion_path(pattern) == path


# The examples of GitHub's documentation ("Configuring content exclusion for your repository").
@pytest.mark.parametrize(("pattern", "path", "excluded"), [
    ("/src/some-dir/kernel.rs", "src/some-dir/kernel.rs", True),
    ("/src/some-dir/kernel.rs", "lib/src/some-dir/kernel.rs", False),
    ("secrets.json", "secrets.json", True),
    ("secrets.json", "a/b/secrets.json", True),
    ("secret*", "config/secret_key.txt", True),
    ("*.cfg", "deep/down/app.cfg", True),
    ("*.cfg", "app.cfg.bak", False),
    ("/scripts/**", "scripts/a/b.sh", True),
    ("/scripts/**", "src/scripts/b.sh", False),
    ("*.cfg", "APP.CFG", True),  # patterns are case-insensitive
])
def test_documented_examples(pattern: str, path: str, excluded: bool) -> None:
    assert copilot.AGENT.excludes(path, f'- "{pattern}"\n') is excluded


def test_print_copilot_prints_valid_yaml_that_covers_the_repository(
        tmp_path: Path, run_guard: RunGuard) -> None:
    repo = make_repo(tmp_path / "repo")
    proc = run_guard("protect", "--print", "copilot", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    paths = yaml.safe_load(proc.stdout)
    assert isinstance(paths, list) and "/src/settings.py" in paths
    assert all(copilot.AGENT.excludes(p, proc.stdout) for p in SENSITIVE)
    assert not any(copilot.AGENT.excludes(p, proc.stdout) for p in READABLE)
    assert "Content exclusion" in proc.stdout.splitlines()[1]
    assert sorted(p.name for p in repo.iterdir()) == sorted(
        p.name for p in make_repo(tmp_path / "again").iterdir())  # nothing written


def test_copilot_in_agents_writes_nothing_and_says_so(tmp_path: Path,
                                                     run_guard: RunGuard) -> None:
    repo = make_repo(tmp_path / "repo")
    proc = run_guard("protect", "--agents", "copilot,cursor", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert "guard protect --print copilot" in proc.stderr
    assert (repo / ".cursorignore").exists()
