"""What the language server says about one document, as plain functions of its path and text.

Nothing here knows about the protocol's transport: ``guard.lsp.server`` feeds these functions the
open buffer and sends back what they return. Detection is the engine's, exactly as ``guard scan``
runs it (same rules, same config, same allow pragmas and fingerprints); this module only turns
findings into diagnostics, hovers and edits. Secret values never leave it: messages carry the
masked preview, and the actions that need a value (move it to .env) look it up again server-side
by fingerprint.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from lsprotocol import types

from guard import agents as agents_mod
from guard import config as config_mod
from guard import git
from guard.detect import redact, ruleset
from guard.detect.engine import Engine
from guard.detect.finding import Finding
from guard.errors import GuardError
from guard.protect import manifest, policy
from guard.sources import walk

SOURCE = "guard"
SEVERITY = {"high": types.DiagnosticSeverity.Error, "medium": types.DiagnosticSeverity.Warning,
            "low": types.DiagnosticSeverity.Information}
PRAGMA = "pragma: allowlist secret"
PRAGMA_NEXTLINE = "pragma: allowlist nextline secret"
CMD_PROTECT = "guard.protect"
CMD_MOVE_TO_ENV = "guard.moveToEnv"
CMD_REDACTED_VIEW = "guard.redactedView"
COMMANDS = (CMD_PROTECT, CMD_MOVE_TO_ENV, CMD_REDACTED_VIEW)
CONFIG_NAMES = (".guard.toml", "pyproject.toml")
BINARY_SNIFF = 8192

# Line comments by extension; (open, close) for languages that only have block comments.
_HASH = (".py", ".pyi", ".sh", ".bash", ".zsh", ".fish", ".rb", ".yaml", ".yml", ".toml", ".ini",
         ".cfg", ".conf", ".properties", ".tf", ".tfvars", ".r", ".pl", ".ps1", ".env", ".nix",
         ".cmake", ".mk", ".gitignore", ".dockerignore", ".envrc")
_SLASH = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".go", ".java", ".kt",
          ".kts", ".scala", ".c", ".h", ".cc", ".cpp", ".hpp", ".cs", ".rs", ".swift", ".dart",
          ".php", ".groovy", ".gradle", ".jsonc", ".json5", ".zig", ".proto", ".scss", ".less")
_DASH = (".sql", ".lua", ".hs", ".elm")
_COMMENTS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(_HASH, ("#", "")), **dict.fromkeys(_SLASH, ("//", "")),
    **dict.fromkeys(_DASH, ("--", "")),
    **dict.fromkeys((".html", ".htm", ".xml", ".md", ".svg", ".vue"), ("<!--", " -->")),
    ".css": ("/*", " */"),
}
_HASH_NAMES = ("dockerfile", "containerfile", "makefile", "gemfile", "rakefile", "procfile",
               ".netrc", ".npmrc", ".pypirc")

_PYTHON = (".py", ".pyi")
_JS = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts")
# The identifier a literal is assigned to, keyed by or passed as: `API_KEY = `, `apiKey: `,
# `token=`, `headers["x-api-key"] = `, `"password": `.
_TARGET = re.compile(r"""([A-Za-z_$][\w$-]*)["'`]?\]?\s*(?::=|=|:)\s*$""")
_PLAIN_ENV_VALUE = re.compile(r"[\w\-./+=:@~%^,]+")
_ENV_KEY = re.compile(r"^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=(.*)$")


@dataclass
class Context:
    """What analysing a file needs, built once per config file version: the repository root,
    the config, the rule pack and an engine without the rules the config switches off."""

    root: str
    config: config_mod.Config
    pack: ruleset.RuleSet
    engine: Engine


_CONTEXTS: dict[tuple, Context] = {}


def context_for(path: str, fallback_root: str | None = None) -> Context:
    """The context of the file at ``path``. Keyed by the config file's size and mtime, so that
    an edited .guard.toml takes effect on the next call without a restart."""
    directory = os.path.dirname(os.path.abspath(path))
    root = walk.find_root(directory)
    if not os.path.exists(os.path.join(root, ".git")) and fallback_root:
        root = fallback_root
    cfg_path = config_mod.find(directory)
    key = (root, cfg_path, _stamp(cfg_path))
    ctx = _CONTEXTS.get(key)
    if ctx is None:
        cfg = config_mod.load(cfg_path)
        pack = ruleset.load(tuple(cfg.rule_paths))
        # A server lives long and rescans on every pause in typing: the Hyperscan prefilter's
        # one-off compile (cached on disk) pays for itself, as it does for a large scan.
        from guard.detect.prefilter import SMALL_SCAN_BYTES

        engine = Engine(pack, SMALL_SCAN_BYTES + 1, disabled=cfg.allow_rules)
        ctx = Context(root, cfg, pack, engine)
        if len(_CONTEXTS) > 16:  # a long session across many configs: start over
            _CONTEXTS.clear()
        _CONTEXTS[key] = ctx
    return ctx


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


# --- findings and diagnostics ------------------------------------------------------------------


def findings(path: str, text: str, ctx: Context) -> list[Finding]:
    """Secrets in the buffer, minus what the config allows; as ``guard scan`` would report."""
    cfg = ctx.config
    if cfg.excluded(path) or cfg.path_allowed(path):
        return []
    data = text.encode("utf-8", "surrogateescape")
    if len(data) > cfg.max_file_size or b"\0" in data[:BINARY_SNIFF]:
        return []
    return [f for f in ctx.engine.scan(data, path) if f.fingerprint not in cfg.allow_fingerprints]


def diagnostics(path: str, text: str, ctx: Context) -> list[types.Diagnostic]:
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
    return types.Range(start=types.Position(first, _utf16(_line(lines, first), f.column - 1)),
                       end=types.Position(last, _utf16(_line(lines, last), f.end_column)))


def _line(lines: list[str], index: int) -> str:
    return lines[index] if 0 <= index < len(lines) else ""


def _utf16(line: str, codepoints: int) -> int:
    prefix = line[:codepoints]
    return len(prefix) if prefix.isascii() else len(prefix.encode("utf-16-le")) // 2


def _codepoints(line: str, utf16: int) -> int:
    """The inverse of _utf16: the code point index at a UTF-16 offset."""
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
    rule = ctx.pack.path_rule_for(config_mod.matchable(rel))
    if rule is not None and rule.id not in ctx.config.allow_rules:
        return rule.description
    if ctx.config.user_sensitive(os.path.abspath(path)):
        return "sensitive file (listed in config)"
    return None


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
    return types.Diagnostic(
        range=types.Range(start=types.Position(0, 0),
                          end=types.Position(0, _utf16(_line(lines, 0), len(_line(lines, 0))))),
        message=f"{name} is a sensitive file ({reason}) that {len(readers)} AI assistant(s) can "
                f"still read: {', '.join(readers)}. Protect it (code action or `guard protect`).",
        severity=types.DiagnosticSeverity.Warning, code="sensitive-file", source=SOURCE,
        data={"kind": "file", "readers": readers})


def _relative(path: str, root: str) -> str | None:
    rel = os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
    return None if rel.startswith("../") or rel == ".." else rel


def protect(ctx: Context) -> list[str]:
    """Write every selected assistant's manifest from the policy, as ``guard protect`` does;
    the manifests that changed, relative to the root."""
    from guard.commands.protect import read_state, write_state

    selected = [a for a in agents_mod.resolve(None, ctx.config.agents, ctx.config.path)
                if a.manifest is not None]
    pol = policy.build(ctx.root, ctx.config, pack=ctx.pack)
    state = read_state(ctx.root)
    before = dict(state)
    changed = []
    for agent in selected:
        assert agent.manifest is not None
        plan = agent.plan(ctx.root, pol, state.get(agent.manifest, []))
        if plan.changed:
            manifest.write_atomic(plan.path, plan.new)
            changed.append(plan.rel)
        if agent.remembers_entries:
            state[plan.rel] = plan.entries
    if state != before:
        write_state(ctx.root, state)
    return changed


# --- hover -------------------------------------------------------------------------------------


def finding_at(path: str, text: str, ctx: Context, pos: types.Position) -> Finding | None:
    lines = text.split("\n")
    for f in findings(path, text, ctx):
        if _contains(finding_range(f, lines), pos):
            return f
    return None


def hover(path: str, text: str, ctx: Context, pos: types.Position) -> types.Hover | None:
    f = finding_at(path, text, ctx, pos)
    if f is None:
        return None
    rule = next((r for r in ctx.pack.rules if r.id == f.rule_id), None)
    parts = [f"**Guard: `{f.rule_id}`** ({f.confidence} confidence): {f.description}",
             f"Value: `{f.masked}`, fingerprint `{f.fingerprint}`"]
    if rule is not None and rule.source:
        parts.append(f"About this kind of secret: {rule.source}")
    parts.append("**Fix:** take the value out of the file and rotate it if it was ever shared "
                 "(committed, pasted, read by an assistant). Read it from the environment "
                 "instead (code action *Move to .env*). If it is not a secret, allow it with a "
                 f"`{PRAGMA}` comment (code action *Allow*).")
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                    value="\n\n".join(parts)),
                       range=finding_range(f, text.split("\n")))


def _contains(rng: types.Range, pos: types.Position) -> bool:
    start = (rng.start.line, rng.start.character)
    end = (rng.end.line, rng.end.character)
    return start <= (pos.line, pos.character) <= end


def _overlaps(a: types.Range, b: types.Range) -> bool:
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and \
        (b.start.line, b.start.character) <= (a.end.line, a.end.character)


# --- code actions ------------------------------------------------------------------------------


def code_actions(uri: str, path: str, text: str, ctx: Context,
                 rng: types.Range) -> list[types.CodeAction]:
    lines = text.split("\n")
    actions: list[types.CodeAction] = []
    for f in findings(path, text, ctx):
        if not _overlaps(finding_range(f, lines), rng):
            continue
        allow = allow_edit(path, f, lines)
        if allow is not None:
            actions.append(types.CodeAction(
                title=f"Guard: allow this finding ({f.rule_id})",
                kind=types.CodeActionKind.QuickFix,
                edit=types.WorkspaceEdit(changes={uri: [allow]})))
        span = literal_span(path, f, lines)
        if span is not None:
            name = env_name(f, lines, span)
            actions.append(types.CodeAction(
                title=f"Guard: move this literal to .env as {name}",
                kind=types.CodeActionKind.RefactorExtract,
                command=types.Command(title="Move to .env", command=CMD_MOVE_TO_ENV,
                                      arguments=[uri, f.fingerprint, name])))
    if sensitive_reason(path, ctx) is not None and readable_by(path, ctx):
        actions.append(types.CodeAction(
            title="Guard: protect this file from AI assistants (update their ignore files)",
            kind=types.CodeActionKind.QuickFix,
            command=types.Command(title="Protect this file", command=CMD_PROTECT,
                                  arguments=[uri])))
    return actions


def comment_syntax(path: str) -> tuple[str, str] | None:
    """The file's comment (open, close), or None for formats without comments (JSON)."""
    name = os.path.basename(path).lower()
    if name in _HASH_NAMES or name.startswith("dockerfile") or redact.is_dotenv_like(path):
        return ("#", "")
    return _COMMENTS.get(os.path.splitext(name)[1])


def allow_edit(path: str, f: Finding, lines: list[str]) -> types.TextEdit | None:
    """The allow pragma in the file's comment syntax: at the end of the finding's line, or for a
    value spanning lines (a PEM block, where a comment inside would corrupt it) on a line of its
    own just above."""
    syntax = comment_syntax(path)
    if syntax is None:
        return None
    opener, closer = syntax
    index = f.line - 1
    line = _line(lines, index).rstrip("\r")
    if f.end_line > f.line:
        indent = line[:len(line) - len(line.lstrip())]
        eol = "\r\n" if _line(lines, index).endswith("\r") else "\n"
        at = types.Position(index, 0)
        return types.TextEdit(range=types.Range(start=at, end=at),
                              new_text=f"{indent}{opener} {PRAGMA_NEXTLINE}{closer}{eol}")
    at = types.Position(index, _utf16(line, len(line)))
    return types.TextEdit(range=types.Range(start=at, end=at),
                          new_text=f"  {opener} {PRAGMA}{closer}")


def literal_span(path: str, f: Finding, lines: list[str]) -> tuple[int, int, int] | None:
    """(line, start, end) in code points of the whole string literal that is the finding, quotes
    included, in Python or JavaScript/TypeScript; None when the value is only part of a literal
    (a password inside a URL) or not a literal: replacing it would not be valid code."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in _PYTHON + _JS or f.end_line != f.line:
        return None
    line = _line(lines, f.line - 1).rstrip("\r")
    start, end = f.column - 1, f.end_column
    if start < 1 or end >= len(line):
        return None
    quote = line[start - 1]
    quotes = "\"'" if ext in _PYTHON else "\"'`"
    if quote not in quotes or line[end] != quote:
        return None
    start -= 1
    if ext in _PYTHON and start > 0 and line[start - 1].isalnum():
        if line[start - 1] not in "rRuU":  # bytes or an f-string: not a plain str literal
            return None
        start -= 1
    return (f.line - 1, start, end + 1)


def env_name(f: Finding, lines: list[str], span: tuple[int, int, int]) -> str:
    """An environment variable name for the value: from what it is assigned to (``apiKey`` →
    ``API_KEY``), else from the rule id."""
    prefix = _line(lines, span[0])[:span[1]]
    m = _TARGET.search(prefix)
    raw = m.group(1) if m else f.rule_id
    raw = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", raw.replace("$", ""))
    name = re.sub(r"\W+", "_", raw).strip("_").upper()
    if not name or name[0].isdigit():
        name = "SECRET_" + name
    return name


def env_reference(path: str, name: str) -> str:
    if os.path.splitext(path)[1].lower() in _PYTHON:
        return f'os.environ["{name}"]'
    return f"process.env.{name}"


def move_to_env(path: str, text: str, ctx: Context, fingerprint: str,
                name: str) -> tuple[list[types.TextEdit], str, str]:
    """Append ``NAME=value`` to the root's .env (git-ignored if it was not) and return the edits
    that replace the literal by a reference to it (plus ``import os`` in Python when missing),
    the name used and the .env path. The value is found again here by fingerprint, so it never
    travels in a command."""
    lines = text.split("\n")
    f = next((x for x in findings(path, text, ctx) if x.fingerprint == fingerprint), None)
    if f is None:
        raise GuardError("the secret is no longer in the document", path)
    span = literal_span(path, f, lines)
    if span is None:
        raise GuardError("the secret is not a whole string literal: move it by hand", path)
    env_path = os.path.join(ctx.root, ".env")
    value = f.secret.decode("utf-8", "surrogateescape")
    name = append_env(env_path, name, value)
    ensure_gitignored(ctx.root, ".env")
    index, start, end = span
    line = lines[index]
    edits = [types.TextEdit(
        range=types.Range(start=types.Position(index, _utf16(line, start)),
                          end=types.Position(index, _utf16(line, end))),
        new_text=env_reference(path, name))]
    if os.path.splitext(path)[1].lower() in _PYTHON:
        imp = _import_os(lines)
        if imp is not None:
            edits.insert(0, imp)
    return edits, name, env_path


def _import_os(lines: list[str]) -> types.TextEdit | None:
    """``import os`` before the first top-level import (after ``from __future__`` ones, which
    must come first), or at the top; None when the module already imports os."""
    at = 0
    for i, line in enumerate(lines):
        if re.match(r"import os\b|from os import ", line):
            return None
        if line.startswith("from __future__"):
            at = i + 1
    for i, line in enumerate(lines[at:], at):
        if line.startswith(("import ", "from ")):
            at = i
            break
    else:
        if lines and lines[0].startswith("#!") and at == 0:
            at = 1
    pos = types.Position(at, 0)
    return types.TextEdit(range=types.Range(start=pos, end=pos), new_text="import os\n")


def append_env(env_path: str, name: str, value: str) -> str:
    """Add ``name=value`` to the dotenv file (created owner-only); a name already there with
    another value gets a numbered sibling, one with the same value is reused. Returns the name."""
    existing: dict[str, str] = {}
    text = manifest.read(env_path)
    for line in (text or "").splitlines():
        m = _ENV_KEY.match(line)
        if m:
            existing[m.group(1)] = _unquote(m.group(2).strip())
    chosen, n = name, 1
    while chosen in existing and existing[chosen] != value:
        n += 1
        chosen = f"{name}_{n}"
    if existing.get(chosen) == value:
        return chosen
    if _PLAIN_ENV_VALUE.fullmatch(value):
        entry = f"{chosen}={value}\n"
    elif "'" not in value:
        entry = f"{chosen}='{value}'\n"
    else:
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        entry = f'{chosen}="{escaped}"\n'
    if text and not text.endswith("\n"):
        entry = "\n" + entry
    fd = os.open(env_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as out:
        out.write(entry)
    return chosen


def ensure_gitignored(root: str, rel: str) -> bool:
    """Add ``/rel`` to the root's .gitignore unless git already ignores it: a value moved out
    of the code must not be committed from its new place. True when .gitignore changed."""
    if not os.path.exists(os.path.join(root, ".git")):
        return False
    ignored = git.is_ignored(root, rel)
    if ignored is None:
        return False  # no git to ask: leave .gitignore alone rather than guess
    if ignored:
        return False
    path = os.path.join(root, ".gitignore")
    text = manifest.read(path) or ""
    entry = ("" if not text or text.endswith("\n") else "\n") + f"/{policy.escape(rel)}\n"
    with open(path, "a", encoding="utf-8", errors="surrogateescape", newline="") as out:
        out.write(entry)
    return True


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


# --- redacted view -----------------------------------------------------------------------------


def redacted_view(path: str, text: str, ctx: Context) -> str:
    """The buffer as ``guard view`` shows the file: every secret value a typed placeholder."""
    data = text.encode("utf-8", "surrogateescape")
    strict = redact.is_strict(path, ctx.pack, ctx.config, root=ctx.root)
    engine = Engine(ctx.pack, len(data),
                    disabled=redact.disabled_rules(ctx.pack, strict, ctx.config.allow_rules))
    view = redact.redact(data, path, engine, strict, ctx.config.allow_fingerprints)
    return view.data.decode("utf-8", "surrogateescape")
