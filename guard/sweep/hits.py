"""What a sweep finds in one store: :class:`Hit` (one secret value, where, when) and
:class:`StoreResult` (a store's hits, size, or why it was skipped)."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from guard.sweep.stores import Store


class Hit:
    """One secret value in one store: its rule, where (``lines``: line numbers, or
    ``table.column`` for a database), how many times, first and last seen (epoch seconds).
    ``value`` stays in memory: to fingerprint, to compare, to scrub; never shown."""

    __slots__ = ("confidence", "count", "description", "first", "last", "lines", "places",
                 "provider", "rule_id", "value")

    def __init__(self, value: bytes, rule_id: str, description: str, confidence: str,
                 provider: str) -> None:
        self.value = value
        self.rule_id = rule_id
        self.description = description
        self.confidence = confidence
        self.provider = provider
        self.lines: list[int] = []
        self.places: list[str] = []
        self.count = 0
        self.first: float | None = None
        self.last: float | None = None

    def seen(self, when: float | None) -> None:
        self.count += 1
        if when is not None:
            self.first = when if self.first is None else min(self.first, when)
            self.last = when if self.last is None else max(self.last, when)

    def __repr__(self) -> str:  # never the value
        return f"Hit({self.rule_id!r}, count={self.count})"


class StoreResult:
    __slots__ = ("hits", "mtime", "notes", "size", "skip", "store")

    def __init__(self, store: Store) -> None:
        self.store = store
        self.hits: list[Hit] = []
        self.size = 0
        self.mtime: float | None = None
        self.skip: str | None = None
        self.notes: list[str] = []
