"""The pygls server: protocol wiring only. Every answer comes from plain functions of a document:
``guard.lsp.diagnostics`` (what to publish) and ``guard.lsp.actions`` (hovers, code actions,
commands).

Diagnostics are published when a document opens or is saved, and after a quiet period when it
changes (the debounce: typing a token should not rescan on every keystroke). A config file saved
or changed on disk republishes every open document, and each analysis checks the config file's
mtime anyway, so configuration never needs a restart.
"""

from __future__ import annotations

import asyncio
import os

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from guard import __version__
from guard.errors import GuardError
from guard.lsp import actions, diagnostics

DEFAULT_DEBOUNCE_MS = 200
WATCHED = "**/{.guard.toml,pyproject.toml}"


class GuardServer(LanguageServer):
    def __init__(self, debounce_ms: int = DEFAULT_DEBOUNCE_MS) -> None:
        super().__init__("guard", __version__)
        self.debounce = debounce_ms / 1000
        self.pending: dict[str, asyncio.TimerHandle] = {}
        self.root: str | None = None

    # --- helpers the handlers share ---

    def context(self, path: str) -> diagnostics.Context:
        return diagnostics.context_for(path, self.root)

    def document(self, uri: str) -> tuple[str, str] | None:
        """(path, text) of an open file:// document, or None."""
        if not uri.startswith("file:"):
            return None
        doc = self.workspace.get_text_document(uri)
        return (doc.path, doc.source) if doc.path else None

    def publish(self, uri: str) -> None:
        self.pending.pop(uri, None)
        opened = self.document(uri)
        if opened is None:
            return
        path, text = opened
        try:
            found = diagnostics.diagnostics(path, text, self.context(path))
        except GuardError as e:  # a broken config: say so once per publish, show nothing stale
            self.window_show_message(types.ShowMessageParams(
                type=types.MessageType.Error, message=f"guard: {e}"))
            found = []
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


def create_server(debounce_ms: int = DEFAULT_DEBOUNCE_MS) -> GuardServer:
    server = GuardServer(debounce_ms)

    @server.feature(types.INITIALIZE)
    def initialize(ls: GuardServer, params: types.InitializeParams) -> None:
        if params.root_uri and params.root_uri.startswith("file:"):
            from pygls.uris import to_fs_path

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
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files(ls: GuardServer, params: types.DidChangeWatchedFilesParams) -> None:
        ls.publish_all()

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: GuardServer, params: types.HoverParams) -> types.Hover | None:
        opened = ls.document(params.text_document.uri)
        if opened is None:
            return None
        path, text = opened
        return actions.hover(path, text, ls.context(path), params.position)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix,
                           types.CodeActionKind.RefactorExtract]))
    def code_action(ls: GuardServer,
                    params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        opened = ls.document(uri)
        if opened is None:
            return None
        path, text = opened
        return actions.code_actions(uri, path, text, ls.context(path), params.range)

    @server.command(actions.CMD_PROTECT)
    def protect(ls: GuardServer, uri: str) -> dict[str, object]:
        path, _ = ls.require(uri)
        changed = actions.protect(ls.context(path))
        ls.publish_all()
        return {"updated": changed}

    @server.command(actions.CMD_MOVE_TO_ENV)
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
    def redacted_view(ls: GuardServer, uri: str) -> dict[str, object]:
        path, text = ls.require(uri)
        return {"uri": uri, "text": actions.redacted_view(path, text, ls.context(path))}

    return server


def run(debounce_ms: int = DEFAULT_DEBOUNCE_MS) -> int:
    create_server(debounce_ms).start_io()
    return 0
