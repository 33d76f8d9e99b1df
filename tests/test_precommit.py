"""The hooks of .pre-commit-hooks.yaml through the real pre-commit framework: a repository that
uses them, commits made with ``git commit``, Guard installed by the framework itself with pip
from a snapshot of this working tree (so the tests see the current code, committed or not).

The first test to run pays for that install (the framework's own virtualenv, pip with its wheel
cache); the others reuse it through one PRE_COMMIT_HOME shared by all test workers.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import GitRepo

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parent.parent
TOKEN = "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"  # a test token with a valid checksum
INSTALL_TIMEOUT = 900  # the first commit creates the framework's environment


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory every xdist worker of this run sees (each has its own basetemp below it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def guard_repo(shared: Path) -> tuple[Path, str]:
    """This working tree (tracked and untracked files, not ignored ones) committed into a
    throwaway repository, which the configs below name as the hooks' ``repo``: (path, rev)."""
    snapshot = GitRepo(shared / "guard-snapshot", init=False)
    with _locked(shared / "guard-snapshot.lock"):
        if not (snapshot.path / ".git").is_dir():
            listed = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"],
                                    cwd=PROJECT, capture_output=True, check=True).stdout
            tmp = shared / "guard-snapshot.tmp"
            shutil.rmtree(tmp, ignore_errors=True)
            for rel in filter(None, os.fsdecode(listed).split("\0")):
                src = PROJECT / rel
                if src.is_file():
                    (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(src, tmp / rel)
            staging = GitRepo(tmp, init=False)
            staging.git("init", "-q", "-b", "main")
            staging.git("add", "-A")
            staging.git("commit", "-q", "-m", "snapshot of the working tree")
            tmp.rename(snapshot.path)
    return snapshot.path, snapshot.head()


@pytest.fixture
def project(tmp_path: Path, shared: Path, guard_repo: tuple[Path, str]):
    """A repository whose .pre-commit-config.yaml uses Guard's hooks; ``project(hooks)``
    installs the framework's git hook and returns the repository."""

    def make(*hooks: str) -> GitRepo:
        repo = GitRepo(tmp_path / "project")
        path, rev = guard_repo
        lines = ["repos:", f"-   repo: {path}", f"    rev: {rev}", "    hooks:"]
        lines += [f"    -   id: {hook}" for hook in hooks]
        repo.commit({".pre-commit-config.yaml": "\n".join(lines) + "\n"}, "use guard")
        run_framework(repo, shared, "install")
        return repo

    return make


def _env(repo: GitRepo, shared: Path) -> dict[str, str]:
    pip_cache = os.environ.get("PIP_CACHE_DIR") or str(Path.home() / ".cache" / "pip")
    return repo.env({"PRE_COMMIT_HOME": str(shared / "pre-commit-home"),
                     "PIP_CACHE_DIR": pip_cache,  # not under the private XDG_CACHE_HOME below
                     "XDG_CACHE_HOME": str(shared / "xdg-cache"),
                     "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"})


def run_framework(repo: GitRepo, shared: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=repo.path, check=True,
                   capture_output=True, env=_env(repo, shared))


def commit(repo: GitRepo, shared: Path, files: dict[str, str]) -> tuple[int, str]:
    """Stage ``files`` and ``git commit``: (exit status, everything printed)."""
    repo.write(files)
    repo.git("add", *files)
    proc = subprocess.run(["git", "commit", "-m", "change"], cwd=repo.path, capture_output=True,
                          env=_env(repo, shared), timeout=INSTALL_TIMEOUT, check=False)
    out = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    assert "Traceback" not in out and TOKEN[4:] not in out, out
    return proc.returncode, out


def test_guard_scan_rejects_a_secret_and_passes_clean_and_allowlisted_commits(
        project, shared: Path) -> None:
    repo = project("guard-scan")
    code, out = commit(repo, shared, {"app.py": f"import os\ntoken = '{TOKEN}'\n"})
    assert code == 1, out
    assert "guard scan (secrets and sensitive files)" in out and "Failed" in out
    assert "app.py:2:10: GitHub personal access token (classic) [github-pat-classic] " \
           "ghp_******** (40 chars)" in out
    repo.git("reset", "-q", "HEAD", "app.py")

    code, out = commit(repo, shared, {"app.py": "import os\ntoken = os.environ['TOKEN']\n"})
    assert code == 0 and "Passed" in out, out

    allowed = f"import os\ntoken = '{TOKEN}'  # pragma: allowlist secret\n"
    code, out = commit(repo, shared, {"app.py": allowed})
    assert code == 0 and "Passed" in out, out


def test_guard_scan_rejects_a_dotenv_file(project, shared: Path) -> None:
    repo = project("guard-scan")
    code, out = commit(repo, shared, {".env": "DEBUG=true\n"})
    assert code == 1, out
    assert ".env: sensitive file [dotenv-file]" in out


def test_guard_scan_rejects_a_file_it_could_not_scan_and_honours_excludes(
        project, shared: Path) -> None:
    repo = project("guard-scan")
    config = 'max-scan-size = 1000\nexclude = ["fixtures/"]\n'
    code, out = commit(repo, shared, {".guard.toml": config})
    assert code == 0, out
    code, out = commit(repo, shared, {"dump.sql": "-- data\n" * 200})  # 1.6 KB > max-scan-size
    assert code == 1 and "Failed" in out, out
    assert "not scanned dump.sql: larger than max-scan-size" in out
    repo.git("reset", "-q", "HEAD", "dump.sql")
    # the framework names each staged file: the config's excludes apply to names too
    code, out = commit(repo, shared, {"fixtures/fake.py": f"token = '{TOKEN}'\n"})
    assert code == 0 and "Passed" in out, out


def test_guard_protect_rejects_commits_while_assistants_can_read_a_dotenv(
        project, shared: Path, run_guard) -> None:
    repo = project("guard-scan", "guard-protect")
    repo.write({".gitignore": ".env\n", ".env": "DATABASE_PASSWORD=hunter2hunter2\n"})
    code, out = commit(repo, shared, {".gitignore": ".env\n", "app.py": "x = 1\n"})
    assert code == 1, out
    assert "guard protect --check" in out and "Failed" in out and "guard protect" in out
    assert "hunter2" not in out

    written = run_guard("protect", cwd=repo.path, env={"GIT_CONFIG_GLOBAL": os.devnull})
    assert written.returncode == 0, written.stderr
    repo.git("add", "-A")  # the manifests `guard protect` wrote (.env stays ignored)
    code, out = commit(repo, shared, {"app.py": "x = 2\n"})
    assert code == 0, out
    assert out.count("Passed") == 2


def test_guard_scan_lets_the_baselines_be_committed(project, shared: Path, run_guard,
                                                    tmp_path: Path) -> None:
    """The README's migration path: a .secrets.baseline written by detect-secrets and Guard's own
    baseline are committed next to the code. Their hashes are not secrets."""
    elsewhere = GitRepo(tmp_path / "elsewhere")
    elsewhere.write({"app.py": f"token = '{TOKEN}'\npassword = 'Xk9#mQ2vL8pZ4wR7'\n"})
    elsewhere.git("add", "app.py")
    ds = Path(sys.executable).with_name("detect-secrets")
    baseline = subprocess.run([str(ds), "scan"], cwd=elsewhere.path, capture_output=True,
                              text=True, check=True).stdout
    assert '"hashed_secret"' in baseline
    elsewhere.write({".secrets.baseline": baseline})
    assert run_guard("baseline", ".", cwd=elsewhere.path).returncode == 0
    ours = (elsewhere.path / ".guard-baseline.json").read_text()

    repo = project("guard-scan")
    code, out = commit(repo, shared, {".secrets.baseline": baseline,
                                      ".guard-baseline.json": ours})
    assert code == 0 and "Passed" in out, out
