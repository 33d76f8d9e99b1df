"""Shared helpers: run the real ``guard`` command in a separate process, build file trees."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn, Protocol

import pytest

StrPath = str | os.PathLike[str]


class RunGuard(Protocol):
    def __call__(self, *args: StrPath, cwd: StrPath, env: Mapping[str, str] | None = None,
                 input: str | None = None, timeout: float = 120,
                 **popen: Any) -> subprocess.CompletedProcess[str]: ...


def guard_command() -> list[str]:
    """The venv's ``guard`` console script, or ``python -m guard`` when there is none."""
    script = Path(sys.executable).with_name("guard")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "guard"]


def on_ci() -> bool:
    """Whether the tests run on CI (.ci/run exports CI=true), where everything they need is
    installed: a missing program or extra there is a failure, never a skip."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing(what: str, how: str) -> NoReturn:
    """Stop a test that cannot run without ``what``: a failure on CI, else a skip saying
    ``how`` to install it."""
    if on_ci():
        pytest.fail(f"{what} is missing on CI, where .ci/run installs it: {how}", pytrace=False)
    pytest.skip(f"{what} is not installed: {how}")


def guard_env(cache_home: StrPath, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The test process's environment with a private rule cache and no NO_COLOR."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", "GUARD_FINGERPRINT_KEY") and not k.startswith("GIT_")}
    env["XDG_CACHE_HOME"] = os.fspath(cache_home)
    env.update(extra or {})
    return env


@pytest.fixture
def run_guard(tmp_path_factory: pytest.TempPathFactory) -> RunGuard:
    """``run_guard("scan", ".", cwd=tree)`` runs guard and captures stdout and stderr as text.

    Extra keyword arguments (``user=``, ``preexec_fn=``…) go to :func:`subprocess.run`."""
    cache = tmp_path_factory.mktemp("xdg-cache")

    def run(*args: StrPath, cwd: StrPath, env: Mapping[str, str] | None = None,
            input: str | None = None, timeout: float = 120,
            **popen: Any) -> subprocess.CompletedProcess[str]:
        # Bytes that are not UTF-8 (a file's raw name) come back as surrogates, as os.fsdecode
        # gives them, rather than failing the decoding of the whole output.
        return subprocess.run([*guard_command(), *map(os.fspath, args)], cwd=cwd,
                              env=guard_env(cache, env), input=input, capture_output=True,
                              encoding="utf-8", errors="surrogateescape", timeout=timeout,
                              check=False, **popen)

    return run


def make_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``{"rel/path": content}`` under ``root`` (text as UTF-8, bytes as is)."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def git_init(path: Path) -> Path:
    """A real (empty) git repository at ``path``."""
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True, capture_output=True)
    return path


# Git isolated from the machine's own config, with a fixed identity and a clock that ticks once
# per commit: histories (and their commit order) come out the same on every run.
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "Ada Lovelace", "GIT_AUTHOR_EMAIL": "ada@example.com",
           "GIT_COMMITTER_NAME": "Ada Lovelace", "GIT_COMMITTER_EMAIL": "ada@example.com"}


class GitRepo:
    """A real repository for tests: ``repo.commit({"a.py": "..."})`` writes, stages, commits."""

    def __init__(self, path: Path, *, init: bool = True) -> None:
        self.path = path
        self.clock = 1_700_000_000
        if init:
            path.mkdir(parents=True, exist_ok=True)
            self.git("init", "-q", "-b", "main")

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update(GIT_ENV)
        stamp = f"@{self.clock} +0000"
        env.update(GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
        env.update(extra or {})
        return env

    def git(self, *args: StrPath, check: bool = True, input: bytes | None = None,
            env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
        proc = subprocess.run(["git", *map(os.fspath, args)], cwd=self.path, input=input,
                              capture_output=True, env=self.env(env), check=False)
        if check and proc.returncode != 0:
            raise AssertionError(f"git {args}: {proc.stderr.decode(errors='replace')}")
        return proc

    def write(self, files: Mapping[str, str | bytes]) -> None:
        make_tree(self.path, files)

    def commit(self, files: Mapping[str, str | bytes] | None = None, message: str = "change",
               remove: tuple[str, ...] = ()) -> str:
        """Write ``files``, remove ``remove``, stage everything, commit; the new commit id."""
        self.write(files or {})
        for rel in remove:
            self.git("rm", "-q", "--", rel)
        self.git("add", "-A")
        self.clock += 3600
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").stdout.decode().strip()
