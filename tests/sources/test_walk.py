"""guard.sources.walk on real directories: .gitignore semantics (checked against git itself where it
matters), .git never read, config excludes relative to the config file, a stable order."""

from __future__ import annotations

import json
import os
import random
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from guard import config
from guard.config import Config
from guard.sources import walk
from tests.conftest import RunGuard, git_init, make_tree

TOKEN = "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"
SECRET_LINE = f'token = "{TOKEN}"\n'


def _walked(root: Path, cfg: Config | None = None, use_gitignore: bool = True) -> list[str]:
    """Paths the walk will read (skipped entries left out), in walk order."""
    return [e.path for e in walk.walk(str(root), cfg or Config(), use_gitignore) if not e.reason]


def _git_files(repo: Path, under: str = "") -> list[str]:
    """What git considers not ignored: untracked files that --exclude-standard keeps."""
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    out = subprocess.run(["git", "ls-files", "-z", "--others", "--cached", "--exclude-standard",
                          *([under] if under else [])],
                         cwd=repo, env=env, check=True, capture_output=True).stdout
    files = [os.fsdecode(p) for p in out.split(b"\0") if p]
    if under:
        files = [f[len(under.rstrip("/")) + 1:] for f in files]
    return sorted(files)


def _json(proc: subprocess.CompletedProcess[str]) -> dict:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def test_root_gitignore_excludes_files_and_directories(tmp_path: Path) -> None:
    repo = git_init(tmp_path / "repo")
    make_tree(repo, {
        ".gitignore": "*.log\nbuild/\n/top-only.txt\n",
        "app.py": "x = 1\n",
        "debug.log": "",
        "sub/trace.log": "",
        "build/out.txt": "",
        "sub/build/out.txt": "",
        "top-only.txt": "",
        "sub/top-only.txt": "",
    })
    assert _walked(repo) == [".gitignore", "app.py", "sub/top-only.txt"]
    assert sorted(_walked(repo)) == _git_files(repo)


def test_nested_gitignore_negation_overrides_parent(tmp_path: Path) -> None:
    repo = git_init(tmp_path / "repo")
    make_tree(repo, {
        ".gitignore": "*.log\nbuild/*\n!build/keep.txt\n",
        "root.log": "",
        "local.txt": "",
        "build/out.bin": "",
        "build/keep.txt": "",
        "sub/.gitignore": "!keep.log\nlocal.txt\n",
        "sub/keep.log": "",
        "sub/other.log": "",
        "sub/local.txt": "",
        "sub/deeper/keep.log": "",
        "sub/deeper/.gitignore": "*.txt\n",
        "sub/deeper/notes.txt": "",
    })
    walked = _walked(repo)
    assert "sub/keep.log" in walked
    assert "sub/deeper/keep.log" in walked  # the negation applies below sub/ too
    assert "local.txt" in walked and "sub/local.txt" not in walked
    assert "build/keep.txt" in walked and "build/out.bin" not in walked
    for ignored in ("root.log", "sub/other.log", "sub/deeper/notes.txt"):
        assert ignored not in walked
    assert sorted(walked) == _git_files(repo)


def test_ignored_directory_is_not_descended(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    repo = git_init(tmp_path / "repo")
    make_tree(repo, {
        ".gitignore": "node_modules/\n",
        "index.js": "",
        "node_modules/pkg/index.js": "",
        # git cannot re-include a file whose parent directory is excluded; neither may we
        "node_modules/.gitignore": "!*\n",
    })
    opened: list[str] = []
    real_scandir = os.scandir

    def spy(path: str) -> Iterator[os.DirEntry[str]]:
        opened.append(os.path.relpath(path, repo))
        return real_scandir(path)

    monkeypatch.setattr(walk.os, "scandir", spy)
    assert _walked(repo) == [".gitignore", "index.js"]
    assert not [d for d in opened if d.startswith("node_modules")]


def test_dot_git_is_never_scanned(tmp_path: Path, run_guard: RunGuard) -> None:
    repo = git_init(tmp_path / "repo")
    make_tree(repo, {
        ".git/hooks/token.txt": SECRET_LINE,
        "vendor/lib/.git": "gitdir: ../../.git/modules/lib\n",  # a submodule's gitfile
        "app.py": "x = 1\n",
    })
    for use_gitignore in (True, False):
        walked = _walked(repo, use_gitignore=use_gitignore)
        assert not [p for p in walked if ".git" in p.split("/")], walked
        assert "app.py" in walked
    proc = run_guard("scan", "--no-gitignore", "--format", "json", ".", cwd=repo)
    report = _json(proc)
    assert proc.returncode == 0
    assert report["findings"] == []
    assert not [s for s in report["skipped"] if ".git" in s["path"]]


def test_git_info_exclude_is_honoured(tmp_path: Path) -> None:
    repo = git_init(tmp_path / "repo")
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text("*.local\nnotes/\n")
    make_tree(repo, {
        "settings.local": "",
        "keep.local": "",
        ".gitignore": "!keep.local\n",  # .gitignore files take precedence over info/exclude
        "notes/todo.txt": "",
        "main.py": "",
    })
    walked = _walked(repo)
    assert "settings.local" not in walked and "notes/todo.txt" not in walked
    assert "keep.local" in walked and "main.py" in walked
    assert sorted(walked) == _git_files(repo)


def test_subdirectory_scan_honours_parent_gitignore(tmp_path: Path,
                                                    run_guard: RunGuard) -> None:
    repo = git_init(tmp_path / "repo")
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text("*.bak\n")
    make_tree(repo, {
        ".gitignore": "*.log\n/pkg/generated/\n",
        "pkg/.gitignore": "tmp/\n",
        "pkg/src/app.py": "x = 1\n",
        "pkg/src/app.py.bak": SECRET_LINE,
        "pkg/src/run.log": SECRET_LINE,
        "pkg/generated/client.py": SECRET_LINE,
        "pkg/src/tmp/cache.txt": SECRET_LINE,
        "pkg/src/real.txt": SECRET_LINE,
    })
    assert _walked(repo / "pkg") == [".gitignore", "src/app.py", "src/real.txt"]
    assert _walked(repo / "pkg" / "src") == ["app.py", "real.txt"]
    assert sorted(_walked(repo / "pkg")) == _git_files(repo, "pkg/")

    for cwd, arg in ((repo, "pkg"), (repo / "pkg" / "src", ".")):
        report = _json(run_guard("scan", "--format", "json", arg, cwd=cwd))
        assert [f["path"] for f in report["findings"]] == [
            "pkg/src/real.txt" if arg == "pkg" else "real.txt"]  # as opened from cwd


def test_outside_a_repository_a_parent_gitignore_does_not_apply(tmp_path: Path) -> None:
    make_tree(tmp_path, {".gitignore": "*.txt\n", "tree/a.txt": "", "tree/.gitignore": "b.txt\n",
                         "tree/b.txt": ""})
    assert _walked(tmp_path / "tree") == [".gitignore", "a.txt"]


def test_no_gitignore_includes_ignored_files(tmp_path: Path, run_guard: RunGuard) -> None:
    repo = git_init(tmp_path / "repo")
    make_tree(repo, {
        ".gitignore": "ignored.txt\nbuild/\n",
        "ignored.txt": SECRET_LINE,
        "build/out.txt": SECRET_LINE,
        "clean.py": "x = 1\n",
    })
    default = _json(run_guard("scan", "--format", "json", cwd=repo))
    assert default["findings"] == []
    assert default["summary"]["files_scanned"] == 2  # .gitignore and clean.py

    proc = run_guard("scan", "--no-gitignore", "--format", "json", cwd=repo)
    everything = _json(proc)
    assert proc.returncode == 1
    assert [f["path"] for f in everything["findings"]] == ["build/out.txt", "ignored.txt"]
    assert everything["summary"]["files_scanned"] == 4
    assert _walked(repo, use_gitignore=False) == [".gitignore", "build/out.txt", "clean.py",
                                                  "ignored.txt"]


def test_config_exclude_patterns_are_relative_to_the_config_file(tmp_path: Path,
                                                                 run_guard: RunGuard) -> None:
    project = make_tree(tmp_path / "project", {
        ".guard.toml": 'exclude = ["/fixtures/", "*.snap", "docs/generated/**"]\n',
        "fixtures/token.txt": SECRET_LINE,
        "sub/fixtures/token.txt": SECRET_LINE,  # "/fixtures/" is anchored at the config file
        "sub/a.snap": SECRET_LINE,
        "docs/generated/api.md": SECRET_LINE,
        "docs/index.md": "hello\n",
    })
    cfg = config.load(str(project / ".guard.toml"))
    walked = _walked(project, cfg)
    assert walked == [".guard.toml", "docs/index.md", "sub/fixtures/token.txt"]
    # scanning a subdirectory: the patterns still count from the config file's directory
    assert _walked(project / "sub", cfg) == ["fixtures/token.txt"]

    # from another working directory, the config named explicitly
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    report = _json(run_guard("scan", "--format", "json", "--config",
                             project / ".guard.toml", project, cwd=elsewhere))
    assert [f["path"] for f in report["findings"]] == [
        str(project / "sub" / "fixtures" / "token.txt")]  # an absolute argument: absolute paths
    # found by the upward search from a subdirectory
    report = _json(run_guard("scan", "--format", "json", cwd=project / "sub"))
    assert [f["path"] for f in report["findings"]] == ["fixtures/token.txt"]


def test_walk_order_is_sorted_and_stable(tmp_path: Path) -> None:
    names = ["b.txt", "a/z.txt", "a.txt", "A.txt", "c/b/a.txt", "c/a.txt", "a/b/c.txt",
             "_x.txt", "z/1.txt", "10.txt", "9.txt"]
    orders = []
    for i, seed in enumerate((1, 2, 3)):
        shuffled = names[:]
        random.Random(seed).shuffle(shuffled)
        root = make_tree(tmp_path / f"t{i}", dict.fromkeys(shuffled, "x\n"))
        orders.append(_walked(root))
    assert orders[0] == orders[1] == orders[2]
    assert orders[0] == sorted(names, key=lambda p: p.split("/"))


def test_json_findings_are_sorted_by_path(tmp_path: Path, run_guard: RunGuard) -> None:
    root = make_tree(tmp_path / "t", {n: SECRET_LINE for n in ("b.txt", "a/c.txt", "a.txt")})
    first = _json(run_guard("scan", "--format", "json", cwd=root))
    second = _json(run_guard("scan", "--format", "json", cwd=root))
    paths = [f["path"] for f in first["findings"]]
    assert paths == sorted(paths) and len(paths) == 3
    assert first["findings"] == second["findings"]
