"""``guard lsp`` end to end through pytest-lsp (a real LSP client talking to ``guard lsp`` over
stdio), plus the plain functions of guard.lsp.diagnostics and guard.lsp.actions."""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import Union

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.uris import from_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.conftest import git_init, guard_command, guard_env, make_tree

GH = "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"  # pragma: allowlist secret
PY_SOURCE = f'import requests\n\nAPI_TOKEN = "{GH}"\n'
JS_SOURCE = f'const client = new Client({{ apiKey: "{GH}" }});\n'
DEBOUNCE_MS = 50
TIMEOUT = 20

# the server's rule cache, made at import (the config is module-level) and removed at exit
CACHE = tempfile.mkdtemp(prefix="guard-lsp-cache-")
atexit.register(shutil.rmtree, CACHE, True)

SERVER = ClientServerConfig(
    server_command=[*guard_command(), "lsp", "--debounce-ms", str(DEBOUNCE_MS)],
    # git without the machine's own config: a global excludes file could already ignore .env
    server_env=guard_env(CACHE,
                         {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}))

CAPABILITIES = types.ClientCapabilities(
    workspace=types.WorkspaceClientCapabilities(
        apply_edit=True, workspace_edit=types.WorkspaceEditClientCapabilities(),
        did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
            dynamic_registration=True)),
    text_document=types.TextDocumentClientCapabilities(
        publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True)))


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    git_init(tmp_path)
    _fix_code_action_union(lsp_client)
    lsp_client.applied_edits = []  # type: ignore[attr-defined]

    @lsp_client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(_client: LanguageClient, params: types.ApplyWorkspaceEditParams):
        lsp_client.applied_edits.append(params.edit)  # type: ignore[attr-defined]
        return types.ApplyWorkspaceEditResult(applied=True)

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(_client: LanguageClient, params: types.RegistrationParams) -> None:
        return None

    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=CAPABILITIES, root_uri=from_fs_path(str(tmp_path))))
    yield
    await lsp_client.shutdown_session()


# --- helpers -----------------------------------------------------------------------------------


def _fix_code_action_union(client: LanguageClient) -> None:
    """lsprotocol decodes every code action result item that has a ``command`` key as a
    Command, but a CodeAction may carry a command object too (VS Code and Neovim tell them apart
    by the key's type, as the specification does): do the same on the test client."""
    converter = client.protocol._converter

    def structure(obj: dict, _type: object) -> types.Command | types.CodeAction:
        if isinstance(obj.get("command"), str):
            return converter.structure(obj, types.Command)
        return converter.structure(obj, types.CodeAction)

    converter.register_structure_hook(Union[types.Command, types.CodeAction],  # noqa: UP007
                                      structure)



def uri_of(path: Path) -> str:
    return from_fs_path(str(path)) or ""


async def published(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    """Wait for the next diagnostics published for ``uri``."""
    async def wait() -> list[types.Diagnostic]:
        while True:
            params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if params.uri == uri:
                return list(params.diagnostics)
    return await asyncio.wait_for(wait(), TIMEOUT)


async def open_file(client: LanguageClient, path: Path, text: str | None = None,
                    language: str = "python") -> list[types.Diagnostic]:
    if text is None:
        text = path.read_text(encoding="utf-8")
    else:
        path.write_text(text, encoding="utf-8")
    uri = uri_of(path)
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1,
                                             text=text)))
    return await published(client, uri)


def change(client: LanguageClient, path: Path, text: str, version: int) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri_of(path), version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP text edits (ASCII test documents: UTF-16 offsets are code points)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def offset(pos: types.Position) -> int:
        return starts[pos.line] + pos.character

    for e in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[:offset(e.range.start)] + e.new_text + text[offset(e.range.end):]
    return text


async def actions_at(client: LanguageClient, path: Path,
                     diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri_of(path)), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic])))
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


def action(actions: list[types.CodeAction], words: str) -> types.CodeAction:
    found = [a for a in actions if words in a.title]
    assert found, f"no action {words!r} in {[a.title for a in actions]}"
    return found[0]


# --- diagnostics -------------------------------------------------------------------------------


async def test_open_publishes_the_secret_without_its_value(client: LanguageClient,
                                                           tmp_path: Path) -> None:
    diags = await open_file(client, tmp_path / "app.py", PY_SOURCE)
    assert len(diags) == 1
    d = diags[0]
    assert d.code == "github-pat-classic"
    assert d.source == "guard"
    assert d.severity == types.DiagnosticSeverity.Error  # the rule's confidence is high
    assert (d.range.start.line, d.range.start.character) == (2, 13)
    assert (d.range.end.line, d.range.end.character) == (2, 13 + len(GH))
    assert "github-pat-classic" in d.message and "40 chars" in d.message
    assert GH not in d.message and GH[4:] not in repr(d)


async def test_change_is_debounced_and_rescanned(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    assert await open_file(client, path, "x = 1\n") == []
    # a burst of edits: one publication, for the last version
    for version in range(2, 6):
        change(client, path, "x = 1\n" * version + f'TOKEN = "{GH}"\n', version)
    diags = await published(client, uri_of(path))
    assert [d.range.start.line for d in diags] == [5]
    change(client, path, "x = 1\n", 6)
    assert await published(client, uri_of(path)) == []


async def test_save_rescans(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    await open_file(client, path, PY_SOURCE)
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri_of(path))))
    assert [d.code for d in await published(client, uri_of(path))] == ["github-pat-classic"]


async def test_severity_follows_confidence(client: LanguageClient, tmp_path: Path) -> None:
    # a generic password assignment is a syntax rule of lower confidence than a provider token
    text = PY_SOURCE + 'db_password = "Zq8#vLm2!pRt7$wXy"\n'
    diags = await open_file(client, tmp_path / "app.py", text)
    by_rule = {d.code: d.severity for d in diags}
    assert by_rule["github-pat-classic"] == types.DiagnosticSeverity.Error
    others = [s for code, s in by_rule.items() if code != "github-pat-classic"]
    assert others and all(s != types.DiagnosticSeverity.Error for s in others)


async def test_sensitive_file_names_the_assistants_that_can_read_it(
        client: LanguageClient, tmp_path: Path) -> None:
    make_tree(tmp_path, {".cursorignore": ".env\n"})
    diags = await open_file(client, tmp_path / ".env", "DEBUG=true\n", "dotenv")
    [d] = [d for d in diags if d.code == "sensitive-file"]
    assert "Claude Code" in d.message and "Aider" in d.message
    assert "Cursor," not in d.message  # its ignore file already covers .env
    assert d.data["readers"] and "Cursor" not in d.data["readers"]


async def test_config_change_takes_effect_without_restart(client: LanguageClient,
                                                          tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    assert len(await open_file(client, path, PY_SOURCE)) == 1
    config = tmp_path / ".guard.toml"
    config.write_text('[allow]\npaths = ["app.py"]\n', encoding="utf-8")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=uri_of(config), type=types.FileChangeType.Created)]))
    assert await published(client, uri_of(path)) == []
    # and without any notification: the next edit reads the config again
    config.write_text("", encoding="utf-8")
    os.utime(config, ns=(1, 1))
    change(client, path, PY_SOURCE + "\n", 2)
    assert len(await published(client, uri_of(path))) == 1


async def test_broken_config_is_reported_not_crashed(client: LanguageClient,
                                                     tmp_path: Path) -> None:
    (tmp_path / ".guard.toml").write_text("exclude = [\n", encoding="utf-8")
    # answered with the defaults meanwhile (tests/lsp/test_lsp_channels.py has the details)
    diags = await open_file(client, tmp_path / "app.py", PY_SOURCE)
    assert [d.code for d in diags] == ["github-pat-classic"]
    assert any(".guard.toml" in m.message for m in client.messages)


# --- code actions, hover, commands -------------------------------------------------------------


@pytest.mark.parametrize(("name", "text", "pragma"), [
    ("app.py", PY_SOURCE, "  # pragma: allowlist secret"),
    ("app.js", JS_SOURCE, "  // pragma: allowlist secret"),
    ("ci.yaml", f"env:\n  GITHUB_TOKEN: {GH}\n", "  # pragma: allowlist secret"),
    ("init.lua", f'local token = "{GH}"\n', "  -- pragma: allowlist secret"),
])
async def test_allow_action_adds_the_pragma_in_the_files_comment_syntax(
        client: LanguageClient, tmp_path: Path, name: str, text: str, pragma: str) -> None:
    path = tmp_path / name
    [d] = await open_file(client, path, text)
    allow = action(await actions_at(client, path, d), "allow this finding")
    assert allow.edit is not None and allow.edit.changes is not None
    fixed = apply(text, allow.edit.changes[uri_of(path)])
    assert fixed.splitlines()[d.range.start.line].endswith(pragma)
    change(client, path, fixed, 2)
    assert await published(client, uri_of(path)) == []  # the engine honours what it wrote


@pytest.mark.parametrize(("name", "text", "reference", "env_name"), [
    ("app.py", PY_SOURCE, 'API_TOKEN = os.environ["API_TOKEN"]', "API_TOKEN"),
    ("app.ts", JS_SOURCE, "{ apiKey: process.env.API_KEY }", "API_KEY"),
])
async def test_move_to_env(client: LanguageClient, tmp_path: Path, name: str, text: str,
                           reference: str, env_name: str) -> None:
    (tmp_path / ".env").write_text("DEBUG=true", encoding="utf-8")  # no final newline
    path = tmp_path / name
    [d] = await open_file(client, path, text)
    move = action(await actions_at(client, path, d), "move this literal to .env")
    assert move.command is not None and GH not in repr(move)
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=move.command.command, arguments=move.command.arguments))
    assert result["name"] == env_name
    [edit] = client.applied_edits  # type: ignore[attr-defined]
    assert edit.changes is not None
    fixed = apply(text, edit.changes[uri_of(path)])
    assert reference in fixed and GH not in fixed
    if name.endswith(".py"):
        assert fixed.startswith("import os\nimport requests\n")
    assert (tmp_path / ".env").read_text(encoding="utf-8") == f"DEBUG=true\n{env_name}={GH}\n"
    # .env holds the value now: git ignores it and the assistants' ignore files cover it
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "/.env\n"
    assert ".env" in (tmp_path / ".cursorignore").read_text(encoding="utf-8")
    assert ".env" in (tmp_path / ".aiderignore").read_text(encoding="utf-8")


async def test_protect_action_updates_the_manifests(client: LanguageClient,
                                                    tmp_path: Path) -> None:
    path = tmp_path / ".env"
    diags = await open_file(client, path, "DEBUG=true\n", "dotenv")
    [d] = [d for d in diags if d.code == "sensitive-file"]
    protect = action(await actions_at(client, path, d), "protect this file")
    assert protect.command is not None
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=protect.command.command, arguments=protect.command.arguments))
    assert ".cursorignore" in result["updated"]
    assert ".env" in (tmp_path / ".geminiignore").read_text(encoding="utf-8")
    # republished before the command returned: every assistant with a manifest is kept out now
    assert [d.code for d in client.diagnostics[uri_of(path)]] == []


async def test_hover_explains_the_rule_and_the_fix(client: LanguageClient,
                                                   tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    await open_file(client, path, PY_SOURCE)
    result = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri_of(path)),
        position=types.Position(2, 20)))
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    text = result.contents.value
    assert "github-pat-classic" in text and "rotate" in text and "Move to .env" in text
    assert "https://" in text  # the rule's documentation link
    assert GH not in text
    nothing = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri_of(path)),
        position=types.Position(0, 2)))
    assert nothing is None


async def test_redacted_view_command(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    await open_file(client, path, PY_SOURCE)
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="guard.redactedView", arguments=[uri_of(path)]))
    assert result["text"].startswith("import requests\n\nAPI_TOKEN = \"<redacted:github-pat")
    assert GH not in result["text"]


async def test_close_clears_diagnostics(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    await open_file(client, path, PY_SOURCE)
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri_of(path))))
    assert await published(client, uri_of(path)) == []
