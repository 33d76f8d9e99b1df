"""A test that needs a program or an extra the machine lacks skips, saying how to install it;
on CI (CI=true, which .ci/run exports) it fails instead: CI installs everything, so a missing
piece there means tests quietly stopped testing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e import clients
from tests.lsp import test_lsp_neovim
from tests.model import test_classify


@pytest.fixture
def bare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No program on PATH, no assistant CLI in the cache, no llm extra."""
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("GUARD_E2E_CACHE", str(tmp_path / "e2e"))
    monkeypatch.setattr(test_classify, "HAVE_MODEL", False)


NEEDS = {"nvim": test_lsp_neovim.nvim, "an assistant CLI (npm)": lambda: clients.client("claude"),
         "the llm extra": test_classify.require_model}


@pytest.mark.parametrize("need", NEEDS)
@pytest.mark.parametrize("ci", ["true", "1"])
def test_missing_on_ci_fails(bare: None, monkeypatch: pytest.MonkeyPatch, need: str,
                             ci: str) -> None:
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match="missing on CI"):
        NEEDS[need]()


@pytest.mark.parametrize("need", NEEDS)
@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_missing_elsewhere_skips_with_how_to_install(bare: None,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     need: str, ci: str | None) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match=r"not installed: .*install"):
        NEEDS[need]()
