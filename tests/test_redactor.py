"""guard.redactor: the values of sensitive files, of the user's credential files and of the
environment are found in any text, raw and encoded, and replaced by the view's placeholders;
ordinary text passes untouched."""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest

from guard.judge import Judge
from guard.redactor import Redactor
from tests.conftest import git_init, make_tree

# Fake values made up for these tests.
STRIPE = "sk_live_" + "51HqZkR2mLp4Nv6Tx8Bc0Df12"  # pragma: allowlist secret
DB_PASSWORD = "hunter2-Wx7q"  # pragma: allowlist secret
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzKEY9"  # pragma: allowlist secret
NETRC_PASSWORD = "Tq3-netrc-Pw9z"  # pragma: allowlist secret
ENV_TOKEN = "Vb8Nm2Qw4Er6Ty8Ui0Op"  # pragma: allowlist secret
KEY_LINE = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"


@pytest.fixture(scope="module")
def redactor(tmp_path_factory: pytest.TempPathFactory) -> Redactor:
    base = tmp_path_factory.mktemp("redactor")
    repo = git_init(base / "repo")
    home = base / "home"
    make_tree(repo, {
        ".env": f"STRIPE_KEY={STRIPE}\nDB_PASSWORD={DB_PASSWORD}\nAPP_NAME=myservice\n"
                "DEBUG=true\nDB_HOST=db.internal.example.com\n",
        "deploy/id_ed25519": "-----BEGIN OPENSSH PRIVATE KEY-----\n"
                             f"{KEY_LINE}\nQyNTUxOQAAACDx7gGZ1pNfU8bX0vW2kR5tY3uQ9aL4mE6cH1jK7sD2fAAAAJgAAAAA\n"
                             "-----END OPENSSH PRIVATE KEY-----\n",
        "src/app.py": "print('hello')\n",
        "node_modules/pkg/.env": "NOT_READ=Zz9Yy8Xx7Ww6Vv5Uu4\n",  # pruned: never walked
    })
    make_tree(home, {
        ".aws/credentials": f"[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLQ\n"
                            f"aws_secret_access_key = {AWS_SECRET}\nregion = eu-west-1\n",
        ".netrc": f"machine example.com login ada password {NETRC_PASSWORD}\n",
    })
    judge = Judge.near(str(repo / "src" / "app.py"), home=str(home))
    return Redactor(judge, env={"HOME": str(home), "SERVICE_TOKEN": ENV_TOKEN,
                                "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})


def hidden(redactor: Redactor, text: str, *values: str) -> str:
    out, count = redactor.redact_text(text)
    assert count > 0, text
    for value in values:
        assert value not in out, value
    assert "<redacted:" in out
    return out


@pytest.mark.parametrize("value", [STRIPE, DB_PASSWORD, AWS_SECRET, NETRC_PASSWORD, ENV_TOKEN,
                                   KEY_LINE])
def test_a_known_value_is_hidden_wherever_it_appears(redactor: Redactor, value: str) -> None:
    hidden(redactor, f"some log line: connecting with {value} now\n", value)


@pytest.mark.parametrize("encode", [
    lambda v: base64.b64encode(v.encode()).decode(),
    lambda v: base64.b64encode(b"xy" + v.encode() + b"z").decode(),  # another alignment
    lambda v: base64.urlsafe_b64encode(b"q" + v.encode()).decode(),
    lambda v: binascii.hexlify(v.encode()).decode(),
    lambda v: binascii.hexlify(v.encode()).decode().upper(),
    lambda v: quote(v, safe=""),
    lambda v: v[::-1],
], ids=["base64", "base64-shifted", "base64url", "hex", "HEX", "url", "reversed"])
@pytest.mark.parametrize("value", [DB_PASSWORD, AWS_SECRET])
def test_encoded_forms_are_hidden(redactor: Redactor, value: str,
                                  encode: Callable[[str], str]) -> None:
    encoded = encode(value)
    hidden(redactor, f"output: {encoded}\n", encoded)


def test_a_whole_file_encoded_is_hidden(redactor: Redactor) -> None:
    env = (Path(redactor.judge.root) / ".env").read_bytes()
    out = hidden(redactor, base64.b64encode(env).decode())
    for value in (STRIPE, DB_PASSWORD):
        assert base64.b64encode(value.encode()).decode()[2:-2] not in out


@pytest.mark.parametrize("line", [
    "-DB_PASSWORD=Hq3-old-Pw-8Rz1",  # a line removed in a diff: in no file any more
    "export API_TOKEN=Kd83-hf92-Lq0x",
    "  secret: Zq8Rk2Lm4Np6",
])
def test_a_value_under_a_secret_named_key_in_output(redactor: Redactor, line: str) -> None:
    value = line.rsplit("=", 1)[-1].rsplit(" ", 1)[-1]
    hidden(redactor, f"diff --git a/.env b/.env\n{line}\n", value)


def test_placeholders_are_deterministic_and_typed(redactor: Redactor) -> None:
    a, _ = redactor.redact_text(f"x {DB_PASSWORD} y {DB_PASSWORD}")
    holders = re.findall(r"<redacted:[^>]+>", a)
    assert len(holders) == 2 and holders[0] == holders[1]
    assert "len=12 fp=" in holders[0]
    b, _ = redactor.redact_text(f"again {DB_PASSWORD}")
    assert holders[0] in b


def test_the_engine_finds_what_no_file_holds(redactor: Redactor) -> None:
    key_id = "AKIA" + "ZQ8RK2LM4NP6TV8X"  # pragma: allowlist secret
    hidden(redactor, f"aws_access_key_id={key_id}\n", key_id)
    hidden(redactor, 'cfg = {"password": "s3cr3t-Pa55word"}\n', "s3cr3t-Pa55word")


@pytest.mark.parametrize("text", [
    "APP_NAME=myservice\nDEBUG=true\n",  # values of a dotenv file that are names and flags
    "db.internal.example.com resolved in 3 ms\n",  # a host the .env names
    "region = eu-west-1\n",
    "def main():\n    return 0\n",
    "Zz9Yy8Xx7Ww6Vv5Uu4 is in node_modules, which Guard does not walk\n",
    "password: required\nTOKEN=UNSET\napi_key = os.environ['API_KEY']\nTOKEN_TTL=3600\n",
    "secret_name: my_service_secret\n",
    "PWD=/home/ada/src/billing\nOLDPWD=/home/ada\n",  # "pwd" is in PWD, and a path is no secret
])
def test_ordinary_text_passes_untouched(redactor: Redactor, text: str) -> None:
    assert redactor.redact_text(text) == (text, 0)


def test_sources_are_paths_never_values(redactor: Redactor) -> None:
    redactor.needles()
    names = {os.path.basename(p) for p in redactor.sources}
    assert {".env", "id_ed25519", "credentials", ".netrc"} <= names
    assert not any(v in p for p in redactor.sources for v in (STRIPE, DB_PASSWORD))


def test_a_fifo_among_the_sensitive_files_is_never_opened(tmp_path: Path) -> None:
    repo = git_init(tmp_path / "repo")
    os.mkfifo(repo / ".env")  # opening it for reading would block forever
    make_tree(repo, {".env.local": f"DB_PASSWORD={DB_PASSWORD}\n"})
    redactor = Redactor(Judge.near(str(repo / ".env.local"), home=str(tmp_path)),
                        env={"HOME": str(tmp_path)})
    assert DB_PASSWORD not in redactor.redact_text(f"pw {DB_PASSWORD}")[0]


def test_base64_wrapped_at_76_columns_is_hidden(redactor: Redactor) -> None:
    """`base64 .env` cuts the encoded values at its line ends, where no needle matches."""
    import gzip
    import textwrap

    env = (Path(redactor.judge.root) / ".env").read_bytes()
    for data in (env, gzip.compress(env)):  # and `gzip -c .env | base64`
        wrapped = "\n".join(textwrap.wrap(base64.b64encode(data).decode(), 76)) + "\n"
        out, count = redactor.redact_text(f"$ base64 .env\n{wrapped}$ ls\n")
        assert count and "<redacted:base64-of-" in out and out.startswith("$ base64 .env\n")
        assert wrapped.splitlines()[0] not in out
    ordinary = "\n".join(textwrap.wrap(base64.b64encode(b"print('hello')\n" * 20).decode(),
                                       76)) + "\n"
    assert redactor.redact_text(ordinary) == (ordinary, 0)
