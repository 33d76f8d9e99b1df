"""User configuration: ``[tool.guard]`` in pyproject.toml, or the top level of ``.guard.toml``.

    [tool.guard]
    exclude = ["tests/fixtures/**"]   # gitignore patterns, relative to the config file; not scanned
    max-scan-size = 1073741824        # bytes; guard scan skips (and lists) larger files
    max-file-size = 2000000           # bytes; larger files get no redacted view, no hook or
                                      # editor check (guard scan reads them in windows)
    rules = ["ci/guard-rules"]        # extra rule files or directories, same TOML as rules/
    sensitive = ["deploy/*.secret"]   # extra sensitive paths (gitignore patterns)

    [tool.guard.allow]
    paths = ["docs/**"]               # findings under these paths are allowed
    rules = ["jwt"]                   # rules switched off
    fingerprints = ["3f1c…"]          # single findings allowed by fingerprint

    [tool.guard.model]                # the local model (guard.model.classify), off by default
    enabled = true
    path = "models/other.gguf"        # default: Gemma 3 270M from the llm extra
    method = "probe"                  # probe, fewshot or heuristic
    timeout = 10                      # seconds per file
    threshold = 0.5                   # score from which a file is sensitive
"""

from __future__ import annotations

import os

from guard.errors import GuardError

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing or collections costs a hook
if TYPE_CHECKING:
    from typing import Any

    from guard.patterns import GitIgnore

DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024  # what is read whole: views, hooks, the editor
DEFAULT_MAX_SCAN_SIZE = 1024 * 1024 * 1024  # guard scan reads bigger files in windows up to this
TOP_KEYS: dict[str, type] = {"exclude": list, "max-file-size": int, "max-scan-size": int,
                             "rules": list, "sensitive": list, "allow": dict, "agents": list,
                             "model": dict}
ALLOW_KEYS: dict[str, type] = {"paths": list, "rules": list, "fingerprints": list}
# The model table's keys: each with the types it accepts (an int timeout is as good as a float).
MODEL_KEYS: dict[str, tuple[type, ...]] = {"enabled": (bool,), "path": (str,), "method": (str,),
                                           "timeout": (int, float), "threshold": (int, float)}
MODEL_METHODS = ("probe", "fewshot", "heuristic")


class Config:
    def __init__(self, path: str | None = None, data: dict[str, Any] | None = None,
                 translated: dict[str, list[tuple[str, bool]]] | None = None,
                 base: str | None = None) -> None:
        """``base``: what relative paths of a config with no file are relative to (default: the
        current directory, which a long-running process such as the proxy may have lost)."""
        data = data or {}
        self.data = data
        self.path = path
        self.base = os.path.dirname(os.path.abspath(path)) if path else (base or os.getcwd())
        self.exclude: list[str] = data.get("exclude", [])
        self.max_file_size: int = data.get("max-file-size", DEFAULT_MAX_FILE_SIZE)
        self.max_scan_size: int = data.get("max-scan-size", DEFAULT_MAX_SCAN_SIZE)
        self.rule_paths: list[str] = [os.path.join(self.base, p) for p in data.get("rules", [])]
        self.sensitive: list[str] = data.get("sensitive", [])
        self.agents: list[str] = data.get("agents", [])
        self.model: dict[str, Any] = data.get("model", {})
        allow = data.get("allow", {})
        self.allow_paths: list[str] = allow.get("paths", [])
        self.allow_rules: frozenset[str] = frozenset(allow.get("rules", []))
        self.allow_fingerprints: frozenset[str] = frozenset(allow.get("fingerprints", []))
        self._exclude_spec: GitIgnore | None = None
        self._allow_spec: GitIgnore | None = None
        self._sensitive_spec: GitIgnore | None = None
        self._translated = translated or {}

    def relative(self, abspath: str) -> str:
        return matchable(os.path.relpath(abspath, self.base).replace(os.sep, "/"))

    def _spec(self, name: str, patterns: list[str]) -> GitIgnore:
        translated = self._translated.get(name)
        from guard.patterns import GitIgnore, translate  # only a config with patterns needs it

        return GitIgnore(translated if translated is not None else translate(patterns))

    def translated(self) -> dict[str, list[tuple[str, bool]]]:
        """The pattern lists as regexes, for the cache (so a hook never imports pathspec)."""
        from guard.patterns import translate

        return {"exclude": translate(self.exclude), "allow.paths": translate(self.allow_paths),
                "sensitive": translate(self.sensitive)}

    def excluded(self, abspath: str, is_dir: bool = False) -> bool:
        if not self.exclude:
            return False
        if self._exclude_spec is None:
            self._exclude_spec = self._spec("exclude", self.exclude)
        rel = self.relative(abspath)
        return self._exclude_spec.match(rel + "/" if is_dir else rel)

    def path_allowed(self, abspath: str) -> bool:
        if not self.allow_paths:
            return False
        if self._allow_spec is None:
            self._allow_spec = self._spec("allow.paths", self.allow_paths)
        return self._allow_spec.match(self.relative(abspath))

    def user_sensitive(self, abspath: str) -> bool:
        if not self.sensitive:
            return False
        if self._sensitive_spec is None:
            self._sensitive_spec = self._spec("sensitive", self.sensitive)
        return self._sensitive_spec.match(self.relative(abspath))


def matchable(rel: str) -> str:
    """``rel`` as pathspec can match it: a file name that is not UTF-8 (undecodable bytes arrive
    as surrogate escapes) gets U+FFFD for those bytes instead of failing to encode."""
    if rel.isascii():
        return rel
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return rel


def find_root(start: str) -> str:
    """The repository holding ``start`` (the first directory up with a .git), else ``start``.
    Path rules and configs are relative to it."""
    start = os.path.abspath(start)
    # as git does, never look in the directories GIT_CEILING_DIRECTORIES names, or above them
    ceilings = {os.path.abspath(c) for c in
                os.environ.get("GIT_CEILING_DIRECTORIES", "").split(os.pathsep) if c}
    d = start
    while True:
        if os.path.exists(os.path.join(d, ".git")):
            return d
        parent = os.path.dirname(d)
        if parent == d or parent in ceilings:
            return start
        d = parent


def find(start: str) -> str | None:
    """The nearest .guard.toml, or pyproject.toml with [tool.guard], from ``start`` up to the
    repository root (the first directory holding .git) or the filesystem root."""
    d = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start) or ".")
    while True:
        candidate = os.path.join(d, ".guard.toml")
        if os.path.isfile(candidate):
            return candidate
        pyproject = os.path.join(d, "pyproject.toml")
        if os.path.isfile(pyproject) and _mentions_tool_guard(pyproject):
            return pyproject
        parent = os.path.dirname(d)
        if parent == d or os.path.exists(os.path.join(d, ".git")):
            return None
        d = parent


def _mentions_tool_guard(path: str) -> bool:
    """A cheap look for a [tool.guard] table (no TOML parse, no regex: this runs on every call
    of a hook, and most pyproject.toml files have no such table)."""
    try:
        with open(path, "rb") as f:
            text = f.read()
    except OSError:
        return False
    return any(line.replace(b" ", b"").replace(b"\t", b"").startswith(b"[tool.guard")
               for line in text.splitlines() if b"tool" in line)


def load(path: str | None) -> Config:
    """Parse and validate a config file; any problem is a GuardError naming file and line.

    A valid config is cached (like the rule pack) with its patterns translated to regexes, so
    that a hook or pre-commit run neither parses TOML nor imports pathspec.
    """
    if path is None:
        return Config()
    from guard import cache

    identity = _identity(path)
    cached: tuple[dict[str, Any], dict[str, list[tuple[str, bool]]]] | None = \
        cache.cache_get("config", identity) if identity else None
    if cached is not None:
        data, translated = cached
        _check_rule_paths(data, path, "")
        return Config(path, data, translated)
    cfg = Config(path, _parse(path))
    if identity:
        cache.cache_put("config", identity, (cfg.data, cfg.translated()))
    return cfg


def _identity(path: str) -> str | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return f"{os.path.abspath(path)}\0{st.st_size}\0{st.st_mtime_ns}"


def _a(type_name: str) -> str:
    """``a str``, ``an int``: the type in an error message, with its article."""
    return ("an " if type_name[:1] in "aeiou" else "a ") + type_name


def read_toml(path: str, what: str) -> tuple[dict[str, Any], str]:
    """The TOML document at ``path`` and its text (for line numbers in errors); GuardError
    naming the file (``what`` it is) when it cannot be read or parsed."""
    import tomllib

    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as e:
        raise GuardError(f"invalid TOML: {e}", path) from None
    except (OSError, UnicodeDecodeError) as e:
        raise GuardError(f"cannot read {what}: {e}", path) from None


def _parse(path: str) -> dict[str, Any]:
    doc, text = read_toml(path, "config")
    table = ""
    data = doc
    if os.path.basename(path) == "pyproject.toml":
        table = "tool.guard"
        tool = doc.get("tool", {})
        section = tool.get("guard", {}) if isinstance(tool, dict) else None
        if not isinstance(section, dict):
            raise GuardError("tool.guard must be a table", path,
                             _line_of(text, "guard") or _line_of(text, "tool"))
        data = section
    _validate(data, TOP_KEYS, path, text, "", table)
    _validate(data.get("allow", {}), ALLOW_KEYS, path, text, "allow.",
              f"{table}.allow" if table else "allow")
    _validate_model(data.get("model", {}), path, text, f"{table}.model" if table else "model")
    _check_rule_paths(data, path, text, table)
    return data


def _validate_model(data: dict[str, Any], path: str, text: str, table: str) -> None:
    """The model table: booleans and floats are welcome here, unlike in the rest."""
    for key, value in data.items():
        line = _line_of(text, key, table)
        if key not in MODEL_KEYS:
            known = ", ".join(f"model.{k}" for k in MODEL_KEYS)
            raise GuardError(f"unknown setting model.{key!r} (known: {known})", path, line)
        kinds = MODEL_KEYS[key]
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise GuardError(f"model.{key} must be {' or '.join(_a(k.__name__) for k in kinds)}, "
                             f"not {type(value).__name__}", path, line)
    if data.get("method", "probe") not in MODEL_METHODS:
        raise GuardError(f"model.method must be one of {', '.join(MODEL_METHODS)}", path,
                         _line_of(text, "method", table))
    for key in ("timeout", "threshold"):
        if key in data and data[key] <= 0:
            raise GuardError(f"model.{key} must be positive", path, _line_of(text, key, table))


def _check_rule_paths(data: dict[str, Any], path: str, text: str, table: str = "") -> None:
    base = os.path.dirname(os.path.abspath(path))
    for ref in data.get("rules", []):
        if not os.path.exists(os.path.join(base, ref)):
            raise GuardError(f"rules: {ref!r} does not exist (relative to the config file)",
                             path, _line_of(text, "rules", table) if text else None)


def _validate(data: dict[str, Any], schema: dict[str, type], path: str, text: str, prefix: str,
              table: str = "") -> None:
    for key, value in data.items():
        line = _line_of(text, key, table)
        if key not in schema:
            known = ", ".join(prefix + k for k in sorted(schema))
            raise GuardError(f"unknown setting {prefix}{key!r} (known: {known})", path, line)
        kind = schema[key]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise GuardError(f"{prefix}{key} must be {_a(kind.__name__)}, "
                             f"not {type(value).__name__}", path, line)
        # value is now an instance of kind (list, int or dict, which no TOML value shares)
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            raise GuardError(f"{prefix}{key} must be a list of strings", path, line)
        if isinstance(value, int) and value <= 0:
            raise GuardError(f"{prefix}{key} must be positive", path, line)


def _line_of(text: str, key: str, table: str = "") -> int | None:
    """Line of ``key = …`` in ``[table]`` ("" for the top level), else anywhere in the file."""
    import re

    start, end = 0, len(text)
    if table:
        name = r"\s*\.\s*".join(re.escape(part) for part in table.split("."))
        header = re.search(rf"^\s*\[\s*{name}\s*\]", text, re.M)
        start = header.end() if header else end
    next_header = re.compile(r"^\s*\[", re.M).search(text, start)
    if next_header:
        end = next_header.start()
    # [ \t]*, not \s*: that would match from a blank line above the key, one line early
    rx = re.compile(rf"^[ \t]*\"?{re.escape(key)}\"?\s*=", re.M)
    m = rx.search(text, start, end) or rx.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else None
