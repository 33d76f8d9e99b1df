"""Redacted views: a file's content with every secret value replaced by a typed placeholder,
keeping keys, comments, structure and line numbers (see guard.detect.redact).

:func:`redacted` is the view itself, what ``guard view PATH`` prints; :func:`redacted_view`
writes it under the repository's ``.guard/views/`` for the hook, so that an assistant that can
substitute a tool's input reads the view instead of the file (see ``guard.agents.claude``). Both
ask the same guard.judge.Judge; the hook passes the one it has loaded already.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing costs a hook ~5 ms to import; annotations are strings here
if TYPE_CHECKING:
    from guard.detect.redact import View
    from guard.hook.context import Context
    from guard.judge import Judge

VIEWS_DIR = os.path.join(".guard", "views")


def redacted_view(ctx: Context, path: str) -> str:
    """Write the redacted view of ``path`` under the repository's .guard/views/ (which ignores
    itself in git) and return its path. Raises GuardError when there is no view."""
    import zlib  # a name for the view, not a security boundary: crc32 loads in no time

    directory = os.path.join(ctx.root, VIEWS_DIR)
    os.makedirs(directory, exist_ok=True)
    ignore = os.path.join(directory, ".gitignore")
    if not os.path.exists(ignore):
        with open(ignore, "w", encoding="utf-8") as f:
            f.write("# redacted views written by `guard hook`; never commit them\n*\n")
    digest = f"{zlib.crc32(os.fsencode(os.path.abspath(path))):08x}"
    # a name no path rule calls sensitive (".env" or "id_rsa" would be judged by name again)
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in os.path.basename(path))
    target = os.path.join(directory, f"{stem.strip('-') or 'file'}-{digest}.redacted.txt")
    if ctx.by_name(target):
        target = os.path.join(directory, f"view-{digest}.redacted.txt")
    if _fresh(target, path, ctx.config.path):
        return target  # redacting again would load the engine for the same answer
    from guard import config as config_mod
    from guard.judge import Judge

    # The judge the hook has loaded already, unless another config than the session's governs
    # the file (it lies outside the repository, or in a project of its own, or the session's
    # config is broken): then the view follows that config, as `guard view PATH` prints it.
    same = config_mod.find(path) == ctx.config.path
    judge = ctx.judge if same else Judge.near(path)
    data = redacted(judge, path).data
    tmp = f"{target}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, target)
    return target


def _fresh(view: str, source: str, config: str | None) -> bool:
    """Whether the view was written after the file and the Guard config last changed."""
    try:
        written = os.stat(view).st_mtime_ns
        changed = max(os.stat(p).st_mtime_ns for p in (source, config) if p)
    except OSError:
        return False
    return written > changed


def check_path(path: str) -> None:
    """Raise GuardError when ``path`` cannot have a view because it is missing or a directory."""
    from guard.errors import GuardError

    if not os.path.lexists(path):
        raise GuardError("no such file", path)
    if os.path.isdir(path):
        raise GuardError("is a directory: guard view shows one file", path)


def redacted(judge: Judge, path: str) -> View:
    """The redacted view of the file at ``path``: what ``guard view PATH`` prints. Raises
    GuardError when there is none: the path is missing, a directory, unreadable, larger than
    max-file-size, or binary (a keystore or an archive has no redacted form)."""
    from guard.detect import formats
    from guard.errors import GuardError

    check_path(path)
    limit = judge.config.max_file_size
    try:
        data = formats.read_regular(path, limit + 1)
    except OSError as e:
        raise GuardError(f"cannot read: {e.strerror or e}", path) from None
    if data is None:
        raise GuardError("not a regular file (FIFO, socket or device): no redacted view", path)
    if len(data) > limit:
        raise GuardError("larger than max-file-size: no redacted view", path)
    if formats.is_binary(data):
        raise GuardError("binary file: Guard shows text files only, a binary secret (keystore, "
                         "archive) has no redacted view", path)
    return judge.redact(data, path)
