"""The protection policy: which paths of a repository no AI assistant should read.

One policy feeds every assistant's manifest (``guard protect``) and the coverage table
(``guard doctor``). It is made of

- the path rules of the rule pack (gitignore patterns), with their template excludes
  (``.env.example`` and kin) as exceptions;
- the config's own ``sensitive`` patterns;
- the files of the tree in which a scan finds secrets, each named exactly.

Every line is gitignore syntax relative to the repository root, and the order is fixed (rule-pack
order, then sorted paths), so that rendering the same tree twice gives the same bytes.

An assistant whose dialect has no ``!`` cannot re-include a template after a broad pattern such
as ``.env.*``. For those, ``lines(negation=False)`` replaces each pattern that would hide a
template present in the tree by the tree's sensitive files that it matches, one by one: the
template stays readable, at the price that a new file of that kind is covered only once
``guard protect`` runs again (``guard protect --check`` reports the manifest as stale until then).
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field

from guard import config as config_mod
from guard import git
from guard.detect import ruleset
from guard.judge import USER_SENSITIVE, Judge
from guard.sources import walk

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

    import pathspec

SECTIONS = {
    "rules": "sensitive files (Guard's path rules)",
    "templates": "templates that document a file's shape stay readable",
    "config": "sensitive paths from the config (sensitive = [...])",
    "secrets": "files in which guard scan found secrets",
    "pinned": "sensitive files that an exception above would re-include",
    "listed": "listed one by one: the pattern would also hide a template",
}


@dataclass(frozen=True)
class Line:
    """One gitignore line of the policy. ``path`` is set when the line names one file;
    ``origin`` is the pattern a ``listed`` line stands in for."""

    pattern: str
    section: str
    path: str = ""
    origin: str = ""

    @property
    def negated(self) -> bool:
        return self.pattern.startswith("!")


@dataclass
class Policy:
    root: str
    rules: list[tuple[str, list[str], list[str]]] = field(default_factory=list)
    user: list[str] = field(default_factory=list)
    sensitive: dict[str, str] = field(default_factory=dict)  # path -> why (rule id, "config")
    secrets: dict[str, list[str]] = field(default_factory=dict)  # path -> secret rule ids
    templates: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _lines: dict[bool, list[Line]] = field(default_factory=dict, repr=False)

    def files(self) -> list[str]:
        """Every file of the tree that the policy protects, sorted."""
        return sorted(set(self.sensitive) | set(self.secrets))

    def reason(self, path: str) -> str:
        if path in self.secrets:
            return "secret: " + ", ".join(self.secrets[path])
        return self.sensitive.get(path, "")

    def lines(self, negation: bool = True) -> list[Line]:
        """The policy as gitignore lines, for a dialect with or without ``!``."""
        if negation not in self._lines:
            self._lines[negation] = self._make_lines(negation)
        return list(self._lines[negation])

    def _make_lines(self, negation: bool) -> list[Line]:
        out = _rule_lines(self) if negation else _rule_lines_without_negation(self)
        if negation:
            out += _unique(Line("!" + e, "templates") for _, _, excludes in self.rules
                           for e in excludes)
        # a user's "!" cannot be said without negation: leaving it out protects more, not less
        out += [Line(u, "config") for u in self.user if negation or not u.startswith("!")]
        spec = compile_lines([line.pattern for line in out])
        out += [Line(anchored(p), "secrets", p) for p in sorted(self.secrets)
                if not spec.match_file(p)]
        if negation:  # an exception of one rule may re-include another rule's file
            spec = compile_lines([line.pattern for line in out])
            out += [Line(anchored(p), "pinned", p) for p in self.files()
                    if not spec.match_file(p)]
        return out


def _unique(lines: Iterable[Line]) -> list[Line]:
    seen: set[str] = set()
    out = []
    for line in lines:
        if line.pattern not in seen:
            seen.add(line.pattern)
            out.append(line)
    return out


def _rule_lines(policy: Policy) -> list[Line]:
    return _unique(Line(p, "rules") for _, patterns, _ in policy.rules for p in patterns)


def _rule_lines_without_negation(policy: Policy) -> list[Line]:
    out: list[Line] = []
    files = policy.files()
    for line in _rule_lines(policy):
        spec = compile_lines([line.pattern])
        if not any(spec.match_file(t) for t in policy.templates):
            out.append(line)
            continue
        out += [Line(anchored(p), "listed", p, origin=line.pattern) for p in files
                if p in policy.sensitive and spec.match_file(p)]
    return _unique(out)


# --- gitignore helpers -------------------------------------------------------------------------


def compile_lines(lines: list[str]) -> pathspec.PathSpec[pathspec.Pattern]:
    """A pathspec matcher with gitignore's own semantics (last match wins, ``!`` re-includes)."""
    return _compile(tuple(ln for ln in lines if ln))


@functools.lru_cache(maxsize=512)
def _compile(lines: tuple[str, ...]) -> pathspec.PathSpec[pathspec.Pattern]:
    import pathspec

    # The "simple" backend (Python regexes): the Hyperscan one spends ~60 ms compiling each
    # spec, and the policy and the per-assistant checks compile hundreds of small ones.
    return pathspec.PathSpec.from_lines("gitignore", lines, backend="simple")


_SPECIAL = re.compile(r"([\\*?\[\]])")


def escape(path: str) -> str:
    """A literal path as a gitignore pattern: wildcards and backslashes escaped, and trailing
    spaces kept (gitignore drops unescaped ones)."""
    escaped = _SPECIAL.sub(r"\\\1", path)
    stripped = escaped.rstrip(" ")
    return stripped + "\\ " * (len(escaped) - len(stripped))


def anchored(path: str) -> str:
    """The gitignore line that matches exactly the file ``path`` (relative to the root)."""
    return "/" + escape(path)


def rebase(pattern: str, prefix: str) -> str:
    """A gitignore pattern written relative to directory ``prefix`` (relative to the root),
    rewritten relative to the root."""
    if not prefix:
        return pattern
    negate, body = ("!", pattern[1:]) if pattern.startswith("!") else ("", pattern)
    if "/" in body.rstrip("/"):  # anchored to the directory of the file that holds it
        return f"{negate}/{prefix}/{body.lstrip('/')}"
    return f"{negate}/{prefix}/**/{body}"


# --- building the policy from a tree -----------------------------------------------------------


def build(root: str, cfg: config_mod.Config, *, gitignore: bool = True, jobs: int = 0,
          pack: ruleset.RuleSet | None = None) -> Policy:
    """Scan the tree at ``root`` and derive the policy from the rules, the config and the scan."""
    root = os.path.abspath(root)
    judge = Judge(cfg, pack=pack, root=root)
    policy = Policy(root)
    policy.rules = [(r.id, list(r.patterns), list(r.exclude)) for r in judge.pack.paths
                    if r.id not in cfg.allow_rules]
    prefix = os.path.relpath(cfg.base, root).replace(os.sep, "/")
    if prefix == "." or prefix.startswith(".."):
        prefix = ""
    policy.user = [rebase(p, prefix) for p in cfg.sensitive]
    entries = tree_entries(root, cfg, gitignore)
    _classify(policy, judge, entries)
    _scan_secrets(policy, judge, entries, jobs)
    return policy


def tree_entries(root: str, cfg: config_mod.Config, gitignore: bool = True) -> list[walk.Entry]:
    """The files an assistant can open: what git shows, plus files ignored one by one (a .env is
    usually ignored and is exactly what needs protecting). Wholly ignored directories
    (node_modules/, .venv/) are left out unless ``gitignore`` is off; outside a git repository
    every file counts."""
    ignored = git.ignored_files(root) if gitignore else None
    entries = {e.path: e for e in walk.walk(root, cfg, use_gitignore=ignored is not None)}
    for rel in ignored or ():
        abspath = os.path.join(root, rel)
        if rel not in entries and not cfg.excluded(abspath):
            entries[rel] = walk.classify(abspath, rel, cfg.max_file_size)
    return [entries[p] for p in sorted(entries)]


def _classify(policy: Policy, judge: Judge, entries: list[walk.Entry]) -> None:
    """Sort the tree's files into sensitive ones and templates (files a rule's patterns match
    but its excludes let through)."""
    rules = [r for r in judge.pack.paths if r.id not in judge.config.allow_rules]
    includes = [(r.literals, compile_lines(r.patterns)) for r in rules]
    for e in entries:
        if e.reason == walk.MISSING:
            continue
        if "\n" in e.path or "\r" in e.path:
            policy.warnings.append(f"{e.path!r}: a file name with a line break cannot be "
                                   "written into an ignore file")
            continue
        path = config_mod.matchable(e.path)
        verdict = judge.path_rule(e.path, e.abspath)
        if verdict is not None:
            policy.sensitive[e.path] = "config" if verdict.rule_id == USER_SENSITIVE else \
                verdict.rule_id
        elif any(any(lit in path for lit in literals) and spec.match_file(path)
                 for literals, spec in includes):
            policy.templates.append(e.path)


def _scan_secrets(policy: Policy, judge: Judge, entries: list[walk.Entry], jobs: int) -> None:
    from guard.scan import scanner

    readable = [e for e in entries if not e.reason]
    judge.expected_bytes = sum(e.size for e in readable)
    scan = scanner.Scanner(judge)
    result = scanner.scan_entries(scan, readable, jobs=jobs)
    scan.finish(result)  # a file the local model judges sensitive is protected like a secret
    for f in result.findings:
        if f.kind != "secret" or "\n" in f.path or "\r" in f.path:
            continue
        rules = policy.secrets.setdefault(f.path, [])
        if f.rule_id not in rules:
            rules.append(f.rule_id)
    if policy.templates:
        policy.templates = [t for t in policy.templates if t not in policy.secrets]

