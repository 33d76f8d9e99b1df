"""One test per assistant: the manifest ``guard protect`` writes, read by that assistant's
documented matching rules, keeps every sensitive file of the fixture repository away and leaves
templates and ordinary files readable.

Each rule set below is written from the assistant's documentation, independently of Guard's own
matcher (which the last tests compare with it, since ``guard doctor`` relies on it):

- gitignore dialects: pathspec's gitignore (gitwildmatch) matching over every line of the file;
- ``.aiexclude``: gitignore without negation, and an empty file blocks everything;
- Claude Code: ``Read(...)`` deny rules, ``/p`` from the project root, ``p`` from the current
  directory (the project root here), a one-segment ``dir/**`` at any depth in deny rules;
- Copilot: YAML list of fnmatch paths, case-insensitive, ``/`` anchors at the root, a path
  without ``/`` matches anywhere, ``**`` spans directories.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from pathlib import Path

import pathspec
import pytest
import yaml

from guard import agents, config
from guard.commands import protect
from guard.protect import policy
from tests.protect_repo import READABLE, SENSITIVE, make_repo

NO_NEGATION = {"claude", "copilot", "gemini-code-assist"}


def _gitignore(lines: list[str], path: str) -> bool:
    return _spec(tuple(lines)).match_file(path)


@functools.cache
def _spec(lines: tuple[str, ...]) -> pathspec.PathSpec:
    # the plain-regex backend: Hyperscan's compiles cost ~60 ms each, and these are many
    return pathspec.PathSpec.from_lines("gitignore", lines, backend="simple")


def gitignore_oracle(text: str, path: str) -> bool:
    return _gitignore(text.splitlines(), path)


def aiexclude_oracle(text: str, path: str) -> bool:
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    if not lines:
        return True  # "An empty .aiexclude file blocks all files in its directory"
    assert not any(ln.startswith("!") for ln in lines), "negation is not supported"
    return _gitignore(lines, path)


def claude_oracle(text: str, path: str) -> bool:
    lines = []
    for rule in json.loads(text)["permissions"]["deny"]:
        m = re.fullmatch(r"Read\((.*)\)", rule)
        if not m or m.group(1).startswith(("//", "~/")):
            continue  # other tools, or paths outside the project
        spec = m.group(1)
        if not spec.startswith("/"):  # relative to the current directory: the project root
            spec = spec.removeprefix("./")
            if re.fullmatch(r"[^/*]+/\*\*", spec):
                spec = "**/" + spec
        lines.append(spec)
    return _gitignore(lines, path)


def copilot_oracle(text: str, path: str) -> bool:
    paths = yaml.safe_load(text)
    assert isinstance(paths, list) and all(isinstance(p, str) for p in paths)
    lines = [p.lower() if p.startswith("/") or "/" not in p else "**/" + p.lower()
             for p in paths]
    return _gitignore(lines, path.lower())


ORACLES: dict[str, Callable[[str, str], bool]] = {
    "claude": claude_oracle,
    "copilot": copilot_oracle,
    "gemini-code-assist": aiexclude_oracle,
}


def oracle(name: str) -> Callable[[str, str], bool]:
    return ORACLES.get(name, gitignore_oracle)


def manifest_text(repo: Path, name: str) -> str:
    agent = agents.get(name)
    if agent.manifest is None:
        cfg = config.Config(str(repo / ".guard.toml"))
        return agent.snippet(policy.build(str(repo), cfg))
    return (repo / agent.manifest).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = make_repo(tmp_path_factory.mktemp("semantics") / "repo")
    assert protect.run(root=str(repo), agents=agents.names()) == 0
    return repo


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A protected repository in which two new sensitive files appeared afterwards."""
    repo = make_repo(tmp_path_factory.mktemp("grown") / "repo")
    assert protect.run(root=str(repo), agents=agents.names()) == 0
    (repo / ".env.staging").write_text("A=1\n")
    (repo / "deploy" / "new.key").write_text("k\n")
    return repo, protect.run(root=str(repo), check=True)


def test_every_assistant_with_a_documented_format_is_covered() -> None:
    manifests = {agents.get(n).manifest for n in agents.names()}
    assert {".cursorignore", ".aiderignore", ".geminiignore", ".aiexclude", ".aiignore",
            ".codeiumignore", ".continueignore", ".clineignore", ".rooignore",
            ".augmentignore", ".kiroignore", ".qwenignore", ".claude/settings.json",
            None} == manifests


@pytest.mark.parametrize("name", agents.names())
def test_sensitive_files_are_excluded(repo: Path, name: str) -> None:
    text = manifest_text(repo, name)
    assert [p for p in SENSITIVE if not oracle(name)(text, p)] == []


@pytest.mark.parametrize("name", agents.names())
def test_templates_and_source_files_stay_readable(repo: Path, name: str) -> None:
    text = manifest_text(repo, name)
    assert [p for p in READABLE if oracle(name)(text, p)] == []


@pytest.mark.parametrize("name", sorted(set(agents.names()) - NO_NEGATION))
def test_with_negation_a_new_file_is_covered_at_once(grown: tuple[Path, int], name: str) -> None:
    repo, _ = grown
    text = manifest_text(repo, name)
    assert oracle(name)(text, ".env.staging")
    assert oracle(name)(text, "deploy/new.key")
    assert "!.env.example" in text.splitlines()


@pytest.mark.parametrize("name", sorted(NO_NEGATION - {"copilot"}))
def test_without_negation_a_new_file_waits_for_the_next_run(grown: tuple[Path, int],
                                                            name: str) -> None:
    """The price of keeping .env.example readable in a dialect without "!": .env.* is written
    as the tree's files, so .env.staging is exposed until `guard protect` runs again, which
    `guard protect --check` says. A kind of file without templates (*.key) stays broad."""
    repo, check = grown
    text = manifest_text(repo, name)
    assert not oracle(name)(text, ".env.staging")
    assert oracle(name)(text, "deploy/new.key")
    assert check == 1
    cfg = config.Config(str(repo / ".guard.toml"))
    fresh = agents.get(name).render(policy.build(str(repo), cfg))
    assert any(".env.staging" in line for line in fresh)


@pytest.mark.parametrize("name", agents.names())
def test_guards_own_matcher_agrees_with_the_documented_rules(repo: Path, name: str) -> None:
    text = manifest_text(repo, name)
    agent = agents.get(name)
    others = ["a/b/.env", "x/.env.example", "ENV", "src/.ENV", "deep/dir/id_rsa", "id_rsa_ci"]
    for path in SENSITIVE + READABLE + others:
        assert agent.excludes(path, text) == oracle(name)(text, path), path
