"""Guard's on-disk cache (``$XDG_CACHE_HOME/guard``): the validated rule pack and config as
``marshal`` data, Hyperscan databases, the local model's verdicts. Everything in it can be
rebuilt; nothing in it is a secret value (verdicts are keyed by hashes)."""

from __future__ import annotations

import marshal
import os

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a hook
if TYPE_CHECKING:
    from typing import Any

    # What cache_put keeps: a tuple of marshal-able containers.
    Cached = tuple[dict[str, Any] | list[Any], ...]


def cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "guard")


def prune_cache(prefix: str, keep: int = 8) -> None:
    """Drop all but the newest cache files with ``prefix``: every rule edit makes a new one."""
    try:
        names = [n for n in os.listdir(cache_dir()) if n.startswith(prefix)]
        paths = sorted((os.path.join(cache_dir(), n) for n in names), key=os.path.getmtime)
        for old in paths[:-keep]:
            os.unlink(old)
    except OSError:
        pass


def _name(kind: str, identity: str) -> str:
    """A file name for ``identity``: the identity as a number modulo a Mersenne prime. Not a
    security boundary (the entry holds the identity itself, so a collision costs a rebuild);
    chosen because int arithmetic is built in, while binascii or hashlib cost a hook an import."""
    digest = int.from_bytes(identity.encode("utf-8", "surrogateescape"), "big") % ((1 << 61) - 1)
    return f"{kind}-{digest:016x}.marshal"


def cache_get(kind: str, identity: str) -> Any:
    """A value stored by cache_put for the same kind and identity, else None (marshal data, Any:
    the caller knows the shape it stored).

    Entries are named by a number made from the identity (see _name) and hold the identity
    itself, so a collision only costs a rebuild."""
    name = _name(kind, identity)
    try:
        with open(os.path.join(cache_dir(), name), "rb") as f:
            stored_identity, value = marshal.loads(f.read())  # load(f) reads in tiny pieces
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return value if stored_identity == identity else None


def cache_put(kind: str, identity: str, value: Cached) -> None:
    """Keep ``value`` (marshal-able data) for cache_get; a read-only home only costs speed."""
    name = _name(kind, identity)
    try:
        os.makedirs(cache_dir(), exist_ok=True)
        prune_cache(f"{kind}-")
        target = os.path.join(cache_dir(), name)
        tmp = f"{target}.{os.getpid()}.tmp"
        with open(tmp, "wb") as f:
            marshal.dump((identity, value), f)
        os.replace(tmp, target)
    except (OSError, ValueError):
        pass
