"""guard.views: encoded output read back as the model reads it. Each dump, folding and encoding
of a file holding known values comes out of the redactor with no value left in it under any
decoding the attack corpus's judge knows (tests.attacks.judge); the same dumps of ordinary
files, binary or text, pass unchanged; and each decoder reads its format, and nothing else."""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guard import dumps, views
from guard.judge import Judge
from guard.redactor import Redactor
from tests.attacks.judge import find_leaks
from tests.conftest import git_init, make_tree, missing

# Fake values made up for these tests.
STRIPE = "sk_live_" + "51HqZkR2mLp4Nv6Tx8Bc0Df12gH7jK9"  # pragma: allowlist secret
DB_PASSWORD = "Wx7q-hunter2-Zr9Lk4"  # pragma: allowlist secret
TOKEN = "Vb8Nm2Qw4Er6Ty8Ui0Op"  # pragma: allowlist secret
NETRC = "glpat-" + "ZX0aWvpWIGbMyO5_67Qj"  # pragma: allowlist secret
ENV = (f"# local settings\nAPP_ENV=development\nDEBUG=1\n"
       f"DATABASE_URL=postgres://billing:{DB_PASSWORD}@db.internal:5432/billing\n"
       f"STRIPE_SECRET_KEY={STRIPE}\nAPI_TOKEN={TOKEN}\n")
VALUES = {"stripe": STRIPE, "db": DB_PASSWORD, "token": TOKEN}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Redactor, Path]:
    base = tmp_path_factory.mktemp("views")
    repo = git_init(base / "repo")
    home = base / "home"
    make_tree(repo, {".env": ENV, "src/app.py": "".join(
        f"def handler_{i}(request):\n    return render(request, 'page_{i}.html')\n"
        for i in range(40)), "logo.bin": bytes(range(256)) * 3 + b"\x89PNG\r\n\x1a\n" * 8})
    make_tree(home, {".netrc": f"machine gitlab.example.com\n  login ada\n  password {NETRC}\n"})
    judge = Judge.near(str(repo / "src" / "app.py"), home=str(home))
    return Redactor(judge, env={"HOME": str(home), "PATH": "/usr/bin:/bin"}), repo


def run(command: str, cwd: Path) -> str:
    program = command.split()[0]
    if shutil.which(program) is None:
        missing(program, "apt-get install xxd bsdextrautils coreutils")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"}
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True,
                          text=True, errors="surrogateescape", check=True).stdout


ENCODINGS = [
    "xxd .env", "xxd -p .env", "xxd -i .env", "xxd -g4 .env", "xxd -c 8 .env", "xxd -u .env",
    "hexdump -C .env", "hexdump .env", "od -c .env", "od -An -c .env", "od -x .env", "od -b .env",
    "od -An -b .env",
    "od -An -tx1 .env", "od -tx1 .env", "od -tx4 .env", "fold -w 8 .env", "fold -w 33 .env",
    "sed 's/./& /g' .env", "sed 's/./&\\n/g' .env", "tr 'A-Za-z' 'N-ZA-Mn-za-m' < .env",
    "basenc --base32 .env", "base32 -w 0 .env", "iconv -f utf-8 -t utf-16 .env",
    "iconv -f utf-8 -t utf-16 .env | base64", "iconv -f utf-8 -t utf-16le .env | xxd",
    "base64 .env | rev", "rev .env | base64", "gzip -c .env | base64", "base64 -w0 .env | rev",
    "gzip -c .env | base64 -w0", "iconv -f utf-8 -t utf-16 .env | base64 -w0",
    "python3 -c \"import urllib.parse;print(urllib.parse.quote(open('.env').read()))\"",
    "python3 -c \"print(open('.env','rb').read().decode().encode('utf-16-le'))\"",
]


def leaks(text: str, values: dict[str, str]) -> list[str]:
    """The values in ``text`` as the corpus's judge finds them, and also in readings it does
    not make: without ``\\x00`` escapes (the repr of UTF-16), as od -tx4's little-endian long
    words and as od -b's octal bytes."""
    words = bytearray()
    for line in text.splitlines():
        cells = line.split()
        words += b"".join(bytes.fromhex(c)[::-1] for c in cells[1:]
                          if re.fullmatch(r"[0-9a-f]{8}", c))
    octal = bytes(int(c, 8) & 0xFF for c in text.split() if re.fullmatch(r"[0-7]{3}", c))
    found = find_leaks(text, values) + find_leaks(text.replace("\\x00", ""), values)
    for reading in (words, octal):
        found += find_leaks(reading.decode("utf-8", "replace"), values)
    return [leak.key for leak in found]


@pytest.mark.parametrize("command", ENCODINGS)
def test_encoded_output_holds_no_value(world: tuple[Redactor, Path], command: str) -> None:
    redactor, repo = world
    output = run(command, repo)
    assert leaks(output, VALUES), "the output should hold the values before redaction"
    out, count = redactor.redact_text(output)
    assert count and "<redacted:" in out
    assert leaks(out, VALUES) == []


@pytest.mark.parametrize("command", ["xxd ~/.netrc", "od -c ~/.netrc", "od -x ~/.netrc",
                                     "fold -w 5 ~/.netrc"])
def test_user_credential_files_encoded(world: tuple[Redactor, Path], command: str) -> None:
    redactor, repo = world
    out, count = redactor.redact_text(run(command.replace("~", redactor.home), repo))
    assert count and leaks(out, {"netrc": NETRC}) == []


def test_dump_lines_holding_a_value_are_replaced_and_the_others_kept(
        world: tuple[Redactor, Path]) -> None:
    redactor, repo = world
    output = run("xxd .env", repo)
    out, _ = redactor.redact_text(output)
    kept = [line for line in output.splitlines() if line in out]
    assert output.splitlines()[:3] == kept[:3]  # the comment, APP_ENV, DEBUG
    assert re.search(r"^<redacted:[\w-]+-hex len=\d+ fp=[0-9a-f]{8}>$", out, re.MULTILINE)
    assert STRIPE[10:26] not in out  # the text column repeats the bytes: its lines go too


@pytest.mark.parametrize("command", [
    "xxd logo.bin", "xxd -p logo.bin", "xxd -i logo.bin", "od -c logo.bin", "od -x logo.bin",
    "od -b logo.bin", "od -b src/app.py",
    "hexdump -C logo.bin", "od -An -tx1 logo.bin", "base32 logo.bin", "base64 logo.bin",
    "xxd src/app.py", "od -c src/app.py", "hexdump -C src/app.py", "fold -w 8 src/app.py",
    "sed 's/./& /g' src/app.py", "basenc --base32 src/app.py", "base64 src/app.py | rev",
    "iconv -f utf-8 -t utf-16 src/app.py | base64",
    "python3 -c \"import urllib.parse;print(urllib.parse.quote(open('src/app.py').read()))\"",
    "python3 -c \"import hashlib;[print(hashlib.sha1(b'%d' % i).hexdigest()) for i in range(50)]\"",
    "python3 -c \"import hashlib as h;[print(h.sha256(b'%d' % i).hexdigest()) for i in range(9)]\"",
])
def test_ordinary_dumps_pass_unchanged(world: tuple[Redactor, Path], command: str) -> None:
    redactor, repo = world
    output = run(command, repo)
    assert redactor.redact_text(output) == (output, 0)


def test_the_engine_is_asked_about_decoded_bytes(world: tuple[Redactor, Path],
                                                 tmp_path: Path) -> None:
    """A secret in no file: found by the engine in the dump's bytes."""
    redactor, _ = world
    key_id = "AKIA" + "ZQ8RK2LM4NP6TV8X"  # pragma: allowlist secret
    (tmp_path / "cfg").write_text(f"[default]\naws_access_key_id = {key_id}\nregion = x\n")
    for command in ("xxd cfg", "od -c cfg", "sed 's/./& /g' cfg", "basenc --base32 cfg"):
        out, count = redactor.redact_text(run(command, tmp_path))
        assert count and leaks(out, {"aws": key_id}) == [], command


def test_a_secret_both_as_it_is_and_spaced_out_is_hidden_twice(
        world: tuple[Redactor, Path]) -> None:
    redactor, _ = world
    key_id = "AKIA" + "ZQ8RK2LM4NP6TV8X"  # pragma: allowlist secret
    line = f"aws_access_key_id = {key_id}"
    out, count = redactor.redact_text(f"{line}\n{' '.join(line)} \n")
    assert count == 2 and leaks(out, {"aws": key_id}) == []


def test_a_long_line_of_base64_costs_linear_time(world: tuple[Redactor, Path]) -> None:
    """An image in a request is one line of base64: the block pattern, tried at every place of
    it, would take minutes (it did: quadratic)."""
    import time

    redactor, _ = world
    line = base64.b64encode(bytes(range(256)) * 900).decode()  # 300 KB
    start = time.perf_counter()
    assert redactor.redact_text(f'{{"data": "{line}"}}') == (f'{{"data": "{line}"}}', 0)
    assert time.perf_counter() - start < 2.0


def test_a_known_urls_password_is_a_known_value(world: tuple[Redactor, Path]) -> None:
    redactor, _ = world
    for text in (f"connecting with {DB_PASSWORD}\n", f"billing%3A{quote(DB_PASSWORD)}%40db\n",
                 f"mysql://billing:{DB_PASSWORD}@other\n"):
        out, count = redactor.redact_text(text)
        assert count and DB_PASSWORD not in out, text
    assert any(label == "url-password" and value == DB_PASSWORD.encode()
               for value, label in redactor._known)


def test_a_url_password_that_is_a_word_is_not(tmp_path: Path) -> None:
    repo = git_init(tmp_path / "repo")
    make_tree(repo, {".env": "DATABASE_URL=postgres://postgres:postgres@localhost:5432/app\n"})
    redactor = Redactor(Judge.near(str(repo), home=str(tmp_path)), env={"HOME": str(tmp_path)})
    text = "postgres is running; user postgres\n"
    assert redactor.redact_text(text) == (text, 0)


# --- the decoders, one by one ------------------------------------------------------------------

@pytest.mark.parametrize("line, read", [
    (b"00000000: 2320 6c6f 6361  # loca", (b"# loca", 2)),  # xxd: the text column left out
    (b"00000010  65 6e 74 20  73 65  |ent se|", (b"ent se", 0)),  # hexdump -C
    (b"0000000 645b 6665", (b"\x64\x5b\x66\x65", 2)),  # od -x: words, also read swapped
    (b" 23 20 6c", (b"# l", 0)),  # od -An -tx1
    (b"  0x23, 0x20, 0x6c,", (b"# l", 0)),  # xxd -i
    (b"23206c6f63616c", (b"# local", 0)),  # xxd -p
    (b" 6c202023 6c61636f", (b"l  #laco", 4)),  # od -An -tx4: the first cell is no offset
    (b"0000000 2023 6f6c then words", (b" #ol", 2)),  # cells up to the first that is not one
])
def test_hex_cells(line: bytes, read: tuple[bytes, int]) -> None:
    assert dumps.hex_cells(line) == read


@pytest.mark.parametrize("line", [b"hello world", b"def main():", b"", b"0000164",
                                  b"unsigned char _env[] = {", b"};", b"deadbeefz 00"])
def test_not_hex_cells(line: bytes) -> None:
    assert dumps.hex_cells(line) is None


def test_od_cells() -> None:
    line = b"0000000   a   \\   b 001 303 251       z  \\n  \\0"
    assert dumps.od_cells(line) == (b"a\\b\x01\xc3\xa9 z\n\0", 0)
    assert dumps.od_cells("   é  **   x".encode()) == ("éx".encode(), 0)
    for line in (b"hello world", b"0000117", b"0000000 6d61 6863", b"", b"0000000   ab  c"):
        assert dumps.od_cells(line) is None, line


def test_kept_view_maps_back() -> None:
    view = views._kept(b"ab c\n d\x00e", views._NOT_BLANK)
    assert b"".join(view.parts) == b"abcde"
    assert view.back(1, 4) == (1, 7)  # "bcd": from the b to the d, blanks between them
    assert view.back(0, 5) == (0, 9)


def test_spans_with_a_finder() -> None:
    secret = b"S3cr3t-V4lue-Zq9"

    def find(view: bytes, deep: bool) -> list[views.Hit]:
        at = view.find(secret)
        return [] if at == -1 else [(at, at + len(secret), secret, "test")]

    folded = b"key=" + b"\n".join(secret[i:i + 5] for i in range(0, len(secret), 5)) + b"\n"
    [(s, e, holder)] = views.spans(folded, find)
    assert folded[:s] == b"key=" and e == len(folded) - 1 and b"test-spaced" in holder
    b32 = base64.b32encode(b"x" * 40 + secret + b"y" * 40)
    [(s, e, holder)] = views.spans(b"out: " + b32 + b"\n", find)
    assert (s, e) == (5, 5 + len(b32)) and holder.startswith(b"<redacted:base32-of-test ")
    assert views.spans(b"plain text, nothing encoded\n" * 50, find) == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([
    b"00000000: ", b"0000000 ", b"2320 ", b"6c6f ", b"23 ", b"0x23, ", b"4142434445464748",
    b"   a", b"  \\n", b" 303", b"    ", b"  **", b"|abc|", b"  |", b"\n", b"\r\n", b" ", b"=",
    b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo", b"MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPI", b"%41",
    b"\x00", b"\\x00", b"S3cr3t", b"-V4lue", b"Zq9", b"\xff", b"ab", b"c", b"\t",
]), max_size=80))
def test_views_never_fail_and_stay_in_bounds(parts: list[bytes]) -> None:
    data = b"".join(parts)
    secret = b"S3cr3t-V4lue-Zq9"

    def find(view: bytes, deep: bool) -> list[views.Hit]:
        hits = []
        for needle in (secret, secret[::-1], b"ABCDEF"):
            at = view.find(needle)
            if at != -1:
                hits.append((at, at + len(needle), needle, "test"))
        return hits

    for s, e, holder in views.spans(data, find):
        assert 0 <= s < e <= len(data) and holder.startswith(b"<redacted:")
