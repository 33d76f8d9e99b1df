"""Redacted views for the hook: a sensitive file's content with every secret value replaced by a
placeholder, written under the repository's ``.guard/views/`` so that an assistant that can
substitute a tool's input reads the view instead of the file (see ``guard.agents.claude``).
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing costs a hook ~5 ms to import; annotations are strings here
if TYPE_CHECKING:
    from guard.hook.decide import Context

VIEWS_DIR = os.path.join(".guard", "views")


def redacted_view(ctx: Context, path: str) -> str:
    """Write the redacted view of ``path`` under the repository's .guard/views/ (which ignores
    itself in git) and return its path. Raises GuardError when there is no view."""
    import io
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
    from guard.commands import view

    buf = io.BytesIO()
    view.run(path, out=buf)
    tmp = f"{target}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(buf.getvalue())
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
