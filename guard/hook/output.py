"""The output layer: a tool's result, after the tool ran and before the model receives it, with
every secret replaced by its typed placeholder (guard.redactor).

The pre-tool hook judges what a call *might* print; this judges what it *did* print, whatever
the command was: git history, a path built at run time, a Makefile recipe, an MCP server. Each
assistant says in its own contract how a hook changes a result (see ``output_reply`` in
guard.agents and the "Post-tool contracts" of the reference): Claude Code takes a replacement of
the same shape, Gemini CLI and Codex CLI give the model the hook's reason instead of the result,
Qwen Code its ``stopReason``. The redacted result goes where the model will read it.

Fail closed: a result Guard cannot read, or an internal error, withholds the result (every string
in it replaced by a notice) rather than letting it through.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing costs a hook ~5 ms to import; annotations are strings here
if TYPE_CHECKING:
    from guard.agents import Agent
    from guard.hook.call import Reply
    from guard.redactor import Redactor

WITHHELD = "[Guard withheld this tool result: {why}]"
MAX_DEPTH = 64


def answer(agent: Agent, event: dict[str, object], env: dict[str, str] | None = None) -> Reply:
    """The reply to one post-tool event of ``agent``."""
    result = event.get("tool_response")
    if result is None:
        why = "the event carries no tool_response"
        return agent.output_reply(event, withhold(None, why), 0, why)
    try:
        redactor = _redactor(event, env)
        redacted, count = redact_value(result, redactor)
    except Exception as e:  # a bug must not let a secret through
        why = f"internal error: {type(e).__name__}"
        return agent.output_reply(event, withhold(result, why), 0, why)
    return agent.output_reply(event, redacted, count, "")


def redact_value(value: object, redactor: Redactor, depth: int = 0) -> tuple[object, int]:
    """``value`` (a JSON value) with every string redacted, keys and shape kept; and how many
    secrets were replaced."""
    if depth > MAX_DEPTH:
        raise ValueError("tool result nested too deep")
    if isinstance(value, str):
        return redactor.redact_text(value)
    if isinstance(value, list):
        out: list[object] = []
        total = 0
        for item in value:
            new, n = redact_value(item, redactor, depth + 1)
            out.append(new)
            total += n
        return out, total
    if isinstance(value, dict):
        mapping: dict[str, object] = {}
        total = 0
        for key, item in value.items():
            new, n = redact_value(item, redactor, depth + 1)
            mapping[key] = new
            total += n
        return mapping, total
    return value, 0


def withhold(value: object, why: str) -> object:
    """``value`` with every string replaced by the notice: the same shape, nothing of it left."""
    notice = WITHHELD.format(why=why)
    if isinstance(value, str) or value is None:
        return notice
    if isinstance(value, list):
        return [withhold(v, why) for v in value]
    if isinstance(value, dict):
        return {k: withhold(v, why) for k, v in value.items()}
    return value


def text_of(result: object) -> str:
    """What a model reads of a result, as one text: Gemini's and Qwen's ``llmContent``, a plain
    string as it is, anything else as JSON."""
    import json

    if isinstance(result, dict) and "llmContent" in result:
        result = result["llmContent"]
    if isinstance(result, str):
        return result
    return json.dumps(result, ensure_ascii=False)


def reason_text(result: object, count: int, why: str) -> str | None:
    """For an assistant that gives the model the hook's reason instead of the result: the
    notice, then the redacted result (only the notice when it is withheld); None when nothing
    was replaced, and the result should go through as it is."""
    if not count and not why:
        return None
    return notice(count, why) if why else f"{notice(count, why)}\n{text_of(result)}"


def notice(count: int, why: str) -> str:
    """The first line of a result given to the model in a reason."""
    if why:
        return WITHHELD.format(why=why)
    return (f"[Guard replaced {count} secret value{'s' if count != 1 else ''} in this tool "
            "result with placeholders; the result follows]")


def _redactor(event: dict[str, object], env: dict[str, str] | None) -> Redactor:
    from guard import config as config_mod
    from guard.errors import GuardError
    from guard.judge import Judge
    from guard.redactor import Redactor

    environ = dict(os.environ if env is None else env)
    cwd = event.get("cwd")
    cwd = os.path.abspath(cwd) if isinstance(cwd, str) and cwd else os.getcwd()
    try:
        cfg = config_mod.load(config_mod.find(cwd))
    except GuardError:
        cfg = config_mod.Config()  # a broken config must not open the gate
    home = os.path.normpath(environ.get("HOME") or os.path.expanduser("~"))
    judge = Judge(cfg, root=config_mod.find_root(cwd), home=home)
    return Redactor(judge, env=environ)
