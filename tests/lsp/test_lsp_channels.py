"""What ``guard lsp`` says besides its answers, end to end through pytest-lsp: a config that does
not load is a diagnostic on the config file (at the line it names) while every other file keeps
its answers, and no channel of the server (its answers, ``window/showMessage``,
``window/logMessage``, its stderr) ever carries a secret value or a traceback.

The client here records the server's stderr (pytest-lsp only forwards it) and ends the session
itself, so that everything the server wrote is in before the test looks at it."""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.client import JsonRPCClient
from pygls.exceptions import JsonRpcException
from pygls.uris import from_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features
from pytest_lsp.protocol import LanguageClientProtocol

from tests.conftest import git_init, guard_command, guard_env
from tests.lsp.test_lsp import DEBOUNCE_MS, GH, PY_SOURCE, TIMEOUT, _fix_code_action_union

PASSWORD = "Zq8#vLm2!pRt7$wXy"  # pragma: allowlist secret
DB_PASSWORD = "Hv3Lq9Tz2Wx7Kp4N"  # pragma: allowlist secret
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYz8x3Vp9Tq2"  # pragma: allowlist secret
STRIPE = "sk_live_51Hm7nlbAJ6XHMdp0cs8LDwhWQ4wq67oA"  # pragma: allowlist secret
SECRETS = (GH, PASSWORD, DB_PASSWORD, AWS_SECRET, STRIPE)
SOURCE = (f'import requests\n\nAPI_TOKEN = "{GH}"\ndb_password = "{PASSWORD}"\n'
          f'DSN = "postgres://app:{DB_PASSWORD}@db.internal/app"\n'
          f'aws_secret_access_key = "{AWS_SECRET}"\n')
REQUEST_FAILED = types.LSPErrorCodes.RequestFailed.value


class RecordingClient(LanguageClient):
    """pytest-lsp's client, keeping the server's stderr as well as forwarding it."""

    def __init__(self) -> None:
        from pytest_lsp.client import default_converter

        super().__init__(converter_factory=default_converter, protocol_cls=LanguageClientProtocol)
        self.stderr: list[str] = []
        self.ended = False
        # every publication in order: waiting for one notification at a time can miss the next
        self.publications: asyncio.Queue[types.PublishDiagnosticsParams] = asyncio.Queue()

    async def start_io(self, cmd: str, *args: str, **kwargs: object) -> None:
        await JsonRPCClient.start_io(self, cmd, *args, **kwargs)  # without pytest-lsp's forwarder
        self._stderr_forwarder = asyncio.create_task(self._record())

    async def _record(self) -> None:
        assert self._server is not None and self._server.stderr is not None
        while line := await self._server.stderr.readline():
            self.stderr.append(line.decode("utf-8", "replace"))
            sys.stderr.buffer.write(line)

    async def end(self) -> str:
        """Shut the server down and return all it wrote to stderr."""
        await self.shutdown_session()
        self.ended = True
        if self._stderr_forwarder is not None:
            await asyncio.wait_for(self._stderr_forwarder, TIMEOUT)
        return "".join(self.stderr)


def recording_client() -> RecordingClient:
    client = RecordingClient()
    register_lsp_features(client, {method: feature
                                   for method, feature in DEFAULT_CLIENT_FEATURES.items()
                                   if method != types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS})

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def publish(_client: RecordingClient, params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.publications.put_nowait(params)

    return client


# the server's rule cache, made at import (the config is module-level) and removed at exit
CACHE = tempfile.mkdtemp(prefix="guard-lsp-cache-")
atexit.register(shutil.rmtree, CACHE, True)

SERVER = ClientServerConfig(
    server_command=[*guard_command(), "lsp", "--debounce-ms", str(DEBOUNCE_MS)],
    server_env=guard_env(CACHE,
                         {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}),
    client_factory=recording_client)


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: RecordingClient, tmp_path: Path):
    git_init(tmp_path)
    _fix_code_action_union(lsp_client)

    @lsp_client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(_client: LanguageClient, params: types.ApplyWorkspaceEditParams):
        return types.ApplyWorkspaceEditResult(applied=True)

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(_client: LanguageClient, params: types.RegistrationParams) -> None:
        return None

    # the capabilities of a real editor's client, so that the server uses every channel it has
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=from_fs_path(str(tmp_path))))
    yield
    if not lsp_client.ended:
        await lsp_client.shutdown_session()


# --- helpers -----------------------------------------------------------------------------------


def uri_of(path: Path) -> str:
    return from_fs_path(str(path)) or ""


async def published(client: RecordingClient, uris: Iterable[str]) -> dict[str, list]:
    """Wait until diagnostics have been published for each of ``uris``; the last of each."""
    wanted = set(uris)
    seen: dict[str, list] = {}

    async def wait() -> dict[str, list]:
        while not wanted <= seen.keys():
            params = await client.publications.get()
            if params.uri in wanted:
                seen[params.uri] = list(params.diagnostics)
        return seen
    return await asyncio.wait_for(wait(), TIMEOUT)


def open_doc(client: LanguageClient, path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri_of(path), language_id="python", version=1,
                                             text=text)))


def config_changed(client: LanguageClient, config: Path, text: str) -> None:
    config.write_text(text, encoding="utf-8")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=uri_of(config), type=types.FileChangeType.Changed)]))


async def hover(client: LanguageClient, path: Path, line: int, character: int):
    return await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri_of(path)),
        position=types.Position(line, character)))


async def code_actions(client: LanguageClient, path: Path,
                       diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri_of(path)), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic])))
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


async def command(client: LanguageClient, name: str, *arguments: object) -> object:
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=name, arguments=list(arguments)))


def heard(client: LanguageClient) -> str:
    """Everything the server told the user or logged through the protocol."""
    return "\n".join([m.message for m in client.messages] +
                     [m.message for m in client.log_messages])


def assert_clean(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"a secret value in {where}"
    assert "Traceback" not in text and 'File "' not in text, f"a traceback in {where}:\n{text}"


# --- a config that does not load ---------------------------------------------------------------


async def test_broken_config_is_a_diagnostic_on_it_and_the_last_good_one_keeps_serving(
        client: RecordingClient, tmp_path: Path) -> None:
    config = tmp_path / ".guard.toml"
    config.write_text('exclude = ["vendor/"]\n', encoding="utf-8")
    path = tmp_path / "app.py"
    open_doc(client, path, PY_SOURCE)
    [secret] = (await published(client, [uri_of(path)]))[uri_of(path)]

    # a TOML syntax error on line 2 (tomllib says where in its message only)
    config_changed(client, config, 'exclude = ["vendor/"]\n[allow\npaths = ["app.py"]\n')
    found = await published(client, [uri_of(config), uri_of(path)])
    [error] = found[uri_of(config)]
    assert (error.code, error.severity) == ("config-error", types.DiagnosticSeverity.Error)
    assert error.range.start.line == 1
    assert "invalid TOML" in error.message and "last good version" in error.message
    assert str(config) not in error.message  # the diagnostic stands at the place already
    assert [d.code for d in found[uri_of(path)]] == ["github-pat-classic"]  # as before
    assert any(".guard.toml" in m.message and m.type == types.MessageType.Error
               for m in client.messages)

    # hover and code actions answer, with the last good config
    answer = await hover(client, path, 2, 20)
    assert answer is not None and "github-pat-classic" in str(answer.contents)
    titles = [a.title for a in await code_actions(client, path, secret)]
    assert any("allow this finding" in t for t in titles)

    # a setting Guard does not know: the line comes with the GuardError
    config_changed(client, config, 'exclude = ["vendor/"]\n\nexclde = ["app.py"]\n')
    found = await published(client, [uri_of(config), uri_of(path)])
    [error] = found[uri_of(config)]
    assert error.range.start.line == 2 and "exclde" in error.message
    assert [d.code for d in found[uri_of(path)]] == ["github-pat-classic"]

    # fixed: the config's diagnostic goes, and the new config takes effect
    config_changed(client, config, '[allow]\npaths = ["app.py"]\n')
    found = await published(client, [uri_of(config), uri_of(path)])
    assert found == {uri_of(config): [], uri_of(path): []}

    stderr = await client.end()
    assert_clean(stderr, "the server's stderr")
    assert_clean(heard(client), "a window message")


async def test_broken_config_from_the_start_serves_the_defaults(client: RecordingClient,
                                                                tmp_path: Path) -> None:
    config = tmp_path / ".guard.toml"
    config.write_text('[allow]\npaths = ["app.py"]\nexclude = [\n', encoding="utf-8")
    path = tmp_path / "app.py"
    open_doc(client, path, PY_SOURCE)
    found = await published(client, [uri_of(config), uri_of(path)])
    [error] = found[uri_of(config)]
    assert "invalid TOML" in error.message and "Guard's defaults" in error.message
    # no config ever loaded: the defaults, which allow nothing
    assert [d.code for d in found[uri_of(path)]] == ["github-pat-classic"]
    assert (await hover(client, path, 2, 20)) is not None
    # the config file open in the editor carries its error too
    open_doc(client, config, config.read_text(encoding="utf-8"))
    [error] = (await published(client, [uri_of(config)]))[uri_of(config)]
    assert error.code == "config-error"
    assert_clean(await client.end(), "the server's stderr")


# --- no secret and no traceback on any channel -------------------------------------------------


async def test_no_channel_carries_a_secret_or_a_traceback(client: RecordingClient,
                                                          tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"STRIPE_KEY={STRIPE}\n", encoding="utf-8")
    path = tmp_path / "app.py"
    open_doc(client, path, SOURCE)
    env = tmp_path / ".env"
    open_doc(client, env, env.read_text(encoding="utf-8"))
    found = await published(client, [uri_of(path), uri_of(env)])
    diags = found[uri_of(path)]
    assert {"github-pat-classic"} <= {d.code for d in diags} and len(diags) >= 3
    assert any(d.code == "sensitive-file" for d in found[uri_of(env)])

    # every request the editor makes, on every finding
    for d in diags:
        answer = await hover(client, path, d.range.start.line, d.range.start.character + 1)
        assert answer is not None
        assert_clean(str(answer), "a hover")
        for a in await code_actions(client, path, d):
            assert_clean(repr(a), "a code action")
    view = await command(client, "guard.redactedView", uri_of(path))
    assert_clean(repr(view), "the redacted view")
    # the typing that changes the document, debounced and rescanned
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri_of(path), version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(
            text=SOURCE + f'OTHER = "{GH}"\n')]))
    await published(client, [uri_of(path)])

    # requests that fail: a clear reason, as LSP's RequestFailed, no traceback
    dsn = next(d for d in diags if d.range.start.line == 4)
    for arguments, reason in [((uri_of(path), "0" * 16, "X"), "no longer in the document"),
                              ((uri_of(path), dsn.data["fingerprint"], "DSN"), "move it by hand"),
                              (("file:///nowhere/x.py", "0", "X"), "not an open")]:
        with pytest.raises(JsonRpcException) as failed:
            await command(client, "guard.moveToEnv", *arguments)
        assert failed.value.code == REQUEST_FAILED and reason in failed.value.message
        assert failed.value.data is None
        assert_clean(failed.value.message, "an error answer")
    # what pygls refuses itself: arguments that do not fit the command, an unknown command
    for name, arguments in [("guard.moveToEnv", [uri_of(path)]), ("guard.nothing", [])]:
        with pytest.raises(JsonRpcException) as failed:
            await command(client, name, *arguments)
        assert failed.value.data is None
        assert_clean(failed.value.message, "an error answer")

    stderr = await client.end()
    assert_clean(stderr, "the server's stderr")
    assert_clean(heard(client), "a window message")


def test_an_internal_error_answer_never_carries_its_stack() -> None:
    """Should pygls fail inside itself on a request, it answers InternalError with the
    exception's text and its traceback as data: Guard's protocol keeps the exception's type."""
    from pygls.exceptions import JsonRpcInternalError

    from guard.lsp import server

    protocol = server.create_server().protocol
    sent: list[object] = []
    protocol._send_data = sent.append  # type: ignore[method-assign]
    try:
        raise KeyError(GH)
    except KeyError:
        error = JsonRpcInternalError.of(sys.exc_info()).to_response_error()
    assert error.data and GH in error.message  # what pygls would send
    protocol._send_response(7, error=error)
    [answer] = sent
    assert answer.error.data is None  # type: ignore[attr-defined]
    assert answer.error.message == (  # type: ignore[attr-defined]
        "guard lsp: internal error (KeyError); the server's stderr says where")


def test_an_error_out_of_band_is_shown_by_its_type_only() -> None:
    """A notification pygls could not handle is shown to the user (window/showMessage), by the
    exception's type: its text could be what the editor sent."""
    from pygls.exceptions import FeatureNotificationError

    from guard.lsp import server

    ls = server.create_server()
    shown: list[types.ShowMessageParams] = []
    ls.window_show_message = shown.append  # type: ignore[method-assign]
    ls.report_server_error(KeyError(GH), FeatureNotificationError)
    [message] = shown
    assert GH not in message.message and "KeyError" in message.message


def test_log_lines_keep_their_template_only(capsys: pytest.CaptureFixture[str]) -> None:
    """pygls logs the parameters of a message it failed on (a whole document) and the
    exception with its traceback: the server's stderr gets the template and the type."""
    import logging

    from guard.lsp import server

    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        server.quiet_logging()
        log = logging.getLogger("pygls.protocol.json_rpc")
        try:
            raise KeyError(GH)
        except KeyError:
            log.exception("Failed to handle notification %r: %s", "textDocument/didOpen",
                          {"text": f'API_TOKEN = "{GH}"'})
        logging.getLogger("asyncio").error("Exception in callback %r", f"publish({GH})")
    finally:
        root.handlers[:], root.level = saved
    err = capsys.readouterr().err
    assert err == (
        "guard lsp: error: pygls.protocol.json_rpc: Failed to handle notification …: … "
        "(KeyError)\nguard lsp: error: asyncio: Exception in callback …\n")
