"""What the language server publishes for one document, as plain functions of its path and text.

Nothing here knows about the protocol's transport: ``guard.lsp.server`` feeds these functions the
open buffer and sends back what they return. Detection is the engine's, exactly as ``guard scan``
runs it (same rules, same config, same allow pragmas and fingerprints); this module turns findings
into diagnostics, and says which files are sensitive and which assistants can still read them.
Secret values never leave it: messages carry the masked preview. Hovers and edits are
``guard.lsp.actions``'s.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from lsprotocol import types

from guard import agents as agents_mod
from guard import config as config_mod
from guard.detect import formats
from guard.detect.finding import Finding
from guard.errors import GuardError
from guard.judge import Judge
from guard.protect import manifest

TYPE_CHECKING = False
if TYPE_CHECKING:
    from guard.detect.ruleset import RuleSet

SOURCE = "guard"
SEVERITY = {"high": types.DiagnosticSeverity.Error, "medium": types.DiagnosticSeverity.Warning,
            "low": types.DiagnosticSeverity.Information}
CONFIG_NAMES = (".guard.toml", "pyproject.toml")


@dataclass
class Context:
    """What analysing a file needs, built once per config file version: the repository root
    and the judge (the config, the rule pack and an engine without the rules the config
    switches off), which answers as it does for every other door."""

    root: str
    judge: Judge
    config_file: str | None = None  # the config file found for the document, if any
    # Why that file cannot be used, when it cannot: the judge is then the last good version's
    # (or Guard's defaults, when it never loaded), so that the other files keep their answers.
    error: GuardError | None = None
    serving: str = ""  # what answers meanwhile: "its last good version" or "Guard's defaults"

    @property
    def config(self) -> config_mod.Config:
        return self.judge.config

    @property
    def pack(self) -> RuleSet:
        return self.judge.pack


# (root, config file, its stamp) -> the context built for them
_CONTEXTS: dict[tuple[str, str | None, tuple[int, int] | None], Context] = {}
# (root, config file) -> the last context built from a config that loaded
_LAST_GOOD: dict[tuple[str, str | None], Context] = {}


def context_for(path: str, fallback_root: str | None = None) -> Context:
    """The context of the file at ``path``. Keyed by the config file's size and mtime, so that
    an edited .guard.toml takes effect on the next call without a restart. A config that does
    not load never raises here: the context carries the error, with the last good config's
    judge (or the defaults')."""
    directory = os.path.dirname(os.path.abspath(path))
    root = config_mod.find_root(directory)
    if not os.path.exists(os.path.join(root, ".git")) and fallback_root:
        root = fallback_root
    cfg_path = config_mod.find(directory)
    key = (root, cfg_path, _stamp(cfg_path))
    ctx = _CONTEXTS.get(key)
    if ctx is None:
        try:
            ctx = Context(root, _judge(cfg_path, root), cfg_path)
            if len(_LAST_GOOD) > 16:
                _LAST_GOOD.clear()
            _LAST_GOOD[(root, cfg_path)] = ctx
        except GuardError as e:
            good = _LAST_GOOD.get((root, cfg_path))
            if good is not None:
                ctx = Context(root, good.judge, cfg_path, e, "its last good version")
            else:
                ctx = Context(root, _judge(None, root), cfg_path, e, "Guard's defaults")
        if len(_CONTEXTS) > 16:  # a long session across many configs: start over
            _CONTEXTS.clear()
        _CONTEXTS[key] = ctx
    return ctx


def _judge(cfg_path: str | None, root: str) -> Judge:
    # A server lives long and rescans on every pause in typing: the Hyperscan prefilter's
    # one-off compile (cached on disk) pays for itself, as it does for a large scan.
    from guard.detect.prefilter import SMALL_SCAN_BYTES

    return Judge(config_mod.load(cfg_path), root=root, expected_bytes=SMALL_SCAN_BYTES + 1)


def _stamp(path: str | None) -> tuple[int, int] | None:
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def is_config_file(path: str) -> bool:
    return os.path.basename(path) in CONFIG_NAMES


# --- the config's own errors -------------------------------------------------------------------

# tomllib says where a syntax error is in its message only: "... (at line 3, column 9)"
_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def error_file(ctx: Context) -> str | None:
    """The file the context's config error is in: the one the error names (the config, or a
    rules file it refers to), else the config file; None without an error."""
    if ctx.error is None:
        return None
    return os.path.abspath(ctx.error.path) if ctx.error.path else ctx.config_file


def error_position(error: GuardError, lines: list[str]) -> tuple[int, int | None]:
    """The error's 0-based line and code point column (None: the whole line)."""
    if error.line:
        return error.line - 1, (error.column - 1 if error.column else None)
    text = str(error)
    m = _TOML_AT.search(text)
    if m:
        return int(m.group(1)) - 1, int(m.group(2)) - 1
    if "at end of document" in text:
        last = max((i for i, line in enumerate(lines) if line.strip()), default=0)
        return last, None
    return 0, None


def error_message(error: GuardError) -> str:
    """The error without the ``path:line:`` it starts with: the diagnostic stands there."""
    text = str(error)
    if error.path:
        where = error.path
        if error.line:
            where += f":{error.line}:{error.column}" if error.column else f":{error.line}"
        text = text.removeprefix(f"{where}: ")
    return text


def config_error_diagnostic(ctx: Context, lines: list[str]) -> types.Diagnostic:
    """The context's config error, on the line of the file it is in that it names."""
    assert ctx.error is not None
    index, column = error_position(ctx.error, lines)
    text = line_at(lines, index).rstrip("\r")
    start = utf16_units(text, column) if column is not None and column < len(text) else 0
    end = max(start, utf16_units(text, len(text)))
    return types.Diagnostic(
        range=types.Range(start=types.Position(index, start), end=types.Position(index, end)),
        message=f"{error_message(ctx.error)}. Guard uses {ctx.serving} until this is fixed.",
        severity=types.DiagnosticSeverity.Error, code="config-error", source=SOURCE,
        data={"kind": "config"})


# --- findings and diagnostics ------------------------------------------------------------------


def findings(path: str, text: str, ctx: Context) -> list[Finding]:
    """Secrets in the buffer, minus what the config allows; as ``guard scan`` would report."""
    if ctx.judge.excluded(path):
        return []
    data = text.encode("utf-8", "surrogateescape")
    if len(data) > ctx.config.max_file_size or formats.is_binary(data):
        return []
    return ctx.judge.secrets(data, path, os.path.abspath(path))[0]


def diagnostics(path: str, text: str, ctx: Context) -> list[types.Diagnostic]:
    """Everything to publish for the document: whether the file itself is sensitive and still
    readable by an assistant (first), then one diagnostic per secret."""
    lines = text.split("\n")
    out = [secret_diagnostic(f, lines) for f in findings(path, text, ctx)]
    sensitive = sensitive_file_diagnostic(path, lines, ctx)
    if sensitive is not None:
        out.insert(0, sensitive)
    return out


def secret_diagnostic(f: Finding, lines: list[str]) -> types.Diagnostic:
    return types.Diagnostic(
        range=finding_range(f, lines),
        message=f"{f.rule_id}: {f.description} ({f.masked})",
        severity=SEVERITY.get(f.confidence, types.DiagnosticSeverity.Warning),
        code=f.rule_id, source=SOURCE,
        data={"kind": "secret", "fingerprint": f.fingerprint})


def finding_range(f: Finding, lines: list[str]) -> types.Range:
    """The engine counts 1-based code points with an inclusive end; LSP wants 0-based UTF-16
    code units with an exclusive end."""
    first, last = f.line - 1, f.end_line - 1
    start = utf16_units(line_at(lines, first), f.column - 1)
    end = utf16_units(line_at(lines, last), f.end_column)
    return types.Range(start=types.Position(first, start), end=types.Position(last, end))


def line_at(lines: list[str], index: int) -> str:
    """Line ``index`` of the document, "" past its end."""
    return lines[index] if 0 <= index < len(lines) else ""


def utf16_units(line: str, codepoints: int) -> int:
    """The UTF-16 offset (LSP's unit) of the first ``codepoints`` characters of ``line``."""
    prefix = line[:codepoints]
    return len(prefix) if prefix.isascii() else len(prefix.encode("utf-16-le")) // 2


def codepoints_at(line: str, utf16: int) -> int:
    """The inverse of utf16_units: the code point index at a UTF-16 offset."""
    if line.isascii():
        return utf16
    units = 0
    for i, ch in enumerate(line):
        if units >= utf16:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(line)


# --- sensitive files ---------------------------------------------------------------------------


def sensitive_reason(path: str, ctx: Context) -> str | None:
    """Why the file itself is sensitive (a path rule's description, or the config), or None."""
    rel = _relative(path, ctx.root)
    if rel is None:
        return None
    verdict = ctx.judge.path_rule(rel, os.path.abspath(path))
    return verdict.description if verdict is not None else None


def readable_by(path: str, ctx: Context) -> list[str]:
    """The assistants that can still read ``path``: neither their manifest on disk (by their own
    matching rules, as ``guard doctor`` judges it) nor a Guard hook keeps it from them."""
    rel = _relative(path, ctx.root)
    if rel is None:
        return []
    names = []
    for agent in agents_mod.resolve(None, ctx.config.agents, ctx.config.path):
        if agent.hook_status(ctx.root) == "installed":
            continue
        try:
            text = manifest.read(os.path.join(ctx.root, agent.manifest or ""))
        except GuardError:
            text = None  # a manifest Guard cannot read protects nothing it can vouch for
        if text is None or not agent.excludes(rel, text):
            names.append(agent.display_name)
    return names


def sensitive_file_diagnostic(path: str, lines: list[str],
                              ctx: Context) -> types.Diagnostic | None:
    reason = sensitive_reason(path, ctx)
    if reason is None:
        return None
    readers = readable_by(path, ctx)
    if not readers:
        return None
    name = os.path.basename(path)
    first = line_at(lines, 0)
    return types.Diagnostic(
        range=types.Range(start=types.Position(0, 0),
                          end=types.Position(0, utf16_units(first, len(first)))),
        message=f"{name} is a sensitive file ({reason}) that {len(readers)} AI assistant(s) can "
                f"still read: {', '.join(readers)}. Protect it (code action or `guard protect`).",
        severity=types.DiagnosticSeverity.Warning, code="sensitive-file", source=SOURCE,
        data={"kind": "file", "readers": readers})


def _relative(path: str, root: str) -> str | None:
    rel = os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
    return None if rel.startswith("../") or rel == ".." else rel
