"""What every holdout family shares: the case record, the corpus being built and the seeded values.

A family returns ``(kind, filename, template, value)``: the template holds ``MARK`` exactly once,
where the value goes. The recorded line is the line the mark is on (where the value starts); only
the SHA-256 of a secret is recorded, never the value itself.
"""

from __future__ import annotations

import binascii
import hashlib
import random
import re
import string
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

MARK = "\x00VALUE\x00"
T = TypeVar("T")

SECRET_CLASSES: tuple[str, ...] = ("plain-text", "provider-context", "lowercase-digit",
                                   "structured", "cli-header", "provider-format", "misspelt-name",
                                   "generic")
BENIGN_KINDS: tuple[str, ...] = ("benign-wrong-length", "benign-checksum", "benign-placeholder",
                                 "benign-example", "benign-encrypted", "benign-reference",
                                 "benign-identifier", "benign-hash", "benign-public",
                                 "benign-prose")

DIGITS = string.digits
LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
ALNUM = string.ascii_letters + string.digits
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
HEX = "0123456789abcdef"
UHEX = "0123456789ABCDEF"
LOWER_DIGIT = LOWER + DIGITS
UPPER_DIGIT = UPPER + DIGITS
# A drawn secret never spells a word that makes a value look made up.
MADE_UP = re.compile(r"example|test|dummy|fake|sample|demo|placeholder|changeme|todo|your|here|"
                     r"redact|secret|passw|token|xxx|aaa|000|123|abc|null|none", re.I)

# What no secret value may hold anywhere (its drawn parts avoid MADE_UP as well).
BANNED = re.compile(r"example|test|dummy|fake|sample|placeholder|changeme|xxxx", re.I)

Family = Callable[["Values"], tuple[str, str, str, str]]


@dataclass(frozen=True)
class Case:
    id: str
    cls: str
    label: str
    near: str
    kind: str
    filename: str
    content: str
    line: int
    secret_sha256: str | None
    value: str = field(repr=False, compare=False)  # in memory only
    offset: int = field(repr=False, compare=False, default=0)

    def record(self) -> dict[str, object]:
        out: dict[str, object] = {"id": self.id, "class": self.cls, "label": self.label,
                                  "near": self.near, "kind": self.kind,
                                  "filename": self.filename, "line": self.line}
        if self.secret_sha256:
            out["secret_sha256"] = self.secret_sha256
        out["content"] = self.content
        return out


def base62(number: int, width: int) -> str:
    out = ""
    while number:
        number, rem = divmod(number, 62)
        out = BASE62[rem] + out
    return out.rjust(width, "0")


def crc_tail(body: str) -> str:
    """GitHub's and npm's checksum: CRC32 of the 30 random characters, base62, 6 characters."""
    return base62(binascii.crc32(body.encode()), 6)


class Values:
    """Random values and bits of context from one seeded generator, drawn in a fixed order."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def pick(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def int(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def chars(self, alphabet: str, n: int) -> str:
        while True:
            value = "".join(self.rng.choice(alphabet) for _ in range(n))
            if not MADE_UP.search(value):
                return value

    def mixed(self, alphabet: str, n: int) -> str:
        """A random token's look: at least one upper, one lower and one digit."""
        while True:
            v = self.chars(alphabet, n)
            if any(c.isupper() for c in v) and any(c.islower() for c in v) and any(
                    c.isdigit() for c in v):
                return v

    def hex(self, n: int) -> str:
        while True:
            v = self.chars(HEX, n)
            if sum(c.isalpha() for c in v) >= 3 and sum(c.isdigit() for c in v) >= 3:
                return v

    def lower_digit(self, n: int) -> str:
        while True:
            v = self.chars(LOWER_DIGIT, n)
            if sum(c.isdigit() for c in v) >= 3 and sum(c.isalpha() for c in v) >= 3:
                return v

    def digits(self, n: int) -> str:
        return str(self.rng.randint(1, 9)) + "".join(self.rng.choice(DIGITS) for _ in range(n - 1))

    def b64(self, nbytes: int, urlsafe: bool = False, pad: bool = True) -> str:
        import base64
        while True:
            raw = bytes(self.rng.randrange(256) for _ in range(nbytes))
            text = (base64.urlsafe_b64encode(raw) if urlsafe else base64.b64encode(raw)).decode()
            text = text if pad else text.rstrip("=")
            if not MADE_UP.search(text):
                return text

    def uuid(self) -> str:
        while True:
            v = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
            if not MADE_UP.search(v):
                return v

    def password(self, low: int = 12, high: int = 22) -> str:
        specials = "!#%&*+-.=?@^_~"
        while True:
            v = self.chars(ALNUM + specials, self.int(low, high))
            if (any(c.isdigit() for c in v) and any(c in specials for c in v)
                    and any(c.isupper() for c in v) and any(c.islower() for c in v)
                    and v[0] in ALNUM):
                return v

    def crc_token(self, prefix: str) -> str:
        body = self.mixed(BASE62, 30)
        return prefix + body + crc_tail(body)

    # bits of context: who, where, what
    def host(self) -> str:
        return self.pick(["db01.prod.internal", "10.12.3.45", "pg-main.c9xkq2.eu-central-1.rds."
                          "amazonaws.com", "mariadb.ops.lan", "orders-db", "172.20.0.5",
                          "sqlsrv-04.corp.contoso.net", "mongo-rs0.data.svc.cluster.local"])

    def user(self) -> str:
        return self.pick(["svc_billing", "appuser", "deployer", "ledger_rw", "jenkins",
                          "gitlab-runner", "root", "sa", "analytics", "hr_portal", "mobile_api"])

    def svc(self) -> str:
        return self.pick(["invoicing", "checkout", "catalog", "notifier", "ledger", "pricing",
                          "warehouse", "onboarding", "search", "payouts", "crm-sync"])

    def person(self) -> str:
        return self.pick(["Priya", "Tomasz", "Aiko", "Mateo", "Fatima", "Lars", "Chidi", "Noor",
                          "Sven", "Camille", "Diego", "Hana"])

    def date(self) -> str:
        return f"2024-{self.int(1, 12):02d}-{self.int(1, 28):02d}"

    def time(self) -> str:
        return f"{self.int(0, 23):02d}:{self.int(0, 59):02d}:{self.int(0, 59):02d}"


@dataclass
class Corpus:
    cases: list[Case] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    seen: set[str] = field(default_factory=set)

    def add(self, cls: str, label: str, near: str, kind: str, filename: str, template: str,
            value: str) -> bool:
        """Add one case; False (nothing added) when the same file was made before."""
        if template.count(MARK) != 1:
            raise ValueError(f"{cls}/{kind}: the template must hold the mark once")
        if label == "secret" and BANNED.search(value):
            raise ValueError(f"{cls}/{kind}: a secret looks made up")
        offset = template.index(MARK)
        content = template.replace(MARK, value)
        if not content.endswith("\n"):
            content += "\n"
        if (filename, content) in self.seen or content in self.seen:
            return False
        self.seen.add(content)
        self.counts[cls] += 1
        digest = hashlib.sha256(value.encode()).hexdigest() if label == "secret" else None
        line = template[:offset].count("\n") + 1
        self.cases.append(Case(f"holdout-{cls}-{self.counts[cls]:03d}", cls, label,
                               cls if label == "secret" else near, kind, filename, content, line,
                               digest, value, offset))
        return True

