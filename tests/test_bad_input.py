"""Awkward input through the real ``guard`` process: every file that is not read is reported
with its reason (summary count, --verbose, JSON ``skipped``), nothing ends in a traceback, and
no output channel ever carries a secret value."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunGuard, make_tree

TOKEN = "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"
OTHER_TOKEN = "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"
SECRET_LINE = f'token = "{TOKEN}"\n'


def _checked(proc: subprocess.CompletedProcess[str], code: int) -> subprocess.CompletedProcess[str]:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    return proc


def _scan(run_guard: RunGuard, cwd: Path, *args: str, code: int,
          **popen: Any) -> tuple[dict, subprocess.CompletedProcess[str]]:
    """A JSON scan and a verbose text scan of the same arguments: (report, text process)."""
    report = json.loads(_checked(run_guard("scan", "--format", "json", *args, cwd=cwd, **popen),
                                 code).stdout)
    text = _checked(run_guard("scan", "--verbose", *args, cwd=cwd, **popen), code)
    return report, text


def _skipped(report: dict) -> dict[str, str]:
    return {s["path"]: s["reason"] for s in report["skipped"]}


def _summary(proc: subprocess.CompletedProcess[str]) -> str:
    return proc.stdout.strip().splitlines()[-1]


def _found(report: dict) -> list[tuple[str, str]]:
    return [(f["path"], f["rule"]) for f in report["findings"]]


def test_binary_file_is_skipped_but_a_keystore_is_reported_by_path(
        tmp_path: Path, run_guard: RunGuard) -> None:
    make_tree(tmp_path, {
        "logo.png": b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + TOKEN.encode() + b"\0" * 64,
        "release.jks": b"\xfe\xed\xfe\xed\0\0\0\x02" + os.urandom(256) + b"\0",
        "app.py": "x = 1\n",
    })
    report, text = _scan(run_guard, tmp_path, code=1)
    assert _found(report) == [("release.jks", "private-key-file")]
    assert report["findings"][0]["kind"] == "file"
    assert _skipped(report) == {"logo.png": "binary", "release.jks": "binary"}
    assert report["summary"]["skipped"] == 2
    assert "release.jks: sensitive file [private-key-file]" in text.stdout
    assert "skipped logo.png: binary" in text.stdout
    assert "2 skipped (2 binary" in _summary(text)


def test_file_over_max_scan_size_is_skipped_and_counted(tmp_path: Path,
                                                        run_guard: RunGuard) -> None:
    make_tree(tmp_path, {
        ".guard.toml": "max-scan-size = 200\nmax-file-size = 100\n",
        "big.txt": "# padding\n" * 30 + SECRET_LINE,
        "mid.txt": "# pad\n" * 20 + f'other = "{OTHER_TOKEN}"\n',  # max-file-size: scanned
        "small.py": f'other = "{OTHER_TOKEN}"\n',
    })
    report, text = _scan(run_guard, tmp_path, code=1)
    assert _found(report) == [("mid.txt", "github-pat-classic"),
                              ("small.py", "github-pat-classic")]
    assert _skipped(report) == {"big.txt": "larger than max-scan-size"}
    assert report["summary"]["skipped"] == 1
    assert "skipped big.txt: larger than max-scan-size" in text.stdout
    assert "1 skipped (1 larger than max-scan-size" in _summary(text)

    # named explicitly (the pre-commit path), the limit still holds, and the scan fails: the
    # file was to be scanned and was not
    report = json.loads(_checked(run_guard("scan", "--format", "json", "big.txt",
                                           cwd=tmp_path), 3).stdout)
    assert _skipped(report) == {"big.txt": "larger than max-scan-size"}
    fast = _checked(run_guard("scan", "big.txt", cwd=tmp_path), 3)
    assert "1 skipped (1 larger than max-scan-size" in _summary(fast)


def test_invalid_utf8_is_still_scanned_with_a_notice(tmp_path: Path,
                                                     run_guard: RunGuard) -> None:
    make_tree(tmp_path, {
        "legacy.ini": "[caf\xe9]\nnom = \xc9lise\n".encode("latin-1")
                      + SECRET_LINE.encode() + "fin = \xff\xfe\n".encode("latin-1"),
        "plain.txt": "h\xe9llo\n",
    })
    report, text = _scan(run_guard, tmp_path, code=1)
    assert [(f["path"], f["rule"], f["line"]) for f in report["findings"]] == [
        ("legacy.ini", "github-pat-classic", 3)]
    assert report["notices"] == [{"path": "legacy.ini",
                                  "message": "not valid UTF-8: scanned as raw bytes"}]
    assert report["summary"]["files_scanned"] == 2 and report["skipped"] == []
    assert "note: legacy.ini: not valid UTF-8" in text.stdout
    assert "plain.txt" not in text.stdout

    fast = _checked(run_guard("scan", "legacy.ini", cwd=tmp_path), 1)
    assert "legacy.ini:3:" in fast.stdout and "note: legacy.ini: not valid UTF-8" in fast.stdout


def test_symlink_outside_the_tree_is_skipped_and_its_target_not_read(
        tmp_path: Path, run_guard: RunGuard) -> None:
    outside = make_tree(tmp_path / "outside", {"creds.txt": SECRET_LINE, "dir/k.txt": SECRET_LINE})
    tree = make_tree(tmp_path / "tree", {"app.py": "x = 1\n"})
    (tree / "creds.txt").symlink_to(outside / "creds.txt")
    (tree / "linked-dir").symlink_to(outside / "dir", target_is_directory=True)
    (tree / "dangling").symlink_to(tmp_path / "nowhere")

    report, text = _scan(run_guard, tree, code=0)
    assert report["findings"] == []
    reason = "symlink pointing outside the scanned tree"
    assert _skipped(report) == {"creds.txt": reason, "linked-dir": reason, "dangling": reason}
    assert f"skipped creds.txt: {reason}" in text.stdout
    assert "3 skipped" in _summary(text)
    assert TOKEN not in text.stdout


def test_symlink_inside_the_tree_is_not_reported_twice(tmp_path: Path,
                                                       run_guard: RunGuard) -> None:
    tree = make_tree(tmp_path / "tree", {"config/real.env.txt": SECRET_LINE, "src/a.py": ""})
    (tree / "alias.txt").symlink_to("config/real.env.txt")
    (tree / "config-link").symlink_to("config", target_is_directory=True)

    report, text = _scan(run_guard, tree, code=1)
    assert _found(report) == [("config/real.env.txt", "github-pat-classic")]
    inside = _skipped(report)
    assert set(inside) == {"alias.txt", "config-link"}
    assert all(r.startswith("symlink") and "inside the tree" in r for r in inside.values())
    assert "skipped alias.txt: symlink" in text.stdout


@pytest.mark.parametrize("named", [False, True], ids=["in-tree", "named"])
def test_fifo_is_skipped_and_the_scan_does_not_hang(tmp_path: Path, run_guard: RunGuard,
                                                    named: bool) -> None:
    make_tree(tmp_path, {"a.py": SECRET_LINE})
    os.mkfifo(tmp_path / "pipe")
    args = ("pipe", "a.py") if named else ()
    try:
        report, text = _scan(run_guard, tmp_path, *args, code=1, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("guard blocked reading a FIFO")
    assert _skipped(report) == {"pipe": "not a regular file (FIFO, socket or device)"}
    assert _found(report) == [("a.py", "github-pat-classic")]
    assert "skipped pipe: not a regular file" in text.stdout
    assert "1 skipped" in _summary(text)


# --- unreadable files: the guard process must not be able to read past permissions ----------

NOBODY = 65534
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2
PROBE = """\
import sys
import guard  # the venv is usable with these privileges
try:
    open(sys.argv[1], "rb").close()
except PermissionError:
    sys.exit(0)
sys.exit(3)
"""


def _drop_read_override() -> None:
    """preexec_fn: remove CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding set, so the
    process exec'd next is root without the power to read a file whose mode forbids it."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _unprivileged(workdir: Path, probe_file: Path) -> dict[str, Any]:
    """subprocess.run options under which ``probe_file`` (mode 000) cannot be read while the venv
    still runs; skips the test, saying why, when there are none."""
    if os.geteuid() != 0:
        candidates: list[tuple[str, dict[str, Any]]] = [("current user", {})]
    else:
        candidates = [
            (f"uid {NOBODY}", {"user": NOBODY, "group": NOBODY, "extra_groups": []}),
            ("root without CAP_DAC_OVERRIDE", {"preexec_fn": _drop_read_override}),
        ]
    tried = []
    for name, options in candidates:
        try:
            proc = subprocess.run([sys.executable, "-c", PROBE, str(probe_file)], cwd=workdir,
                                  capture_output=True, text=True, timeout=60, **options)
        except (OSError, subprocess.SubprocessError) as e:
            tried.append(f"{name}: {e}")
            continue
        if proc.returncode == 0:
            return options
        tried.append(f"{name}: exit {proc.returncode} {proc.stderr.strip()[-200:]}")
    pytest.skip("no way to run guard where permissions stop reads: " + "; ".join(tried))


@pytest.fixture
def world_tmp() -> Iterator[Path]:
    """A temporary directory any user can traverse (pytest's tmp_path is private to root)."""
    d = Path(tempfile.mkdtemp(prefix="guard-unreadable-"))
    d.chmod(0o755)
    try:
        yield d
    finally:
        for p in [d, *d.rglob("*")]:
            if not p.is_symlink():
                p.chmod(0o755)
        shutil.rmtree(d)


def test_unreadable_file_is_skipped_and_counted(world_tmp: Path, run_guard: RunGuard) -> None:
    cache = world_tmp / "cache"
    cache.mkdir()
    cache.chmod(0o777)
    tree = make_tree(world_tmp / "tree", {
        "readable.py": SECRET_LINE,
        "locked.txt": f'other = "{OTHER_TOKEN}"\n',
        "locked-dir/inner.txt": f'other = "{OTHER_TOKEN}"\n',
    })
    for p in (world_tmp / "tree", tree / "readable.py"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    (tree / "locked.txt").chmod(0)
    (tree / "locked-dir").chmod(0)
    options = _unprivileged(world_tmp, tree / "locked.txt")
    env = {"XDG_CACHE_HOME": str(cache)}

    report, text = _scan(run_guard, tree, code=1, env=env, **options)
    assert _found(report) == [("readable.py", "github-pat-classic")]
    denied = "unreadable: Permission denied"
    assert _skipped(report) == {"locked.txt": denied, "locked-dir/": denied}
    assert report["summary"]["skipped"] == 2
    assert f"skipped locked.txt: {denied}" in text.stdout
    assert f"2 skipped (2 {denied}" in _summary(text)

    # named explicitly: nothing found, yet the file was to be scanned and was not: exit 3
    fast = _checked(run_guard("scan", "locked.txt", cwd=tree, env=env, **options), 3)
    assert f"1 skipped (1 {denied}" in _summary(fast)
    assert f"not scanned locked.txt: {denied}" in fast.stdout
    _checked(run_guard("scan", "--strict", cwd=tree, env=env, **options), 1)  # findings first
    (tree / "readable.py").write_text("x = 1\n")
    _checked(run_guard("scan", cwd=tree, env=env, **options), 0)
    _checked(run_guard("scan", "--strict", cwd=tree, env=env, **options), 3)


def test_minified_3mb_line_is_scanned(tmp_path: Path, run_guard: RunGuard) -> None:
    half = "var a=[1,2,3],b={c:4};function f(x){return x*2}" * 32_000  # ~1.5 MB
    content = f'{half}const token="{TOKEN}";{half}\n'
    assert len(content) > 3_000_000 and content.count("\n") == 1
    make_tree(tmp_path, {"dist/app.min.js": content})
    proc = _checked(run_guard("scan", "--format", "json", cwd=tmp_path), 1)
    report = json.loads(proc.stdout)
    assert [(f["path"], f["rule"], f["line"]) for f in report["findings"]] == [
        ("dist/app.min.js", "github-pat-classic", 1)]
    assert report["findings"][0]["column"] == len(half) + len('const token="') + 1
    assert report["skipped"] == []


def test_empty_and_bom_only_files_do_not_crash(tmp_path: Path, run_guard: RunGuard) -> None:
    make_tree(tmp_path, {"empty.txt": b"", "bom.txt": b"\xef\xbb\xbf",
                         "bom-secret.py": b"\xef\xbb\xbf" + SECRET_LINE.encode()})
    report, text = _scan(run_guard, tmp_path, code=1)
    assert _found(report) == [("bom-secret.py", "github-pat-classic")]
    assert report["findings"][0]["line"] == 1
    assert report["summary"]["files_scanned"] == 3
    assert report["skipped"] == [] and report["notices"] == []
    assert "3 files scanned" in _summary(text)


def test_path_with_spaces_is_shown(tmp_path: Path, run_guard: RunGuard) -> None:
    make_tree(tmp_path, {"my docs/release notes.md": SECRET_LINE})
    report, text = _scan(run_guard, tmp_path, code=1)
    assert _found(report) == [("my docs/release notes.md", "github-pat-classic")]
    assert "my docs/release notes.md:1:10:" in text.stdout
    fast = _checked(run_guard("scan", "my docs/release notes.md", cwd=tmp_path), 1)
    assert "my docs/release notes.md:1:10:" in fast.stdout


def _raw_file(directory: Path, raw_name: bytes, content: bytes) -> str:
    """Create a file whose name is not UTF-8; returns the name as Python sees it."""
    with open(os.path.join(os.fsencode(directory), raw_name), "wb") as f:
        f.write(content)
    return os.fsdecode(raw_name)


# A terminal in a UTF-8 locale such as en_US.UTF-8 gives Python a strict UTF-8 stdout.
STRICT_STDOUT = {"PYTHONIOENCODING": "utf-8:strict"}


def test_non_utf8_file_name_does_not_crash_and_is_shown(tmp_path: Path,
                                                        run_guard: RunGuard) -> None:
    make_tree(tmp_path, {".gitignore": "*.log\n", ".guard.toml": 'exclude = ["build/"]\n',
                         "ok.txt": "fine\n"})
    name = _raw_file(tmp_path, b"caf\xe9 notes.txt", SECRET_LINE.encode())
    _raw_file(tmp_path, b"caf\xe9.log", SECRET_LINE.encode())  # ignored by .gitignore
    (tmp_path / "build").mkdir()
    _raw_file(tmp_path / "build", b"\xff.txt", SECRET_LINE.encode())  # excluded by config

    report, text = _scan(run_guard, tmp_path, code=1, env=STRICT_STDOUT)
    assert [f["path"] for f in report["findings"]] == [name]
    assert report["skipped"] == []
    # the name is shown as it is on disk, like grep and find show it
    assert f"{name}:1:10:" in text.stdout

    fast = _checked(run_guard("scan", name, cwd=tmp_path, env=STRICT_STDOUT), 1)
    assert f"{name}:1:10:" in fast.stdout

    out = tmp_path.parent / f"{tmp_path.name}-report.txt"
    _checked(run_guard("scan", "--output", out, cwd=tmp_path), 1)
    assert os.fsencode(name) + b":1:10:" in out.read_bytes()
    out.unlink()
    sarif = json.loads(_checked(run_guard("scan", "--format", "sarif", cwd=tmp_path), 1).stdout)
    assert len(sarif["runs"][0]["results"]) == 1


def test_non_utf8_sensitive_file_name_is_reported(tmp_path: Path, run_guard: RunGuard) -> None:
    name = _raw_file(tmp_path, b"d\xe9ploiement.key", b"opaque\n")
    report, text = _scan(run_guard, tmp_path, code=1, env=STRICT_STDOUT)
    assert _found(report) == [(name, "private-key-file")]
    assert f"{name}: sensitive file [private-key-file]" in text.stdout


@pytest.mark.parametrize("args", [("nope",), ("a.py", "nope"), ("--format", "json", "nope")])
def test_missing_path_is_a_usage_error(tmp_path: Path, run_guard: RunGuard,
                                       args: tuple[str, ...]) -> None:
    make_tree(tmp_path, {"a.py": SECRET_LINE})
    proc = _checked(run_guard("scan", *args, cwd=tmp_path), 2)
    assert "nope" in proc.stderr and "no such file or directory" in proc.stderr
    assert proc.stdout == ""


# --- no output channel carries a secret ---------------------------------------------------------

KEY_BODY = [
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
]
URL_PASSWORD = "q7Rk2mWv9Tz4"
SETTINGS_SECRET = "x8#Kq2!pLz9wVb4@Tn"
OAUTH_TOKEN = "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"
SECRETS = [TOKEN, OTHER_TOKEN, OAUTH_TOKEN, URL_PASSWORD, SETTINGS_SECRET, *KEY_BODY]


def _leaks(text: str) -> list[str]:
    """Secrets, or any 10-character piece of one, that ``text`` contains."""
    return [s for s in SECRETS
            if any(s[i:i + 10] in text for i in range(max(1, len(s) - 9)))]


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_no_output_channel_contains_a_secret(tmp_path: Path, run_guard: RunGuard,
                                             fmt: str) -> None:
    tree = make_tree(tmp_path / "tree", {
        "settings.py": f"SECRET_KEY = '{SETTINGS_SECRET}'\nGITHUB = \"{TOKEN}\"\n",
        ".env": f"DATABASE_URL=postgres://app:{URL_PASSWORD}@db.internal:5432/app\n",
        "deploy/id_rsa": "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(KEY_BODY)
                         + "\n-----END RSA PRIVATE KEY-----\n",
        "legacy.txt": b"caf\xe9 " + f"auth = {OAUTH_TOKEN}\n".encode(),
        "min.js": "x=1;" * 1000 + f'var t="{OTHER_TOKEN}";' + "y=2;" * 1000,
        "blob.bin": b"\0" + TOKEN.encode(),
    })
    expected = {("settings.py", "generic-secret-assignment"), ("settings.py", "github-pat-classic"),
                (".env", "url-password"), (".env", "dotenv-file"),
                ("deploy/id_rsa", "private-key"), ("deploy/id_rsa", "ssh-private-key-file"),
                ("legacy.txt", "gho"), ("min.js", "github-pat-classic")}
    out = tmp_path / f"report.{fmt}"
    channels = {}
    for flags in ((), ("--verbose",)):
        how = " ".join(("--format", fmt, *flags))
        proc = _checked(run_guard("scan", "--format", fmt, *flags, cwd=tree), 1)
        channels[f"stdout of {how}"] = proc.stdout
        channels[f"stderr of {how}"] = proc.stderr
        proc = _checked(run_guard("scan", "--format", fmt, "--output", out, *flags, cwd=tree), 1)
        channels[f"stdout of {how} --output"] = proc.stdout
        channels[f"stderr of {how} --output"] = proc.stderr
        channels[f"file of {how} --output"] = out.read_text(encoding="utf-8")
    for channel, text in channels.items():
        assert not _leaks(text), f"{channel} leaks {_leaks(text)}"

    # the secrets were found, so the check above looked at real reports
    first = channels[f"stdout of --format {fmt}"]
    if fmt == "json":
        found = {(f["path"], f["rule"]) for f in json.loads(first)["findings"]}
    elif fmt == "sarif":
        found = {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"])
                 for r in json.loads(first)["runs"][0]["results"]}
    else:
        found = {(line.split(":", 1)[0], line.split("[", 1)[1].split("]", 1)[0])
                 for line in first.splitlines() if "[" in line}
    found = {(p, "gho" if r.startswith("github-oauth") else r) for p, r in found}
    assert expected <= found, expected - found
