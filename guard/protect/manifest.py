"""Editing files that belong to the user: a Guard-managed block in a text file, entries in a JSON
list, atomic writes. Everything outside what Guard manages is kept byte for byte."""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import tempfile

from guard.errors import GuardError

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a hook
if TYPE_CHECKING:
    from typing import Any

BEGIN = ">>> guard: managed block, do not edit (guard protect) >>>"
END = "<<< guard <<<"


# --- reading -----------------------------------------------------------------------------------


def read(path: str) -> str | None:
    """The file's text (None if it does not exist). Line endings and undecodable bytes are kept
    as they are, so that writing the text back changes nothing."""
    check_target(path)
    try:
        with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
            return f.read()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise GuardError(f"cannot read: {e.strerror}", path) from None


def check_target(path: str) -> None:
    """Refuse what Guard must not write through: a symlink (the change would land elsewhere,
    perhaps outside the repository) or something that is not a regular file."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as e:
        raise GuardError(f"cannot inspect: {e.strerror}", path) from None
    if stat.S_ISLNK(st.st_mode):
        raise GuardError(f"is a symlink (to {os.readlink(path)}); Guard does not write through "
                         "symlinks: replace it with a regular file or leave this assistant out "
                         "with --agents", path)
    if not stat.S_ISREG(st.st_mode):
        raise GuardError("is not a regular file", path)


# --- a managed block in a text file ------------------------------------------------------------


def block_lines(comment: str) -> tuple[str, str]:
    return f"{comment} {BEGIN}", f"{comment} {END}"


def find_block(text: str, comment: str, path: str) -> tuple[int, int] | None:
    """Character offsets (start of the begin line, end of the end line including its newline)
    of the managed block, None if there is none; a broken block is an error, not a guess."""
    begin, end = block_lines(comment)
    starts = [m for m in re.finditer(rf"^{re.escape(begin)}[ \t]*\r?$", text, re.M)]
    ends = [m for m in re.finditer(rf"^{re.escape(end)}[ \t]*\r?$", text, re.M)]
    if not starts and not ends:
        return None

    def line_of(offset: int) -> int:
        return text.count("\n", 0, offset) + 1

    if len(starts) > 1 or len(ends) > 1:
        extra = (starts[1:] or ends[1:])[0]
        raise GuardError("more than one Guard-managed block; keep one and delete the others",
                         path, line_of(extra.start()))
    if not starts or not ends or ends[0].start() < starts[0].start():
        where = (starts or ends)[0].start()
        raise GuardError("the Guard-managed block is not closed (its begin or end marker was "
                         "edited away); restore the marker or delete the block", path,
                         line_of(where))
    stop = ends[0].end()
    if text.startswith("\r\n", stop):
        stop += 2
    elif text.startswith("\n", stop):
        stop += 1
    return starts[0].start(), stop


def block_content(text: str, comment: str, path: str) -> list[str] | None:
    """The lines between the markers, or None without a block."""
    span = find_block(text, comment, path)
    if span is None:
        return None
    inner = text[span[0]:span[1]].splitlines()[1:-1]
    return inner


def replace_block(text: str | None, lines: list[str], comment: str, path: str) -> str:
    """``text`` with its managed block holding ``lines``: in place if there is a block, else
    appended at the end, where its patterns take precedence over the user's (last match wins)."""
    text = text or ""
    newline = "\r\n" if "\r\n" in text else "\n"
    begin, end = block_lines(comment)
    block = newline.join([begin, *lines, end]) + newline
    span = find_block(text, comment, path)
    if span is not None:
        return text[:span[0]] + block + text[span[1]:]
    if not text:
        return block
    if not text.endswith("\n"):
        text += newline
    return text + newline + block


# --- JSON settings -----------------------------------------------------------------------------


def load_json(text: str, path: str) -> dict[str, Any]:
    """A JSON object, or a GuardError at file:line:column."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise GuardError(f"invalid JSON: {e.msg}; fix it by hand, Guard left it untouched",
                         path, e.lineno, e.colno) from None
    if not isinstance(data, dict):
        raise GuardError("the top level is not a JSON object; Guard left it untouched", path)
    return data


def json_indent(text: str | None) -> int | str:
    """The indentation the file already uses (2 spaces for a new file)."""
    m = re.search(r"^[{\[][^\n]*\n([ \t]+)\S", text or "", re.M)
    if not m:
        return 2
    indent = m.group(1)
    return indent if "\t" in indent else len(indent)


def dump_json(data: dict[str, Any], like: str | None) -> str:
    newline = "\r\n" if like and "\r\n" in like else "\n"
    text = json.dumps(data, indent=json_indent(like), ensure_ascii=False) + "\n"
    return text.replace("\n", newline) if newline != "\n" else text


# --- writing -----------------------------------------------------------------------------------


def write_atomic(path: str, text: str) -> None:
    """Write via a temporary file in the same directory and os.replace, so that a reader never
    sees half a file; the file's mode is kept. A read-only file is refused rather than replaced
    (replacing it would need only a writable directory, and would silently defeat the user's
    chmod)."""
    check_target(path)
    try:
        st = os.stat(path)
        mode = stat.S_IMODE(st.st_mode)
        if not mode & 0o222:
            raise GuardError("is read-only; make it writable (chmod u+w) or leave this assistant "
                             "out with --agents", path)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    directory = os.path.dirname(path) or "."
    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".guard-tmp",
                                   dir=directory)
    except OSError as e:
        raise GuardError(f"cannot write: {e.strerror}", path) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
            f.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as e:
        _remove(tmp)
        raise GuardError(f"cannot write: {e.strerror or e}", path) from None
    except BaseException:
        _remove(tmp)
        raise


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
