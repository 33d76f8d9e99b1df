"""Extra checks a rule may ask for after its regex matched: entropy, embedded checksums, structure.

Each check takes the candidate secret (bytes) and answers True when it still looks real.
Rules name them in TOML (``checks = ["github-crc32"]``); adding one is a function in CHECKS.
"""

from __future__ import annotations

import binascii
import re

# shannon_entropy lives with the value filters (which need it and must not import this module,
# whose shape checks use them); re-exported here for the engine and the redactor.
from guard.detect.filters import has_letters_and_digits, looks_like_generic_secret
from guard.detect.filters import shannon_entropy as shannon_entropy

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing or collections costs a hook
if TYPE_CHECKING:
    from collections.abc import Callable

BASE62 = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


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


BECH32 = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def bech32_checksum(token: bytes) -> bool:
    """A Bech32 string (BIP 173) whose 6-character checksum matches, in either case. age secret
    keys are Bech32 with the prefix AGE-SECRET-KEY- (age-encryption.org/v1, without BIP 173's
    90-character limit)."""
    hrp, sep, data = token.lower().rpartition(b"1")
    if not sep or not hrp or len(data) < 6 or any(c not in BECH32 for c in data):
        return False
    chk = 1
    for v in [c >> 5 for c in hrp] + [0] + [c & 31 for c in hrp] + [BECH32.index(c) for c in data]:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i, gen in enumerate((0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)):
            if top >> i & 1:
                chk ^= gen
    return chk == 1


# Words that mark a value written by a person for a test, a doc or a demo, not generated: a
# random credential contains none of them (the odds are below one in ten thousand).
DEMO_WORDS = re.compile(rb"(?i)test|mock|fake|dummy|sample|example|demo|invalid|pass|secret|"
                        rb"hunter|changeit|letmein|qwerty|admin|1234|abcd|xxx|todo")
NOT_A_CREDENTIAL = re.compile(
    rb"^\d{4}-\d{2}-\d{2}|"  # a date or timestamp
    rb"^(?:pbkdf2_|bcrypt|argon2|sha1\$|sha256\$|md5\$|scrypt)|"  # a password hash, not a password
    rb"\[-?\d+\]"  # an index expression (Jobs[-1].JobId)
)


def is_encoded_text(value: bytes) -> bool:
    """Base64 of readable text ("YSBzZWNyZXQ=" is "a secret"): made by a person, not a key,
    whose decoded bytes look random."""
    import base64

    if len(value) < 8 or len(value) % 4:
        return False
    try:
        decoded = base64.b64decode(value, validate=True)
    except (ValueError, binascii.Error):
        return False
    printable = sum(32 <= b < 127 for b in decoded)
    # readable prose or JSON, or a demo value in disguise (base64 of "admin1234" in a Secret;
    # of user:password, the password alone: "admin" is a common user of a real one)
    secret = decoded.partition(b":")[2] or decoded
    return printable == len(decoded) and (b" " in decoded or b"{" in decoded
                                          or DEMO_WORDS.search(secret) is not None)


# A word some services put before a generated body (secret_..., live_...): the word says nothing
# about the body, which is what the demo test reads.
TYPE_WORDS = (b"secret", b"token", b"key", b"pass", b"live", b"api")


def _type_prefix(value: bytes) -> int:
    """Length of a type word and its separator opening ``value`` before 16 letters or digits."""
    head, sep, _ = value[:8].partition(b"_") if b"_" in value[:8] else value[:8].partition(b"-")
    if sep and head.lower() in TYPE_WORDS and value[len(head) + 1:len(head) + 17].isalnum() \
            and len(value) >= len(head) + 17:
        return len(head) + 1
    return 0


def not_demo(value: bytes) -> bool:
    """Not a value made up for a test, a doc or a demo, nor a date, hash, expression or
    encoded text."""
    body = value[_type_prefix(value):]
    return not (DEMO_WORDS.search(body) or NOT_A_CREDENTIAL.search(value)
                or is_encoded_text(value))


def random_key(value: bytes) -> bool:
    """A value under a name that only ends in "key" (STRIPE_KEY, Key=): many such keys are
    lookups, so the value must look generated: 16+ characters, letters and digits, dense."""
    if len(value) in (40, 64) and (not value.strip(b"0123456789abcdef")
                                   or not value.strip(b"0123456789ABCDEF")):
        return False  # a SHA-1 or SHA-256 digest: a cache key, a checksum, a commit
    if len(value) < 16 or not has_letters_and_digits(value):
        return False
    # Hex holds 4 bits a character at most: a random 32-digit key often measures under 3.5.
    floor = 3.0 if not value.lower().strip(b"0123456789abcdef") else 3.5
    return shannon_entropy(value) >= floor



def base64_secret(value: bytes) -> bool:
    """Base64 (a Kubernetes Secret's data) of a value that is itself a secret: a password or a
    token by the generic test, or a private key block."""
    import base64

    if len(value) % 4:
        return False
    try:
        decoded = base64.b64decode(value, validate=True)
    except (ValueError, binascii.Error):
        return False
    if b"PRIVATE KEY-----" in decoded:
        return True
    decoded = decoded.strip()
    if not all(32 < b < 127 for b in decoded):
        return False
    return looks_like_generic_secret(decoded) and not_demo(decoded)


def base64_credentials(value: bytes) -> bool:
    """Base64 of user:password (Docker's auths, HTTP Basic) whose password looks like one."""
    import base64

    try:
        decoded = base64.b64decode(value, validate=True)
    except (ValueError, binascii.Error):
        return False
    user, sep, password = decoded.partition(b":")
    if not sep or not user or not all(32 < b < 127 for b in decoded):
        return False
    return looks_like_generic_secret(password) and not_demo(password)


def mixed_case(value: bytes) -> bool:
    """Upper and lower case letters both: not hex, not a lower-case slug or hash."""
    return value.lower() != value and value.upper() != value


def password_shape(value: bytes) -> bool:
    """A value given in prose after a label (admin login: ...): 10+ characters, both cases and a
    digit or a symbol, dense: a user name or a word seldom has all of it."""
    if len(value) < 10 or not mixed_case(value) or value.isalpha():
        return False
    return shannon_entropy(value) >= 3.0


CHECKS: dict[str, Callable[[bytes], bool]] = {
    "mixed-case": mixed_case,
    "password-shape": password_shape,
    "base64-credentials": base64_credentials,
    "random-key": random_key,
    "base64-secret": base64_secret,
    "not-demo": not_demo,
    "github-crc32": github_crc32,
    "npm-crc32": npm_crc32,
    "jwt": jwt_structure,
    "mixed-alnum": not_all_same_class,
    "grafana-crc32": grafana_crc32,
    "bech32": bech32_checksum,
}
