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

from guard import shell
from guard.hook.context import Context

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: this runs in a hook before every tool call
if TYPE_CHECKING:
    from collections.abc import Iterator

_ENV_DUMP_WORDS = frozenset({"env", "printenv", "environ", "export", "declare", "typeset", "set"})


class Decision:
    """``allow``, ``deny``, ``view`` (deny, and show the redacted view of ``path`` instead:
    an assistant that can substitute a tool's input runs ``replacement``), ``rewrite`` (run
    the shell command ``replacement`` instead) or ``restore`` (run the tool with the arguments
    ``updates``, placeholders put back: guard.hook.writeback). The last two only for an
    assistant that can substitute a tool's input; any other denies them, with the reason."""

    __slots__ = ("action", "path", "reason", "replacement", "updates")

    def __init__(self, action: str, reason: str = "", path: str = "",
                 replacement: str = "", updates: object = None) -> None:
        self.action = action
        self.reason = reason
        self.path = path
        self.replacement = replacement
        self.updates = updates

    @property
    def allowed(self) -> bool:
        return self.action == "allow"

    def __repr__(self) -> str:
        return (f"Decision({self.action!r}, {self.reason!r}, path={self.path!r}, "
                f"replacement={self.replacement!r})")


ALLOW = Decision("allow")


def _ctx(cwd: str, env: dict[str, str] | None, ctx: Context | None) -> Context:
    return ctx if ctx is not None else Context(cwd, env)


def _deny(ctx: Context, reason: str, **kw: str) -> Decision:
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
    from guard.detect import formats

    try:
        data = formats.read_regular(path, formats.BINARY_SNIFF)
    except (OSError, ValueError):
        return False
    return data is not None and not formats.is_binary(data)


def decide_search(cwd: str, path: str | None = None, pattern: str | None = None,
                  glob: str | None = None, hidden: bool = True, gitignore: bool = False,
                  env: dict[str, str] | None = None, ctx: Context | None = None,
                  listing: bool = False) -> Decision:
    """A search tool (Grep, search_file_content…) over ``path`` (default: the cwd), limited to
    ``glob``. ``hidden``/``gitignore`` say whether the tool sees dotfiles and skips ignored
    files; the defaults assume the worst. A tool that only lists names (``listing``) may list
    anything."""
    from guard.hook import trees  # loads on first use: most calls reach no tree

    ctx = _ctx(cwd, env, ctx)
    target = ctx.abspath(path or ".")
    if listing:
        return ALLOW  # names are not contents
    if ctx.output_layer and os.path.isdir(target):
        return ALLOW  # the output layer redacts what the search prints: no walk, no refusal
    if not os.path.isdir(target):
        why = ctx.sensitive(target)
        if why is None:
            return ALLOW
        return _deny(ctx, f"searching {ctx.shown(target)} would show lines of a sensitive file "
                          f"({why}). Run `{view_command(ctx, target)}` to see its keys.")
    access = shell.Access("read", target, "search", "tree", hidden, gitignore,
                          (glob,) if glob else ())
    found, complete = trees.tree_findings(ctx, access)
    if found:
        return _deny(ctx, trees.tree_reason(ctx, access, found, pattern))
    if not complete:
        return _deny(ctx, f"{ctx.shown(target)} holds more than {trees.TREE_MAX_ENTRIES} files, "
                          "too many to check for sensitive ones: search a narrower path.")
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
    covered: list[str] = []  # what the output layer makes safe: reading trees, the environment
    view_paths: list[str] = []
    for access in analysis.accesses:
        if ctx.output_layer and access.op == "read" and access.scope != "file":
            covered.append(f"`{access.command}` reads {ctx.shown(access.path)}")
            continue
        reason = _access_reason(ctx, access)
        if reason:
            reasons.append(reason)
            if access.op in ("read", "open") and access.scope == "file":
                view_paths.append(access.path)
    for pattern, cmd, word in analysis.globs:
        from guard.hook import trees  # loads on first use: most commands have no glob

        could = trees.could_match(ctx, pattern)
        if could:
            reasons.append(f"`{cmd}` is given the pattern {word}, which could match a sensitive "
                           f"file ({could}); name the files you need instead")
    reasons.extend(analysis.dynamic)
    if ctx.output_layer:
        covered.extend(_environment_reasons(ctx, analysis))
    else:
        reasons.extend(_environment_reasons(ctx, analysis))
    if not reasons:
        if not ctx.output_layer or ctx.output_sees_failures:
            return ALLOW  # whatever it prints passes the output layer, failed or not
        # otherwise the command is run so that it succeeds: the only way its output reaches
        # the output layer when it fails
        return Decision("rewrite", "run so that its output passes Guard's output layer even "
                        "when it fails", replacement=always_succeeds(command))
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


# What a plain `CMD || echo …` suffix cannot make succeed, or would break: an exit, exec or
# errexit that ends the shell first, a heredoc or a comment that the suffix would land in, a
# command sent to the background, a line continuation.
_SUFFIX_UNSAFE = re.compile(r"(?:^|[\s;&|(`])(?:exit|exec|return|trap|set\s+-\w*e\w*|set\s+-o\s+"
                            r"errexit)\b|<<|(?:^|\s)#|(?<![&>])&\s*$|\\\s*$")


def always_succeeds(command: str) -> str:
    """``command`` run so that it exits 0 whatever happens inside: an assistant that withholds
    nothing from a failed command (Claude Code sends its output as PostToolUseFailure, which no
    hook can change) then gives its output to the output layer like any other.

    A ``|| echo`` suffix with a plain message where that is enough: Claude Code's permission
    rules approve it exactly when they approve the command (verified with 2.1.197), and a ``cd``
    in it still takes effect. Else (an ``exit``, a heredoc, a comment…) a subshell, so that an
    ``exit`` inside ends only the subshell; Claude Code asks before running that form unless
    every command is allowed."""
    body = command.rstrip().rstrip(";").rstrip()
    if body and not _SUFFIX_UNSAFE.search(body):
        return f'{body} || echo "[the command failed]"'
    return f'( {command}\n) || echo "[exit status $?]"'


def _access_reason(ctx: Context, access: shell.Access) -> str:
    from guard.hook import trees

    if access.op == "write":  # `> .env` empties the user's secrets before writing
        if os.path.isfile(access.path) and ctx.sensitive(access.path, content=False):
            return (f"`{access.command} > {ctx.shown(access.path)}` would overwrite a sensitive "
                    "file; ask the user to change it (>> appends)")
        return ""
    if access.op not in shell.REVEALING and access.op != "pass":
        return ""  # "load": a program that only loads a dotenv file into its environment
    if access.scope in ("history", "config"):
        return _repository_reason(ctx, access)
    if access.scope != "file":
        if access.op == "pass":
            return ""
        found, complete = trees.tree_findings(ctx, access)
        if found:
            return trees.tree_reason(ctx, access, found, None)
        if not complete:
            return (f"`{access.command}` would go through {ctx.shown(access.path)}, which holds "
                    f"more than {trees.TREE_MAX_ENTRIES} files, too many to check: use a narrower "
                    "path")
        return ""
    why = ctx.sensitive(access.path, content=access.op != "pass")
    if why is None:
        return ""
    shown = ctx.shown(access.path)
    return _OP_REASON[access.op].format(cmd=access.command, shown=shown) + f" ({why})"


def _repository_reason(ctx: Context, access: shell.Access) -> str:
    """Why printing the repository's history or config would reveal a secret: a sensitive
    file some commit, the stash or the index holds; a remote URL with a password."""
    from guard import git

    if access.scope == "config":
        from guard.detect import formats

        try:
            data = formats.read_regular(os.path.join(access.path, ".git", "config"), 1 << 20)
        except OSError:
            return ""
        if data and re.search(rb"://[^/@\s:]+:[^/@\s]+@", data):
            return (f"`{access.command}` would print the repository's remote URLs, which carry a "
                    "password or token; ask the user to move it to a credential helper")
        return ""
    if not os.path.exists(os.path.join(access.path, ".git")):
        return ""  # not a repository: git prints no history
    paths = git.history_paths(access.path)
    if paths is None:
        return (f"`{access.command}` prints what the repository's commits hold, and Guard could "
                "not list them in time to check for sensitive files")
    found = [p for p in paths if ctx.judge.path_rule(p, os.path.join(access.path, p))]
    if not found:
        return ""
    names = ", ".join(found[:3]) + (" …" if len(found) > 3 else "")
    return (f"`{access.command}` would print what the repository's commits hold, and they hold "
            f"sensitive files ({names}); name the files you need, e.g. `git log -p -- src/`")


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
    from guard.hook import trees  # loads on first use: most calls reach no tree

    for token in re.findall(r"[^\s'\"`;|&<>()$={}]+", command):
        word = token.strip(",")
        if not word:
            continue
        why = None
        if word in _ENV_DUMP_WORDS:
            why = "it could print the environment"
        elif shell.has_glob(word):
            why = trees.could_match(ctx, shell.escape(ctx.cwd) + "/" + word if not word.startswith(
                "/") else word)
        else:
            why = ctx.sensitive(word)
        if why:
            return _deny(ctx, f"Guard cannot parse this command ({error}) and it mentions "
                              f"{word} ({why}); write it more simply.")
    return ALLOW


# --- MCP ----------------------------------------------------------------------------------------

_PATH_KEY = r"(?i)path|file|dir|folder|uri|src|source|dest|target|location|cwd"
_COMMAND_KEY = r"(?i)^(?:command|cmd|script|shell|bash)$"


def decide_mcp(tool_name: str, arguments: object, cwd: str, env: dict[str, str] | None = None,
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


def _strings(value: object, key: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
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
