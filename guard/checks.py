"""Extra checks a rule may ask for after its regex matched: entropy, embedded checksums, structure.

Each check takes the candidate secret (bytes) and answers True when it still looks real.
Rules name them in TOML (``checks = ["github-crc32"]``); adding one is a function in CHECKS.
"""

from __future__ import annotations

import binascii
import math
from collections.abc import Callable

BASE62 = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def shannon_entropy(value: bytes) -> float:
    """Bits per symbol of ``value``."""
    if not value:
        return 0.0
    counts: dict[int, int] = {}
    for byte in value:
        counts[byte] = counts.get(byte, 0) + 1
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def base62(number: int, width: int) -> bytes:
    out = bytearray()
    while number:
        number, rem = divmod(number, 62)
        out.append(BASE62[rem])
    return bytes(reversed(out)).rjust(width, b"0")


def _crc32_base62_suffix(body: bytes, suffix: bytes) -> bool:
    return base62(binascii.crc32(body), len(suffix)) == suffix


def github_crc32(token: bytes) -> bool:
    """GitHub's 2021 token format: prefix_, 30 random base62 chars, 6-char base62 CRC32 of them.

    Source: github.blog "Behind GitHub's new authentication token formats" (2021-04-05).
    """
    _, _, rest = token.rpartition(b"_")
    if len(rest) != 36:
        return False
    return _crc32_base62_suffix(rest[:30], rest[30:])


def npm_crc32(token: bytes) -> bool:
    """npm granular/automation tokens reuse GitHub's scheme: npm_ + 30 random + 6 CRC32 chars."""
    return github_crc32(token)


def jwt_structure(token: bytes) -> bool:
    """A JWT whose header decodes to a JSON object naming an algorithm."""
    import base64
    import json

    header = token.split(b".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(header + b"=" * (-len(header) % 4))
        obj = json.loads(decoded)
    except (ValueError, binascii.Error):
        return False
    return isinstance(obj, dict) and "alg" in obj


def not_all_same_class(token: bytes) -> bool:
    """Reject values made of one character class only when long (digits-only ids, hex-only hashes
    stay allowed by rules that expect them: use this only where the format mixes classes)."""
    has_digit = any(48 <= b <= 57 for b in token)
    has_alpha = any((65 <= b <= 90) or (97 <= b <= 122) for b in token)
    return has_digit and has_alpha


def grafana_crc32(token: bytes) -> bool:
    """Grafana service account token: glsa_ + 32 random chars + _ + 8 hex digits, the CRC32 (IEEE)
    of ``glsa_<random>`` written as its 4 bytes little-endian in hex.

    Source: Grafana's token generator, pkg/components/satokengen/tokengen.go (CalculateChecksum).
    """
    head, sep, checksum = token.rpartition(b"_")
    if not sep or len(checksum) != 8:
        return False
    crc = binascii.crc32(head)
    return crc.to_bytes(4, "little").hex().encode() == checksum


CHECKS: dict[str, Callable[[bytes], bool]] = {
    "github-crc32": github_crc32,
    "npm-crc32": npm_crc32,
    "jwt": jwt_structure,
    "mixed-alnum": not_all_same_class,
    "grafana-crc32": grafana_crc32,
}
