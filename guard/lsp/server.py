"""The pygls server: protocol wiring only. Every answer comes from plain functions of a document:
``guard.lsp.diagnostics`` (what to publish) and ``guard.lsp.actions`` (hovers, code actions,
commands).

Diagnostics are published when a document opens or is saved, and after a quiet period when it
changes (the debounce: typing a token should not rescan on every keystroke). A config file saved
or changed on disk republishes every open document, and each analysis checks the config file's
mtime anyway, so configuration never needs a restart. A config that does not load is an error
diagnostic on the file and line it names; every other file keeps being answered with its last
good version (or Guard's defaults).

Nothing the server says carries a secret, nor a traceback: a request Guard cannot answer fails
with its reason (LSP's RequestFailed), a bug with its exception's type and place only (its text
could quote the document), and pygls's own log lines keep their template, not their arguments
(which can be a whole document).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import re
import sys
import traceback
from typing import Any, TypeVar

from lsprotocol import types
from pygls.exceptions import FeatureRequestError, JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import from_fs_path, to_fs_path

from guard import __version__
from guard.errors import GuardError
from guard.lsp import actions, diagnostics

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

DEFAULT_DEBOUNCE_MS = 200
WATCHED = "**/{.guard.toml,pyproject.toml}"
_PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

F = TypeVar("F", bound="Callable[..., Any]")


class RequestFailed(JsonRpcException):
    """A request Guard cannot answer for a reason the user can act on; the message says which."""

    CODE = types.LSPErrorCodes.RequestFailed.value


class InternalError(JsonRpcException):
    """A bug: the message names the exception's type and where it was raised, nothing else."""

    CODE = types.ErrorCodes.InternalError.value


def _short(filename: str) -> str:
    """A source file as ``guard/lsp/server.py``, ``pygls/server.py`` or ``pathlib.py``."""
    if filename.startswith(_PACKAGE_PARENT + os.sep):
        return os.path.relpath(filename, _PACKAGE_PARENT)
    _, sep, inside = filename.rpartition(f"{os.sep}site-packages{os.sep}")
    return inside if sep else os.path.basename(filename)


def answers(what: str) -> Callable[[F], F]:
    """Make a request handler's failures clear answers: a GuardError is RequestFailed with its
    message, any other exception an InternalError naming its type and place."""
    def wrap(handler: F) -> F:
        @functools.wraps(handler)
        def answer(ls: GuardServer, *args: Any) -> Any:
            try:
                return handler(ls, *args)
            except GuardError as e:
                raise RequestFailed(f"guard: {e}") from None
            except JsonRpcException:
                raise
            except Exception as e:
                raise InternalError(ls.internal_error(what, e)) from None
        return answer  # type: ignore[return-value]
    return wrap


class GuardProtocol(LanguageServerProtocol):
    """pygls's protocol, except that no error answer carries a traceback: when pygls itself
    fails on a request (arguments it cannot match to a command, say), it answers with the
    exception's text and its stack; Guard's answer names the exception's type only."""

    def _send_response(self, msg_id: Any, result: Any | None = None,
                       error: types.ResponseError | None = None) -> None:
        if error is not None and error.data is not None and \
                error.code == types.ErrorCodes.InternalError.value:
            kind = error.message.split(":", 1)[0].strip()
            kind = kind if re.fullmatch(r"[\w.]+", kind) else "an exception"
            error = types.ResponseError(code=error.code, message=(
                f"guard lsp: internal error ({kind}); the server's stderr says where"))
        super()._send_response(msg_id, result, error)


class GuardServer(LanguageServer):
    def __init__(self, debounce_ms: int = DEFAULT_DEBOUNCE_MS) -> None:
        super().__init__("guard", __version__, protocol_cls=GuardProtocol)
        self.debounce = debounce_ms / 1000
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.root: str | None = None
        # config file -> (the file its error is in, the context) while it does not load
        self.config_errors: dict[str, tuple[str, diagnostics.Context]] = {}

    # --- helpers the handlers share ---

    def context(self, path: str) -> diagnostics.Context:
        return diagnostics.context_for(path, self.root)

    def document(self, uri: str) -> tuple[str, str] | None:
        """(path, text) of an open file:// document, or None."""
        if not uri.startswith("file:") or uri not in self.workspace.text_documents:
            return None  # (pygls would read a document that is not open from the disk)
        doc = self.workspace.get_text_document(uri)
        return (doc.path, doc.source) if doc.path else None

    def publish(self, uri: str) -> None:
        """Publish the document's diagnostics. Never raises: it also runs from a timer."""
        self.pending.pop(uri, None)
        try:
            opened = self.document(uri)
            if opened is None:
                return
            path, text = opened
            ctx = self.context(path)
            self.track_config(ctx, publishing=path)
            found = self.config_diagnostics(path, text) + \
                diagnostics.diagnostics(path, text, ctx)
        except GuardError as e:  # say so, show nothing stale
            self.show_error(f"guard: {e}")
            found = []
        except Exception as e:
            self.show_error(self.internal_error("publishing diagnostics", e))
            return
        version = self.workspace.get_text_document(uri).version
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=version))

    def publish_all(self) -> None:
        for uri in list(self.workspace.text_documents):
            self.publish(uri)

    def schedule(self, uri: str) -> None:
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        if self.debounce <= 0:
            self.publish(uri)
            return
        loop = asyncio.get_running_loop()
        self.pending[uri] = loop.call_later(self.debounce, self.publish, uri)

    def require(self, uri: str) -> tuple[str, str]:
        opened = self.document(uri)
        if opened is None:
            raise GuardError("not an open file:// document", uri)
        return opened

    # --- the config's own errors ---

    def track_config(self, ctx: diagnostics.Context, publishing: str | None = None) -> None:
        """Note whether the context's config loads; when that changes, say so once and publish
        the file the error is (or was) in, unless that is the document being published."""
        if ctx.config_file is None:
            return
        before = self.config_errors.get(ctx.config_file)
        where = diagnostics.error_file(ctx)
        where = os.path.realpath(where) if where else None
        publishing = os.path.realpath(publishing) if publishing else None
        if where is None:
            if before is None:
                return
            del self.config_errors[ctx.config_file]
        else:
            if before is not None and before[0] == where and \
                    str(before[1].error) == str(ctx.error):
                return
            self.config_errors[ctx.config_file] = (where, ctx)
            self.show_error(f"guard: {ctx.error}. Guard uses {ctx.serving} until it is fixed.")
        for path in {where, before[0] if before else None} - {None, publishing}:
            assert path is not None
            self.publish_file(path)

    def config_diagnostics(self, path: str, text: str | None) -> list[types.Diagnostic]:
        """The config errors that are in the file at ``path`` (its text: as open, else read)."""
        real = os.path.realpath(path)
        found = [ctx for where, ctx in self.config_errors.values() if where == real]
        if not found:
            return []
        if text is None:
            try:
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
            except OSError:
                text = ""
        lines = text.split("\n")
        return [diagnostics.config_error_diagnostic(ctx, lines) for ctx in found]

    def publish_file(self, path: str) -> None:
        """Republish a file that may not be open in the editor (a config file)."""
        uri = from_fs_path(path)
        if uri is None:
            return
        if uri in self.workspace.text_documents:
            self.publish(uri)
            return
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, diagnostics=self.config_diagnostics(path, None)))

    # --- what the client hears when something goes wrong ---

    def show_error(self, message: str) -> None:
        self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error,
                                                         message=message))

    def internal_error(self, what: str, error: BaseException) -> str:
        """Write one line about a bug to stderr and return it: the exception's type and the
        frames it came through, not its text (which could quote the document)."""
        frames = traceback.extract_tb(error.__traceback__)[-3:]
        place = " < ".join(f"{_short(f.filename)}:{f.lineno}" for f in reversed(frames))
        line = (f"guard lsp: internal error while {what}: {type(error).__name__} at {place} "
                "(a bug in Guard: please report it)")
        print(line, file=sys.stderr, flush=True)
        return line

    def report_server_error(self, error: Exception, source: Any) -> None:
        """pygls's own failures (a message it could not read or route): the type only, since
        the error's text can hold what the client sent. A request's failure is in its answer."""
        if source is FeatureRequestError:
            return
        self.show_error(f"guard lsp: internal error ({type(error).__name__}); "
                        "the server's stderr says where")


def create_server(debounce_ms: int = DEFAULT_DEBOUNCE_MS) -> GuardServer:
    server = GuardServer(debounce_ms)

    @server.feature(types.INITIALIZE)
    def initialize(ls: GuardServer, params: types.InitializeParams) -> None:
        if params.root_uri and params.root_uri.startswith("file:"):
            ls.root = to_fs_path(params.root_uri)
        options = params.initialization_options or {}
        if isinstance(options, dict) and isinstance(options.get("debounceMs"), int | float):
            ls.debounce = max(0, options["debounceMs"]) / 1000

    @server.feature(types.INITIALIZED)
    def initialized(ls: GuardServer, params: types.InitializedParams) -> None:
        caps = ls.client_capabilities.workspace
        watch = caps.did_change_watched_files if caps else None
        if watch and watch.dynamic_registration:
            ls.client_register_capability(types.RegistrationParams(registrations=[
                types.Registration(
                    id="guard-config", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=types.DidChangeWatchedFilesRegistrationOptions(
                        watchers=[types.FileSystemWatcher(glob_pattern=WATCHED)]))]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: GuardServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: GuardServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: GuardServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if diagnostics.is_config_file(uri):
            ls.publish_all()
        else:
            ls.publish(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: GuardServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        handle = ls.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        path = to_fs_path(uri) if uri.startswith("file:") else None
        # a config error stays where it is until it is fixed
        found = ls.config_diagnostics(path, None) if path else []
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=found))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files(ls: GuardServer, params: types.DidChangeWatchedFilesParams) -> None:
        ls.publish_all()

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @answers("answering a hover")
    def hover(ls: GuardServer, params: types.HoverParams) -> types.Hover | None:
        opened = ls.document(params.text_document.uri)
        if opened is None:
            return None
        path, text = opened
        return actions.hover(path, text, ls.context(path), params.position)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix,
                           types.CodeActionKind.RefactorExtract]))
    @answers("listing code actions")
    def code_action(ls: GuardServer,
                    params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        opened = ls.document(uri)
        if opened is None:
            return None
        path, text = opened
        return actions.code_actions(uri, path, text, ls.context(path), params.range)

    @server.command(actions.CMD_PROTECT)
    @answers("protecting a file")
    def protect(ls: GuardServer, uri: str) -> dict[str, object]:
        path, _ = ls.require(uri)
        changed = actions.protect(ls.context(path))
        ls.publish_all()
        return {"updated": changed}

    @server.command(actions.CMD_MOVE_TO_ENV)
    @answers("moving a secret to .env")
    def move_to_env(ls: GuardServer, uri: str, fingerprint: str, name: str) -> dict[str, object]:
        path, text = ls.require(uri)
        ctx = ls.context(path)
        edits, used, env_path = actions.move_to_env(path, text, ctx, fingerprint, name)
        ls.workspace_apply_edit(types.ApplyWorkspaceEditParams(
            edit=types.WorkspaceEdit(changes={uri: edits}), label=f"Move secret to .env as {used}"))
        # .env now holds the value: make sure no assistant reads it
        actions.protect(ls.context(env_path))
        return {"name": used, "env": os.path.relpath(env_path, ctx.root)}

    @server.command(actions.CMD_REDACTED_VIEW)
    @answers("making the redacted view")
    def redacted_view(ls: GuardServer, uri: str) -> dict[str, object]:
        path, text = ls.require(uri)
        return {"uri": uri, "text": actions.redacted_view(path, text, ls.context(path))}

    return server


# printf-style placeholders of a log message's template
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")


class _Template(logging.Formatter):
    """A log record as its template and exception type: pygls passes the parameters of a
    message it failed on (a document's whole text, secrets included) as arguments, and an
    exception's text or traceback can quote them too."""

    def format(self, record: logging.LogRecord) -> str:
        text = _PLACEHOLDER.sub("…", str(record.msg)) if record.args else str(record.msg)
        exc = record.exc_info[0] if record.exc_info else None
        kind = f" ({exc.__name__})" if exc is not None else ""
        return f"guard lsp: {record.levelname.lower()}: {record.name}: {text}{kind}"


def _not_ours(record: logging.LogRecord) -> bool:
    """Leave out pygls's note of an error Guard raised on purpose: the answer carries it (and
    an internal error has had its own line on stderr)."""
    exc = record.exc_info[0] if record.exc_info else None
    return not (exc is not None and issubclass(exc, RequestFailed | InternalError))


def quiet_logging() -> None:
    """Every logger (pygls, asyncio) writes warnings and errors to stderr as _Template does."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Template())
    handler.addFilter(_not_ours)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)


def run(debounce_ms: int = DEFAULT_DEBOUNCE_MS) -> int:
    quiet_logging()
    create_server(debounce_ms).start_io()
    return 0
