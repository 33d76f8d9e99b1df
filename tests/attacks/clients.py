"""Four assistants simulated exactly as far as their hook contracts go: Claude Code, Gemini CLI,
Codex CLI and Qwen Code (/work/shared/reference/ai-agents.md, last section, "Post-tool contracts
— verified against the real clients"; versions Claude Code 2.1.197, Gemini CLI 0.61.0, Qwen Code
0.15.10, Codex CLI 0.171.0).

One call goes through :meth:`Client.run`:

1. the client's own refusals that come before any hook (Gemini CLI's ``read_file`` refuses a
   git-ignored path);
2. the pre-tool event, in the client's shape, to the real ``guard hook <agent>`` process, and its
   reply honoured as the client does (a deny gives the model only the reason; Claude Code's
   ``updatedInput`` replaces the input that runs);
3. the tool really executed in the sandbox: shell commands through ``bash -c`` (10 s timeout, no
   network), file reads, ripgrep searches the way the client runs them, writes and edits, Codex's
   ``apply_patch``, and a few MCP servers (filesystem, a workspace server that takes its path in
   pieces, sqlite, git) simulated by reading what they would read;
4. the post-tool event built from the result in the client's shape (Claude Code sends
   ``PostToolUseFailure`` for a failed call), sent to ``guard hook <agent>`` again, and its reply
   applied as the reference's reply table says that client does.

:class:`Outcome.model_text` is then what the model receives. Output is not truncated the way the
clients truncate long results: the worst case is measured.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from tests.attacks.sandbox import Sandbox
from tests.attacks.tools import (
    HookFn,
    HookRun,
    ToolError,
    apply_patch,
    claude_grep,
    edit_file,
    gemini_grep,
    git_ignored,
    guard_hook,
    mcp_server,
    numbered,
    read_many,
    read_text,
    resolve,
    run_shell,
    snippet,
    write_file,
)

__all__ = ["CLIENTS", "Client", "HookFn", "HookRun", "Outcome", "client", "guard_hook",
           "run_shell"]


# --- what happened ------------------------------------------------------------------------------

@dataclass
class Outcome:
    """One call as the client handled it. ``model_text`` is what the model receives."""

    agent: str
    tool: str
    args: dict[str, Any]
    verdict: str = "allow"  # allow | deny | rewrite | refused (by the client itself) | stop
    reason: str = ""  # the deny reason the model got
    ran_args: dict[str, Any] | None = None  # the input that really ran (after a rewrite)
    pre: HookRun | None = None
    post_event: dict[str, Any] | None = None
    post: HookRun | None = None
    original_text: str = ""  # the tool's result as the model would get it with no hook
    model_text: str = ""
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def denied(self) -> bool:
        return self.verdict in ("deny", "refused", "stop")

    def hook_output(self) -> str:
        """Everything the hook processes printed."""
        return "\n".join(r.stdout + "\n" + r.stderr for r in (self.pre, self.post) if r)


@dataclass
class ToolRun:
    """A tool's result: whether it succeeded, the client's ``tool_response`` and, for the
    failures Claude Code reports separately, the error text."""

    ok: bool
    response: Any
    exit_code: int | None = None
    error: str = ""
    interrupted: bool = False


@dataclass
class Pre:
    kind: str  # allow | deny | stop
    reason: str = ""
    args: dict[str, Any] | None = None
    context: str = ""


# --- the clients ------------------------------------------------------------------------------

class Client:
    """One assistant: its tool names, its event shapes and its reading of the replies."""

    name: ClassVar[str]  # guard's agent name
    display: ClassVar[str]
    pre_event_name: ClassVar[str]
    mcp_separator: ClassVar[str] = "__"

    def __init__(self, hook: HookFn = guard_hook) -> None:
        self.hook = hook

    # the common driver
    def run(self, sb: Sandbox, tool: str, args: dict[str, Any]) -> Outcome:
        start = time.monotonic()
        args = sb.fill(args)
        out = Outcome(self.name, tool, args)
        refusal = self.refuses(sb, tool, args)
        if refusal is not None:
            out.verdict, out.reason, out.model_text = "refused", refusal, refusal
            out.seconds = time.monotonic() - start
            return out
        out.pre = self.hook(self.name, self.pre_event(sb, tool, args), sb)
        pre = self.read_pre(out.pre, args)
        if pre.kind != "allow":
            out.verdict, out.reason, out.model_text = pre.kind, pre.reason, pre.reason
            out.seconds = time.monotonic() - start
            return out
        ran = pre.args if pre.args is not None else args
        if pre.args is not None and pre.args != args:
            out.verdict = "rewrite"
        out.ran_args = ran
        run = self.execute(sb, tool, ran)
        out.original_text = self.render(tool, run)
        out.post_event = self.post_event(sb, tool, ran, run)
        out.post = self.hook(self.name, out.post_event, sb)
        out.model_text = self.apply_post(out.post, tool, run, out)
        if pre.context:
            out.model_text += "\n" + pre.context
        out.seconds = time.monotonic() - start
        return out

    # to be provided by each client
    def shell(self, command: str, **extra: Any) -> tuple[str, dict[str, Any]]:
        raise NotImplementedError

    def mcp(self, server: str, tool: str) -> str:
        return f"mcp{self.mcp_separator}{server}{self.mcp_separator}{tool}"

    def refuses(self, sb: Sandbox, tool: str, args: dict[str, Any]) -> str | None:
        return None

    def pre_event(self, sb: Sandbox, tool: str, args: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def read_pre(self, run: HookRun, args: dict[str, Any]) -> Pre:
        raise NotImplementedError

    def execute(self, sb: Sandbox, tool: str, args: dict[str, Any]) -> ToolRun:
        raise NotImplementedError

    def render(self, tool: str, run: ToolRun) -> str:
        raise NotImplementedError

    def post_event(self, sb: Sandbox, tool: str, args: dict[str, Any],
                   run: ToolRun) -> dict[str, Any]:
        raise NotImplementedError

    def apply_post(self, reply: HookRun, tool: str, run: ToolRun, out: Outcome) -> str:
        raise NotImplementedError

    # shared pieces
    def split_mcp(self, tool: str) -> tuple[str, str] | None:
        sep = self.mcp_separator
        if not tool.startswith("mcp" + sep):
            return None
        server, _, name = tool[len("mcp" + sep):].partition(sep)
        return server, name

    def common(self, sb: Sandbox, event_name: str) -> dict[str, Any]:
        return {"session_id": f"corpus-{self.name}", "cwd": str(sb.repo),
                "transcript_path": str(sb.home / f".{self.name}" / "transcript.jsonl"),
                "hook_event_name": event_name}


def _same_shape(a: Any, b: Any) -> bool:
    """Whether ``a`` has the shape of ``b``: the same keys, recursively, and the same types."""
    if isinstance(b, dict):
        return isinstance(a, dict) and a.keys() == b.keys() and all(
            _same_shape(a[k], b[k]) for k in b)
    if isinstance(b, list):
        return isinstance(a, list)
    if isinstance(b, bool) or isinstance(a, bool):
        return type(a) is type(b)
    if isinstance(b, (int, float)):
        return isinstance(a, (int, float))
    if b is None:
        return True
    return type(a) is type(b)


class Claude(Client):
    """Claude Code 2.1.197: PreToolUse/PostToolUse/PostToolUseFailure, ``updatedInput``,
    ``updatedToolOutput`` (same shape only)."""

    name = "claude"
    display = "Claude Code"
    pre_event_name = "PreToolUse"

    def shell(self, command: str, **extra: Any) -> tuple[str, dict[str, Any]]:
        return "Bash", {"command": command, "description": extra.get("description", "Run "
                                                                       "a command"), **extra}

    def pre_event(self, sb: Sandbox, tool: str, args: dict[str, Any]) -> dict[str, Any]:
        return {**self.common(sb, "PreToolUse"), "permission_mode": "default", "tool_name": tool,
                "tool_input": args, "tool_use_id": "toolu_corpus01"}

    def read_pre(self, run: HookRun, args: dict[str, Any]) -> Pre:
        if run.code == 2:  # blocks; stderr is the reason (JSON cannot override)
            return Pre("deny", run.stderr.strip())
        obj = run.json()
        if obj is None:  # silence, exit 1 or another code: a non-blocking error, the call goes on
            return Pre("allow")
        if obj.get("continue") is False:
            return Pre("stop", str(obj.get("stopReason", "")))
        hso = obj.get("hookSpecificOutput")
        hso = hso if isinstance(hso, dict) else {}
        if hso.get("permissionDecision") == "deny":
            return Pre("deny", str(hso.get("permissionDecisionReason", "")))
        if obj.get("decision") == "block":  # the older top-level form
            return Pre("deny", str(obj.get("reason", "")))
        updated = hso.get("updatedInput")
        context = hso.get("additionalContext")
        return Pre("allow", args=updated if isinstance(updated, dict) else None,
                   context=context if isinstance(context, str) else "")

    def execute(self, sb: Sandbox, tool: str, args: dict[str, Any]) -> ToolRun:
        try:
            return self._execute(sb, tool, args)
        except ToolError as e:
            return ToolRun(False, None, error=str(e))
        except (KeyError, TypeError) as e:
            return ToolRun(False, None, error=f"InputValidationError: {e}")

    def _execute(self, sb: Sandbox, tool: str, args: dict[str, Any]) -> ToolRun:
        if tool == "Bash":
            r = run_shell(sb, args["command"])
            response = {"stdout": r.stdout.rstrip("\n"), "stderr": r.stderr.rstrip("\n"),
                        "interrupted": r.timed_out, "isImage": False,
                        "noOutputExpected": False}
            if r.code != 0:
                head = "Command timed out" if r.timed_out else f"Exit code {r.code}"
                return ToolRun(False, response, r.code, f"{head}\n{r.output}", r.timed_out)
            return ToolRun(True, response, 0)
        if tool == "Read":
            path = args["file_path"]
            text = read_text(sb, path)
            lines = text.split("\n")
            if text.endswith("\n"):
                lines = lines[:-1]
            start = max(1, int(args.get("offset") or 1))
            limit = int(args.get("limit") or 2000)
            chosen = lines[start - 1:start - 1 + limit]
            return ToolRun(True, {"type": "text", "file": {
                "filePath": resolve(sb, path), "content": "\n".join(chosen),
                "numLines": len(chosen), "startLine": start, "totalLines": len(lines)}})
        if tool == "Grep":
            return ToolRun(True, claude_grep(sb, args))
        if tool == "Glob":
            base = resolve(sb, args.get("path") or ".")
            names = sorted(str(p) for p in Path(base).glob(args["pattern"]) if p.is_file())
            return ToolRun(True, {"filenames": names, "durationMs": 1, "numFiles": len(names),
                                  "truncated": False})
        if tool == "Write":
            existed = write_file(sb, args["file_path"], args["content"])
            return ToolRun(True, {"type": "update" if existed else "create",
                                  "filePath": resolve(sb, args["file_path"]),
                                  "content": args["content"], "structuredPatch": []})
        if tool == "Edit":
            original, _, _ = edit_file(sb, args["file_path"], args["old_string"],
                                          args["new_string"], bool(args.get("replace_all")))
            return ToolRun(True, {"filePath": resolve(sb, args["file_path"]),
                                  "oldString": args["old_string"],
                                  "newString": args["new_string"], "originalFile": original,
                                  "structuredPatch": [], "userModified": False,
                                  "replaceAll": bool(args.get("replace_all"))})
        mcp = self.split_mcp(tool)
        if mcp is not None:
            return ToolRun(True, [{"type": "text", "text": mcp_server(sb, *mcp, args)}])
        raise ToolError(f"No such tool available: {tool}")

    def render(self, tool: str, run: ToolRun) -> str:
        if not run.ok:
            return run.error
        return self._render(tool, run.response)

    def _render(self, tool: str, r: Any) -> str:
        if tool == "Bash":
            return "\n".join(s for s in (r["stdout"], r["stderr"]) if s)
        if tool == "Read":
            return numbered(r["file"]["content"], r["file"]["startLine"])
        if tool == "Grep":
            if r["mode"] == "files_with_matches":
                if not r["filenames"]:
                    return "No files found"
                return f"Found {r['numFiles']} files\n" + "\n".join(r["filenames"])
            return r["content"] or "No matches found"
        if tool == "Glob":
            return "\n".join(r["filenames"]) or "No files found"
        if tool == "Write":
            verb = "updated" if r["type"] == "update" else "created"
            return f"File {verb} successfully at: {r['filePath']}"
        if tool == "Edit":
            before = r["originalFile"]
            line = before[:max(0, before.find(r["oldString"]))].count("\n") + 1
            updated = before.replace(r["oldString"], r["newString"], -1 if r["replaceAll"] else 1)
            return (f"The file {r['filePath']} has been updated. Here's the result of running "
                    f"`cat -n` on a snippet of the edited file:\n{snippet(updated, line)}")
        if isinstance(r, list):  # MCP content blocks
            return "\n".join(b.get("text", "") for b in r if isinstance(b, dict))
        return json.dumps(r)

    def post_event(self, sb: Sandbox, tool: str, args: dict[str, Any],
                   run: ToolRun) -> dict[str, Any]:
        if not run.ok:
            return {**self.common(sb, "PostToolUseFailure"), "permission_mode": "default",
                    "tool_name": tool, "tool_input": args, "tool_use_id": "toolu_corpus01",
                    "error": run.error, "is_interrupt": run.interrupted, "duration_ms": 12}
        return {**self.common(sb, "PostToolUse"), "permission_mode": "default",
                "tool_name": tool, "tool_input": args, "tool_response": run.response,
                "tool_use_id": "toolu_corpus01", "duration_ms": 12}

    def apply_post(self, reply: HookRun, tool: str, run: ToolRun, out: Outcome) -> str:
        original = self.render(tool, run)
        if not run.ok:  # PostToolUseFailure: the original goes through, nothing replaces it
            context = self._context(reply)
            return original + ("\n" + context if context else "")
        if reply.code == 2:  # original and the stderr
            return original + "\n" + reply.stderr.strip()
        obj = reply.json()
        if obj is None:
            return original
        text = original
        hso = obj.get("hookSpecificOutput")
        hso = hso if isinstance(hso, dict) else {}
        if "updatedToolOutput" in hso:
            if _same_shape(hso["updatedToolOutput"], run.response):
                text = self._render(tool, hso["updatedToolOutput"])
                out.notes.append("post: updatedToolOutput replaced the result")
            else:
                out.notes.append("post: updatedToolOutput of another shape, ignored")
        if obj.get("decision") == "block":
            text += "\n" + str(obj.get("reason", ""))
        if obj.get("continue") is False:
            out.notes.append("post: continue:false ended the session; the result stays in the "
                             "transcript")
        context = self._context(reply)
        return text + ("\n" + context if context else "")

    @staticmethod
    def _context(reply: HookRun) -> str:
        obj = reply.json() or {}
        hso = obj.get("hookSpecificOutput")
        ctx = hso.get("additionalContext") if isinstance(hso, dict) else None
        return ctx if isinstance(ctx, str) else ""


class _GeminiFamily(Client):
    """Gemini CLI and its fork Qwen Code: Gemini's tool names, ``{llmContent, returnDisplay}``."""

    mcp_separator = "_"
    read_key: ClassVar[str]
    many_key: ClassVar[str]
    search_dir_key: ClassVar[str]
    search_glob_key: ClassVar[str]

    def shell(self, command: str, **extra: Any) -> tuple[str, dict[str, Any]]:
        return "run_shell_command", {"command": command, **extra}

    def pre_event(self, sb: Sandbox, tool: str, args: dict[str, Any]) -> dict[str, Any]:
        return {**self.common(sb, self.pre_event_name), "timestamp": "2026-12-05T10:00:00.000Z",
                "tool_name": tool, "tool_input": args}

    def execute(self, sb: Sandbox, tool: str, args: dict[str, Any]) -> ToolRun:
        try:
            return self._execute(sb, tool, args)
        except ToolError as e:
            msg = f"Error: {e}"
            return ToolRun(False, {"llmContent": msg, "returnDisplay": msg}, error=msg)
        except (KeyError, TypeError) as e:
            msg = f"Error: invalid parameters: {e}"
            return ToolRun(False, {"llmContent": msg, "returnDisplay": msg}, error=msg)

    def _execute(self, sb: Sandbox, tool: str, args: dict[str, Any]) -> ToolRun:
        def ok(text: str, display: str = "") -> ToolRun:
            return ToolRun(True, {"llmContent": text, "returnDisplay": display or text})

        if tool == "run_shell_command":
            cwd = args.get("dir_path") or args.get("directory")
            r = run_shell(sb, args["command"], cwd=resolve(sb, cwd) if cwd else None)
            text = (f"Command: {args['command']}\nDirectory: {cwd or '(root)'}\n"
                    f"Output: <untrusted_context>\n{r.output or '(empty)'}\n</untrusted_context>")
            if r.code != 0:
                text += f"\nExit Code: {r.code}"
            return ToolRun(True, {"llmContent": text, "returnDisplay": r.output}, r.code)
        if tool == "read_file":
            path = self._first(args, self.read_key, "file_path", "absolute_path", "path")
            text = read_text(sb, path)
            offset, limit = args.get("offset"), args.get("limit")
            if offset is not None or limit is not None:
                lines = text.split("\n")
                lo = int(offset or 0)
                text = "\n".join(lines[lo:lo + int(limit or 2000)])
            return ok(text, "")
        if tool == "read_many_files":
            other = "include" if self.many_key != "include" else "paths"
            patterns = [*(args.get(self.many_key) or []), *(args.get(other) or [])]
            return ok(read_many(sb, patterns, list(args.get("exclude") or [])))
        if tool in ("grep_search", "search_file_content"):
            path = args.get(self.search_dir_key) or args.get("dir_path") or args.get("path")
            return ok(gemini_grep(sb, args["pattern"], path, args.get(self.search_glob_key)
                                  or args.get("include"), bool(args.get("no_ignore"))))
        if tool == "glob":
            base = Path(resolve(sb, args.get("dir_path") or args.get("path") or "."))
            names = sorted(str(p) for p in base.glob(args["pattern"]) if p.is_file()
                           and ".git" not in p.parts and not git_ignored(sb, str(p)))
            return ok(f"Found {len(names)} file(s) matching \"{args['pattern']}\":\n"
                      + "\n".join(names))
        if tool == "list_directory":
            base = resolve(sb, args.get("dir_path") or args.get("path") or ".")
            names = sorted(os.listdir(base))
            return ok(f"Directory listing for {base}:\n" + "\n".join(
                ("[DIR] " if os.path.isdir(os.path.join(base, n)) else "") + n for n in names))
        if tool == "write_file":
            path = self._first(args, "file_path", "absolute_path", "path")
            existed = write_file(sb, path, args["content"])
            verb = "overwrote file" if existed else "created and wrote to new file"
            return ok(f"Successfully {verb}: {resolve(sb, path)}.")
        if tool in ("replace", "edit"):
            path = self._first(args, "file_path", "absolute_path", "path")
            edit_file(sb, path, args["old_string"], args["new_string"],
                      int(args.get("expected_replacements") or 1) > 1)
            return ok(f"Successfully modified file: {resolve(sb, path)} (1 replacements).")
        mcp = self.split_mcp(tool)
        if mcp is not None:
            return ok(mcp_server(sb, *mcp, args))
        raise ToolError(f"Tool \"{tool}\" not found in registry.")

    @staticmethod
    def _first(args: dict[str, Any], *keys: str) -> str:
        for k in keys:
            if isinstance(args.get(k), str) and args[k]:
                return args[k]
        raise KeyError(keys[0])

    def render(self, tool: str, run: ToolRun) -> str:
        return str(run.response.get("llmContent", ""))


class Gemini(_GeminiFamily):
    """Gemini CLI 0.61.0: BeforeTool/AfterTool; a deny (or block, or exit 2) after the tool
    replaces the output with ``{"error": reason}``."""

    name = "gemini"
    display = "Gemini CLI"
    pre_event_name = "BeforeTool"
    read_key = "file_path"
    many_key = "include"
    search_dir_key = "dir_path"
    search_glob_key = "include"

    def shell(self, command: str, **extra: Any) -> tuple[str, dict[str, Any]]:
        return "run_shell_command", {"command": command,
                                     "description": extra.pop("description", "Run a command"),
                                     **extra}

    def refuses(self, sb: Sandbox, tool: str, args: dict[str, Any]) -> str | None:
        """read_file refuses a git-ignored path (or a .geminiignore'd one) before any hook."""
        if tool != "read_file":
            return None
        path = next((args[k] for k in ("file_path", "absolute_path", "path")
                     if isinstance(args.get(k), str)), None)
        if path and git_ignored(sb, path):
            return f"File path '{path}' is ignored by configured ignore patterns."
        return None

    def read_pre(self, run: HookRun, args: dict[str, Any]) -> Pre:
        if run.code == 2:
            return Pre("deny", run.stderr.strip())
        obj = run.json()
        if obj is None:  # non-JSON stdout, or another exit code: a warning, the call goes on
            return Pre("allow")
        if obj.get("decision") in ("deny", "block"):
            return Pre("deny", str(obj.get("reason", "")))
        if obj.get("continue") is False:
            return Pre("stop", str(obj.get("stopReason", "")))
        hso = obj.get("hookSpecificOutput")
        hso = hso if isinstance(hso, dict) else {}
        merged = {**args, **hso["tool_input"]} if isinstance(hso.get("tool_input"), dict) else None
        context = hso.get("additionalContext")
        return Pre("allow", args=merged, context=context if isinstance(context, str) else "")

    def post_event(self, sb: Sandbox, tool: str, args: dict[str, Any],
                   run: ToolRun) -> dict[str, Any]:
        return {**self.common(sb, "AfterTool"), "timestamp": "2026-12-05T10:00:01.000Z",
                "tool_name": tool, "tool_input": args, "tool_response": run.response}

    def apply_post(self, reply: HookRun, tool: str, run: ToolRun, out: Outcome) -> str:
        original = self.render(tool, run)
        if reply.code == 2:
            return json.dumps({"error": reply.stderr.strip()})
        obj = reply.json()
        if obj is None:
            return original
        if obj.get("decision") in ("deny", "block"):
            return json.dumps({"error": str(obj.get("reason", ""))})
        if obj.get("continue") is False:
            out.notes.append("post: continue:false stopped the agent loop; the result stays in "
                             "the conversation")
        hso = obj.get("hookSpecificOutput")
        ctx = hso.get("additionalContext") if isinstance(hso, dict) else None
        return original + ("\n" + ctx if isinstance(ctx, str) and ctx else "")


class Qwen(_GeminiFamily):
    """Qwen Code 0.15.10: Claude-style PreToolUse/PostToolUse with Gemini's tools; after the tool
    only ``continue: false`` replaces the output (with ``stopReason``)."""

    name = "qwen"
    display = "Qwen Code"
    pre_event_name = "PreToolUse"
    read_key = "absolute_path"
    many_key = "paths"
    search_dir_key = "path"
    search_glob_key = "glob"

    def read_pre(self, run: HookRun, args: dict[str, Any]) -> Pre:
        if run.code == 2:
            return Pre("deny", run.stderr.strip())
        obj = run.json()
        if obj is None:
            return Pre("allow")
        hso = obj.get("hookSpecificOutput")
        hso = hso if isinstance(hso, dict) else {}
        if hso.get("permissionDecision") == "deny":
            return Pre("deny", str(hso.get("permissionDecisionReason", "")))
        if obj.get("decision") in ("deny", "block"):
            return Pre("deny", str(obj.get("reason", "")))
        if obj.get("continue") is False:
            return Pre("stop", str(obj.get("stopReason", "")))
        context = hso.get("additionalContext")
        # input rewriting is only read from permission requests: updatedInput is not honoured
        return Pre("allow", context=context if isinstance(context, str) else "")

    def post_event(self, sb: Sandbox, tool: str, args: dict[str, Any],
                   run: ToolRun) -> dict[str, Any]:
        return {**self.common(sb, "PostToolUse"), "tool_name": tool, "tool_input": args,
                "tool_response": run.response}

    def apply_post(self, reply: HookRun, tool: str, run: ToolRun, out: Outcome) -> str:
        original = self.render(tool, run)
        obj = reply.json()
        if obj is None:  # exit 2 and other codes: not honoured after the tool
            return original
        if obj.get("continue") is False:
            return str(obj.get("stopReason", ""))
        hso = obj.get("hookSpecificOutput")
        ctx = hso.get("additionalContext") if isinstance(hso, dict) else None
        return original + ("\n" + ctx if isinstance(ctx, str) and ctx else "")


class Codex(Client):
    """Codex CLI 0.171.0: every shell command is ``Bash``; ``apply_patch``; MCP tools. After the
    tool, ``decision: block``, exit 2 and ``continue: false`` put the reason in place of the
    output; ``updatedToolOutput`` is not read (openai/codex PR #20703 open)."""

    name = "codex"
    display = "Codex CLI"
    pre_event_name = "PreToolUse"

    def shell(self, command: str, **extra: Any) -> tuple[str, dict[str, Any]]:
        if extra.pop("exec_form", False):
            return "Bash", {"command": ["bash", "-lc", command], **extra}
        return "Bash", {"command": command, **extra}

    def pre_event(self, sb: Sandbox, tool: str, args: dict[str, Any]) -> dict[str, Any]:
        return {**self.common(sb, "PreToolUse"), "permission_mode": "default",
                "model": "gpt-5-codex", "turn_id": "turn-corpus-1", "tool_name": tool,
                "tool_input": args, "tool_use_id": "call_corpus01"}

    def read_pre(self, run: HookRun, args: dict[str, Any]) -> Pre:
        obj = run.json()
        hso = (obj or {}).get("hookSpecificOutput")
        hso = hso if isinstance(hso, dict) else {}
        if hso.get("permissionDecision") == "deny":
            return Pre("deny", str(hso.get("permissionDecisionReason", "")))
        if run.code == 2:
            return Pre("deny", run.stderr.strip())
        if obj is not None and obj.get("decision") == "block":
            return Pre("deny", str(obj.get("reason", "")))
        # allow/ask are rejected as unsupported and fail open; updatedInput is unverified
        return Pre("allow")

    def execute(self, sb: Sandbox, tool: str, args: dict[str, Any]) -> ToolRun:
        try:
            if tool in ("Bash", "shell", "exec_command"):
                command = args.get("command") or args.get("cmd")
                r = run_shell(sb, command, cwd=args.get("workdir"))
                return ToolRun(r.code == 0, r.output, r.code)
            if tool == "apply_patch":
                return ToolRun(True, apply_patch(sb, args.get("command") or args["input"]))
            mcp = self.split_mcp(tool)
            if mcp is not None:
                return ToolRun(True, mcp_server(sb, *mcp, args))
            raise ToolError(f"unsupported call: {tool}")
        except ToolError as e:
            return ToolRun(False, f"{e}", error=str(e))
        except (KeyError, TypeError) as e:
            return ToolRun(False, f"failed to parse function arguments: {e}", error=str(e))

    def render(self, tool: str, run: ToolRun) -> str:
        if tool in ("Bash", "shell", "exec_command"):
            return f"Exit code: {run.exit_code}\nOutput:\n{run.response}"
        return str(run.response)

    def post_event(self, sb: Sandbox, tool: str, args: dict[str, Any],
                   run: ToolRun) -> dict[str, Any]:
        return {**self.common(sb, "PostToolUse"), "permission_mode": "default",
                "model": "gpt-5-codex", "turn_id": "turn-corpus-1", "tool_name": tool,
                "tool_input": args, "tool_response": run.response,
                "tool_use_id": "call_corpus01"}

    def apply_post(self, reply: HookRun, tool: str, run: ToolRun, out: Outcome) -> str:
        original = self.render(tool, run)
        if reply.code == 2:
            return reply.stderr.strip()
        obj = reply.json()
        if obj is None:
            return original
        if obj.get("decision") == "block":
            return str(obj.get("reason", ""))
        if obj.get("continue") is False:
            return str(obj.get("stopReason", ""))
        return original  # updatedToolOutput and additionalContext are not read


CLIENTS: dict[str, type[Client]] = {c.name: c for c in (Claude, Gemini, Codex, Qwen)}


def client(name: str, hook: HookFn = guard_hook) -> Client:
    return CLIENTS[name](hook)
