"""What the language server does with one document on request, as plain functions of its path
and text: hovers, code actions (allow a finding, move a literal to .env, protect the file) and
the commands behind them, and the redacted view.

Findings and positions come from ``guard.lsp.diagnostics``, so an action works on exactly what
was published. Secret values never leave this module either: the actions that need a value (move
it to .env) look it up again server-side by fingerprint.
"""

from __future__ import annotations

import os
import re

from lsprotocol import types

from guard import agents as agents_mod
from guard import git
from guard.detect import formats
from guard.detect.finding import Finding
from guard.errors import GuardError
from guard.lsp.diagnostics import (
    Context,
    finding_range,
    findings,
    line_at,
    readable_by,
    sensitive_reason,
    utf16_units,
)
from guard.protect import manifest, policy

PRAGMA = "pragma: allowlist secret"
PRAGMA_NEXTLINE = "pragma: allowlist nextline secret"
CMD_PROTECT = "guard.protect"
CMD_MOVE_TO_ENV = "guard.moveToEnv"
CMD_REDACTED_VIEW = "guard.redactedView"
COMMANDS = (CMD_PROTECT, CMD_MOVE_TO_ENV, CMD_REDACTED_VIEW)

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


# --- protect -----------------------------------------------------------------------------------


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
    if name in _HASH_NAMES or name.startswith("dockerfile") or formats.is_dotenv(path):
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
    line = line_at(lines, index).rstrip("\r")
    if f.end_line > f.line:
        indent = line[:len(line) - len(line.lstrip())]
        eol = "\r\n" if line_at(lines, index).endswith("\r") else "\n"
        at = types.Position(index, 0)
        return types.TextEdit(range=types.Range(start=at, end=at),
                              new_text=f"{indent}{opener} {PRAGMA_NEXTLINE}{closer}{eol}")
    at = types.Position(index, utf16_units(line, len(line)))
    return types.TextEdit(range=types.Range(start=at, end=at),
                          new_text=f"  {opener} {PRAGMA}{closer}")


def literal_span(path: str, f: Finding, lines: list[str]) -> tuple[int, int, int] | None:
    """(line, start, end) in code points of the whole string literal that is the finding, quotes
    included, in Python or JavaScript/TypeScript; None when the value is only part of a literal
    (a password inside a URL) or not a literal: replacing it would not be valid code."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in _PYTHON + _JS or f.end_line != f.line:
        return None
    line = line_at(lines, f.line - 1).rstrip("\r")
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
    prefix = line_at(lines, span[0])[:span[1]]
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
        range=types.Range(start=types.Position(index, utf16_units(line, start)),
                          end=types.Position(index, utf16_units(line, end))),
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
    view = ctx.judge.redact(data, path)
    return view.data.decode("utf-8", "surrogateescape")
