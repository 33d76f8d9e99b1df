"""Load the rule pack (TOML in ``rules/``) into Rule and PathRule objects.

Parsing TOML, validating and translating gitignore patterns costs more than a hook can afford on
every call, so the validated pack is cached as ``marshal`` data keyed by the rule files' sizes and
mtimes. Regexes compile lazily: a rule whose keywords never occur is never compiled.
"""

from __future__ import annotations

import os
import sys

from guard import cache
from guard.errors import GuardError

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing or collections costs a hook
if TYPE_CHECKING:
    from re import Pattern
    from typing import Any

    from guard.detect.prefilter import Prefilter

    # One [[rule]] or [[path]] table as parsed and validated (keys: RULE_KEYS, PATH_KEYS and the
    # computed "_origin", "_include", "_exclude", "_literals").
    RuleTable = dict[str, Any]
    # The validated pack as the cache keeps it: the rule tables, then the path rule tables.
    Pack = tuple[list[RuleTable], list[RuleTable]]
    # What cache_put keeps: a tuple of marshal-able containers.
    Cached = tuple[dict[str, Any] | list[Any], ...]

CONFIDENCES = ("low", "medium", "high")
RULE_KEYS = {
    "id", "description", "provider", "source", "keywords", "regex", "secret_group",
    "entropy", "checks", "confidence", "multiline", "syntax", "examples", "allow", "anchor",
    "generic", "not_after",
}
PATH_KEYS = {"id", "description", "patterns", "exclude", "examples", "confidence"}
CACHE_VERSION = 7


class Rule:
    """A secret rule: keywords gate it, its regex finds candidates, checks confirm them."""

    __slots__ = (
        "_allow",
        "_regex",
        "allow",
        "anchor",
        "checks",
        "confidence",
        "description",
        "entropy",
        "examples",
        "generic",
        "id",
        "keywords",
        "multiline",
        "not_after",
        "origin",
        "pattern",
        "provider",
        "secret_group",
        "source",
        "syntax",
    )

    def __init__(self, d: RuleTable) -> None:
        self.id: str = d["id"]
        self.description: str = d["description"]
        self.provider: str = d.get("provider", "")
        self.source: str = d.get("source", "")
        self.keywords: list[str] = d["keywords"]
        self.pattern: str = d["regex"]
        self.secret_group: int | str = d.get("secret_group", 1)
        self.entropy: float = d.get("entropy", 0.0)
        self.checks: list[str] = d.get("checks", [])
        self.confidence: str = d.get("confidence", "medium")
        self.multiline: bool = d.get("multiline", False)
        self.syntax: bool = d.get("syntax", False)
        self.anchor: bool = d.get("anchor", False)
        # Judged by the value's shape alone (no provider format to check it against): a syntax
        # rule always is, and so is a rule for a structure (an XML element, a command-line flag).
        self.generic: bool = d.get("generic", False) or self.syntax
        self.examples: dict[str, list[str]] = d.get("examples", {})
        self.allow: list[str] = d.get("allow", [])
        # Words the text just before the match must not end with, a "_" or "-" between them
        # and the match aside (an anchored rule cannot look back with lookbehinds of many
        # lengths without paying for them at every compile).
        self.not_after: tuple[bytes, ...] = tuple(w.encode() for w in d.get("not_after", []))
        self.origin: tuple[str, int] = _origin(d)
        # compiled on first use: most rules never run in a given scan
        self._regex: Pattern[bytes] | None = None
        self._allow: list[Pattern[bytes]] | None = None

    @property
    def regex(self) -> Pattern[bytes]:
        if self._regex is None:
            import re

            self._regex = re.compile(self.pattern.encode())
        return self._regex

    def allowed(self, value: bytes) -> bool:
        """True when one of the rule's ``allow`` patterns marks the value as a known non-secret."""
        if self._allow is None:
            import re

            self._allow = [re.compile(a.encode()) for a in self.allow]
        return any(a.search(value) for a in self._allow)

    def follows_excluded(self, before: bytes) -> bool:
        """True when ``before`` (the text just before the match) ends with a ``not_after``
        word."""
        return before.lower().rstrip(b"_-").endswith(self.not_after)

    @property
    def priority(self) -> int:
        """Which rule reports a value several rules match: provider, then shape, then the rules
        that know a value only by where it stands: a structure (an XML element, a command-line
        flag, a connection string) before a secret-named assignment."""
        if self.provider:
            return 3
        if not self.generic:
            return 2
        if self.confidence == "low":
            return -1  # a guess from context (a provider's name nearby) yields to any reading
        return 0 if self.syntax else 1

    def __repr__(self) -> str:
        return f"Rule({self.id!r})"


class PathRule:
    """A sensitive-file rule: a path matching ``patterns`` and none of ``exclude`` is sensitive."""

    __slots__ = (
        "_exclude_rx",
        "_include_rx",
        "_sources",
        "confidence",
        "description",
        "examples",
        "exclude",
        "id",
        "literals",
        "origin",
        "patterns",
    )

    def __init__(self, d: RuleTable) -> None:
        self.id: str = d["id"]
        self.description: str = d["description"]
        self.patterns: list[str] = d["patterns"]
        self.exclude: list[str] = d.get("exclude", [])
        self.examples: dict[str, list[str]] = d.get("examples", {})
        self.confidence: str = d.get("confidence", "high")
        self.origin: tuple[str, int] = _origin(d)
        # Compiling the translated patterns costs more than a whole hook call, so each rule
        # compiles only once a literal piece of one of its patterns occurs in a path.
        self.literals: tuple[str, ...] = tuple(d.get("_literals", ("",)))
        self._sources: tuple[str | None, str | None] = (d.get("_include"), d.get("_exclude"))
        self._include_rx: Pattern[str] | None = None
        self._exclude_rx: Pattern[str] | None = None

    def matches(self, relpath: str) -> bool:
        """True when the POSIX path (relative to the scanned root) is this kind of file."""
        for literal in self.literals:
            if literal in relpath:
                return self.matches_pattern(relpath)
        return False

    def matches_pattern(self, relpath: str) -> bool:
        """The gitignore match itself, for a path already known to contain a literal."""
        if self._include_rx is None:
            import re

            include, exclude = self._sources
            self._include_rx = re.compile(include or "(?!)")
            self._exclude_rx = re.compile(exclude) if exclude else None
        if not self._include_rx.match(relpath):
            return False
        return not (self._exclude_rx and self._exclude_rx.match(relpath))

    def __repr__(self) -> str:
        return f"PathRule({self.id!r})"


def _origin(d: RuleTable) -> tuple[str, int]:
    """Where a rule was defined: (file, line), ("", 0) when unknown (a pack from the cache)."""
    path, line = d.get("_origin", ("", 0))
    return path, line


class RuleSet:
    def __init__(self, rules: list[Rule], paths: list[PathRule]) -> None:
        self.rules = rules
        self.paths = paths
        self.by_id = {r.id: r for r in rules}
        self._literals: tuple[list[str], list[list[PathRule]], frozenset[PathRule]] | None = None

    def path_rule_for(self, relpath: str, prefilter: Prefilter | None = None) -> PathRule | None:
        """The first path rule matching ``relpath``. With a prefilter built over
        ``path_literals()`` (worth it for a whole tree), one pass finds the candidate rules."""
        if prefilter is None:
            for rule in self.paths:
                if rule.matches(relpath):
                    return rule
            return None
        _, owners, always = self.path_literals()
        hits = prefilter.hits(relpath.encode("utf-8", "surrogateescape"))
        if not hits and not always:
            return None
        candidates = {rule for index, _ in hits for rule in owners[index]}
        for rule in self.paths:
            if (rule in candidates or rule in always) and rule.matches_pattern(relpath):
                return rule
        return None

    def path_literals(self) -> tuple[list[str], list[list[PathRule]], frozenset[PathRule]]:
        """Every path rule literal, which rules each one admits, and the rules with a pattern
        that has no literal at all (they are always candidates)."""
        if self._literals is None:
            index: dict[str, int] = {}
            owners: list[list[PathRule]] = []
            always = frozenset(r for r in self.paths if "" in r.literals)
            for rule in self.paths:
                for literal in rule.literals:
                    if not literal:
                        continue
                    if literal not in index:
                        index[literal] = len(owners)
                        owners.append([])
                    owners[index[literal]].append(rule)
            self._literals = (list(index), owners, always)
        return self._literals


def rules_dir() -> str:
    import guard.rules

    init: str = guard.rules.__file__  # a data package (package-dir): mypy has no view of it
    return os.path.dirname(init)


def rule_files(directory: str) -> list[str]:
    found: list[str] = []
    for root, _dirs, files in os.walk(directory):
        found.extend(os.path.join(root, f) for f in files if f.endswith(".toml"))
    return sorted(found)


def load(extra_dirs: tuple[str, ...] = (), use_cache: bool = True) -> RuleSet:
    """The shipped rule pack plus rule files from ``extra_dirs`` (user rules in config)."""
    files = rule_files(rules_dir())
    for d in extra_dirs:
        files.extend(rule_files(d) if os.path.isdir(d) else [d])
    data = _load_cached(files) if use_cache else None
    if data is None:
        data = _parse_files(files)
        if use_cache:
            _store_cache(files, data)
    rules, paths = data
    return RuleSet([Rule(d) for d in rules], [PathRule(d) for d in paths])


def _identity(files: list[str]) -> str:
    """What the cached pack was built from: the rule files, their sizes and mtimes."""
    parts = [f"{CACHE_VERSION}{sys.version_info[:2]}"]
    for f in files:
        st = os.stat(f)
        parts.append(f"{f}\0{st.st_size}\0{st.st_mtime_ns}")
    return "\n".join(parts)


def _load_cached(files: list[str]) -> Pack | None:
    cached: Pack | None = cache.cache_get("rules", _identity(files))
    return cached


def _store_cache(files: list[str], data: Pack) -> None:
    # Examples and origins serve the rule tests and error messages, which parse the TOML
    # themselves; a hook need not load them.
    drop = ("examples", "_origin")
    cache.cache_put("rules", _identity(files),
              ([{k: v for k, v in d.items() if k not in drop} for d in data[0]],
               [{k: v for k, v in d.items() if k not in drop} for d in data[1]]))


# --- parsing and validation --------------------------------------------------------------------


def _line_of(text: str, key: str, value: str) -> int:
    """Line where ``key = "value"`` stands in a TOML file, for error messages."""
    import re

    m = re.search(rf"^\s*{re.escape(key)}\s*=\s*['\"]{re.escape(value)}['\"]", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else 0


def _parse_files(files: list[str]) -> Pack:
    from guard.config import read_toml

    rules: list[RuleTable] = []
    paths: list[RuleTable] = []
    seen: dict[str, str] = {}
    for path in files:
        doc, text = read_toml(path, "rule file")
        unknown = set(doc) - {"rule", "path"}
        if unknown:
            raise GuardError(f"unknown table(s) {sorted(unknown)}; expected [[rule]] or [[path]]",
                             path)
        for d in doc.get("rule", []):
            line = _line_of(text, "id", str(d.get("id", "")))
            rules.append(_validate_rule(d, path, line))
        for d in doc.get("path", []):
            line = _line_of(text, "id", str(d.get("id", "")))
            paths.append(_validate_path(d, path, line))
        for d in doc.get("rule", []) + doc.get("path", []):
            if d["id"] in seen:
                raise GuardError(f"duplicate rule id {d['id']!r} (also in {seen[d['id']]})",
                                 path, _line_of(text, "id", d["id"]))
            seen[d["id"]] = path
    return rules, paths


def _require(d: RuleTable, key: str, kind: type, path: str, line: int) -> None:
    if key not in d:
        raise GuardError(f"rule {d.get('id', '?')!r} lacks required key {key!r}", path, line)
    if not isinstance(d[key], kind):
        raise GuardError(f"rule {d.get('id', '?')!r}: {key!r} has the wrong type", path, line)


def _validate_examples(d: RuleTable, path: str, line: int) -> None:
    ex = d.get("examples")
    if not isinstance(ex, dict) or not ex.get("positive") or not ex.get("negative"):
        raise GuardError(f"rule {d['id']!r} needs examples.positive and examples.negative",
                         path, line)


def _validate_rule(d: RuleTable, path: str, line: int) -> RuleTable:
    import re

    from guard.detect.checks import CHECKS

    for key, kind in (("id", str), ("description", str), ("regex", str), ("keywords", list)):
        _require(d, key, kind, path, line)
    unknown = set(d) - RULE_KEYS
    if unknown:
        raise GuardError(f"rule {d['id']!r}: unknown key(s) {sorted(unknown)}", path, line)
    if not d["keywords"] or not all(isinstance(k, str) and k for k in d["keywords"]):
        raise GuardError(f"rule {d['id']!r}: keywords must be a non-empty list of strings",
                         path, line)
    d["keywords"] = [k.lower() for k in d["keywords"]]
    try:
        rx = re.compile(d["regex"].encode())
    except re.error as e:
        raise GuardError(f"rule {d['id']!r}: bad regex: {e}", path, line) from None
    group = d.get("secret_group", 1)
    if isinstance(group, int) and group > rx.groups:
        raise GuardError(f"rule {d['id']!r}: regex has no group {group}", path, line)
    if isinstance(group, str) and group not in rx.groupindex:
        raise GuardError(f"rule {d['id']!r}: regex has no group named {group!r}", path, line)
    for check in d.get("checks", []):
        if check not in CHECKS:
            raise GuardError(f"rule {d['id']!r}: unknown check {check!r} "
                             f"(known: {', '.join(sorted(CHECKS))})", path, line)
    if d.get("confidence", "medium") not in CONFIDENCES:
        raise GuardError(f"rule {d['id']!r}: confidence must be one of {CONFIDENCES}", path, line)
    words = d.get("not_after", [])
    if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
        raise GuardError(f"rule {d['id']!r}: not_after must be a list of words", path, line)
    for a in d.get("allow", []):
        try:
            re.compile(a.encode())
        except re.error as e:
            raise GuardError(f"rule {d['id']!r}: bad allow regex {a!r}: {e}", path, line) from None
    _validate_examples(d, path, line)
    d["_origin"] = [path, line]
    return d


def _literal_of(pattern: str) -> str:
    """The longest piece of a gitignore pattern without wildcards: a path that does not contain
    it cannot match. A leading slash is dropped ("**/.aws" also matches ".aws" at the root)."""
    import re

    pieces = [p.strip("/") for p in re.split(r"[*?\[\]\\]", pattern.lstrip("!"))]
    return max(pieces, key=len, default="")


def _validate_path(d: RuleTable, path: str, line: int) -> RuleTable:
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

    for key, kind in (("id", str), ("description", str), ("patterns", list)):
        _require(d, key, kind, path, line)
    unknown = set(d) - PATH_KEYS
    if unknown:
        raise GuardError(f"path rule {d['id']!r}: unknown key(s) {sorted(unknown)}", path, line)
    _validate_examples(d, path, line)

    def combined(patterns: list[str]) -> str | None:
        parts = []
        for p in patterns:
            rx, include = GitIgnoreSpecPattern.pattern_to_regex(p)
            if rx is None:
                continue
            if include is False:
                raise GuardError(f"path rule {d['id']!r}: use 'exclude' instead of '!{p[1:]}'",
                                 path, line)
            parts.append("(?:" + rx.replace("(?P<ps_d>", "(?:") + ")")
        return "|".join(parts) or None

    d["_include"] = combined(d["patterns"])
    literals = {_literal_of(p) for p in d["patterns"]}
    # ".env" in a path already admits every path that ".env." would: keep the shortest.
    d["_literals"] = sorted(a for a in literals if not any(b != a and b in a for b in literals))
    d["_exclude"] = combined(d.get("exclude", []))
    d["_origin"] = [path, line]
    return d
