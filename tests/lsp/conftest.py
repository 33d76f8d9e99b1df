"""What the tests of guard.lsp's plain functions share: a real repository with the machine's git
config kept out, and a document written into it with its analysis context."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from guard.lsp import diagnostics
from tests.conftest import git_init


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty repository, with a private rule cache and no git config from the machine."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)  # the machine's excludes stay out
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return git_init(tmp_path / "repo")


def scan(repo: Path, name: str, text: str) -> tuple[str, diagnostics.Context]:
    """Write ``text`` to ``repo/name``; its path and context, as the server would make them."""
    path = repo / name
    path.write_text(text, encoding="utf-8")
    return str(path), diagnostics.context_for(str(path))
