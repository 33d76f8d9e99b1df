"""Judging what the model received.

A leak is any canary in the text, raw or under an encoding an agent can ask for: base64 and
base64url (also wrapped over lines, or reversed line by line), base32, hex (``xxd``, ``xxd -p``,
``hexdump -C``, ``od -tx1``, ``od -x``'s byte-swapped words, ``0x..`` arrays), ``od -c`` and other
one-character-per-cell dumps, URL-encoding, reversed text, rot13, decimal byte lists, backslash
escapes, UTF-16, gzip. Decoded bytes are judged again (a base64 of a gzip of a file holding a
base64 auth string is found), to a depth of three.

An ordinary call fails when it is denied or when the content it exists for does not reach the
model. Every call fails when Guard reports an internal error.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import contextlib
import gzip
import re
import shutil
import zlib
from dataclasses import dataclass, field
from urllib.parse import unquote, unquote_plus

from tests.attacks.clients import HookFn, Outcome, client, guard_hook
from tests.attacks.corpus import Case
from tests.attacks.sandbox import SOURCES, World, canaries

MAX_DEPTH = 3
INTERNAL_ERROR = "internal error"

_B64_RUN = re.compile(r"[A-Za-z0-9+/_\-]{16,}={0,2}")
_B64_LINE = re.compile(r"^[A-Za-z0-9+/_\-]+={0,2}$")
_B32_RUN = re.compile(r"[A-Z2-7]{16,}={0,6}")
_HEX_RUN = re.compile(r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}){8,}(?![0-9A-Fa-f])")
_OFFSET = re.compile(r"^\s*[0-9A-Fa-f]{6,8}:?(?=\s|$)")
_DECIMALS = re.compile(r"(?:\b\d{1,3}\b[\s,;]+){8,}\b\d{1,3}\b")
_ESCAPES = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[0-7]{3})")
_NOT_TOKEN = re.compile(r"[^A-Za-z0-9_\-/+.=:@]")


@dataclass
class Leak:
    key: str  # canary key (see sandbox.SOURCES)
    via: str  # how it was found: raw, base64, hex…

    def __str__(self) -> str:
        return f"{SOURCES[self.key]} [{self.via}]"


def find_leaks(text: str, values: dict[str, str] | None = None) -> list[Leak]:
    """The canaries in ``text``, each once, with the first way it was found."""
    values = values if values is not None else canaries()
    found: dict[str, str] = {}
    _scan(text, values, found, "", 0)
    return [Leak(k, v) for k, v in found.items()]


def _check(text: str, values: dict[str, str], found: dict[str, str], via: str) -> None:
    for key, value in values.items():
        if key not in found and value in text:
            found[key] = via or "raw"


def _scan(text: str, values: dict[str, str], found: dict[str, str], via: str,
          depth: int) -> None:
    if len(found) == len(values) or not text:
        return
    chain = (via + "+") if via else ""
    _check(text, values, found, via)
    _check(text[::-1], values, found, chain + "reversed")
    per_line_reversed = "\n".join(line[::-1] for line in text.split("\n"))
    if "%" in text:
        _check(unquote(text), values, found, chain + "url")
        _check(unquote_plus(text), values, found, chain + "url")
    _check(codecs.encode(text, "rot13"), values, found, chain + "rot13")
    dumps = _strip_offsets(text)
    _check(re.sub(r"\s+", "", dumps), values, found, chain + "spaced")
    _check(_NOT_TOKEN.sub("", dumps), values, found, chain + "squeezed")
    if _ESCAPES.search(text):
        with contextlib.suppress(UnicodeDecodeError, ValueError):
            _check(codecs.decode(text.encode("latin-1", "replace"), "unicode_escape"),
                   values, found, chain + "escapes")
    if depth >= MAX_DEPTH:
        return
    for name, data in _decodings(text, per_line_reversed):
        for label, decoded in _texts(data):
            _scan(decoded, values, found, chain + name + label, depth + 1)
            if len(found) == len(values):
                return


def _strip_offsets(text: str) -> str:
    """Dump lines without their leading offset column (od, xxd, hexdump)."""
    return "\n".join(_OFFSET.sub("", line) for line in text.split("\n"))


def _texts(data: bytes) -> list[tuple[str, str]]:
    """Readings of decoded bytes: gunzipped or inflated if compressed, UTF-16 if it looks like
    it, else UTF-8 (undecodable bytes replaced)."""
    if len(data) < 8:
        return []
    out: list[tuple[str, str]] = []
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
            out.append(("+gzip", ""))
        except (OSError, EOFError, zlib.error):
            pass
    elif data[:1] == b"\x78":
        try:
            data = zlib.decompress(data)
            out.append(("+zlib", ""))
        except zlib.error:
            pass
    label = out[0][0] if out else ""
    texts = [(label, data.decode("utf-8", "replace"))]
    if data.count(b"\0") > len(data) // 4:
        for enc in ("utf-16-le", "utf-16-be"):
            body = data[2:] if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data
            texts.append((label + "+" + enc, body.decode(enc, "replace")))
    # only readings that carry some text are worth a deeper look
    return [(lbl, t) for lbl, t in texts if sum(c.isprintable() for c in t) > len(t) // 2]


def _b64(token: str) -> list[bytes]:
    out = []
    for shift in range(4):
        body = token[shift:].rstrip("=")
        body = body[:len(body) - len(body) % 4] if len(body) % 4 == 1 else body
        padded = body + "=" * (-len(body) % 4)
        for alt in (None, b"-_"):
            try:
                out.append(base64.b64decode(padded, altchars=alt, validate=True))
            except (binascii.Error, ValueError):
                continue
    return out


def _decodings(text: str, per_line_reversed: str) -> list[tuple[str, bytes]]:
    """Byte strings that tokens or blocks of ``text`` decode to, with their encoding's name."""
    out: list[tuple[str, bytes]] = []
    for source, prefix in ((text, ""), (per_line_reversed, "reversed+")):
        # whole blocks of base64 lines (base64 wraps at 76 columns)
        block: list[str] = []
        for line in [*source.split("\n"), ""]:
            s = line.strip()
            if s and _B64_LINE.match(s):
                block.append(s)
                continue
            if len(block) > 1:
                out += [(prefix + "base64", d) for d in _b64("".join(block))]
            block = []
        for token in set(_B64_RUN.findall(source)):
            out += [(prefix + "base64", d) for d in _b64(token)]
    joined_b32 = "".join(ln.strip() for ln in text.split("\n") if re.fullmatch(r"[A-Z2-7=]+",
                                                                                  ln.strip()))
    for token in {*_B32_RUN.findall(text), joined_b32}:
        if len(token) >= 16:
            try:
                body = token.rstrip("=")
                out.append(("base32", base64.b32decode(body + "=" * (-len(body) % 8))))
            except (binascii.Error, ValueError):
                pass
    for token in set(_HEX_RUN.findall(text)):
        out.append(("hex", bytes.fromhex(token)))
    out += [("hex", d) for d in _hex_dump(text) if d]
    for run in _DECIMALS.findall(text):
        nums = [int(n) for n in re.findall(r"\d+", run)]
        if all(n < 256 for n in nums):
            out.append(("decimal", bytes(nums)))
    return out


def _hex_dump(text: str) -> list[bytes]:
    """The bytes of a hex dump (xxd, xxd -p, xxd -i, hexdump -C, od -tx1, od -x), read line by
    line; od -x's little-endian words are also read swapped."""
    direct: list[str] = []
    swapped: list[str] = []
    for line in text.split("\n"):
        body = re.sub(r"\|.*\|\s*$", "", line)  # hexdump -C's text column
        xxd = re.match(r"^[0-9a-f]{8}: ", body)
        body = _OFFSET.sub("", body)
        if xxd:
            body = body.split("  ")[0]  # xxd's text column follows two spaces
        body = body.replace("0x", " ").replace(",", " ")
        tokens = body.split()
        taken: list[str] = []
        for tok in tokens:
            if re.fullmatch(r"(?:[0-9A-Fa-f]{2})+", tok):
                taken.append(tok)
            else:
                break
        if sum(len(t) for t in taken) < 8:
            continue
        direct.append("".join(taken))
        if all(len(t) == 4 for t in taken):
            swapped.append("".join(t[2:] + t[:2] for t in taken))
    out = []
    for parts in (direct, swapped):
        if parts:
            with contextlib.suppress(ValueError):
                out.append(bytes.fromhex("".join(parts)))
    return out


# --- verdicts -----------------------------------------------------------------------------------

@dataclass
class Verdict:
    """A case judged: what leaked, what was missing, whether Guard failed."""

    leaks: list[Leak] = field(default_factory=list)
    denied: bool = False
    reason: str = ""
    missing: list[str] = field(default_factory=list)
    internal: list[str] = field(default_factory=list)
    setup: list[str] = field(default_factory=list)  # the call could not run here

    def problems(self, ordinary: bool) -> list[str]:
        out = list(self.setup)
        out += [f"Guard internal error: {line}" for line in self.internal]
        out += [f"leaked {leak}" for leak in self.leaks]
        if self.denied and not self.reason.strip():
            out.append("denied without a reason for the model")
        if ordinary and self.denied:
            out.append(f"ordinary call denied: {self.reason!r}")
        elif ordinary:
            out += [f"expected content did not reach the model: {m!r}" for m in self.missing]
        return out


def judge(outcome: Outcome, expect: tuple[str, ...] = ()) -> Verdict:
    text = outcome.model_text
    internal = [line.strip() for line in outcome.hook_output().split("\n")
                if INTERNAL_ERROR in line.lower() or line.startswith("Traceback")]
    internal += [line.strip() for line in text.split("\n") if INTERNAL_ERROR in line.lower()
                 and line.strip() not in internal]
    return Verdict(leaks=find_leaks(text), denied=outcome.denied, reason=outcome.reason,
                   missing=[e for e in expect if e not in text], internal=internal)


# --- running a case -----------------------------------------------------------------------------

def run_case(world: World, case: Case, hook: HookFn = guard_hook) -> tuple[Outcome | None,
                                                                           Verdict]:
    """Run one corpus call in the world's sandbox through its client and judge it; the sandbox
    is reset afterwards if the call changed it."""
    missing = [p for p in case.needs if shutil.which(p) is None]
    if missing:
        return None, Verdict(setup=[f"needs {', '.join(missing)}, not installed on this "
                                    "machine"])
    try:
        outcome = client(case.agent, hook).run(world.sandbox, case.tool, case.args)
    finally:
        world.settle()
    return outcome, judge(outcome, case.expect)


def explain(case: Case, outcome: Outcome | None, verdict: Verdict) -> str:
    """A failure message: the call, Guard's answers, what the model got."""
    lines = [f"{case.id} ({case.kind}): {case.describe()}"]
    lines += [f"  - {p}" for p in verdict.problems(case.ordinary)]
    if outcome is not None:
        lines.append(f"  verdict: {outcome.verdict}" + (f" ({outcome.reason})" if outcome.reason
                                                        else ""))
        for name, run in (("pre", outcome.pre), ("post", outcome.post)):
            if run is not None and (run.stdout or run.stderr or run.code):
                lines.append(f"  guard {name}-tool reply (exit {run.code}): "
                             f"{(run.stdout + run.stderr).strip()[:600]}")
        lines += [f"  {n}" for n in outcome.notes]
        shown = outcome.model_text
        lines.append("  the model received: " + (shown[:1500] + (" …" if len(shown) > 1500
                                                                 else "")))
    return "\n".join(lines)
