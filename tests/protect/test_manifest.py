"""guard.protect.manifest: the managed block keeps the user's bytes, broken blocks are errors,
writes are atomic and refuse symlinks and read-only files."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from guard.errors import GuardError
from guard.protect import manifest

BEGIN = "# >>> guard: managed block, do not edit (guard protect) >>>"
END = "# <<< guard <<<"


@pytest.mark.parametrize("user", [
    "", "node_modules/\n", "node_modules/\n# no newline at the end", "a\r\nb\r\n",
    "\n\n  spaced  \n", "caf\udce9\n",  # a byte that is not UTF-8, read as a surrogate escape
])
def test_the_users_text_around_the_block_survives(user: str) -> None:
    once = manifest.replace_block(user, [".env"], "#", "f")
    assert once.startswith(user.rstrip("\r\n")) or not user
    twice = manifest.replace_block(once, [".env"], "#", "f")
    assert twice == once
    changed = manifest.replace_block(once, [".env", "*.key"], "#", "f")
    start, stop = manifest.find_block(changed, "#", "f")
    assert changed[:start] == once[:manifest.find_block(once, "#", "f")[0]]
    assert manifest.block_content(changed, "#", "f") == [".env", "*.key"]
    assert changed[stop:] == ""


def test_a_block_in_the_middle_is_replaced_in_place() -> None:
    text = f"top\n{BEGIN}\nold\n{END}\nbottom\n"
    assert manifest.replace_block(text, ["new"], "#", "f") == f"top\n{BEGIN}\nnew\n{END}\nbottom\n"


def test_crlf_files_get_crlf_blocks() -> None:
    out = manifest.replace_block("a\r\n", ["x"], "#", "f")
    assert out == f"a\r\n\r\n{BEGIN}\r\nx\r\n{END}\r\n"
    assert manifest.replace_block(out, ["x"], "#", "f") == out


@pytest.mark.parametrize(("text", "line", "message"), [
    (f"a\n{BEGIN}\nx\n", 2, "not closed"),
    (f"{END}\n{BEGIN}\n", 2, "not closed"),
    (f"{BEGIN}\n{END}\n{BEGIN}\n{END}\n", 3, "more than one"),
])
def test_a_broken_block_is_an_error_with_its_line(text: str, line: int, message: str) -> None:
    with pytest.raises(GuardError, match=message) as info:
        manifest.replace_block(text, ["x"], "#", ".cursorignore")
    assert f".cursorignore:{line}:" in str(info.value)


def test_write_keeps_the_mode_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / ".cursorignore"
    target.write_text("old\n")
    target.chmod(0o640)
    manifest.write_atomic(str(target), "new\n")
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cursorignore"]


def test_a_new_file_gets_the_umask_mode_and_its_directory(tmp_path: Path) -> None:
    target = tmp_path / ".claude" / "settings.json"
    manifest.write_atomic(str(target), "{}\n")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask


def test_a_symlink_is_never_written_through(tmp_path: Path) -> None:
    real = tmp_path / "shared-ignore"
    real.write_text("x\n")
    link = tmp_path / ".cursorignore"
    link.symlink_to(real)
    with pytest.raises(GuardError, match="is a symlink"):
        manifest.write_atomic(str(link), "y\n")
    with pytest.raises(GuardError, match="is a symlink"):
        manifest.read(str(link))
    assert link.is_symlink() and real.read_text() == "x\n"


def test_a_read_only_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / ".aiderignore"
    target.write_text("mine\n")
    target.chmod(0o444)
    with pytest.raises(GuardError, match="is read-only"):
        manifest.write_atomic(str(target), "theirs\n")
    assert target.read_text() == "mine\n"


def test_a_failing_replace_simulated_in_process_leaves_the_file_and_no_debris(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulates a directory Guard may not write to (tests run as root, which may write
    anywhere) by making os.replace fail the way the kernel would."""
    target = tmp_path / ".rooignore"
    target.write_text("mine\n")

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(GuardError, match="cannot write: Permission denied"):
        manifest.write_atomic(str(target), "theirs\n")
    assert target.read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".rooignore"]


def test_json_indent_is_detected() -> None:
    assert manifest.json_indent(None) == 2
    assert manifest.json_indent('{\n    "a": 1\n}') == 4
    assert manifest.json_indent('{\n\t"a": 1\n}') == "\t"
    assert manifest.json_indent('{"a": 1}') == 2
