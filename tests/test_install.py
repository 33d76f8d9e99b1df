"""``guard install --git`` / ``guard uninstall --git``: plain git hooks that chain to the hooks
already there, honour core.hooksPath, and block real commits and pushes."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests.conftest import GIT_ENV, GitRepo, RunGuard

TOKEN = "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"  # a test token with a valid checksum
MARKER = "guard-hook-shim"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.commit({"README.md": "# demo\n"})
    return repo


@pytest.fixture
def guard(run_guard: RunGuard, tmp_path_factory: pytest.TempPathFactory):
    """Runs guard in the repo; the hooks it installs then find the rule cache through the
    environment git passes them (see ``hook_env``)."""

    def run(repo: GitRepo | Path, *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
        cwd = repo.path if isinstance(repo, GitRepo) else repo
        proc = run_guard(*args, cwd=cwd, env=GIT_ENV)
        assert "Traceback" not in proc.stderr, proc.stderr
        assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
        return proc

    return run


@pytest.fixture
def hook_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return {"XDG_CACHE_HOME": str(tmp_path_factory.mktemp("hook-cache"))}


def _snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in a hooks directory: content and mode."""
    return {p.name: (p.read_bytes(), stat.S_IMODE(p.lstat().st_mode))
            for p in sorted(directory.iterdir()) if not p.name.endswith(".sample")}


def _write_hook(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o750)


def test_install_writes_both_hooks_and_is_idempotent(repo: GitRepo, guard) -> None:
    hooks = repo.path / ".git" / "hooks"
    out = guard(repo, "install", "--git").stdout
    assert "pre-commit: installed" in out and "pre-push: installed" in out
    first = _snapshot(hooks)
    for name in ("pre-commit", "pre-push"):
        content, mode = first[name]
        assert MARKER.encode() in content and mode & stat.S_IXUSR
    assert "refreshed" in guard(repo, "install", "--git").stdout
    assert _snapshot(hooks) == first
    guard(repo, "uninstall", "--git")
    assert _snapshot(hooks) == {}


def test_an_existing_hook_is_chained_runs_first_and_comes_back_exactly(
        repo: GitRepo, guard, hook_env: dict[str, str]) -> None:
    hooks = repo.path / ".git" / "hooks"
    _write_hook(hooks / "pre-commit", 'echo "lint ran" >&2\n[ -e stop ] && exit 3\nexit 0')
    before = _snapshot(hooks)
    out = guard(repo, "install", "--git").stdout
    assert "runs first, as pre-commit.guard-chained" in out
    assert _snapshot(hooks)["pre-commit.guard-chained"] == before["pre-commit"]
    guard(repo, "install", "--git")  # again: the chained hook is not chained to itself
    assert _snapshot(hooks)["pre-commit.guard-chained"] == before["pre-commit"]

    repo.write({"ok.py": "x = 1\n", "stop": ""})
    repo.git("add", "-A")
    blocked = repo.git("commit", "-q", "-m", "x", check=False, env=hook_env)
    assert blocked.returncode == 1 and b"lint ran" in blocked.stderr  # git reports failure as 1
    os.remove(repo.path / "stop")
    repo.git("add", "-A")
    passed = repo.git("commit", "-q", "-m", "x", check=False, env=hook_env)
    assert passed.returncode == 0, passed.stderr
    # git sends a hook's stdout to its own stderr
    assert passed.stderr.index(b"lint ran") < passed.stderr.index(b"guard: 0 secrets")

    guard(repo, "uninstall", "--git")
    assert _snapshot(hooks) == before


def test_install_refuses_when_a_foreign_hook_and_a_chained_one_both_exist(repo: GitRepo,
                                                                          guard) -> None:
    hooks = repo.path / ".git" / "hooks"
    _write_hook(hooks / "pre-commit", "exit 0")
    _write_hook(hooks / "pre-commit.guard-chained", "exit 0")
    before = _snapshot(hooks)
    proc = guard(repo, "install", "--git", code=2)
    assert "move one of them away first" in proc.stderr
    assert _snapshot(hooks) == before


def test_uninstall_leaves_hooks_it_did_not_write(repo: GitRepo, guard) -> None:
    hooks = repo.path / ".git" / "hooks"
    _write_hook(hooks / "pre-push", "exit 0")
    before = _snapshot(hooks)
    out = guard(repo, "uninstall", "--git").stdout
    assert "pre-push: not Guard's hook: left alone" in out
    assert _snapshot(hooks) == before


def test_install_honours_core_hooks_path(repo: GitRepo, guard) -> None:
    repo.git("config", "core.hooksPath", "ci/hooks")
    _write_hook(repo.path / "ci" / "hooks" / "pre-push", "exit 0")
    guard(repo, "install", "--git")
    shared = repo.path / "ci" / "hooks"
    assert sorted(p.name for p in shared.iterdir()) == [
        "pre-commit", "pre-push", "pre-push.guard-chained"]
    assert not (repo.path / ".git" / "hooks" / "pre-commit").exists()
    guard(repo, "uninstall", "--git")
    assert sorted(p.name for p in shared.iterdir()) == ["pre-push"]


def test_git_hooks_must_be_asked_for_inside_a_repository(repo: GitRepo, guard,
                                                          tmp_path: Path) -> None:
    assert "nothing to install" in guard(repo, "install", code=2).stderr
    assert "nothing to uninstall" in guard(repo, "uninstall", code=2).stderr
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    assert "not inside a git repository" in guard(outside, "install", "--git", code=2).stderr
    assert not (repo.path / ".git" / "hooks" / "pre-commit").exists()


def test_the_pre_commit_hook_blocks_what_the_commit_would_add(repo: GitRepo, guard,
                                                              hook_env: dict[str, str]) -> None:
    guard(repo, "install", "--git")
    repo.write({"app.py": f"token = '{TOKEN}'\n", "ok.py": "x = 1\n"})
    repo.git("add", "app.py", "ok.py")
    blocked = repo.git("commit", "-q", "-m", "leak", check=False, env=hook_env)
    out = (blocked.stdout + blocked.stderr).decode()
    assert blocked.returncode == 1
    assert "app.py:1:10: GitHub personal access token" in out and "ghp_****" in out
    assert TOKEN[4:] not in out and "commit blocked" in out
    # `git commit ok.py` commits ok.py alone (git gives the hook a temporary index): it passes
    only = repo.git("commit", "-q", "-m", "ok only", "ok.py", check=False, env=hook_env)
    assert only.returncode == 0, only.stderr
    # the secret is still staged and still blocked; with an allow pragma it goes through
    assert repo.git("commit", "-q", "-m", "leak", check=False, env=hook_env).returncode == 1
    repo.write({"app.py": f"token = '{TOKEN}'  # pragma: allowlist secret\n"})
    repo.git("add", "app.py")
    allowed = repo.git("commit", "-q", "-m", "allowed", check=False, env=hook_env)
    assert allowed.returncode == 0, allowed.stderr


def test_a_guard_package_in_the_repository_does_not_replace_guard(
        repo: GitRepo, guard, hook_env: dict[str, str]) -> None:
    guard(repo, "install", "--git")
    repo.write({"guard/__init__.py": "", "guard/__main__.py": "print('impostor')\n",
                "app.py": f"token = '{TOKEN}'\n"})
    repo.git("add", "-A")
    blocked = repo.git("commit", "-q", "-m", "leak", check=False, env=hook_env)
    assert blocked.returncode == 1 and b"impostor" not in blocked.stderr
    assert b"app.py:1:10:" in blocked.stderr


def test_the_pre_push_hook_blocks_a_push_of_a_secret(tmp_path: Path, repo: GitRepo, guard,
                                                     hook_env: dict[str, str]) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", remote], check=True)
    repo.git("remote", "add", "origin", remote)
    repo.git("push", "-q", "origin", "main")
    hooks = repo.path / ".git" / "hooks"
    _write_hook(hooks / "pre-push", 'cat > "$(dirname "$0")/../chained-stdin"; exit 0')
    guard(repo, "install", "--git")
    repo.git("commit", "-q", "--no-verify", "--allow-empty", "-m", "empty")
    repo.write({"deploy.sh": f"export GITHUB_TOKEN={TOKEN}\n"})
    repo.git("add", "deploy.sh")
    leak = repo.git("commit", "-q", "--no-verify", "-m", "leak")  # slipped past pre-commit
    leak_id = repo.head()
    blocked = repo.git("push", "-q", "origin", "main", check=False, env=hook_env)
    out = (blocked.stdout + blocked.stderr).decode()
    assert blocked.returncode != 0 and "push blocked" in out, out
    assert f"{leak_id[:12]}:deploy.sh:1:" in out and TOKEN[4:] not in out
    # the chained hook saw the same refs on stdin that Guard scanned
    assert (repo.path / ".git" / "chained-stdin").read_text().split()[1] == leak_id
    repo.git("reset", "-q", "--hard", "HEAD~1")
    assert leak.returncode == 0
    passed = repo.git("push", "-q", "origin", "main", check=False, env=hook_env)
    assert passed.returncode == 0, passed.stderr
