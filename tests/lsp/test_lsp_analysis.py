"""guard.lsp.analysis as plain functions: positions, comment syntax, edits, .env handling; and the
incremental reparse that keeps the language server fast."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from lsprotocol import types

from guard.detect import syntax
from guard.lsp import analysis
from tests.conftest import git_init, make_tree

GH = "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"  # pragma: allowlist secret


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)  # the machine's excludes stay out
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return git_init(tmp_path / "repo")


def scan(repo: Path, name: str, text: str) -> tuple[str, analysis.Context]:
    path = repo / name
    path.write_text(text, encoding="utf-8")
    return str(path), analysis.context_for(str(path))


def test_range_counts_utf16_units(repo: Path) -> None:
    text = f'note = "🔑 é"; token = "{GH}"\n'  # the emoji is two UTF-16 units
    path, ctx = scan(repo, "app.js", text)
    [d] = [d for d in analysis.diagnostics(path, text, ctx) if d.code == "github-pat-classic"]
    start = text.index(GH)
    assert d.range.start == types.Position(0, start + 1)
    assert d.range.end == types.Position(0, start + 1 + len(GH))


@pytest.mark.parametrize(("name", "expected"), [
    ("a.py", ("#", "")), ("a.ts", ("//", "")), ("a.go", ("//", "")), ("ci.yml", ("#", "")),
    (".env.local", ("#", "")), ("Dockerfile", ("#", "")), ("q.sql", ("--", "")),
    ("a.html", ("<!--", " -->")), ("a.css", ("/*", " */")), ("a.json", None),
])
def test_comment_syntax(name: str, expected: tuple[str, str] | None) -> None:
    assert analysis.comment_syntax(name) == expected


def test_multiline_secret_gets_a_nextline_pragma_above(repo: Path) -> None:
    body = "\n".join("MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun"
                     for _ in range(20))
    pem = f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----"
    text = f"    key = '''{pem}'''\n"
    path, ctx = scan(repo, "keys.py", text)
    [f] = [f for f in analysis.findings(path, text, ctx) if f.end_line > f.line]
    edit = analysis.allow_edit(path, f, text.split("\n"))
    assert edit is not None
    assert edit.range.start == types.Position(f.line - 1, 0)
    assert edit.new_text == "    # pragma: allowlist nextline secret\n"
    allowed = edit.new_text + text
    assert [f for f in analysis.findings(path, allowed, ctx) if f.end_line > f.line] == []


@pytest.mark.parametrize(("line", "span"), [
    (f'TOKEN = "{GH}"', True),
    (f"TOKEN = r'{GH}'", True),
    (f'TOKEN = f"{GH}"', False),  # an f-string is not a plain literal
    (f'URL = "https://user:{GH}@example.com"', False),  # only part of the literal
])
def test_literal_span_is_a_whole_literal(repo: Path, line: str, span: bool) -> None:
    text = line + "\n"
    path, ctx = scan(repo, "app.py", text)
    found = [f for f in analysis.findings(path, text, ctx) if f.rule_id == "github-pat-classic"]
    assert found
    result = analysis.literal_span(path, found[0], text.split("\n"))
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
    [f] = analysis.findings(path, text, ctx)
    span = analysis.literal_span(path, f, text.split("\n"))
    assert span is not None
    assert analysis.env_name(f, text.split("\n"), span) == name


def test_append_env(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    assert analysis.append_env(str(env), "TOKEN", "abc") == "TOKEN"
    assert stat.S_IMODE(os.stat(env).st_mode) == 0o600  # a new .env is the owner's alone
    assert analysis.append_env(str(env), "TOKEN", "abc") == "TOKEN"  # same value: reused
    assert analysis.append_env(str(env), "TOKEN", "xyz") == "TOKEN_2"  # taken: a sibling
    assert analysis.append_env(str(env), "PASS", "a b#c") == "PASS"
    assert analysis.append_env(str(env), "Q", "it's") == "Q"
    assert env.read_text() == "TOKEN=abc\nTOKEN_2=xyz\nPASS='a b#c'\nQ=\"it's\"\n"


@pytest.mark.parametrize(("source", "at"), [
    ("import sys\n", 0),
    ("#!/usr/bin/env python\nx = 1\n", 1),
    ('"""Doc."""\nfrom __future__ import annotations\n\nimport sys\n', 3),
    ("import os\n", None),
    ("import os.path\n", None),
])
def test_import_os(source: str, at: int | None) -> None:
    edit = analysis._import_os(source.split("\n"))
    assert (edit.range.start.line if edit else None) == at


def test_sensitive_file_lists_readers_until_protected(repo: Path) -> None:
    make_tree(repo, {".env": "A=1\n"})
    path, ctx = scan(repo, ".env", "A=1\n")
    readers = analysis.readable_by(path, ctx)
    assert "Claude Code" in readers and "Cursor" in readers
    assert analysis.protect(ctx)
    assert analysis.readable_by(path, ctx) == []
    assert analysis.sensitive_file_diagnostic(path, ["A=1"], ctx) is None


def test_incremental_reparse_matches_a_fresh_parse() -> None:
    before = b"def f():\n    x = 1\n    return x\n\nTOKEN = 'abc'\n"
    after = b"def f():\n    x = 12345\n    y = 'q'\n    return x\n\nTOKEN = 'abc'\n"
    lang = syntax.language_for("m.py")
    assert lang is not None
    syntax._tree(lang, "m.py", before)
    incremental = syntax._tree(lang, "m.py", after)
    fresh = syntax._parser(lang).parse(after)  # type: ignore[union-attr]
    assert incremental is not None
    assert str(incremental.root_node) == str(fresh.root_node)


def test_ensure_gitignored(repo: Path) -> None:
    (repo / ".gitignore").write_text("*.log", encoding="utf-8")  # no final newline
    assert analysis.ensure_gitignored(str(repo), ".env")
    assert (repo / ".gitignore").read_text(encoding="utf-8") == "*.log\n/.env\n"
    assert not analysis.ensure_gitignored(str(repo), ".env")  # already ignored: unchanged
