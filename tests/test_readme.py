"""The README stays true: every ``guard …`` command its code blocks show runs, in a real
repository, without a traceback and without echoing a secret; its TOML blocks are configurations
Guard accepts; the ``guard view`` sample is what ``guard view`` prints; every link resolves inside
the repository.

Commands that need what a test cannot have (the package index, a real assistant CLI, a model
download) are listed in NOT_RUN with the reason, and a test fails when the README gains a
command this file neither runs nor lists."""

from __future__ import annotations

import os
import random
import re
import signal
import string
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import GitRepo, RunGuard, guard_command, guard_env

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")

# Commands shown in the README that these tests do not run, and why.
NOT_RUN = {
    "python3 -m venv .venv && .venv/bin/pip install -q . && .venv/bin/guard scan .":
        "installs from the package index; .ci/run and a fresh clone prove it",
    "bash .ci/run": "is CI itself",
    "ANTHROPIC_BASE_URL=http://127.0.0.1:PORT claude": "needs Claude Code (tests/e2e run it)",
    "pip install -e '.[llm]'": "compiles llama-cpp-python (.ci/run does it)",
}

# Words of the README that stand for something the reader supplies.
STAND_INS = {"[PATH...]": ".", "REMOTE": "origin", "URL": "https://example.invalid/repo.git"}


def blocks() -> Iterator[tuple[str, str]]:
    """(language, body) of every fenced code block."""
    for match in re.finditer(r"^```(\w*)\n(.*?)^```", README, re.S | re.M):
        yield match.group(1), match.group(2)


def commands() -> list[str]:
    """Every command line of the README's shell blocks, comments and blank lines left out."""
    found = []
    for language, body in blocks():
        if language not in ("", "sh") or "<redacted:" in body:  # output, not commands
            continue
        for line in body.splitlines():
            line = re.sub(r"(^|\s+)#(\s.*)?$", "", line).strip()
            if re.match(r"(guard |python3 |bash |pip |[A-Z_]+=\S+ \w)", line):
                found.append(line)
    return found


def _base62(number: int, width: int) -> str:
    digits = string.digits + string.ascii_uppercase + string.ascii_lowercase
    out = ""
    while number:
        number, rem = divmod(number, 62)
        out = digits[rem] + out
    return out.rjust(width, "0")


def _values(seed: int) -> dict[str, str]:
    """Random values with the lengths of the README's ``guard view`` sample."""
    r = random.Random(seed)
    alnum = string.ascii_letters + string.digits

    def chars(n: int) -> str:
        return "".join(r.choice(alnum) for _ in range(n))

    body = chars(30)
    pem_body = "".join(r.choice(alnum + "+/") for _ in range(72))
    return {
        "password": chars(16),
        "token": "ghp_" + body + _base62(zlib.crc32(body.encode()), 6),
        "url": "redis://:" + chars(8) + "@cache:80",
        "pem": f"-----BEGIN PRIVATE KEY-----\n{pem_body}\n-----END PRIVATE KEY-----",
    }


def _dotenv(v: dict[str, str]) -> str:
    return (f"DB_PASSWORD={v['password']}\nDEBUG=true\n"
            f'export GITHUB_TOKEN="{v["token"]}"  # ci\n'
            f"URL={v['url']}\nPEM=\"{v['pem']}\"\n")


@pytest.fixture
def repo(tmp_path: Path) -> tuple[GitRepo, dict[str, str]]:
    """A repository like a reader's: code, a committed key, a .env, a tag and a remote."""
    values = _values(7)
    repo = GitRepo(tmp_path / "project")
    repo.commit({"src/app.py": "import os\nprint(os.environ['DB_PASSWORD'])\n",
                 "config/settings.py": f'GITHUB_TOKEN = "{values["token"]}"\n',
                 ".gitignore": ".env\n"}, message="first")
    repo.git("tag", "v1.2")
    repo.commit({"src/util.py": "def f():\n    return 1\n"}, message="second")
    repo.git("remote", "add", "origin", STAND_INS["URL"])
    (repo.path / ".env").write_text(_dotenv(values), encoding="utf-8")
    # The README's migration path starts from a baseline the real detect-secrets wrote.
    baseline = subprocess.run([str(Path(sys.executable).with_name("detect-secrets")), "scan"],
                              cwd=repo.path, capture_output=True, text=True, check=True)
    (repo.path / ".secrets.baseline").write_text(baseline.stdout, encoding="utf-8")
    return repo, values


def test_every_readme_command_is_run_or_listed() -> None:
    runnable = {c for c in commands() if c.startswith("guard ")}
    others = set(commands()) - runnable
    assert others == set(NOT_RUN), "a README command is neither run here nor listed in NOT_RUN"
    assert len(runnable) >= 30, sorted(runnable)


def test_readme_commands_run(repo: tuple[GitRepo, dict[str, str]], tmp_path: Path,
                             run_guard: RunGuard) -> None:
    """Each ``guard`` command of the README, in order, in one repository (``guard proxy`` is
    started, read and stopped): exit 0, 1 (findings) or 3 never; no traceback; no secret."""
    project, values = repo
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    secrets = [values["password"], values["token"], values["url"], values["pem"].split("\n")[1]]
    ran = 0
    for line in commands():
        if not line.startswith("guard "):
            continue
        words = [STAND_INS.get(w, w) for w in line.split()[1:]]
        words = [str(home / w[2:]) if w.startswith("~/") else w for w in words]
        if words[0] == "proxy" and "--ensure" not in words:
            out, err = _proxy_banner(words, project.path, guard_env(tmp_path / "cache", env))
            assert re.fullmatch(r"guard proxy: listening on http://127\.0\.0\.1:\d+\n", out), out
        else:
            proc = run_guard(*words, cwd=project.path, env=env, input="", timeout=120)
            out, err = proc.stdout, proc.stderr
            assert proc.returncode in (0, 1), f"{line}: exit {proc.returncode}\n{out}\n{err}"
        assert "Traceback" not in err, f"{line}\n{err}"
        for secret in secrets:
            assert secret not in out + err, f"{line} printed a secret"
        ran += 1
    assert ran >= 30
    # What the commands promised: the reports and the baseline exist, protect left nothing stale.
    for written in ("guard.json", "guard.sarif", ".guard-baseline.json"):
        assert (project.path / written).is_file(), written
    assert run_guard("protect", "--check", cwd=project.path, env=env).returncode == 0


def _proxy_banner(words: list[str], cwd: Path, env: dict[str, str]) -> tuple[str, str]:
    """Start ``guard proxy`` as the README shows it (port 0 for the README's fixed port), read
    the line it prints, stop it."""
    words = ["127.0.0.1:0" if re.fullmatch(r"127\.0\.0\.1:\d+", w) else w for w in words]
    if "--listen" not in words:
        words += ["--listen", "127.0.0.1:0"]
    proc = subprocess.Popen([*guard_command(), *words], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        out = proc.stdout.readline()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    return out, err


def test_view_sample_is_what_guard_view_prints(repo: tuple[GitRepo, dict[str, str]],
                                              run_guard: RunGuard) -> None:
    project, _ = repo
    sample = next(body for language, body in blocks() if body.startswith("DB_PASSWORD="))
    proc = run_guard("view", ".env", cwd=project.path)
    assert proc.returncode == 0, proc.stderr

    def shape(text: str) -> str:
        return re.sub(r"fp=[0-9a-f]{8}", "fp=…", text)

    assert shape(proc.stdout) == shape(sample)


def test_toml_blocks_are_accepted(tmp_path: Path, run_guard: RunGuard) -> None:
    """Each TOML block, as the ``[tool.guard]`` table of a pyproject.toml, loads: ``guard scan``
    does not stop on a configuration error (exit 2)."""
    tomls = [body for language, body in blocks() if language == "toml"]
    assert len(tomls) >= 2
    for body in tomls:
        project = tmp_path / f"p{len(list(tmp_path.iterdir()))}"
        (project / "ci").mkdir(parents=True)
        (project / "ci" / "guard-rules.toml").write_text("", encoding="utf-8")
        (project / "models").mkdir()
        (project / "pyproject.toml").write_text(body.replace("…", "ab12"), encoding="utf-8")
        (project / "app.py").write_text("x = 1\n", encoding="utf-8")
        proc = run_guard("scan", ".", cwd=project)
        assert proc.returncode == 0, f"{body}\n{proc.stdout}{proc.stderr}"


def test_links_resolve_inside_the_repository() -> None:
    links = re.findall(r"\]\(([^)\s]+)\)", README)
    assert links
    for link in links:
        if re.match(r"https?://", link):
            continue
        target = link.split("#", 1)[0]
        assert (ROOT / target).exists(), f"README links to {link}, which does not exist"
