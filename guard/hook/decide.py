"""The assistant-independent decision behind every ``guard hook <agent>``: may this read, search,
write, shell command or MCP call go ahead?

A file is sensitive when a path rule matches it (relative to the repository root, to $HOME for
well-known credential files such as ``~/.aws/credentials``, or as an absolute path), when the
config's ``sensitive`` patterns list it, or when the engine finds a secret in it at decision time.
Symlinks and ``..`` are resolved first, and the link and its target are both judged.

Every Decision carries a one-line reason for the agent. A reason names files, rules and programs,
never a value: it is built from paths and rule ids, and is masked by the engine once more before
it leaves (a secret pasted into a file name or a command line is not echoed back).
"""

from __future__ import annotations

import os
import re

from guard import config as config_mod
from guard import shell
from guard.detect import ruleset
from guard.errors import GuardError
from guard.sources.walk import find_root

CONTENT_LIMIT = 1024 * 1024  # bytes of one file scanned at decision time
TREE_MAX_ENTRIES = 20_000  # a search scope larger than this is refused as unverifiable
TREE_CONTENT_FILES = 400  # files of a searched tree whose content is scanned, smallest first
TREE_CONTENT_BYTES = 4 * 1024 * 1024
BINARY_SNIFF = 8192

# Places outside any repository that hold secrets whatever the rules say. Patterns stay strings:
# re compiles and caches them on first use, which a command that touches no file never reaches.
_SYSTEM = [
    (r"^/proc/(?:self|thread-self|\d+)/(?:task/\d+/)?environ$", "another process's environment"),
    (r"^/etc/(?:shadow|gshadow|master\.passwd)-?$", "the system password database"),
    (r"^/etc/ssl/private/", "a TLS private key directory"),
    (r"^/(?:var/)?run/secrets/", "mounted container secrets"),
]
# The same, relative to $HOME.
_HOME = [
    (r"^\.ssh/(?!.*\.pub$)(?!known_hosts)(?!config$)(?!authorized_keys)[^/]+$",
     "a file in ~/.ssh"),
    (r"^\.(?:bash|zsh|sh|fish|python|node_repl|psql|mysql|sqlite)_history$|"
     r"^\.local/share/fish/fish_history$|^\.histfile$", "shell history, which holds typed secrets"),
    (r"^\.gnupg/(?:private-keys-v1\.d/|secring)", "a GnuPG private key"),
    (r"^\.password-store/", "a pass password store"),
    (r"^\.config/gcloud/(?:configurations/|credentials|legacy_credentials|"
     r"application_default_credentials)", "Google Cloud credentials"),
    (r"^\.kube/", "Kubernetes credentials"),
    (r"^\.claude/\.credentials\.json$|^\.codex/auth\.json$|^\.gemini/oauth_creds",
     "an AI assistant's login"),
]
_ENV_DUMP_WORDS = frozenset({"env", "printenv", "environ", "export", "declare", "typeset", "set"})


class Decision:
    """``allow``, ``deny`` or ``view`` (deny, and show the redacted view of ``path`` instead:
    an assistant that can substitute a tool's input runs ``replacement``)."""

    __slots__ = ("action", "path", "reason", "replacement")

    def __init__(self, action: str, reason: str = "", path: str = "",
                 replacement: str = "") -> None:
        self.action = action
        self.reason = reason
        self.path = path
        self.replacement = replacement

    @property
    def allowed(self) -> bool:
        return self.action == "allow"

    def __repr__(self) -> str:
        return (f"Decision({self.action!r}, {self.reason!r}, path={self.path!r}, "
                f"replacement={self.replacement!r})")


ALLOW = Decision("allow")


class Context:
    """What every decision needs, loaded once per hook process: config, rules, the engine (on
    first use), the repository root and $HOME; and a memo of the files judged so far."""

    def __init__(self, cwd: str, env: dict[str, str] | None = None,
                 config: config_mod.Config | None = None,
                 pack: ruleset.RuleSet | None = None) -> None:
        self.cwd = os.path.abspath(cwd)
        self.env = dict(os.environ if env is None else env)
        self.home = os.path.normpath(self.env.get("HOME") or os.path.expanduser("~"))
        self.root = find_root(self.cwd)
        if config is None:
            try:
                config = config_mod.load(config_mod.find(self.cwd))
            except GuardError:
                config = config_mod.Config()  # a broken config must not open the gate
        self.config = config
        self.pack = pack or ruleset.load(tuple(config.rule_paths))
        self._engine = None
        self._memo: dict[tuple[str, bool], str | None] = {}
        self._leaked: dict[str, str] | None = None
        self._model = None  # guard.model.classify.Session, made when a file first needs it

    @property
    def engine(self):
        if self._engine is None:
            from guard.detect.engine import Engine

            self._engine = Engine(self.pack, disabled=self.config.allow_rules)
        return self._engine

    def abspath(self, path: str) -> str:
        if path.startswith("~"):
            path = self.home + path[1:] if path == "~" or path.startswith("~/") else \
                os.path.expanduser(path)
        if path.startswith("file://"):
            path = path[7:]
        return os.path.normpath(os.path.join(self.cwd, path))

    def shown(self, path: str) -> str:
        """How a path is written in a message: relative to the cwd, ~/…, or absolute."""
        for base, prefix in ((self.cwd, ""), (self.home, "~/")):
            if path == base:
                return "." if not prefix else "~"
            if path.startswith(base.rstrip("/") + "/"):
                return prefix + path[len(base.rstrip("/")) + 1:]
        return path

    # --- what is sensitive ----------------------------------------------------------------------

    def sensitive(self, path: str, content: bool = True) -> str | None:
        """Why ``path`` is sensitive (by name, config or content), or None."""
        abspath = self.abspath(path)
        key = (abspath, content)
        if key in self._memo:
            return self._memo[key]
        why = self._sensitive(abspath, content)
        self._memo[key] = why
        return why

    def _sensitive(self, abspath: str, content: bool) -> str | None:
        try:
            real = os.path.realpath(abspath)
        except (OSError, ValueError):
            real = abspath
        if self.config.path_allowed(abspath):  # the user's word: findings there are allowed
            return None
        for p in dict.fromkeys((abspath, real)):
            why = self.by_name(p)
            if why:
                return why if p == abspath else f"{why}, through a link to {self.shown(real)}"
        if content:
            return self.by_content(real)
        return None

    def by_name(self, abspath: str) -> str | None:
        if self.config.path_allowed(abspath):
            return None
        for rx, why in _SYSTEM:
            if re.search(rx, abspath):
                return why
        rels = []
        for base in (self.root, self.home):
            if abspath.startswith(base.rstrip("/") + "/"):
                rels.append(abspath[len(base.rstrip("/")) + 1:])
        rels.append(abspath.lstrip("/"))
        if abspath.startswith(self.home.rstrip("/") + "/"):
            rel = abspath[len(self.home.rstrip("/")) + 1:]
            for rx, why in _HOME:
                if re.search(rx, rel):
                    return why
        for rel in rels:
            rule = self.pack.path_rule_for(config_mod.matchable(rel))
            if rule is not None and rule.id not in self.config.allow_rules:
                return f"{rule.description} ({rule.id})"
        if self.config.user_sensitive(abspath):
            return "listed as sensitive in the Guard config"
        return None

    def by_content(self, real: str) -> str | None:
        try:
            with open(real, "rb") as f:
                data = f.read(CONTENT_LIMIT)
        except (OSError, ValueError):
            return None  # not a readable regular file: nothing to show either
        if b"\0" in data[:BINARY_SNIFF]:
            return None
        found = self.engine.scan(data, real)
        for f in found:
            if f.fingerprint not in self.config.allow_fingerprints:
                return f"it contains a secret ({f.rule_id}, line {f.line})"
        if not found and self.config.model.get("enabled"):
            return self.by_model(data, real)
        return None

    def by_model(self, data: bytes, real: str) -> str | None:
        """The local model's verdict on a file the rules left undecided. It only ever adds a
        denial: a file the rules call secret stays denied whatever the model says."""
        from guard.model import ambiguity, classify

        if not classify.enabled(self.config):
            return None
        # The model reads the path as a scan shows it: relative to the repository.
        shown = real[len(self.root.rstrip("/")) + 1:] if real.startswith(
            self.root.rstrip("/") + "/") else os.path.basename(real)
        amb = ambiguity.assess(self.engine, data, shown, [])  # by_name ruled out path rules
        if amb is None:
            return None
        if self._model is None:
            self._model = classify.Session(self.config)
        try:
            verdict = self._model.judge(amb)
        except classify.ModelError:
            return None  # the rules have spoken; a broken optional model adds nothing
        if not verdict.sensitive:
            return None
        return (f"the local model judges a value on line {verdict.line} a live credential "
                f"(score {verdict.score:.2f})")

    def leaked_variables(self) -> dict[str, str]:
        """Variables of the environment that hold secrets (see guard.hook.envcheck)."""
        if self._leaked is None:
            from guard.hook import envcheck

            def is_env_file(p: str) -> bool:
                rule = self.pack.path_rule_for(os.path.basename(p))
                return (rule is not None and rule.id in envcheck.ENV_FILE_RULES) or \
                    self.config.user_sensitive(p)

            files = envcheck.env_files([self.root, self.cwd], is_env_file)
            self._leaked = envcheck.exported_secrets(self.env, files, self.engine)
        return self._leaked

    def safe(self, reason: str) -> str:
        """``reason`` with anything the engine calls a secret masked (defence in depth)."""
        data = reason.encode("utf-8", "surrogateescape")
        found = self.engine.scan(data, "reason.txt")
        for f in sorted(found, key=lambda f: -len(f.secret)):
            data = data.replace(f.secret, f.masked.encode())
        return data.decode("utf-8", "replace")


def _ctx(cwd: str, env: dict[str, str] | None, ctx: Context | None) -> Context:
    return ctx if ctx is not None else Context(cwd, env)


def _deny(ctx: Context, reason: str, **kw) -> Decision:
    return Decision(kw.pop("action", "deny"), ctx.safe(reason), **kw)


def view_command(ctx: Context, path: str) -> str:
    import shlex

    shown = ctx.shown(path)
    if shown.startswith("~/"):  # quoted, ~ would not expand
        return f"guard view ~/{shlex.quote(shown[2:])}"
    return f"guard view {shlex.quote(shown)}"


# --- reads, searches, writes ------------------------------------------------------------------


def decide_read(path: str, cwd: str, env: dict[str, str] | None = None,
                ctx: Context | None = None) -> Decision:
    """A file-read tool (Read, read_file, view…): allow, or point at the redacted view."""
    ctx = _ctx(cwd, env, ctx)
    abspath = ctx.abspath(path)
    why = ctx.sensitive(abspath)
    if why is None:
        if os.path.isdir(abspath):
            return decide_search(ctx.cwd, path=abspath, ctx=ctx, listing=True)
        return ALLOW
    shown = ctx.shown(abspath)
    if _is_text_file(os.path.realpath(abspath)):
        cmd = view_command(ctx, abspath)
        return _deny(ctx, f"{shown} is sensitive ({why}). Run `{cmd}` to see it with every secret "
                          "value replaced by a placeholder.", action="view", path=abspath,
                     replacement=cmd)
    return _deny(ctx, f"{shown} is sensitive ({why}) and Guard has no redacted view of it "
                      "(binary or missing).", path=abspath)


def _is_text_file(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return b"\0" not in f.read(BINARY_SNIFF)
    except (OSError, ValueError):
        return False


def decide_search(cwd: str, path: str | None = None, pattern: str | None = None,
                  glob: str | None = None, hidden: bool = True, gitignore: bool = False,
                  env: dict[str, str] | None = None, ctx: Context | None = None,
                  listing: bool = False) -> Decision:
    """A search tool (Grep, search_file_content…) over ``path`` (default: the cwd), limited to
    ``glob``. ``hidden``/``gitignore`` say whether the tool sees dotfiles and skips ignored
    files; the defaults assume the worst. A tool that only lists names (``listing``) may list
    anything."""
    ctx = _ctx(cwd, env, ctx)
    target = ctx.abspath(path or ".")
    if listing:
        return ALLOW  # names are not contents
    if not os.path.isdir(target):
        why = ctx.sensitive(target)
        if why is None:
            return ALLOW
        return _deny(ctx, f"searching {ctx.shown(target)} would show lines of a sensitive file "
                          f"({why}). Run `{view_command(ctx, target)}` to see its keys.")
    access = shell.Access("read", target, "search", "tree", hidden, gitignore,
                          (glob,) if glob else ())
    found, complete = _tree_findings(ctx, access)
    if found:
        return _deny(ctx, _tree_reason(ctx, access, found, pattern))
    if not complete:
        return _deny(ctx, f"{ctx.shown(target)} holds more than {TREE_MAX_ENTRIES} files, too many "
                          "to check for sensitive ones: search a narrower path.")
    return ALLOW


def decide_write(path: str, cwd: str, content: str | bytes | None = None, mode: str = "write",
                 env: dict[str, str] | None = None, ctx: Context | None = None) -> Decision:
    """A write (``mode="write"``: whole file) or edit (``mode="edit"``: a replacement inside it).

    Editing a sensitive file shows the lines around the edit, and overwriting one destroys the
    user's secrets: both are denied. Creating a sensitive file that does not exist (a new .env
    from .env.example) is allowed. Writing content in which the engine finds a secret into a file
    that is not sensitive is denied: it would end up in git."""
    ctx = _ctx(cwd, env, ctx)
    abspath = ctx.abspath(path)
    shown = ctx.shown(abspath)
    exists = os.path.lexists(abspath)
    why = ctx.sensitive(abspath) if exists else ctx.sensitive(abspath, content=False)
    if why is not None and exists:
        verb = "editing" if mode == "edit" else "overwriting"
        return _deny(ctx, f"{verb} {shown} is not allowed: it is sensitive ({why}). Ask the user "
                          f"to change it; `{view_command(ctx, abspath)}` shows its keys.")
    if content is not None and why is None:
        data = content.encode("utf-8", "surrogateescape") if isinstance(content, str) else content
        found = [f for f in ctx.engine.scan(data, abspath)
                 if f.fingerprint not in ctx.config.allow_fingerprints]
        if found:
            f = found[0]
            return _deny(ctx, f"this would write a secret ({f.rule_id}, {f.masked}) into {shown}, "
                              "where git would keep it. Put the value in a git-ignored .env and "
                              "read it from the environment.")
    return ALLOW


# --- shell commands -----------------------------------------------------------------------------

_OP_REASON = {
    "read": "`{cmd}` would show {shown}",
    "open": "`{cmd}` would open {shown}",
    "copy": "`{cmd}` would copy {shown} where Guard cannot follow it",
    "move": "`{cmd}` would move {shown} where Guard cannot follow it",
    "archive": "`{cmd}` would pack {shown} into an archive",
    "send": "`{cmd}` would send {shown} off this machine",
    "source": "`{cmd} {shown}` would load its secrets into the shell whose output the agent reads",
    "pass": "`{cmd}` is given {shown} and Guard cannot tell whether it prints it",
}


def decide_shell(command: str, cwd: str, env: dict[str, str] | None = None,
                 ctx: Context | None = None) -> Decision:
    """A shell command: deny when it would reveal a sensitive file or a secret variable, or
    when Guard cannot tell (unparsable and mentioning something sensitive, a reader of a
    variable Guard cannot know, code from a pipe)."""
    ctx = _ctx(cwd, env, ctx)
    try:
        analysis = shell.analyze(command, ctx.cwd, ctx.env, ctx.home)
    except Exception as e:  # a bug must not open the gate for a command that names a secret
        analysis = shell.Analysis(error=f"internal error: {type(e).__name__}")
    if analysis.error:
        return _unparsable(ctx, command, analysis.error)
    reasons: list[str] = []
    view_paths: list[str] = []
    for access in analysis.accesses:
        reason = _access_reason(ctx, access)
        if reason:
            reasons.append(reason)
            if access.op in ("read", "open") and access.scope == "file":
                view_paths.append(access.path)
    for pattern, cmd, word in analysis.globs:
        could = _could_match(ctx, pattern)
        if could:
            reasons.append(f"`{cmd}` is given the pattern {word}, which could match a sensitive "
                           f"file ({could}); name the files you need instead")
    reasons.extend(analysis.dynamic)
    reasons.extend(_environment_reasons(ctx, analysis))
    if not reasons:
        return ALLOW
    more = f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else ""
    text = reasons[0] + more + "."
    if analysis.simple is not None and len(analysis.simple[1]) == len(view_paths) == len(
            reasons) == 1:
        cmd = view_command(ctx, view_paths[0])
        return _deny(ctx, f"{text} Run `{cmd}` instead: it shows the file with every secret value "
                          "replaced by a placeholder.", action="view", path=view_paths[0],
                     replacement=cmd)
    if view_paths:
        text += f" `{view_command(ctx, view_paths[0])}` shows its keys without the values."
    return _deny(ctx, text)


def _access_reason(ctx: Context, access: shell.Access) -> str:
    if access.op == "write":  # `> .env` empties the user's secrets before writing
        if os.path.isfile(access.path) and ctx.sensitive(access.path, content=False):
            return (f"`{access.command} > {ctx.shown(access.path)}` would overwrite a sensitive "
                    "file; ask the user to change it (>> appends)")
        return ""
    if access.op not in shell.REVEALING and access.op != "pass":
        return ""  # "load": a program that only loads a dotenv file into its environment
    if access.scope != "file":
        if access.op == "pass":
            return ""
        found, complete = _tree_findings(ctx, access)
        if found:
            return _tree_reason(ctx, access, found, None)
        if not complete:
            return (f"`{access.command}` would go through {ctx.shown(access.path)}, which holds "
                    f"more than {TREE_MAX_ENTRIES} files, too many to check: use a narrower path")
        return ""
    why = ctx.sensitive(access.path, content=access.op != "pass")
    if why is None:
        return ""
    shown = ctx.shown(access.path)
    return _OP_REASON[access.op].format(cmd=access.command, shown=shown) + f" ({why})"


def _environment_reasons(ctx: Context, analysis: shell.Analysis) -> list[str]:
    if not analysis.env_dumps and not analysis.printed_vars:
        return []
    leaked = ctx.leaked_variables()
    if not leaked:
        return []
    out = []
    if analysis.env_dumps:
        names = ", ".join(sorted(leaked)[:3]) + (" …" if len(leaked) > 3 else "")
        out.append(f"`{analysis.env_dumps[0]}` would print the environment, which holds secrets "
                   f"({names}); print the variables you need by name instead")
    for var, cmd in analysis.printed_vars:
        if var in leaked:
            out.append(f"`{cmd}` would print ${var}, which holds a secret ({leaked[var]})")
    return out


def _unparsable(ctx: Context, command: str, error: str) -> Decision:
    """Fail closed: a command Guard cannot parse is denied if anything in it could be
    sensitive (a path, a pattern, an environment dump)."""
    for token in re.findall(r"[^\s'\"`;|&<>()$={}]+", command):
        word = token.strip(",")
        if not word:
            continue
        why = None
        if word in _ENV_DUMP_WORDS:
            why = "it could print the environment"
        elif shell.has_glob(word):
            why = _could_match(ctx, shell.escape(ctx.cwd) + "/" + word if not word.startswith(
                "/") else word)
        else:
            why = ctx.sensitive(word)
        if why:
            return _deny(ctx, f"Guard cannot parse this command ({error}) and it mentions "
                              f"{word} ({why}); write it more simply.")
    return ALLOW


# --- trees and globs ----------------------------------------------------------------------------


def _tree_reason(ctx: Context, access: shell.Access, found: list[tuple[str, str]],
                 pattern: str | None) -> str:
    import shlex

    names = ", ".join(rel for rel, _ in found[:3]) + (" …" if len(found) > 3 else "")
    first_rel, first_why = found[0]
    where = ctx.shown(access.path)
    base = os.path.basename(first_rel)
    pat = shlex.quote(pattern) if pattern else "PATTERN"
    verb = _TREE_VERB.get(access.op, "go through")
    return (f"`{access.command}` would {verb} {where}, which holds sensitive files "
            f"({names}; {first_rel}: {first_why}). Leave them out, e.g. "
            f"`rg {pat} {shlex.quote(where)} --glob '!{base}'` or "
            f"`grep -r --exclude='{base}' {pat} {shlex.quote(where)}`, or search a narrower path")


_TREE_VERB = {"open": "open", "copy": "copy", "move": "move", "archive": "pack",
              "send": "send", "source": "load"}


def _tree_findings(ctx: Context, access: shell.Access) -> tuple[list[tuple[str, str]], bool]:
    """Sensitive files the access would reach below its directory, and whether the walk was
    complete (False past TREE_MAX_ENTRIES)."""
    root = access.path
    if not os.path.isdir(root):
        why = ctx.sensitive(root, content=True)
        return ([(ctx.shown(root), why)] if why else []), True
    found: list[tuple[str, str]] = []
    files: list[tuple[int, str, str]] = []
    count = 0
    for abspath, rel in _walk(root, access):
        count += 1
        if count > TREE_MAX_ENTRIES:
            return found, False
        why = ctx.sensitive(abspath, content=False)
        if why:
            found.append((rel, why))
            continue
        try:
            size = os.path.getsize(abspath)
        except OSError:
            continue
        files.append((size, abspath, rel))
    budget = TREE_CONTENT_BYTES
    for size, abspath, rel in sorted(files)[:TREE_CONTENT_FILES]:
        if size > budget:
            break
        budget -= size
        why = ctx.sensitive(abspath, content=True)
        if why:
            found.append((rel, why))
    return found, True


def _walk(root: str, access: shell.Access):
    """(abspath, relpath) of the files ``access`` reaches under ``root``."""
    if access.gitignore:
        from guard.sources import walk

        entries = ((e.abspath, e.path) for e in walk.walk(root, config_mod.Config(),
                                                         use_gitignore=True)
                   if not e.path.endswith("/"))
    else:
        entries = _plain_walk(root, access.scope == "tree")
    for abspath, rel in entries:
        parts = rel.split("/")
        if not access.hidden and any(p.startswith(".") for p in parts):
            continue
        if access.excludes and any(_glob_match(x, rel, parts) for x in access.excludes):
            continue
        if access.names and not any(_glob_match(n, rel, parts[-1:]) for n in access.names):
            continue
        yield abspath, rel


def _plain_walk(root: str, recursive: bool):
    stack = [(root, "")]
    while stack:
        directory, prefix = stack.pop()
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        for e in entries:
            rel = prefix + e.name
            try:
                is_dir = e.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if recursive and e.name != ".git":
                    stack.append((e.path, rel + "/"))
            else:
                yield e.path, rel


def _glob_match(pattern: str, rel: str, parts: list[str]) -> bool:
    import fnmatch

    pattern = pattern.rstrip("/")
    if "/" in pattern:
        return fnmatch.fnmatchcase(rel, pattern.lstrip("/")) or fnmatch.fnmatchcase(
            rel, pattern.lstrip("/") + "/*")
    return any(fnmatch.fnmatchcase(p, pattern) for p in parts)


def _candidates(ctx: Context) -> list[str]:
    """Names (and short paths) that sensitive files have: one per path-rule pattern, with its
    wildcards filled in, for asking whether a glob could ever match one."""
    out: list[str] = []
    for pattern in [p for r in ctx.pack.paths if r.id not in ctx.config.allow_rules
                    for p in r.patterns] + list(ctx.config.sensitive):
        p = pattern.lstrip("!").lstrip("/")
        while p.startswith("**/"):
            p = p[3:]
        p = re.sub(r"/\*\*$", "/x", p)
        p = re.sub(r"\[([^\]])[^\]]*\]", r"\1", p).replace("*", "x").replace("?", "x")
        if p:
            out.append(p)
    return list(dict.fromkeys(out))


_FILL_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789._-"
_FILL_LIMIT = 2000


def _could_match(ctx: Context, pattern: str) -> str | None:
    """The sensitive name an (absolute, escaped) glob could match, or None. A last segment of
    wildcards alone (``*``, ``*.*``) is left to what it matches today.

    Two ways to meet: a sensitive name (a rule pattern with its wildcards filled in) that the
    glob matches, or the glob with its own wildcards filled in (``prod.en?`` -> ``prod.env``)
    that a rule matches."""
    segs = [s for s in pattern.split("/") if s]
    if not segs or re.fullmatch(r"[*?.]+", segs[-1]):
        return None
    found = _rule_side(ctx, segs)
    if found is None and not any(shell.has_glob(s) for s in segs[:-1]):
        prefix = "/" + "/".join(shell.unescape(s) for s in segs[:-1])
        for name in _fillings(segs[-1]):
            if ctx.by_name(os.path.join(prefix, name)):
                return name
    return found


def _fillings(segment: str):
    """Names a glob segment matches, its wildcards filled in (``prod.en?`` -> ``prod.env``)."""
    # A star stands for nothing or one letter: any star "could" hold a whole sensitive name
    # (``*.md`` could be ``secring.x.md``), which would flag every glob; the other way round,
    # rule patterns filled in, already catches stars around a sensitive name (``*env*``).
    pieces = ["", "x"]
    options: list[list[str]] = []
    i = 0
    while i < len(segment):
        c = segment[i]
        if c == "\\" and i + 1 < len(segment):
            options.append([segment[i + 1]])
            i += 2
            continue
        if c == "*":
            options.append(pieces)
        elif c == "?":
            options.append(list(_FILL_CHARS))
        elif c == "[":
            close = segment.find("]", i + 2)
            if close != -1:
                body = segment[i + 1:close].lstrip("!^")
                options.append([ch for ch in _FILL_CHARS if shell.glob_regex(
                    segment[i:close + 1]).match(ch)] or list(body[:1]))
                i = close + 1
                continue
            options.append([c])
        else:
            options.append([c])
        i += 1
    count = 0
    stack: list[tuple[int, str]] = [(0, "")]
    while stack:
        k, prefix = stack.pop()
        if k == len(options):
            count += 1
            if count > _FILL_LIMIT:
                return
            if not (segment[:1] in ("*", "?") and prefix.startswith(".")):  # bash: no dotfiles
                yield prefix
            continue
        stack.extend((k + 1, prefix + o) for o in reversed(options[k]))


def _rule_side(ctx: Context, segs: list[str]) -> str | None:
    for cand in _candidates(ctx):
        csegs = cand.split("/")
        k = len(csegs)
        if len(segs) < k:
            continue
        tail = segs[-k:]
        if not all(shell.glob_regex(s).match(c) for s, c in zip(tail, csegs, strict=True)):
            continue
        prefix = segs[:-k]
        if any(shell.has_glob(s) for s in prefix):
            return cand
        path = "/" + "/".join([shell.unescape(s) for s in prefix] + csegs)
        if ctx.by_name(path):
            return cand
    return None


# --- MCP ----------------------------------------------------------------------------------------

_PATH_KEY = r"(?i)path|file|dir|folder|uri|src|source|dest|target|location|cwd"
_COMMAND_KEY = r"(?i)^(?:command|cmd|script|shell|bash)$"


def decide_mcp(tool_name: str, arguments, cwd: str, env: dict[str, str] | None = None,
               ctx: Context | None = None) -> Decision:
    """An MCP tool call: every argument that names a path (by its key, or by looking like one)
    is judged as a read; an argument named like a command is judged as a shell command."""
    ctx = _ctx(cwd, env, ctx)
    for key, value in _strings(arguments):
        if re.search(_COMMAND_KEY, key):
            d = decide_shell(value, cwd, ctx=ctx)
            if not d.allowed:
                return _deny(ctx, f"MCP tool {tool_name}: {d.reason}")
            continue
        if not (re.search(_PATH_KEY, key) or _looks_like_path(value)):
            continue
        for candidate in _path_values(value):
            why = ctx.sensitive(candidate)
            if why:
                target = ctx.abspath(candidate)
                return _deny(ctx, f"MCP tool {tool_name} would get {ctx.shown(target)} ({why}). "
                                  f"`{view_command(ctx, target)}` shows its keys without the "
                                  "values.")
            if os.path.isdir(ctx.abspath(candidate)) and re.search(r"(?i)search|grep|find",
                                                                   tool_name):
                d = decide_search(cwd, path=candidate, ctx=ctx)
                if not d.allowed:
                    return _deny(ctx, f"MCP tool {tool_name}: {d.reason}")
    return ALLOW


def _strings(value, key: str = "", depth: int = 0):
    if depth > 20:
        return
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, str(k), depth + 1)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v, key, depth + 1)


def _looks_like_path(value: str) -> bool:
    if not value or len(value) > 4096 or "\n" in value:
        return False
    return value.startswith(("/", "./", "../", "~/", "file://", ".")) or (
        "/" in value and " " not in value and "://" not in value)


def _path_values(value: str) -> list[str]:
    if value.startswith("file://"):
        return [value[7:]]
    if "\n" in value or len(value) > 4096:
        return []
    return [value]
