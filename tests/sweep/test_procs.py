"""Which assistant runs for a home, read from a /proc laid out by the test."""

from __future__ import annotations

from pathlib import Path

from guard.sweep import procs


def fake_proc(root: Path, pid: int, argv: list[str], home: str | None) -> None:
    base = root / str(pid)
    base.mkdir(parents=True)
    (base / "cmdline").write_bytes(b"\0".join(a.encode() for a in argv) + b"\0")
    if home is not None:
        (base / "environ").write_bytes(f"PATH=/bin\0HOME={home}\0".encode())


def test_clients_running_for_this_home(tmp_path: Path) -> None:
    proc = tmp_path / "proc"
    home = tmp_path / "home"
    home.mkdir()
    npm = "/x/node_modules"
    fake_proc(proc, 101, [f"{npm}/.bin/claude", "-p", "hi"], str(home))
    fake_proc(proc, 102, ["node", f"{npm}/.bin/codex", "exec"], str(home))
    fake_proc(proc, 103, [f"{npm}/@openai/codex-linux-x64/vendor/bin/codex", "exec"], str(home))
    fake_proc(proc, 104, ["/usr/bin/node", f"{npm}/@google/gemini-cli/bundle/gemini.js"],
              str(home))
    fake_proc(proc, 105, ["node", f"{npm}/.bin/qwen"], "/somewhere/else")  # another home
    fake_proc(proc, 106, ["aider", "--model", "x"], None)  # environment unreadable: counts
    fake_proc(proc, 107, ["/venv/bin/guard", "sweep", "--agent", "claude"], str(home))
    fake_proc(proc, 108, ["vim", "claude-notes.md"], str(home))
    (proc / "self").mkdir()
    found = procs.running(str(home), set(procs.CLIENTS), proc=str(proc))
    assert found == {"claude": [101], "codex": [102, 103], "gemini": [104], "aider": [106]}
    assert procs.running(str(home), {"qwen", "copilot"}, proc=str(proc)) == {}
    assert set(procs.HOW_TO_CLOSE) == set(procs.CLIENTS)


def test_no_proc(tmp_path: Path) -> None:
    assert procs.running(str(tmp_path), set(procs.CLIENTS), proc=str(tmp_path / "none")) == {}
