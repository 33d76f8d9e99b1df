"""Where reported paths lead: text and JSON paths open from the directory guard ran in (JSON
``root`` says which), SARIF URIs are relative to the repository root (``%SRCROOT%``), as GitHub
code scanning files them."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from tests.conftest import RunGuard, git_init, make_tree

TOKEN = "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"  # test token with a valid checksum
YAML = f'a: 1\nb: 2\nc: 3\ntoken: "{TOKEN}"\n'


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = git_init(tmp_path / "repo")
    return make_tree(root, {"config/settings.yaml": YAML, "src/app.yaml": YAML,
                            "src/lib/deep.yaml": YAML})


def _run(run_guard: RunGuard, cwd: Path, *args: str) -> str:
    proc = run_guard("scan", *args, cwd=cwd)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert TOKEN[4:] not in proc.stdout + proc.stderr
    return proc.stdout


def _json(run_guard: RunGuard, cwd: Path, *args: str) -> dict:
    return json.loads(_run(run_guard, cwd, "--format", "json", *args))


def _sarif_uris(run_guard: RunGuard, cwd: Path, *args: str) -> tuple[list[dict], str]:
    doc = json.loads(_run(run_guard, cwd, "--format", "sarif", *args))
    run = doc["runs"][0]
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"]
                 for r in run["results"]]
    return locations, run["originalUriBaseIds"]["%SRCROOT%"]["uri"]


def _file_uri_path(uri: str) -> str:
    parsed = urlparse(uri)
    assert parsed.scheme == "file"
    return unquote(parsed.path)


@pytest.mark.parametrize(("cwd", "args", "shown"), [
    ("src", ["../config"], "../config/settings.yaml"),
    ("src", ["lib"], "lib/deep.yaml"),
    ("src", [], "app.yaml"),
    (".", ["src/lib"], "src/lib/deep.yaml"),
    ("src/lib", ["../../config/settings.yaml"], "../../config/settings.yaml"),
])
def test_text_and_json_paths_open_from_the_current_directory(
        repo: Path, run_guard: RunGuard, cwd: str, args: list[str], shown: str) -> None:
    where = repo / cwd
    assert f"\n{shown}:4:9: " in "\n" + _run(run_guard, where, *args)
    report = _json(run_guard, where, *args)
    paths = [f["path"] for f in report["findings"]]
    assert shown in paths
    # documented: a relative path is relative to `root`, the directory guard ran in
    assert report["root"] == str(where)
    assert all((Path(report["root"]) / p).is_file() for p in paths)


def test_an_absolute_argument_gives_absolute_paths(repo: Path, run_guard: RunGuard,
                                                   tmp_path: Path) -> None:
    report = _json(run_guard, tmp_path, str(repo / "config"))
    assert [f["path"] for f in report["findings"]] == [str(repo / "config" / "settings.yaml")]


@pytest.mark.parametrize(("cwd", "args"), [(".", ["src"]), ("src", []), ("src", ["."]),
                                           ("src/lib", ["..", "../../config"]),
                                           ("config", ["../src/app.yaml"])])
def test_sarif_uris_are_relative_to_the_repository_root(repo: Path, run_guard: RunGuard,
                                                        cwd: str, args: list[str]) -> None:
    locations, base = _sarif_uris(run_guard, repo / cwd, *args)
    assert _file_uri_path(base) == f"{repo}/"
    assert {loc["uriBaseId"] for loc in locations} == {"%SRCROOT%"}
    uris = {loc["uri"] for loc in locations}
    assert "src/app.yaml" in uris
    assert all((repo / uri).is_file() for uri in uris)


def test_sarif_uri_of_a_file_outside_the_repository_is_absolute(repo: Path, tmp_path: Path,
                                                                run_guard: RunGuard) -> None:
    outside = make_tree(tmp_path / "elsewhere", {"x y.yaml": YAML})
    locations, _ = _sarif_uris(run_guard, repo, "src/app.yaml", str(outside / "x y.yaml"))
    by_uri = {loc["uri"]: loc for loc in locations}
    assert by_uri["src/app.yaml"]["uriBaseId"] == "%SRCROOT%"
    absolute = next(u for u in by_uri if u.startswith("file://"))
    assert "uriBaseId" not in by_uri[absolute]
    assert _file_uri_path(absolute) == str(outside / "x y.yaml")


def test_sarif_of_a_tree_outside_any_repository(tmp_path: Path, run_guard: RunGuard) -> None:
    tree = make_tree(tmp_path / "plain", {"sub/a.yaml": YAML})
    locations, base = _sarif_uris(run_guard, tree / "sub")
    assert locations == [{"uri": "a.yaml", "uriBaseId": "%SRCROOT%"}]
    assert _file_uri_path(base) == f"{tree / 'sub'}/"
