"""guard.lsp.actions as plain functions: comment syntax, allow pragmas, literals and their
environment names, .env and .gitignore edits."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from lsprotocol import types

from guard.lsp import actions, diagnostics
from tests.lsp.conftest import scan

GH = "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"  # pragma: allowlist secret


@pytest.mark.parametrize(("name", "expected"), [
    ("a.py", ("#", "")), ("a.ts", ("//", "")), ("a.go", ("//", "")), ("ci.yml", ("#", "")),
    (".env.local", ("#", "")), ("Dockerfile", ("#", "")), ("q.sql", ("--", "")),
    ("a.html", ("<!--", " -->")), ("a.css", ("/*", " */")), ("a.json", None),
])
def test_comment_syntax(name: str, expected: tuple[str, str] | None) -> None:
    assert actions.comment_syntax(name) == expected


def test_multiline_secret_gets_a_nextline_pragma_above(repo: Path) -> None:
    body = "\n".join("MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun"
                     for _ in range(20))
    pem = f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----"
    text = f"    key = '''{pem}'''\n"
    path, ctx = scan(repo, "keys.py", text)
    [f] = [f for f in diagnostics.findings(path, text, ctx) if f.end_line > f.line]
    edit = actions.allow_edit(path, f, text.split("\n"))
    assert edit is not None
    assert edit.range.start == types.Position(f.line - 1, 0)
    assert edit.new_text == "    # pragma: allowlist nextline secret\n"
    allowed = edit.new_text + text
    assert [f for f in diagnostics.findings(path, allowed, ctx) if f.end_line > f.line] == []


@pytest.mark.parametrize(("line", "span"), [
    (f'TOKEN = "{GH}"', True),
    (f"TOKEN = r'{GH}'", True),
    (f'TOKEN = f"{GH}"', False),  # an f-string is not a plain literal
    (f'URL = "https://user:{GH}@example.com"', False),  # only part of the literal
])
def test_literal_span_is_a_whole_literal(repo: Path, line: str, span: bool) -> None:
    text = line + "\n"
    path, ctx = scan(repo, "app.py", text)
    found = [f for f in diagnostics.findings(path, text, ctx) if f.rule_id == "github-pat-classic"]
    assert found
    result = actions.literal_span(path, found[0], text.split("\n"))
    assert (result is not None) == span
    if result is not None:
        assert line[result[1]:result[2]].endswith(GH + line[-1])


@pytest.mark.parametrize(("prefix", "name"), [
    ("API_KEY = ", "API_KEY"), ("apiKey: ", "API_KEY"), ("client(token=", "TOKEN"),
    ('headers["x-api-token"] = ', "X_API_TOKEN"), ("print(", "GITHUB_PAT_CLASSIC"),
])
def test_env_name(repo: Path, prefix: str, name: str) -> None:
    text = f'{prefix}"{GH}"\n'
    path, ctx = scan(repo, "app.js", text)
    [f] = diagnostics.findings(path, text, ctx)
    span = actions.literal_span(path, f, text.split("\n"))
    assert span is not None
    assert actions.env_name(f, text.split("\n"), span) == name


def test_append_env(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    assert actions.append_env(str(env), "TOKEN", "abc") == "TOKEN"
    assert stat.S_IMODE(os.stat(env).st_mode) == 0o600  # a new .env is the owner's alone
    assert actions.append_env(str(env), "TOKEN", "abc") == "TOKEN"  # same value: reused
    assert actions.append_env(str(env), "TOKEN", "xyz") == "TOKEN_2"  # taken: a sibling
    assert actions.append_env(str(env), "PASS", "a b#c") == "PASS"
    assert actions.append_env(str(env), "Q", "it's") == "Q"
    assert env.read_text() == "TOKEN=abc\nTOKEN_2=xyz\nPASS='a b#c'\nQ=\"it's\"\n"


@pytest.mark.parametrize(("source", "at"), [
    ("import sys\n", 0),
    ("#!/usr/bin/env python\nx = 1\n", 1),
    ('"""Doc."""\nfrom __future__ import annotations\n\nimport sys\n', 3),
    ("import os\n", None),
    ("import os.path\n", None),
])
def test_import_os(source: str, at: int | None) -> None:
    edit = actions._import_os(source.split("\n"))
    assert (edit.range.start.line if edit else None) == at


def test_ensure_gitignored(repo: Path) -> None:
    (repo / ".gitignore").write_text("*.log", encoding="utf-8")  # no final newline
    assert actions.ensure_gitignored(str(repo), ".env")
    assert (repo / ".gitignore").read_text(encoding="utf-8") == "*.log\n/.env\n"
    assert not actions.ensure_gitignored(str(repo), ".env")  # already ignored: unchanged
