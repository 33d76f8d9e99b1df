"""Write-back: a placeholder the model writes into a file is restored to the real value locally,
before the tool runs.

The model only ever sees placeholders (``<redacted:RULE len=N fp=XXXXXXXX>``, from the redacted
view, the output layer or the proxy). When it edits a file it saw that way, its Edit carries them,
in what it replaces and in what it writes. Written as they are, they would destroy the user's
credentials. Guard recomputes the placeholders of the values it knows (never stored: the same
computation as the redactor's) and puts each value back, where the assistant lets a hook rewrite
a tool's input; otherwise, and whenever a placeholder cannot be restored, the call is denied
with a reason.

A value is restored only into the file it came from, or into a file that is sensitive anyway:
restoring is not a way to copy a secret from .env into tracked code.
"""

from __future__ import annotations

import os
import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from guard.hook.context import Context
    from guard.hook.decide import Decision

PLACEHOLDER = re.compile(r"<redacted:[\w.\-]+ len=\d+ fp=[0-9a-f]{8}>")
CONTINUED = "<redacted:continued>"
_ENCODED = ("-base64", "-hex", "-url", "-reversed", "-rot13")


def has_placeholder(value: object) -> bool:
    """Whether any string in ``value`` (a tool's arguments) holds a placeholder."""
    if isinstance(value, str):
        return bool(PLACEHOLDER.search(value))
    if isinstance(value, dict):
        return any(has_placeholder(v) for v in value.values())
    if isinstance(value, list):
        return any(has_placeholder(v) for v in value)
    return False


_WRITES = re.compile(r"<<|(?<![<&\d-])>>?(?!&)|\b(?:tee|cp|mv|install|rsync|dd|sponge)\b|"
                     r"\bsed\s+(?:-\w*\s+)*-i|\bperl\s+(?:-\w*\s+)*-\w*i")


def writes(command: str, ctx: Context) -> bool:
    """Whether a shell command may write a file: a redirection, a heredoc, tee, cp, sed -i…
    (read from the text: only asked about a command that holds a placeholder, so erring
    towards "yes" costs nothing)."""
    if _WRITES.search(PLACEHOLDER.sub("", command)):  # a placeholder ends in ">" itself
        return True
    from guard import shell

    try:
        analysis = shell.analyze(command, ctx.cwd, ctx.env, ctx.home)
    except Exception:  # a command Guard cannot analyse: assume it writes
        return True
    return bool(analysis.error) or any(a.op in ("write", "copy", "move")
                                       for a in analysis.accesses)


def decide(ctx: Context, target: str, args: object) -> Decision:
    """A ``restore`` decision carrying the arguments with every placeholder put back, or a deny
    saying which placeholder cannot be."""
    from guard.hook.decide import Decision

    abspath = ctx.abspath(target)
    known = _known(ctx, abspath)
    sensitive = ctx.sensitive(abspath, content=False) is not None
    problems: list[str] = []

    def restore(text: str) -> str:
        if CONTINUED in text:
            problems.append("a value that spans several lines (<redacted:continued>)")
            return text

        def put_back(m: re.Match[str]) -> str:
            found = known.get(m.group(0))
            if found is None:
                problems.append(f"{m.group(0)}, which matches no value Guard knows")
                return m.group(0)
            value, from_target = found
            if not (from_target or sensitive):
                problems.append(f"{m.group(0)}, a value from another file (Guard does not copy "
                                f"a secret into {ctx.shown(abspath)})")
                return m.group(0)
            return value

        return PLACEHOLDER.sub(put_back, text)

    restored = _walk(args, restore)
    if problems:
        return Decision("deny", f"this edit of {ctx.shown(abspath)} holds {problems[0]}; written "
                                "as it is, it would replace a secret with a placeholder. Ask the "
                                "user to make this change.")
    return Decision("restore", f"placeholders in this edit of {ctx.shown(abspath)} are restored "
                               "to the values they stand for", path=abspath, updates=restored)


def _walk(value: object, restore: object) -> object:
    assert callable(restore)
    if isinstance(value, str):
        return restore(value)
    if isinstance(value, dict):
        return {k: v if k in ("file_path", "path", "notebook_path") else _walk(v, restore)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, restore) for v in value]
    return value


def _known(ctx: Context, target: str) -> dict[str, tuple[str, bool]]:
    """Placeholder -> (the value it stands for, whether it came from ``target``): the values of
    the target file (as its view hides them), then every value the redactor knows."""
    from guard.detect import formats, redact
    from guard.redactor import Redactor

    out: dict[str, tuple[str, bool]] = {}
    try:
        data = formats.read_regular(target, ctx.config.max_file_size) if os.path.lexists(
            target) else None
    except OSError:
        data = None
    if data is not None and not formats.is_binary(data):
        for s, e, label in ctx.judge.spans(data, target):
            value = data[s:e]
            out.setdefault(redact.placeholder(value, label).decode(),
                           (value.decode("utf-8", "surrogateescape"), True))
    for needle, holder in Redactor(ctx.judge, env=ctx.env).needles():
        text = holder.decode()
        label = text.split(" ", 1)[0]
        if not label.endswith(_ENCODED):
            out.setdefault(text, (needle.decode("utf-8", "surrogateescape"), False))
    return out
