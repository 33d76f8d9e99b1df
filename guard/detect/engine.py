"""Detection: bytes in, Findings out. Every front door calls this and nothing else detects.

For each buffer: the prefilter finds rule keywords; each rule whose keyword occurs runs its regex
only on the lines around those keywords (a minified line is cut to a window around the keyword),
or, for an ``anchor`` rule whose regex starts with its keyword, only at each keyword;
matches then pass the rule's entropy floor and checks, the placeholder filters, inline allow
pragmas and, for syntax rules, a tree-sitter look at what the literal is assigned to. Last, the
hashes of a baseline file (detect-secrets' or Guard's, recognised by structure) are not secrets.
"""

from __future__ import annotations

from guard.detect.finding import Finding
from guard.detect.ruleset import Rule, RuleSet

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing or collections costs a hook
if TYPE_CHECKING:
    from re import Match
    from types import ModuleType

# A line longer than this (minified code, one-line JSON) is searched only near each keyword.
LONG_LINE = 4096
LONG_LINE_WINDOW = 1024
# An anchored match starts at its keyword and runs as far as its pattern lets it (a PyPI token
# can pass 1,000 characters): it may read this far into a line. No further: big-file windows
# overlap by what the engine can reach (guard.scan.windows.REACH counts LONG_LINE), and a
# pattern that backtracks costs the square of its window.
ANCHORED_WINDOW = LONG_LINE
MULTILINE_WINDOW = 32 * 1024

ALLOW_PRAGMAS = (b"pragma: allowlist secret", b"guard: allow")
ALLOW_NEXTLINE = (b"pragma: allowlist nextline secret", b"guard: allow-next-line")


class Engine:
    def __init__(self, ruleset: RuleSet, expected_bytes: int = 0,
                 disabled: frozenset[str] = frozenset()) -> None:
        from guard.detect import prefilter

        self.ruleset = ruleset
        self.rules = [r for r in ruleset.rules if r.id not in disabled]
        keywords: list[str] = []
        # Per keyword: its length, the anchored rules it starts and the rules searched in its line.
        self.keyword_len: list[int] = []
        self.keyword_anchored: list[list[Rule]] = []
        self.keyword_windowed: list[list[Rule]] = []
        index: dict[str, int] = {}
        for rule in self.rules:
            for kw in rule.keywords:
                if kw not in index:
                    index[kw] = len(keywords)
                    keywords.append(kw)
                    self.keyword_len.append(len(kw.encode()))
                    self.keyword_anchored.append([])
                    self.keyword_windowed.append([])
                group = self.keyword_anchored if rule.anchor else self.keyword_windowed
                group[index[kw]].append(rule)
        # A provider's prefix opening a value that its own rule rejected (wrong length, failing
        # checksum) marks a near miss, a test or doc value: generic rules must not take it.
        self.near_miss = tuple(kw.encode() for r in self.rules if r.provider and r.anchor
                               for kw in r.keywords if len(kw) >= 3)
        self.keywords = keywords  # in prefilter index order: a hit's index names one of these
        self.prefilter = prefilter.build(keywords, expected_bytes, "keywords")

    def scan(self, data: bytes, path: str) -> list[Finding]:
        """Secrets in ``data``, the content of ``path`` (used for messages and syntax)."""
        hits = self.prefilter.hits(data)
        if not hits:
            return []
        found: list[tuple[int, int, Rule, bytes]] = []
        seen: set[tuple[str, int]] = set()
        windows: dict[Rule, set[tuple[int, int]]] = {}
        size = len(data)
        start = stop = -1
        # This loop runs once per keyword occurrence (hundreds of thousands in a big tree), so it
        # is written for speed: hits arrive in order of position (both prefilters promise it), so
        # each line's end is found once.
        for kw_index, end in hits:
            if end > stop:
                stop = data.find(b"\n", end)
                if stop == -1:
                    stop = size
                start = -1  # the line's start is looked up only if a windowed rule needs it
            for rule in self.keyword_anchored[kw_index]:
                pos = end - self.keyword_len[kw_index]
                # An anchored match starts at its keyword, so it never needs more than a window
                # after it, however long the line (minified code); a window long enough for the
                # longest token, or the token would be cut short and half of it left unredacted.
                limit = min(size, pos + MULTILINE_WINDOW) if rule.multiline else \
                    min(stop, end + ANCHORED_WINDOW)
                m = (rule._regex or rule.regex).match(data, pos, limit)
                if m is not None:
                    self._consider(rule, m, data, path, seen, found)
            windowed = self.keyword_windowed[kw_index]
            if not windowed:
                continue
            if start < 0 or end < start:
                start = data.rfind(b"\n", 0, end) + 1
            for rule in windowed:
                if rule.multiline:
                    # A windowed multi-line rule reads a document's context (kind: Secret,
                    # "kty"), which may stand before or after the values it finds.
                    span = (max(0, start - MULTILINE_WINDOW), min(size, start + MULTILINE_WINDOW))
                elif stop - start > LONG_LINE:
                    span = (max(start, end - LONG_LINE_WINDOW), min(stop, end + LONG_LINE_WINDOW))
                else:
                    span = (start, stop)
                spans = windows.get(rule)
                if spans is None:
                    windows[rule] = {span}
                else:
                    spans.add(span)
        for rule, spans in windows.items():
            regex = rule.regex
            for wstart, wend in spans:
                for m in regex.finditer(data, wstart, wend):
                    self._consider(rule, m, data, path, seen, found)
        if found:
            found = _not_baseline_hashes(data, found)
        return [self._finding(rule, value, data, path, s, e)
                for s, e, rule, value in _most_specific(found)]

    def _consider(self, rule: Rule, m: Match[bytes], data: bytes, path: str,
                  seen: set[tuple[str, int]], found: list[tuple[int, int, Rule, bytes]]) -> None:
        try:
            s, e = m.span(rule.secret_group)
        except IndexError:
            return
        if s < 0 or (rule.id, s) in seen:
            return
        seen.add((rule.id, s))
        value = data[s:e]
        if self._accept(rule, value, data, path, m, s, e):
            found.append((s, e, rule, value))

    def _accept(self, rule: Rule, value: bytes, data: bytes, path: str, m: Match[bytes], s: int,
                e: int) -> bool:
        if TYPE_CHECKING:  # what _lazy_modules returns, for the checker (a module has no type)
            from guard.detect import checks, filters
        else:
            filters, checks = _lazy_modules()
        if rule.generic:
            # first: most generic candidates are names and fail this cheaply
            if not filters.looks_like_generic_secret(value, data[m.start():s],
                                                     assignment=rule.syntax):
                return False
            if value.lower().startswith(self.near_miss):
                return False
        if rule.entropy and checks.shannon_entropy(value) < rule.entropy:
            return False
        if rule.allow and rule.allowed(value):
            return False
        if rule.not_after and rule.follows_excluded(data[max(0, m.start() - 24):m.start()]):
            return False
        if not all(checks.CHECKS[c](value) for c in rule.checks):
            return False
        if filters.is_placeholder(value):
            return False
        if rule.syntax and not self._syntax_ok(value, data, path, m, s, e):
            return False
        return not allowed_inline(data, s)

    def _syntax_ok(self, value: bytes, data: bytes, path: str, m: Match[bytes], s: int,
                   e: int) -> bool:
        from guard.detect import filters, syntax

        quoted = "q" in m.re.groupindex and bool(m.group("q"))
        # An unquoted value in code is a name or a call, never a literal; in prose it is a value
        # only when it mixes letters and digits ("password: required" is a word).
        if not quoted and not syntax.bare_values_are_strings(path) and not (
                syntax.is_text(path) and filters.has_letters_and_digits(value)
                and b"(" not in value):  # a call in prose about code: x = f(y)
            return False
        verdict = syntax.confirm(path, data, s, e)
        if verdict is None:  # no grammar for this file type, or it does not parse there
            return True
        return verdict

    def _finding(self, rule: Rule, value: bytes, data: bytes, path: str, s: int,
                 e: int) -> Finding:
        line_start = data.rfind(b"\n", 0, s) + 1
        line = data.count(b"\n", 0, s) + 1
        last_line_start = data.rfind(b"\n", 0, e) + 1 if b"\n" in value else line_start
        f = Finding(rule.id, rule.description, path, line=line,
                    column=_column(data, line_start, s),
                    end_column=_column(data, last_line_start, e) - 1,  # inclusive
                    confidence=rule.confidence, secret=value)
        f.end_line = line + value.count(b"\n")
        return f


_MODULES: tuple[ModuleType, ...] = ()


def _lazy_modules() -> tuple[ModuleType, ...]:
    """guard.detect.filters and guard.detect.checks, imported on the first match: most files have
    none, and a hook pays for every import."""
    global _MODULES
    if not _MODULES:
        from guard.detect import checks, filters

        _MODULES = (filters, checks)
    return _MODULES


def _not_baseline_hashes(data: bytes, found: list[tuple[int, int, Rule, bytes]]
                         ) -> list[tuple[int, int, Rule, bytes]]:
    """``found`` without the matches that are a baseline's hashes (see guard.detect.baselines).
    Imported only when something was found: most files have no match."""
    from guard.detect import baselines

    if not baselines.may_be_baseline(data):
        return found
    spans = baselines.hash_spans(data)
    if not spans:
        return found
    return [m for m in found if not baselines.within(spans, m[0], m[1])]


def _most_specific(matches: list[tuple[int, int, Rule, bytes]]) -> list[tuple[int, int, Rule,
                                                                            bytes]]:
    """One finding per value: where spans overlap, the rule with the highest priority wins."""
    ranked = sorted(matches, key=lambda m: (-m[2].priority, m[0]))
    kept: list[tuple[int, int, Rule, bytes]] = []
    for m in ranked:
        if not any(m[0] < k[1] and k[0] < m[1] for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: (m[0], m[2].id))


def _column(data: bytes, line_start: int, offset: int) -> int:
    """1-based column in characters (code points), not bytes."""
    prefix = data[line_start:offset]
    if prefix.isascii():
        return len(prefix) + 1
    return len(prefix.decode("utf-8", "replace")) + 1


def allowed_inline(data: bytes, offset: int) -> bool:
    """An allow pragma on the finding's line, or a next-line pragma on the line before."""
    start = data.rfind(b"\n", 0, offset) + 1
    stop = data.find(b"\n", offset)
    line = data[start:stop if stop != -1 else len(data)]
    if any(p in line for p in ALLOW_PRAGMAS):
        return True
    if start == 0:
        return False
    prev = data[data.rfind(b"\n", 0, start - 1) + 1:start]
    return any(p in prev for p in ALLOW_NEXTLINE)
