"""Which files the rules leave undecided: the only ones the optional local model is asked about.

A file is *decided* when a path rule names it (a ``.env``, a key, a kubeconfig) or when a rule that
recognises a secret by its shape fires (a provider token, a private key block, a URL with a
password, a JWT): those verdicts stand, and no model second-guesses them.

A file is *ambiguous* when nothing decided it, yet a secret-named key holds something:

- ``generic``: the generic rule reported a value only because of the key's name and the value's
  entropy (a hex digest assigned to ``password_hash`` passes as easily as a real key);
- ``near-miss``: the generic rule's pattern matched, and the filters turned the value down on
  grounds a real password can also meet: too short, too little entropy, a word such as "pass"
  or "2024" in it, spaces (a passphrase), or not a literal (a commented-out value).

Values that are plainly not values stay out: references (``${DB_PASSWORD}``,
``os.environ[...]``), explicit placeholders (``<your-token>``, ``changeme``, ``xxxx``), names,
paths and UUIDs. Each candidate carries the lines around it, which is all the model reads.
"""

from __future__ import annotations

from dataclasses import dataclass

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook path avoids importing typing
if TYPE_CHECKING:
    from guard.detect.engine import Engine
    from guard.detect.finding import Finding
    from guard.detect.ruleset import PathRule

GENERIC_RULES = frozenset({"generic-secret-assignment"})
CONTEXT_LINES = 2  # lines of context above and below a candidate's line
MAX_CANDIDATES = 8  # a file with more than this is judged on its first ones
MAX_LINE = 200  # characters kept of each context line (minified code is not worth reading)
NEAR_MISS_MIN = 6
NEAR_MISS_MAX = 200


@dataclass(frozen=True)
class Candidate:
    """One value a secret-named key holds, with the lines around it."""

    line: int
    column: int
    reason: str  # "generic" or "near-miss"
    snippet: str
    value: bytes  # only ever masked or fingerprinted, never shown (guard.detect.finding)


@dataclass(frozen=True)
class Ambiguity:
    path: str
    candidates: tuple[Candidate, ...]

    @property
    def heuristic_sensitive(self) -> bool:
        """What the rules alone say: sensitive when the generic rule reported something."""
        return any(c.reason == "generic" for c in self.candidates)


def assess(engine: Engine, data: bytes, path: str, findings: list[Finding] | None = None,
           path_rule: PathRule | None = None) -> Ambiguity | None:
    """The ambiguity of ``data`` (the content of ``path``), or None when the rules decided it:
    a path rule matched, a shape or provider rule fired, or no secret-named key holds anything.
    ``findings`` are the engine's findings for ``data`` when the caller already has them."""
    if path_rule is not None:
        return None
    if findings is None:
        findings = engine.scan(data, path)
    if any(f.kind == "secret" and f.rule_id not in GENERIC_RULES for f in findings):
        return None
    candidates = [Candidate(f.line, f.column, "generic", context(data, f.line), f.secret)
                  for f in findings if f.kind == "secret"]
    reported = {(f.line, f.secret) for f in findings if f.kind == "secret"}
    for line, column, value in near_misses(engine, data, reported):
        if len(candidates) >= MAX_CANDIDATES:
            break
        candidates.append(Candidate(line, column, "near-miss", context(data, line), value))
    if not candidates:
        return None
    return Ambiguity(path, tuple(candidates[:MAX_CANDIDATES]))


def near_misses(engine: Engine, data: bytes,
                reported: set[tuple[int, bytes]]) -> list[tuple[int, int, bytes]]:
    """(line, column, value) of values the generic rule's pattern matched and the filters
    turned down, leaving out references, explicit placeholders, names, paths and UUIDs."""
    from guard.detect.engine import allowed_inline

    rule = next((r for r in engine.rules if r.id in GENERIC_RULES), None)
    if rule is None:  # switched off by the config: the user wants no generic verdicts
        return []
    lowered = data.lower()
    if not any(kw.encode() in lowered for kw in rule.keywords):
        return []
    out: list[tuple[int, int, bytes]] = []
    for m in rule.regex.finditer(data):
        value = m.group(rule.secret_group)
        if value is None or not plausible_value(value):
            continue
        start = m.start(rule.secret_group)
        if allowed_inline(data, start):  # the user's word on that line stands
            continue
        line = data.count(b"\n", 0, start) + 1
        if (line, value) in reported or any(line == o[0] for o in out):
            continue
        column = start - data.rfind(b"\n", 0, start)  # 1-based, in bytes: a hint, not a span
        out.append((line, column, value))
    return out


def plausible_value(value: bytes) -> bool:
    """A value that could be a credential, though the generic rule's filters turned it down."""
    from guard.detect import filters

    value = value.strip()
    if not NEAR_MISS_MIN <= len(value) <= NEAR_MISS_MAX:
        return False
    if filters.is_reference(value) or filters.PLACEHOLDER.search(value):
        return False
    if len(set(value)) <= 2 or filters.UUID.match(value) or filters.PATHLIKE.match(value):
        return False
    # A name (snake_case, dotted.path) is not a value; a capitalised word with a digit may be.
    return not filters.IDENTIFIER.match(value)


def context(data: bytes, line: int, around: int = CONTEXT_LINES) -> str:
    """Lines ``line - around`` to ``line + around`` (1-based) of ``data``, as text."""
    lines = data.split(b"\n")
    first = max(0, line - 1 - around)
    chosen = lines[first:line + around]
    text = [ln.decode("utf-8", "replace").rstrip()[:MAX_LINE] for ln in chosen]
    while text and not text[0].strip():
        text.pop(0)
    while text and not text[-1].strip():
        text.pop()
    return "\n".join(text)
