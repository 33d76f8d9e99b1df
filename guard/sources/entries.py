"""The plain walk of a folder: every entry below it that is not a folder, with no ignore files
and no config (what the redactor, the hook's tree searches and ``guard sweep`` need; ``guard
scan`` walks with guard.sources.walk). Folders are never followed through symlinks."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a hook
if TYPE_CHECKING:
    from collections.abc import Iterator


def entries(top: str, prune: frozenset[str] = frozenset(), *, recursive: bool = True,
            limit: int | None = None,
            sort: bool = False) -> Iterator[tuple[os.DirEntry[str], str]]:
    """(entry, path relative to ``top`` with ``/``) of each entry under ``top`` that is not a
    folder: files, symlinks, FIFOs… (the caller decides). Folders named in ``prune`` are left out;
    with ``limit``, no new folder is read once that many entries were looked at; with ``sort``,
    each folder's entries come in name order. Unreadable folders and entries are passed over."""
    stack = [(top, "")]
    seen = 0
    while stack and (limit is None or seen < limit):
        directory, prefix = stack.pop()
        try:
            with os.scandir(directory) as it:
                listed = sorted(it, key=lambda e: e.name) if sort else list(it)
        except OSError:
            continue
        for e in listed:
            seen += 1
            rel = prefix + e.name
            try:
                is_dir = e.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if not is_dir:
                yield e, rel
            elif recursive and e.name not in prune:
                stack.append((e.path, rel + "/"))
