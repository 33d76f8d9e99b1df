"""Find every rule keyword in a buffer in one pass, case-insensitively, with its position.

Two interchangeable backends answer ``hits(data) -> [(keyword_index, end_offset), ...]``:
- Hyperscan (Intel's multi-pattern matcher, a literal-set automaton with SIMD), used for trees;
  its compiled database is cached on disk because compiling costs more than a small scan.
- ``bytes.find`` on the lowered buffer: no import or compile cost, so it wins for a few small
  files (a pre-commit run, an agent hook) and is the fallback where Hyperscan has no wheel.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing or collections costs a hook
if TYPE_CHECKING:
    from typing import TypeAlias

    import hyperscan

    # Either backend: both answer hits(data) the same way.
    Prefilter: TypeAlias = "FindPrefilter | HyperscanPrefilter"

SMALL_SCAN_BYTES = 256 * 1024


class FindPrefilter:
    def __init__(self, keywords: list[str]) -> None:
        self.keywords = [k.encode() for k in keywords]
        if not all(self.keywords):
            raise ValueError("keywords must not be empty")

    def hits(self, data: bytes) -> list[tuple[int, int]]:
        lowered = data.lower()
        out: list[tuple[int, int]] = []
        for i, kw in enumerate(self.keywords):
            pos = lowered.find(kw)
            while pos != -1:
                end = pos + len(kw)
                out.append((i, end))
                pos = lowered.find(kw, end)
        out.sort(key=_end)  # the engine relies on hits in order of position, as Hyperscan gives
        return out


def _end(hit: tuple[int, int]) -> int:
    return hit[1]


class HyperscanPrefilter:
    def __init__(self, keywords: list[str], cache_file: str | None = None) -> None:
        import hyperscan

        self.keywords = [k.encode() for k in keywords]
        db = self._load(cache_file) if cache_file else None
        if db is None:
            db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            db.compile(
                expressions=[_literal(k) for k in self.keywords],
                ids=list(range(len(self.keywords))),
                elements=len(self.keywords),
                flags=[hyperscan.HS_FLAG_CASELESS] * len(self.keywords),
            )
            if cache_file:
                self._store(cache_file, db)
        self._db = db
        self._scratch = hyperscan.Scratch(db)
        db.scratch = self._scratch

    def hits(self, data: bytes) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        append = out.append

        def on_match(idx: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            append((idx, end))

        self._db.scan(data, match_event_handler=on_match)
        out.sort(key=_end)  # already in order in block mode; sorting sorted input is linear
        return out

    def _load(self, path: str) -> hyperscan.Database | None:
        import hyperscan

        try:
            with open(path, "rb") as f:
                return hyperscan.loadb(f.read(), hyperscan.HS_MODE_BLOCK)
        except (OSError, hyperscan.error, TypeError, ValueError):
            return None

    def _store(self, path: str, db: hyperscan.Database) -> None:
        import hyperscan

        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            from guard.cache import prune_cache

            prune_cache(os.path.basename(path).split("-", 1)[0] + "-")
            tmp = f"{path}.{os.getpid()}.tmp"
            with open(tmp, "wb") as f:
                f.write(hyperscan.dumpb(db))
            os.replace(tmp, path)
        except OSError:
            pass


def _literal(keyword: bytes) -> bytes:
    """Escape a keyword for Hyperscan's PCRE syntax."""
    return b"".join(b"\\x%02x" % b if not (48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122)
                    else bytes([b]) for b in keyword)


def build(keywords: list[str], expected_bytes: int, cache_name: str = "") -> Prefilter:
    """The faster backend for a scan of about ``expected_bytes``. With ``cache_name``, the
    compiled Hyperscan database is kept in the cache directory under that name and the hash of
    the keywords."""
    if expected_bytes > SMALL_SCAN_BYTES and os.environ.get("GUARD_PREFILTER") != "find":
        cache = None
        if cache_name:
            from guard.cache import cache_dir
            from guard.detect.finding import sha256_hex  # no hashlib: it loads OpenSSL

            digest = sha256_hex("\0".join(keywords).encode())[:24]
            cache = os.path.join(cache_dir(), f"{cache_name}-{digest}.hsdb")
        try:
            return HyperscanPrefilter(keywords, cache)
        except ImportError:
            pass
    return FindPrefilter(keywords)
