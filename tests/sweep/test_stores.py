"""Where each client keeps what it saw: the stores found in a home built in the clients'
formats (tests/sweep/fakehome.py), which are verified, and the folders clients' variables move."""

from __future__ import annotations

from pathlib import Path

from guard import config as config_mod
from guard.sweep import result as result_mod
from guard.sweep import stores
from tests.sweep import fakehome


def test_every_client_store_is_found(tmp_path: Path) -> None:
    home, project = fakehome.build(tmp_path)
    found = stores.discover(str(home), cwd_project=str(project))
    agents = {s.agent for s in found}
    assert agents == {"claude", "codex", "gemini", "qwen", "copilot", "aider", "shell"}
    kinds = {(s.agent, s.kind) for s in found}
    assert ("codex", "sqlite") in kinds and ("claude", "jsonl") in kinds
    transcripts = [s for s in found if s.label == "transcript"]
    assert transcripts and all(s.project == str(project) for s in transcripts)
    assert not any("notes" in s.path for s in found)


def test_verified_stores_name_the_client_version(tmp_path: Path) -> None:
    home, project = fakehome.build(tmp_path)
    found = {s.path: s for s in stores.discover(str(home), cwd_project=str(project))}
    transcripts = [s for s in found.values() if s.label == "transcript"]
    assert all(s.verified for s in transcripts if s.agent != "copilot")
    assert not any(s.verified for s in found.values() if s.agent in ("copilot", "shell"))
    assert all(s.verified == "aider 0.86.2" for s in found.values() if s.agent == "aider")


def test_gemini_checkpoint_snapshots_are_reported_not_read(tmp_path: Path) -> None:
    home, project = fakehome.build(tmp_path)
    shadow = home / ".gemini" / "history" / "proj"
    (shadow / ".git" / "logs").mkdir(parents=True)
    (shadow / ".project_root").write_text(str(project))
    log = shadow / ".git" / "logs" / "HEAD"
    log.write_text("0 1 Gemini CLI <g@x> 1 +0000\tcommit (initial): Initial commit\n")
    result = result_mod.sweep(str(home), config_mod.Config(), agents=["gemini"])
    assert not any(r.store.kind == "gitdir" for r in result.results)  # nothing snapshotted
    log.write_text(log.read_text() + "1 2 Gemini CLI <g@x> 2 +0000\tcommit: checkpoint\n")
    result = result_mod.sweep(str(home), config_mod.Config(), agents=["gemini"])
    gitdir = next(r for r in result.results if r.store.kind == "gitdir")
    assert gitdir.skip and "snapshots" in gitdir.skip and gitdir.store.project == str(project)


def test_folders_the_clients_variables_move() -> None:
    assert stores.folders_from({"CLAUDE_CONFIG_DIR": "/c", "CODEX_HOME": "/x/",
                                "GEMINI_CLI_HOME": "/g", "QWEN_HOME": "/q",
                                "QWEN_RUNTIME_DIR": "/r"}) == {
        "claude": "/c", "codex": "/x", "gemini": "/g/.gemini", "qwen": "/r"}
    assert stores.folders_from({"QWEN_HOME": "/q", "CODEX_HOME": ""}) == {"qwen": "/q"}
