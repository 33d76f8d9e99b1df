"""What the engine reports. A Finding holds the secret only in memory, to fingerprint and redact it;
nothing that renders a Finding may print ``secret`` — use ``masked`` and ``fingerprint``."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing or collections costs a hook
if TYPE_CHECKING:
    from _hashlib import HASH
    from collections.abc import Callable

# The fingerprint is keyed so that a shared report or baseline does not let anyone confirm a guess
# of a weak password offline. Teams that want that protection set their own key in CI and locally.
DEFAULT_KEY = b"guard-fingerprint-v1"


def fingerprint_key() -> bytes:
    key = os.environ.get("GUARD_FINGERPRINT_KEY")
    return key.encode() if key else DEFAULT_KEY


def fingerprint(value: bytes, key: bytes | None = None) -> str:
    """A stable keyed hash of a secret value: equal values, equal fingerprints (HMAC-SHA256)."""
    return hmac_sha256(key or fingerprint_key(), value)[:20]


def hmac_sha256(key: bytes, message: bytes) -> str:
    """HMAC-SHA256 (RFC 2104) as hex, on the interpreter's built-in SHA-256: importing hashlib
    loads OpenSSL, which costs a pre-commit hook more than all of its scanning."""
    sha256 = _sha256()
    if len(key) > 64:
        key = sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = sha256(bytes(b ^ 0x36 for b in key) + message).digest()
    return sha256(bytes(b ^ 0x5C for b in key) + inner).hexdigest()


def sha256_hex(data: bytes) -> str:
    """SHA-256 of ``data`` as hex, on the interpreter's built-in SHA-256 (see hmac_sha256)."""
    return _sha256()(data).hexdigest()


def _sha256() -> Callable[[bytes], HASH]:
    try:
        from _sha256 import sha256  # CPython 3.11
    except ImportError:
        try:
            from _sha2 import sha256  # CPython 3.12+
        except ImportError:
            from hashlib import sha256
    constructor: Callable[[bytes], HASH] = sha256  # the private modules have no stubs
    return constructor


def mask(value: bytes) -> str:
    """A preview that tells the kind of value without revealing it: a short prefix and the length.

    Up to four leading characters are kept, and never more than a fifth of the value, so a
    provider prefix such as ``ghp_`` shows while an 8-character password shows one character.
    """
    text = value.decode("utf-8", "replace")
    keep = min(4, len(text) // 5)
    return f"{text[:keep]}{'*' * min(8, max(3, len(text) - keep))} ({len(text)} chars)"


class Finding:
    """One secret in one place, or one sensitive file (``kind == "file"``, no secret, line 0)."""

    __slots__ = (
        "column",
        "commit",
        "confidence",
        "description",
        "end_column",
        "end_line",
        "extra",
        "fingerprint",
        "kind",
        "line",
        "masked",
        "path",
        "rule_id",
        "secret",
    )

    def __init__(self, rule_id: str, description: str, path: str, *, line: int = 0,
                 column: int = 0, end_column: int = 0, kind: str = "secret",
                 confidence: str = "medium", secret: bytes = b"",
                 fingerprint_value: str | None = None) -> None:
        self.rule_id = rule_id
        self.description = description
        self.path = path
        self.line = line
        self.column = column
        self.end_line = line
        self.end_column = end_column
        self.kind = kind
        self.confidence = confidence
        self.secret = secret
        if fingerprint_value is None:
            fingerprint_value = fingerprint(
                secret or b"file:" + path.encode("utf-8", "surrogateescape"))
        self.fingerprint = fingerprint_value
        self.masked = mask(secret) if secret else ""
        self.commit: dict[str, str] | None = None
        self.extra: dict[str, object] = {}

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.rule_id)

    def to_dict(self) -> dict[str, object]:
        """The JSON form (no secret). Keys documented in docs/json-schema.md."""
        d: dict[str, object] = {
            "kind": self.kind,
            "rule": self.rule_id,
            "description": self.description,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "confidence": self.confidence,
            "fingerprint": self.fingerprint,
            "masked": self.masked,
        }
        if self.commit:
            d["commit"] = self.commit
        return d

    def __repr__(self) -> str:  # never include the secret
        return f"Finding({self.rule_id!r}, {self.path!r}:{self.line}:{self.column})"

    def __getstate__(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__slots__}

    def __setstate__(self, state: dict[str, object]) -> None:
        for k, v in state.items():
            setattr(self, k, v)
