"""Real private keys derived from a seeded ``random.Random``: the same seed gives the same bytes.

Pure Python on purpose: the ``cryptography`` package draws its randomness from the OS and stamps a
random check word into OpenSSH keys, so keys made with it would differ between corpus builds. These
keys are genuine (they load in OpenSSL and ``cryptography``; the public halves are the right points)
but are made for the benchmark corpus only and protect nothing.
"""

from __future__ import annotations

import base64
import hashlib
import random

RSA_E = 65537
SMALL_PRIMES = tuple(
    p for p in range(3, 2000, 2) if all(p % q for q in range(3, int(p**0.5) + 1, 2))
)

OID_RSA = bytes.fromhex("06092a864886f70d010101")
OID_P256 = bytes.fromhex("06082a8648ce3d030107")

P256_P = 2**256 - 2**224 + 2**192 + 2**96 - 1
P256_A = P256_P - 3
P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
P256_G = (
    0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
    0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
)

ED_P = 2**255 - 19
ED_D = -121665 * pow(121666, -1, ED_P) % ED_P
ED_B = (
    15112221349535400772501151409588531511454012693041857206046113283949847762202,
    46316835694926478169428394003475163141307993866256225615783033603165251855960,
)

Point = tuple[int, int]


# --- DER and PEM -------------------------------------------------------------------------------


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _tlv(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _der_len(len(body)) + body


def _der_int(value: int) -> bytes:
    return _tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _der_seq(*parts: bytes) -> bytes:
    return _tlv(0x30, b"".join(parts))


def pem(label: str, der: bytes, width: int = 64) -> str:
    """``der`` as a PEM block: lines joined with newlines, no newline after the END line."""
    body = base64.b64encode(der).decode()
    lines = [body[i : i + width] for i in range(0, len(body), width)]
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"])


# --- RSA -----------------------------------------------------------------------------------------


def _is_probable_prime(n: int, rng: random.Random, rounds: int = 40) -> bool:
    for p in SMALL_PRIMES:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(rounds):
        x = pow(rng.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _rsa_prime(bits: int, rng: random.Random) -> int:
    while True:
        candidate = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if (candidate - 1) % RSA_E and _is_probable_prime(candidate, rng):
            return candidate


def _rsa_pkcs1(rng: random.Random, bits: int) -> bytes:
    p = _rsa_prime(bits // 2, rng)
    q = _rsa_prime(bits // 2, rng)
    while q == p:
        q = _rsa_prime(bits // 2, rng)
    p, q = max(p, q), min(p, q)
    d = pow(RSA_E, -1, (p - 1) * (q - 1))
    fields = (0, p * q, RSA_E, d, p, q, d % (p - 1), d % (q - 1), pow(q, -1, p))
    return _der_seq(*(_der_int(v) for v in fields))


def rsa_pem(rng: random.Random, bits: int = 2048) -> str:
    """A traditional ``BEGIN RSA PRIVATE KEY`` block (PKCS#1)."""
    return pem("RSA PRIVATE KEY", _rsa_pkcs1(rng, bits))


def rsa_pkcs8_pem(rng: random.Random, bits: int = 2048) -> str:
    """A ``BEGIN PRIVATE KEY`` block (PKCS#8), as in cloud service-account files."""
    algorithm = _der_seq(OID_RSA, b"\x05\x00")
    return pem("PRIVATE KEY", _der_seq(_der_int(0), algorithm, _tlv(0x04, _rsa_pkcs1(rng, bits))))


# --- EC P-256 ------------------------------------------------------------------------------------


def _p256_add(a: Point | None, b: Point | None) -> Point | None:
    if a is None:
        return b
    if b is None:
        return a
    (x1, y1), (x2, y2) = a, b
    if x1 == x2 and (y1 + y2) % P256_P == 0:
        return None
    if a == b:
        slope = (3 * x1 * x1 + P256_A) * pow(2 * y1, -1, P256_P) % P256_P
    else:
        slope = (y2 - y1) * pow(x2 - x1, -1, P256_P) % P256_P
    x3 = (slope * slope - x1 - x2) % P256_P
    return x3, (slope * (x1 - x3) - y1) % P256_P


def _p256_mul(k: int, point: Point) -> Point:
    result: Point | None = None
    addend: Point | None = point
    while k:
        if k & 1:
            result = _p256_add(result, addend)
        addend = _p256_add(addend, addend)
        k >>= 1
    assert result is not None
    return result


def ec_pem(rng: random.Random) -> str:
    """A ``BEGIN EC PRIVATE KEY`` block (SEC 1) on P-256."""
    secret = rng.randrange(1, P256_N)
    x, y = _p256_mul(secret, P256_G)
    public = b"\x04" + x.to_bytes(32, "big") + y.to_bytes(32, "big")
    der = _der_seq(
        _der_int(1),
        _tlv(0x04, secret.to_bytes(32, "big")),
        _tlv(0xA0, OID_P256),
        _tlv(0xA1, _tlv(0x03, b"\x00" + public)),
    )
    return pem("EC PRIVATE KEY", der)


# --- Ed25519 in OpenSSH form -------------------------------------------------------------------


def _ed_add(a: Point, b: Point) -> Point:
    (x1, y1), (x2, y2) = a, b
    t = ED_D * x1 * x2 * y1 * y2 % ED_P
    x3 = (x1 * y2 + x2 * y1) * pow(1 + t, -1, ED_P) % ED_P
    y3 = (y1 * y2 + x1 * x2) * pow(1 - t, -1, ED_P) % ED_P
    return x3, y3


def _ed_mul(k: int, point: Point) -> Point:
    result, addend = (0, 1), point
    while k:
        if k & 1:
            result = _ed_add(result, addend)
        addend = _ed_add(addend, addend)
        k >>= 1
    return result


def ed25519_public(seed: bytes) -> bytes:
    """The 32-byte public key of the Ed25519 private ``seed`` (RFC 8032, section 5.1.5)."""
    digest = hashlib.sha512(seed).digest()
    scalar = int.from_bytes(digest[:32], "little")
    scalar = (scalar & ((1 << 254) - 8)) | (1 << 254)
    x, y = _ed_mul(scalar, ED_B)
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def _ssh_string(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def openssh_ed25519_pem(rng: random.Random, comment: str) -> str:
    """An unencrypted ``BEGIN OPENSSH PRIVATE KEY`` block holding one Ed25519 key."""
    seed = rng.randbytes(32)
    public = ed25519_public(seed)
    key_type = _ssh_string(b"ssh-ed25519")
    public_blob = key_type + _ssh_string(public)
    check = rng.randbytes(4)
    private = check + check + public_blob + _ssh_string(seed + public)
    private += _ssh_string(comment.encode())
    private += bytes(range(1, 1 + (-len(private) % 8)))
    body = b"openssh-key-v1\x00" + _ssh_string(b"none") + _ssh_string(b"none") + _ssh_string(b"")
    body += (1).to_bytes(4, "big") + _ssh_string(public_blob) + _ssh_string(private)
    return pem("OPENSSH PRIVATE KEY", body, width=70)
