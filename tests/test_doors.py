"""Same content, same verdict, whichever front door it comes through.

One repository holds a dotenv file, a direnv file, a key in code, a file the config lists as
sensitive, an excluded fixture with a key in it and ordinary code. Every door is asked which
files are sensitive: ``guard scan`` over the tree, the staged index and the history, the agent
hook (a Claude Code Read of each file, as a whole process), the language server's analysis,
``guard protect``'s policy, and ``guard view`` (which must hide every secret value). They used to
disagree (the two dotenv definitions, the model step only on trees, excludes only in some
doors); now they all ask guard.judge.
"""

from __future__ import annotations

import json

import pytest

from guard import config as config_mod
from guard.lsp import diagnostics as analysis
from guard.protect import policy
from tests.conftest import GitRepo, RunGuard

# Fake values made up for this test (right shapes, never issued). The GitHub token's last six
# characters are its CRC32: with a failing checksum it would be a near miss no rule reports.
GH = "ghp_" + "Zq8Rk2Lm4Np6Tv8Xb0Cd2Fg4Hj6Kl835zSTw"  # pragma: allowlist secret
STRIPE = "sk_live_" + "51Hq8ZkR2mLp4Nv6Tx8Bc0Df"  # pragma: allowlist secret
PASSWORD = "Wx7!vQ2#rT9zKp4m"  # pragma: allowlist secret

FILES = {
    ".guard.toml": 'exclude = ["fixtures/"]\nsensitive = ["deploy/*.secret"]\n',
    ".env": f"STRIPE_KEY={STRIPE}\nDEBUG=1\n",
    ".envrc": f"export DB_PASSWORD={PASSWORD}\n",
    "src/settings.py": f'GITHUB_TOKEN = "{GH}"\n',
    "deploy/prod.secret": "rotate me\n",
    "fixtures/fake.py": f'TOKEN = "{GH}"\n',
    "src/app.py": "def main() -> int:\n    return 0\n",
}
SENSITIVE = {".env", ".envrc", "src/settings.py", "deploy/prod.secret"}
ORDINARY = {"src/app.py", "fixtures/fake.py"}
VALUES = (GH, STRIPE, PASSWORD)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    repo = GitRepo(tmp_path_factory.mktemp("doors") / "repo")
    repo.write(FILES)
    repo.git("add", "-A")
    repo.git("add", "-f", ".env", ".envrc")  # staged on purpose: the scan must catch them
    return repo


def _paths(report: str) -> set[str]:
    return {f["path"] for f in json.loads(report)["findings"]}


def test_scan_of_the_tree(repo: GitRepo, run_guard: RunGuard) -> None:
    proc = run_guard("scan", "--format", "json", ".", cwd=repo.path)
    assert proc.returncode == 1, proc.stderr
    assert _paths(proc.stdout) == SENSITIVE


def test_scan_of_the_index_and_of_history(repo: GitRepo, run_guard: RunGuard) -> None:
    staged = run_guard("scan", "--staged", "--format", "json", cwd=repo.path, env=repo.env())
    assert _paths(staged.stdout) == SENSITIVE, staged.stderr
    repo.git("commit", "-q", "-m", "everything", "--no-verify")
    history = run_guard("scan", "--history", "--format", "json", cwd=repo.path, env=repo.env())
    assert _paths(history.stdout) == SENSITIVE, history.stderr


@pytest.mark.parametrize("rel", sorted(SENSITIVE | ORDINARY))
def test_agent_hook_read(repo: GitRepo, run_guard: RunGuard, rel: str) -> None:
    event = {"session_id": "s", "cwd": str(repo.path), "hook_event_name": "PreToolUse",
             "tool_name": "Read", "tool_input": {"file_path": str(repo.path / rel)}}
    proc = run_guard("hook", "claude", cwd=repo.path, input=json.dumps(event))
    assert proc.returncode == 0, proc.stderr
    verdict = json.loads(proc.stdout)["hookSpecificOutput"] if proc.stdout else {}
    redirected = verdict.get("updatedInput", {}).get("file_path", "").startswith(
        str(repo.path / ".guard" / "views"))
    assert (verdict != {}) is (rel in SENSITIVE)
    assert redirected is (rel in SENSITIVE)
    assert not any(v in proc.stdout + proc.stderr for v in VALUES)


def test_language_server_analysis(repo: GitRepo) -> None:
    flagged = set()
    for rel in SENSITIVE | ORDINARY:
        path = str(repo.path / rel)
        ctx = analysis.context_for(path)
        text = (repo.path / rel).read_text(encoding="utf-8")
        if analysis.findings(path, text, ctx) or analysis.sensitive_reason(path, ctx):
            flagged.add(rel)
    assert flagged == SENSITIVE


def test_protect_policy(repo: GitRepo) -> None:
    cfg = config_mod.load(str(repo.path / ".guard.toml"))
    built = policy.build(str(repo.path), cfg)
    assert set(built.sensitive) | set(built.secrets) == SENSITIVE


@pytest.mark.parametrize("rel", sorted(SENSITIVE - {"deploy/prod.secret"} | {"src/app.py"}))
def test_view_hides_every_value(repo: GitRepo, run_guard: RunGuard, rel: str) -> None:
    proc = run_guard("view", rel, cwd=repo.path)
    assert proc.returncode == 0, proc.stderr
    assert not any(v in proc.stdout for v in VALUES)
    original = (repo.path / rel).read_text(encoding="utf-8")
    assert (proc.stdout == original) is (rel not in SENSITIVE)


def test_one_dotenv_definition() -> None:
    """The engine's syntax step and the redactor used to disagree on .envrc and .flaskenv."""
    from guard.detect import formats, redact, syntax

    assert syntax.is_dotenv is formats.is_dotenv is redact.is_dotenv
    for name in (".env", ".env.local", "prod.env", ".envrc", ".flaskenv"):
        assert formats.is_dotenv(name), name
    for name in ("environment.py", "env.md", ".envoy.yaml"):
        assert not formats.is_dotenv(name), name
