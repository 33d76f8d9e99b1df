"""guard.lsp.diagnostics as plain functions: positions, sensitive files and who can read them; and
the incremental reparse that keeps the language server fast."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from guard.detect import syntax
from guard.lsp import actions, diagnostics
from tests.conftest import make_tree
from tests.lsp.conftest import scan

GH = "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"  # pragma: allowlist secret


def test_range_counts_utf16_units(repo: Path) -> None:
    text = f'note = "🔑 é"; token = "{GH}"\n'  # the emoji is two UTF-16 units
    path, ctx = scan(repo, "app.js", text)
    [d] = [d for d in diagnostics.diagnostics(path, text, ctx) if d.code == "github-pat-classic"]
    start = text.index(GH)
    assert d.range.start == types.Position(0, start + 1)
    assert d.range.end == types.Position(0, start + 1 + len(GH))


def test_sensitive_file_lists_readers_until_protected(repo: Path) -> None:
    make_tree(repo, {".env": "A=1\n"})
    path, ctx = scan(repo, ".env", "A=1\n")
    readers = diagnostics.readable_by(path, ctx)
    assert "Claude Code" in readers and "Cursor" in readers
    assert actions.protect(ctx)
    assert diagnostics.readable_by(path, ctx) == []
    assert diagnostics.sensitive_file_diagnostic(path, ["A=1"], ctx) is None


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
