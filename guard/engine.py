"""Detection: bytes in, Findings out. Every front door calls this and nothing else detects.

For each buffer: the prefilter finds rule keywords; each rule whose keyword occurs runs its regex
only on the lines around those keywords (a minified line is cut to a window around the keyword);
matches then pass the rule's entropy floor and checks, the placeholder filters, inline allow
pragmas and, for syntax rules, a tree-sitter look at what the literal is assigned to.
"""

from __future__ import annotations

from guard.finding import Finding
from guard.ruleset import Rule, RuleSet

# A line longer than this (minified code, one-line JSON) is searched only near each keyword.
LONG_LINE = 4096
LONG_LINE_WINDOW = 1024
MULTILINE_WINDOW = 32 * 1024

ALLOW_PRAGMAS = (b"pragma: allowlist secret", b"guard: allow")
ALLOW_NEXTLINE = (b"pragma: allowlist nextline secret", b"guard: allow-next-line")


class Engine:
    def __init__(self, ruleset: RuleSet, expected_bytes: int = 0,
                 disabled: frozenset[str] = frozenset()) -> None:
        from guard import prefilter

        self.ruleset = ruleset
        self.rules = [r for r in ruleset.rules if r.id not in disabled]
        keywords: list[str] = []
        self.keyword_rules: list[list[Rule]] = []
        index: dict[str, int] = {}
        for rule in self.rules:
            for kw in rule.keywords:
                if kw not in index:
                    index[kw] = len(keywords)
                    keywords.append(kw)
                    self.keyword_rules.append([])
                self.keyword_rules[index[kw]].append(rule)
        cache = None
        if expected_bytes > prefilter.SMALL_SCAN_BYTES:
            import hashlib

            from guard.ruleset import cache_dir

            digest = hashlib.sha256("\0".join(keywords).encode()).hexdigest()[:24]
            cache = f"{cache_dir()}/keywords-{digest}.hsdb"
        self.prefilter = prefilter.build(keywords, expected_bytes, cache)

    def scan(self, data: bytes, path: str) -> list[Finding]:
        """Secrets in ``data``, the content of ``path`` (used for messages and syntax)."""
        hits = self.prefilter.hits(data)
        if not hits:
            return []
        windows: dict[Rule, set[tuple[int, int]]] = {}
        size = len(data)
        for kw_index, end in hits:
            start = data.rfind(b"\n", 0, end) + 1
            stop = data.find(b"\n", end)
            if stop == -1:
                stop = size
            for rule in self.keyword_rules[kw_index]:
                if rule.multiline:
                    span = (start, min(size, start + MULTILINE_WINDOW))
                elif stop - start > LONG_LINE:
                    span = (max(start, end - LONG_LINE_WINDOW), min(stop, end + LONG_LINE_WINDOW))
                else:
                    span = (start, stop)
                windows.setdefault(rule, set()).add(span)
        matches: list[tuple[int, int, Rule, bytes]] = []
        seen: set[tuple[str, int]] = set()
        for rule, spans in windows.items():
            regex = rule.regex
            for wstart, wend in sorted(spans):
                for m in regex.finditer(data, wstart, wend):
                    try:
                        s, e = m.span(rule.secret_group)
                    except IndexError:
                        continue
                    if s < 0 or (rule.id, s) in seen:
                        continue
                    seen.add((rule.id, s))
                    value = data[s:e]
                    if self._accept(rule, value, data, path, m, s, e):
                        matches.append((s, e, rule, value))
        return [self._finding(rule, value, data, path, s, e)
                for s, e, rule, value in _most_specific(matches)]

    def _accept(self, rule: Rule, value: bytes, data: bytes, path: str, m, s: int,
                e: int) -> bool:
        # Imported here: most files have no match at all, and a hook pays for every import.
        from guard import filters
        from guard.checks import CHECKS, shannon_entropy

        if rule.entropy and shannon_entropy(value) < rule.entropy:
            return False
        if rule.allow and rule.allowed(value):
            return False
        if not all(CHECKS[c](value) for c in rule.checks):
            return False
        if filters.is_placeholder(value):
            return False
        if rule.syntax and not self._syntax_ok(rule, value, data, path, m, s, e):
            return False
        return not allowed_inline(data, s)

    def _syntax_ok(self, rule: Rule, value: bytes, data: bytes, path: str, m, s: int,
                   e: int) -> bool:
        from guard import filters, syntax

        if not filters.looks_like_generic_secret(value):
            return False

        quoted = "q" in m.re.groupindex and bool(m.group("q"))
        verdict = syntax.confirm(path, data, s, e)
        if verdict is None:  # no grammar for this file type: trust the regex, quoted or config
            return quoted or syntax.bare_values_are_strings(path)
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
