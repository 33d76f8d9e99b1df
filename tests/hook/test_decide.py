"""decide_read / decide_search / decide_write / decide_mcp on real temporary repositories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from guard.hook.decide import (
    Context,
    decide_mcp,
    decide_read,
    decide_search,
    decide_shell,
    decide_write,
)

SECRET = "Sup3r-S3cr3t-42x"  # pragma: allowlist secret
GH = "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"  # pragma: allowlist secret
PEM = ("-----BEGIN RSA PRIVATE KEY-----\n"
       "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
       "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n"
       "-----END RSA PRIVATE KEY-----\n")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "src").mkdir()
    (root / "keys").mkdir()
    (root / ".env").write_text(f"DB_PASSWORD={SECRET}\n")
    (root / ".env.example").write_text("DB_PASSWORD=\n")
    (root / "keys" / "id_rsa").write_text(PEM)
    (root / "keys" / "store.p12").write_bytes(b"\x30\x82\x00\x01\0binary")
    (root / "src" / "app.py").write_text("print('hi')\n")
    (root / "src" / "settings.py").write_text(f"TOKEN = '{GH}'\n")
    (root / "README.md").write_text("# readme\n")
    os.symlink(".env", root / "env-link")
    return root


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    (h / ".aws").mkdir(parents=True)
    (h / ".aws" / "credentials").write_text("[default]\naws_secret_access_key = abc\n")
    (h / ".ssh").mkdir()
    (h / ".ssh" / "id_ed25519").write_text(PEM)
    (h / ".ssh" / "id_ed25519.pub").write_text("ssh-ed25519 AAAA me\n")
    (h / ".docker").mkdir()
    (h / ".docker" / "config.json").write_text('{"auths": {}}\n')
    return h


@pytest.fixture
def ctx(repo: Path, home: Path) -> Context:
    return Context(str(repo), {"HOME": str(home)})


def no_secret(text: str) -> bool:
    return SECRET not in text and GH not in text and "MIIEow" not in text


@pytest.mark.parametrize("path", [".env", "keys/id_rsa", "env-link", "src/settings.py",
                                  "./src/../.env"])
def test_reading_a_sensitive_text_file_points_at_the_view(path: str, ctx: Context,
                                                          repo: Path) -> None:
    d = decide_read(path, str(repo), ctx=ctx)
    assert d.action == "view" and "guard view" in d.reason and no_secret(d.reason)
    assert d.replacement.startswith("guard view ")
    assert os.path.realpath(d.path) in {str(repo / ".env"), str(repo / "keys" / "id_rsa"),
                                        str(repo / "src" / "settings.py")}


@pytest.mark.parametrize("path", ["~/.aws/credentials", "~/.ssh/id_ed25519",
                                  "~/.docker/config.json"])
def test_credentials_outside_the_repository(path: str, ctx: Context, repo: Path,
                                            home: Path) -> None:
    d = decide_read(path, str(repo), ctx=ctx)
    assert d.action == "view", d.reason
    d = decide_read(str(home / path[2:]), str(repo), ctx=ctx)  # absolute, as Claude sends it
    assert not d.allowed and "~/" in d.reason


@pytest.mark.parametrize("path", [".env.example", "src/app.py", "README.md",
                                  "~/.ssh/id_ed25519.pub", "src"])
def test_ordinary_reads_are_allowed(path: str, ctx: Context, repo: Path) -> None:
    assert decide_read(path, str(repo), ctx=ctx).allowed


def test_binary_and_missing_sensitive_files_are_denied(ctx: Context, repo: Path) -> None:
    d = decide_read("keys/store.p12", str(repo), ctx=ctx)
    assert d.action == "deny" and "no redacted view" in d.reason
    (repo / ".env").unlink()
    assert decide_read(".env", str(repo), ctx=ctx).action == "deny"


def test_config_sensitive_patterns(repo: Path, home: Path) -> None:
    (repo / ".guard.toml").write_text('sensitive = ["deploy/*.secret"]\n')
    (repo / "deploy").mkdir()
    (repo / "deploy" / "prod.secret").write_text("x=1\n")
    c = Context(str(repo), {"HOME": str(home)})
    d = decide_read("deploy/prod.secret", str(repo), ctx=c)
    assert d.action == "view" and "config" in d.reason


def test_config_allow_paths_lift_a_file(repo: Path, home: Path) -> None:
    (repo / ".guard.toml").write_text('[allow]\npaths = ["src/settings.py"]\n')
    c = Context(str(repo), {"HOME": str(home)})
    assert decide_read("src/settings.py", str(repo), ctx=c).allowed


def test_search_of_a_tree_holding_secrets_is_denied_with_a_way_out(ctx: Context,
                                                                   repo: Path) -> None:
    d = decide_search(str(repo), pattern="PASSWORD", ctx=ctx)
    assert d.action == "deny" and no_secret(d.reason)
    assert "--glob '!.env'" in d.reason and "--exclude=" in d.reason


def test_search_narrowed_by_path_or_glob_is_allowed(ctx: Context, repo: Path) -> None:
    (repo / "src" / "settings.py").unlink()
    assert decide_search(str(repo), path="src", ctx=ctx).allowed
    assert decide_search(str(repo), glob="*.py", ctx=ctx).allowed
    assert decide_search(str(repo), path="README.md", ctx=ctx).allowed


def test_search_that_skips_hidden_and_ignored_files(ctx: Context, repo: Path) -> None:
    (repo / "src" / "settings.py").unlink()
    (repo / ".gitignore").write_text("keys/\nenv-link\n")
    assert not decide_search(str(repo), ctx=ctx).allowed
    assert decide_search(str(repo), hidden=False, gitignore=True, ctx=ctx).allowed


def test_search_of_one_sensitive_file(ctx: Context, repo: Path) -> None:
    d = decide_search(str(repo), path=".env", pattern="DB", ctx=ctx)
    assert not d.allowed and "guard view .env" in d.reason


def test_writes(ctx: Context, repo: Path) -> None:
    assert not decide_write(".env", str(repo), mode="edit", ctx=ctx).allowed
    assert not decide_write(".env", str(repo), content="A=1\n", ctx=ctx).allowed
    assert decide_write(".env.local", str(repo), content="A=1\n", ctx=ctx).allowed  # new file
    assert decide_write("src/app.py", str(repo), content="print(2)\n", ctx=ctx).allowed
    d = decide_write("src/new.py", str(repo), content=f"T = '{GH}'\n", ctx=ctx)
    assert d.action == "deny" and "github-pat-classic" in d.reason and no_secret(d.reason)


def test_mcp_arguments(ctx: Context, repo: Path) -> None:
    assert not decide_mcp("fs__read_file", {"path": ".env"}, str(repo), ctx=ctx).allowed
    assert not decide_mcp("x", {"files": [{"uri": f"file://{repo}/.env"}]}, str(repo),
                          ctx=ctx).allowed
    assert not decide_mcp("shell__run", {"command": "cat .env"}, str(repo), ctx=ctx).allowed
    assert not decide_mcp("search_code", {"directory": "."}, str(repo), ctx=ctx).allowed
    assert decide_mcp("fs__read_file", {"path": "src/app.py"}, str(repo), ctx=ctx).allowed
    assert decide_mcp("web_search", {"query": "how to read .env in python"}, str(repo),
                      ctx=ctx).allowed


def test_reasons_never_echo_a_secret_from_the_command(ctx: Context, repo: Path) -> None:
    d = decide_shell(f"cat .env; echo {GH} > /tmp/{GH}", str(repo), ctx=ctx)
    assert not d.allowed and no_secret(d.reason)
    d = decide_shell(f"cat 'unterminated /tmp/{GH} .env", str(repo), ctx=ctx)
    assert not d.allowed and no_secret(d.reason)


def test_broken_config_still_protects(repo: Path, home: Path) -> None:
    (repo / ".guard.toml").write_text("sensitive = [\n")
    c = Context(str(repo), {"HOME": str(home)})
    assert not decide_read(".env", str(repo), ctx=c).allowed


def test_history_and_config_are_judged_by_what_the_repository_holds(tmp_path: Path) -> None:
    """Without an output layer (Cursor, Copilot CLI, Windsurf…), `git log -p` names no file:
    it is judged by the paths the commits, the stash and the index have held."""
    from tests.conftest import GitRepo

    repo = GitRepo(tmp_path / "repo")
    repo.commit({"src/app.py": "x = 1\n"})
    home = tmp_path / "home"
    home.mkdir()
    c = Context(str(repo.path), {"HOME": str(home)})
    for command in ("git log -p", "git show HEAD", "git remote -v", "git diff HEAD~0"):
        assert decide_shell(command, str(repo.path), ctx=c).allowed, command
    repo.commit({".env": f"DB_PASSWORD={SECRET}\n"})
    repo.commit(remove=(".env",))  # gone from the tree, still in the history
    repo.git("remote", "add", "origin", f"https://bot:{GH}@example.invalid/r.git")
    c = Context(str(repo.path), {"HOME": str(home)})
    d = decide_shell("git log -p", str(repo.path), ctx=c)
    assert d.action == "deny" and "hold sensitive files (.env)" in d.reason
    assert SECRET not in d.reason
    d = decide_shell("git remote -v", str(repo.path), ctx=c)
    assert d.action == "deny" and "remote URLs" in d.reason and GH not in d.reason
    assert decide_shell("git log -p -- src/", str(repo.path), ctx=c).allowed
    assert decide_shell("git log --oneline", str(repo.path), ctx=c).allowed
    (repo.path / ".env").write_text(f"DB_PASSWORD={SECRET}\n")  # ignored or not: staged on purpose
    d = decide_shell("git add -f .env && git diff --cached", str(repo.path), ctx=c)
    assert d.action == "deny" and "`git add -f` would copy .env" in d.reason
