"""`guard install claude --proxy`: Claude Code's settings point at the proxy and start it at
session start; uninstall gives the file back byte for byte; a base URL the user set is kept."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import pytest

from guard.commands import install_proxy
from tests.conftest import RunGuard, git_init, make_tree


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return git_init(tmp_path / "repo")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_install_and_uninstall_round_trip_byte_for_byte(repo: Path, run_guard: RunGuard) -> None:
    settings = repo / ".claude" / "settings.json"
    settings.parent.mkdir()
    original = json.dumps({"model": "opus", "env": {"FOO": "1"}, "hooks": {"SessionStart": [
        {"hooks": [{"type": "command", "command": "echo hi"}]}]}}, indent=4) + "\n"
    settings.write_text(original)
    proc = run_guard("install", "claude", "--proxy", "--proxy-port", "8799", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(settings.read_text())
    assert data["env"] == {"FOO": "1", "ANTHROPIC_BASE_URL": "http://127.0.0.1:8799"}
    commands = [h["command"] for s in data["hooks"]["SessionStart"] for h in s["hooks"]]
    assert commands[0] == "echo hi" and commands[1].endswith(
        "guard proxy --ensure --listen 127.0.0.1:8799")
    again = run_guard("install", "claude", "--proxy", "--proxy-port", "8799", cwd=repo)
    assert "already installed" in again.stdout
    proc = run_guard("uninstall", "claude", "--proxy", "--proxy-port", "8799", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert settings.read_text() == original


def test_a_file_guard_created_is_removed_again(repo: Path, run_guard: RunGuard) -> None:
    assert run_guard("install", "claude", "--proxy", cwd=repo).returncode == 0
    assert (repo / ".claude" / "settings.json").exists()
    assert run_guard("uninstall", "claude", "--proxy", cwd=repo).returncode == 0
    assert not (repo / ".claude" / "settings.json").exists()


def test_a_base_url_the_user_set_is_not_replaced(repo: Path, run_guard: RunGuard) -> None:
    settings = repo / ".claude" / "settings.json"
    settings.parent.mkdir()
    settings.write_text('{"env": {"ANTHROPIC_BASE_URL": "https://gateway.example"}}\n')
    proc = run_guard("install", "claude", "--proxy", cwd=repo)
    assert proc.returncode == 2
    assert "--upstream anthropic=https://gateway.example" in proc.stderr
    assert settings.read_text() == '{"env": {"ANTHROPIC_BASE_URL": "https://gateway.example"}}\n'


def test_an_assistant_without_a_base_url_setting_is_refused(repo: Path,
                                                            run_guard: RunGuard) -> None:
    proc = run_guard("install", "cursor", "--proxy", cwd=repo)
    assert proc.returncode == 2 and "--proxy is for claude, gemini, qwen, codex" in proc.stderr


def test_ensure_starts_one_proxy_and_reuses_it(repo: Path, run_guard: RunGuard) -> None:
    port = free_port()
    try:
        first = run_guard("proxy", "--ensure", "--listen", f"127.0.0.1:{port}", cwd=repo)
        assert first.returncode == 0, first.stderr
        assert install_proxy.status(str(repo)) == "proxy: off"  # not configured for Claude
        from guard.commands.proxy import answering

        assert answering("127.0.0.1", port)
        second = run_guard("proxy", "--ensure", "--listen", f"127.0.0.1:{port}", cwd=repo)
        assert second.returncode == 0
        pids = subprocess.run(["pgrep", "-f", f"proxy --listen 127.0.0.1:{port}"],
                              capture_output=True, text=True, check=False).stdout.split()
        assert len(pids) == 1  # reused, not started twice
    finally:
        subprocess.run(["pkill", "-f", f"proxy --listen 127.0.0.1:{port}"], check=False)


# --- Gemini CLI, Qwen Code, Codex CLI ------------------------------------------------------------

@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "home").mkdir()
    return tmp_path / "home"


def user_env(home: Path, **extra: str) -> dict[str, str]:
    return {"HOME": str(home), "CODEX_HOME": str(home / ".codex"), **extra}


def snapshot(*roots: Path) -> dict[str, bytes]:
    """Every file under ``roots`` (Guard's rule cache aside), for byte-for-byte comparisons."""
    return {str(p): p.read_bytes() for root in roots for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.parts and ".cache" not in p.parts}


# a user's own files, laid out in ways json.dumps would not write
GEMINI_ENV = "GEMINI_API_KEY=dummy-not-a-secret\n# my notes"  # no newline at the end
GEMINI_SETTINGS = '{"ui": {"hideTips": true},\n  "hooks": {"BeforeTool": [{"matcher": "x", ' \
                  '"hooks": [{"type": "command", "command": "echo hi"}]}]}}'
QWEN_SETTINGS = '{\r\n\t"general": {"disableAutoUpdate": true}\r\n}\r\n'
CODEX_CONFIG = ('model = "gpt-5"  # mine\n\n[model_providers.other]\nname = "other"\n'
                'base_url = "http://127.0.0.1:9/v1"\n\n[projects."/x"]\ntrust_level = "trusted"')


@pytest.mark.parametrize(("agent", "user"), [("gemini", False), ("qwen", False), ("qwen", True),
                                             ("codex", True)])
def test_files_come_back_byte_for_byte(repo: Path, home: Path, run_guard: RunGuard, agent: str,
                                       user: bool) -> None:
    make_tree(repo, {".gemini/.env": GEMINI_ENV, ".gemini/settings.json": GEMINI_SETTINGS,
                     ".qwen/settings.json": QWEN_SETTINGS, ".env": "DEBUG=1\n"})
    make_tree(home, {".qwen/settings.json": QWEN_SETTINGS, ".codex/config.toml": CODEX_CONFIG,
                     ".codex/hooks.json": '{"hooks": {"Stop": [{"hooks": [{"type": "command",'
                                          ' "command": "true"}]}]}}'})
    before = snapshot(repo, home)
    scope = ["--user"] if user else []
    env = user_env(home)
    proc = run_guard("install", agent, "--proxy", "--proxy-port", "8799", *scope, cwd=repo,
                     env=env)
    assert proc.returncode == 0, proc.stderr
    changed = {p for p, b in snapshot(repo, home).items() if before.get(p) != b}
    assert changed, "nothing was written"
    again = run_guard("install", agent, "--proxy", "--proxy-port", "8799", *scope, cwd=repo,
                      env=env)
    assert again.returncode == 0 and "already installed" in again.stdout
    assert {p for p, b in snapshot(repo, home).items() if before.get(p) != b} == changed
    proc = run_guard("uninstall", agent, "--proxy", *scope, cwd=repo, env=env)
    assert proc.returncode == 0, proc.stderr
    assert snapshot(repo, home) == before


@pytest.mark.parametrize(("agent", "user", "files"), [
    ("gemini", False, [".gemini/.env", ".gemini/settings.json"]),
    ("qwen", False, [".qwen/.env", ".qwen/settings.json"]),
    ("qwen", True, ["~/.qwen/settings.json"]),
    ("codex", True, ["~/.codex/config.toml", "~/.codex/hooks.json"]),
])
def test_what_guard_writes_and_removes(repo: Path, home: Path, run_guard: RunGuard, agent: str,
                                       user: bool, files: list[str]) -> None:
    scope = ["--user"] if user else []
    paths = [home / f[2:] if f.startswith("~/") else repo / f for f in files]
    proc = run_guard("install", agent, "--proxy", "--proxy-port", "8799", *scope, cwd=repo,
                     env=user_env(home))
    assert proc.returncode == 0, proc.stderr
    text = "\n".join(p.read_text() for p in paths)
    base = {"gemini": "GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:8799",
            "qwen": "http://127.0.0.1:8799/v1", "codex": 'base_url = "http://127.0.0.1:8799/v1"'}
    assert base[agent] in text
    assert "proxy --ensure --listen 127.0.0.1:8799" in text
    event = {"gemini": "SessionStart", "qwen": "UserPromptSubmit", "codex": "SessionStart"}
    assert f'"{event[agent]}"' in text
    if agent == "codex":
        import tomllib

        config = tomllib.loads(paths[0].read_text())
        assert config["model_provider"] == "guard-proxy"
        assert config["model_providers"]["guard-proxy"] == {
            "name": "OpenAI through guard proxy", "base_url": "http://127.0.0.1:8799/v1",
            "wire_api": "responses", "requires_openai_auth": True}
    proc = run_guard("uninstall", agent, "--proxy", *scope, cwd=repo, env=user_env(home))
    assert proc.returncode == 0, proc.stderr
    assert not [p for p in paths if p.exists()], "a file Guard created is left"


def test_another_port_replaces_guards_own_setting(repo: Path, home: Path,
                                                  run_guard: RunGuard) -> None:
    make_tree(repo, {".gemini/.env": GEMINI_ENV})
    for port in ("8799", "8800"):
        proc = run_guard("install", "gemini", "--proxy", "--proxy-port", port, cwd=repo,
                         env=user_env(home))
        assert proc.returncode == 0, proc.stderr
    text = (repo / ".gemini" / ".env").read_text()
    assert text.count("GOOGLE_GEMINI_BASE_URL") == 1 and ":8800" in text
    settings = (repo / ".gemini" / "settings.json").read_text()
    assert settings.count("proxy --ensure") == 1 and "127.0.0.1:8800" in settings
    assert run_guard("uninstall", "gemini", "--proxy", cwd=repo,
                     env=user_env(home)).returncode == 0
    assert (repo / ".gemini" / ".env").read_text() == GEMINI_ENV
    assert not (repo / ".gemini" / "settings.json").exists()


@pytest.mark.parametrize(("agent", "user", "tree", "env", "upstream"), [
    ("gemini", False, {".gemini/.env": "GOOGLE_GEMINI_BASE_URL=https://gw.example\n"}, {},
     "gemini=https://gw.example"),
    # the .env that .gemini/.env would hide
    ("gemini", False, {".env": "GOOGLE_GEMINI_BASE_URL=https://gw.example\n"}, {},
     "gemini=https://gw.example"),
    ("gemini", False, {}, {"GOOGLE_GEMINI_BASE_URL": "https://gw.example"},
     "gemini=https://gw.example"),
    ("qwen", False, {".env": "OPENAI_BASE_URL=https://dashscope.example/compatible-mode/v1\n"},
     {}, "openai=https://dashscope.example/compatible-mode/v1"),
    ("qwen", False, {".qwen/settings.json": '{"security": {"auth": {"baseUrl": "https://x.example/v1"}}}'},
     {}, "openai=https://x.example/v1"),
    ("qwen", True, {"~/.qwen/settings.json": '{"env": {"OPENAI_BASE_URL": "https://x.example/v1"}}'},
     {}, "openai=https://x.example/v1"),
    ("qwen", False, {}, {"OPENAI_BASE_URL": "https://x.example/v1"}, "openai=https://x.example/v1"),
    ("codex", True, {"~/.codex/config.toml": 'openai_base_url = "https://x.example/v1"\n'}, {},
     "openai=https://x.example/v1"),
    ("codex", True, {"~/.codex/config.toml": 'model_provider = "az"\n[model_providers.az]\n'
                                            'base_url = "https://az.example/openai"\n'}, {},
     "openai=https://az.example/openai"),
])
def test_a_base_url_the_user_set_is_kept(repo: Path, home: Path, run_guard: RunGuard, agent: str,
                                         user: bool, tree: dict[str, str], env: dict[str, str],
                                         upstream: str) -> None:
    make_tree(repo, {k: v for k, v in tree.items() if not k.startswith("~/")})
    make_tree(home, {k[2:]: v for k, v in tree.items() if k.startswith("~/")})
    before = snapshot(repo, home)
    proc = run_guard("install", agent, "--proxy", *(["--user"] if user else []), cwd=repo,
                     env=user_env(home, **env))
    assert proc.returncode == 2, proc.stdout
    assert f"--upstream {upstream}" in proc.stderr, proc.stderr
    assert "does not replace" in proc.stderr
    assert snapshot(repo, home) == before


def test_scopes_that_cannot_work_are_refused(repo: Path, home: Path, run_guard: RunGuard) -> None:
    codex = run_guard("install", "codex", "--proxy", cwd=repo, env=user_env(home))
    assert codex.returncode == 2 and "--user" in codex.stderr and "ignores" in codex.stderr
    gemini = run_guard("install", "gemini", "--proxy", "--user", cwd=repo, env=user_env(home))
    assert gemini.returncode == 2 and "GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:8787" in \
        gemini.stderr
    codex_set = run_guard("install", "codex", "--proxy", "--user", cwd=repo,
                          env=user_env(home))
    assert codex_set.returncode == 0
    assert not list(repo.rglob(".codex")), "the project was written for Codex"


def test_notes_name_what_guard_cannot_change(repo: Path, home: Path, run_guard: RunGuard) -> None:
    make_tree(repo, {".env": "GEMINI_API_KEY=dummy\nOTHER=1\n"})
    make_tree(home, {".gemini/settings.json": '{"security": {"auth": {"selectedType": '
                                              '"oauth-personal"}}}'})
    proc = run_guard("install", "gemini", "--proxy", cwd=repo, env=user_env(home))
    assert proc.returncode == 0, proc.stderr
    assert "'oauth-personal'" in proc.stderr  # the base URL does not apply to that sign-in
    assert "trusted folder" in proc.stderr  # not in ~/.gemini/trustedFolders.json
    assert "no longer loads GEMINI_API_KEY, OTHER" in proc.stderr
    assert "dummy" not in proc.stderr + proc.stdout  # names, never values


def test_doctor_shows_each_assistants_proxy(repo: Path, home: Path, run_guard: RunGuard) -> None:
    env = user_env(home)
    for args in (["gemini", "qwen"], ["codex", "--user"]):
        assert run_guard("install", *args, "--proxy", "--proxy-port", "8799", cwd=repo,
                         env=env).returncode == 0
    out = run_guard("doctor", cwd=repo, env=env).stdout
    for agent, where in (("gemini", ".gemini/.env"), ("qwen", ".qwen/.env"),
                         ("codex", "config.toml")):
        line = next((x for x in out.splitlines() if x.startswith(f"  {agent} ")), "")
        assert "proxy: http://127.0.0.1:8799" in line and where in line, out
        assert "not running now" in line
    assert "not trusted by Gemini CLI" in out


def test_ensure_passes_the_upstreams_on_and_fails_fast_on_a_taken_port(
        repo: Path, run_guard: RunGuard) -> None:
    import time

    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))  # bound, not listening: no proxy can start there
        port = blocker.getsockname()[1]
        start = time.monotonic()
        proc = run_guard("proxy", "--ensure", "--listen", f"127.0.0.1:{port}", "--upstream",
                         "openai=http://127.0.0.1:9", cwd=repo)
        assert proc.returncode == 2 and "did not start" in proc.stderr
        assert time.monotonic() - start < 15
    bad = run_guard("proxy", "--ensure", "--listen", "127.0.0.1:8799", "--upstream", "nope",
                    cwd=repo)
    assert bad.returncode == 2 and "--upstream" in bad.stderr


def test_a_refusal_writes_nothing(repo: Path, home: Path, run_guard: RunGuard) -> None:
    """Gemini CLI's settings are not JSON: not even .gemini/.env is written."""
    make_tree(repo, {".gemini/settings.json": "{not json"})
    make_tree(home, {".codex/hooks.json": '{"hooks": []}'})
    before = snapshot(repo, home)
    gemini = run_guard("install", "gemini", "--proxy", cwd=repo, env=user_env(home))
    assert gemini.returncode == 2 and "invalid JSON" in gemini.stderr
    codex = run_guard("install", "codex", "--proxy", "--user", cwd=repo, env=user_env(home))
    assert codex.returncode == 2 and "not a JSON object" in codex.stderr
    assert snapshot(repo, home) == before


@pytest.mark.parametrize("text", [
    "{}", "{}\n", "{\n}\n", '{"a": 1}', '{\n    "a": 1,\n    "b": [1, 2]\n}\n',
    '{"hooks": {"SessionStart": []}}', '{"hooks": {"SessionStart": [\n  {"hooks": []}\n]}}',
    '{\r\n\t"env": {"X": "1"},\r\n\t"hooks": {"Stop": [{"hooks": []}]}\r\n}\r\n',
    '{"a": "\\"}{[,", "hooks": {"SessionStart": [ {"x": 1} , {"y": [2]} ]}}',
])
def test_json_text_edits_undo_byte_for_byte(tmp_path: Path, text: str) -> None:
    from guard.commands import proxy_files
    from guard.protect import json_text

    path = tmp_path / "settings.json"
    path.write_bytes(text.encode())
    handler: dict[str, object] = {"type": "command", "command": "guard proxy --ensure "
                                  "--listen 127.0.0.1:8799", "timeout": 30}
    assert proxy_files.add_hook(str(path), "SessionStart", handler) != "already installed"
    _, data = json_text.load(str(path))
    assert data["hooks"]["SessionStart"][-1] == {"hooks": [handler]}
    assert proxy_files.add_json_env(str(path), "qwen", "OPENAI_BASE_URL",
                                    "http://127.0.0.1:8799/v1", 8799)
    assert proxy_files.remove_json_env_and_hook(str(path), "OPENAI_BASE_URL", "SessionStart",
                                                8799, "/v1").startswith("removed")
    if json.loads(text) in ({}, {"hooks": {"SessionStart": []}}):
        assert not path.exists()  # it held nothing but what Guard added (and empty containers)
    else:
        assert path.read_bytes() == text.encode()
