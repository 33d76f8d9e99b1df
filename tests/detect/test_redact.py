"""Redacted views: property tests over generated files mixing secrets of several providers,
dotenv lines, PEM blocks and code; and examples of each format."""

from __future__ import annotations

import binascii
import re
import string
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guard.detect import redact, ruleset
from guard.detect.checks import base62
from guard.detect.engine import Engine

PACK = ruleset.load(use_cache=False)
ENGINE = Engine(PACK)
LEAN_ENGINE = Engine(PACK, disabled=redact.disabled_rules(PACK, strict=True))
RULES_DIR = Path(ruleset.rules_dir())
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def view(text: str | bytes, path: str, strict: bool | None = None) -> bytes:
    data = text.encode() if isinstance(text, str) else text
    if strict is None:
        strict = redact.is_strict(path, PACK)
    return redact.redact(data, path, ENGINE, strict).data


def provider_lines() -> list[str]:
    """Single-line positive examples of every provider rule (the rules' own test strings)."""
    out = []
    for f in sorted((RULES_DIR / "providers").glob("*.toml")):
        for rule in tomllib.loads(f.read_text())["rule"]:
            for ex in rule["examples"]["positive"]:
                text = ex.split("::", 1)[1] if "::" in ex.split("\n")[0] else ex
                if "\n" not in text:
                    out.append(text)
    return out


PROVIDER_LINES = provider_lines()


@st.composite
def github_tokens(draw) -> str:
    body = draw(st.text(BASE62, min_size=30, max_size=30))
    return "ghp_" + body + base62(binascii.crc32(body.encode()), 6).decode()


@st.composite
def pem_blocks(draw) -> str:
    lines = draw(st.lists(st.text(string.ascii_letters + string.digits + "+/", min_size=64,
                                  max_size=64), min_size=2, max_size=6))
    return ("-----BEGIN RSA PRIVATE KEY-----\nMIIE" + "\n".join(lines)
            + "\n-----END RSA PRIVATE KEY-----")


passwords = st.text(string.ascii_letters + string.digits + "!#%+-_", min_size=12, max_size=40)
keys = st.sampled_from(["DB_PASSWORD", "API_KEY", "SECRET_TOKEN", "DEBUG", "PORT", "HOST",
                        "NAME", "aws_secret_access_key"])
plain_values = st.sampled_from(["true", "false", "8080", "", "debug", "production"])


@st.composite
def chunks(draw) -> str:
    kind = draw(st.sampled_from(["env", "envq", "provider", "gh", "pem", "code", "comment",
                                 "yaml", "blank"]))
    if kind == "env":
        return f"{draw(keys)}={draw(st.one_of(passwords, plain_values))}"
    if kind == "envq":
        return f'export {draw(keys)}="{draw(passwords)}"'
    if kind == "provider":
        return draw(st.sampled_from(PROVIDER_LINES))
    if kind == "gh":
        return f"token = '{draw(github_tokens())}'"
    if kind == "pem":
        pem = draw(pem_blocks())
        return draw(st.sampled_from([pem, f'KEY="{pem}"']))
    if kind == "code":
        return draw(st.sampled_from(["def f(x):", "    return x + 1", "print('hello')",
                                    "items = [1, 2, 3]", "{", "}", "[section]"]))
    if kind == "yaml":
        return f"  {draw(keys).lower()}: {draw(st.one_of(passwords, plain_values))}"
    if kind == "comment":
        return "# " + draw(st.text(string.ascii_letters + " ", max_size=30))
    return ""


files = st.lists(chunks(), min_size=1, max_size=25).map(lambda c: "\n".join(c) + "\n")
paths = st.sampled_from([".env", ".env.production", "settings.py", "config.yaml", "notes.txt",
                         "id_rsa", "app.properties", "conf.ini"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=files, path=paths)
def test_view_hides_every_finding_keeps_lines_and_is_idempotent(text: str, path: str) -> None:
    data = text.encode()
    found = ENGINE.scan(data, path)
    out = view(data, path)
    for f in found:
        assert f.secret not in out, f.rule_id
    assert out.count(b"\n") == data.count(b"\n")
    assert view(out, path) == out
    assert ENGINE.scan(out, path) == []
    strict = redact.is_strict(path, PACK)
    if strict:  # `guard view` skips syntax rules there: the structure hides their values too
        lean = redact.redact(data, path, LEAN_ENGINE, strict).data
        for f in found:
            assert f.secret not in lean, f.rule_id
        assert lean.count(b"\n") == data.count(b"\n")


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.tuples(keys, passwords), min_size=1, max_size=10))
def test_every_non_plain_dotenv_value_is_hidden(values: list[tuple[str, str]]) -> None:
    text = "".join(f"{k}={v}\n" for k, v in values)
    out = view(text, ".env").decode()
    for _, v in values:
        assert f"={v}\n" not in out
    assert [line.split("=")[0] for line in out.splitlines()] == [k for k, _ in values]


GH = "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"  # pragma: allowlist secret
PEM = ("-----BEGIN RSA PRIVATE KEY-----\n"
       "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
       "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n"
       "-----END RSA PRIVATE KEY-----")
PH = r"<redacted:[\w.\-]+ len=\d+ fp=[0-9a-f]{8}>"


def test_dotenv_example() -> None:
    text = ("# db\nDB_PASSWORD=Sup3r-S3cr3t-42x\nDEBUG=true\nPORT=5432\nEMPTY=\n"
            f'export GH="{GH}"  # ci\nURL=https://api.example.org\n# OLD=abcdef123456\n'
            "REF=${DB_PASSWORD}\n")
    out = view(text, ".env").decode().splitlines()
    assert out[0] == "# db"
    assert re.fullmatch(r"DB_PASSWORD=" + PH, out[1])
    assert out[2:5] == ["DEBUG=true", "PORT=5432", "EMPTY="]
    assert re.fullmatch(r'export GH="<redacted:github-pat-classic len=40 fp=[0-9a-f]{8}>"  # ci',
                        out[5])
    assert re.fullmatch("URL=" + PH, out[6])
    assert re.fullmatch("# OLD=" + PH, out[7])
    assert out[8] == "REF=${DB_PASSWORD}"


def test_fingerprints_match_between_equal_values() -> None:
    out = view("A_TOKEN=Zr2Lx9Kw4Tp8VQm7\nB_TOKEN=Zr2Lx9Kw4Tp8VQm7\n", ".env").decode()
    fps = re.findall(r"fp=([0-9a-f]{8})", out)
    assert len(fps) == 2 and fps[0] == fps[1]


def test_multiline_secret_keeps_its_lines() -> None:
    out = view(f'KEY="{PEM}"\nNEXT=1\n', ".env").decode().splitlines()
    assert re.fullmatch('KEY="<redacted:private-key len=\\d+ fp=[0-9a-f]{8}>', out[0])
    assert out[1:4] == ["<redacted:continued>", "<redacted:continued>", '<redacted:continued>"']
    assert out[4] == "NEXT=1"


def test_private_key_file() -> None:
    out = view(PEM + "\n", "id_rsa").decode().splitlines()
    assert len(out) == 4 and out[1:] == ["<redacted:continued>"] * 3


def test_code_keeps_code_and_loses_secret_named_literals() -> None:
    text = (f"TOKEN = '{GH}'\npassword = \"hunter2\"\napi_key = os.environ['API_KEY']\n"
            "def f(x):\n    return x\n")
    out = view(text, "settings.py", strict=False).decode().splitlines()
    assert re.fullmatch("TOKEN = '<redacted:github-pat-classic len=40 fp=[0-9a-f]{8}>'", out[0])
    assert re.fullmatch('password = "' + PH + '"', out[1])
    assert out[2:] == ["api_key = os.environ['API_KEY']", "def f(x):", "    return x"]


def test_yaml_block_scalar_in_a_sensitive_file() -> None:
    text = "apiVersion: v1\nusers:\n- name: me\n  user:\n    client-key-data: |\n      QUJD\n" \
           "      REVG\n    token: abcdefgh12345\nkind: Config\n"
    out = view(text, "kubeconfig").decode().splitlines()
    assert out[0] == "apiVersion: v1" and re.fullmatch("kind: " + PH, out[-1])
    assert re.fullmatch(" {6}" + PH, out[5]) and out[6] == "      <redacted:continued>"
    assert re.fullmatch("    token: " + PH, out[7])


def test_json_values_in_a_sensitive_file() -> None:
    text = '{"auths": {"ghcr.io": {"auth": "dXNlcjpwYXNzd29yZA=="}}, "n": 3}\n'
    out = view(text, ".docker/config.json").decode()
    assert '"auths": {"ghcr.io": {"auth": "<redacted:value' in out and '"n": 3' in out


def test_netrc_keeps_machines_and_logins() -> None:
    out = view("machine api.example.org login me password hunter22\n", ".netrc").decode()
    assert re.fullmatch("machine api.example.org login me password " + PH + "\n", out)


def test_unknown_lines_of_a_sensitive_file_are_hidden_whole() -> None:
    out = view("db.internal:5432:app:admin:s3cretpw\n", ".pgpass").decode()
    assert re.fullmatch("<redacted:line len=35 fp=[0-9a-f]{8}>\n", out)


def test_plain_file_is_unchanged() -> None:
    text = "# Title\n\nSome text with a password: mentioned.\n"
    assert view(text, "README.md").decode() == text


def test_binary_detection() -> None:
    assert redact.is_binary(b"abc\0def") and not redact.is_binary(b"abc")


@pytest.mark.parametrize(("path", "strict"), [(".env", True), (".env.local", True),
                                              ("prod.env", True), (".env.example", True),
                                              ("id_rsa", True), ("src/app.py", False),
                                              ("config/secrets.yml", True)])
def test_strictness(path: str, strict: bool) -> None:
    assert redact.is_strict(path, PACK) is strict


@pytest.mark.parametrize("text", [
    "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLQ\n"
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzKEY9\n",  # pragma: allowlist secret
    "[profile dev]\nsecret = Zq8Rk2Lm4Np6Tv8Xb0Cd\n",  # pragma: allowlist secret
])
def test_strict_ini_file_opening_with_a_section_is_not_taken_for_json(text: str) -> None:
    """`[default]` opens ~/.aws/credentials: it used to be read as a JSON array, which left
    every value of the file in its view."""
    out = view(text, ".aws/credentials", strict=True)
    assert b"wJalrXUtnFEMI" not in out and b"Zq8Rk2Lm4Np6" not in out
    assert out.startswith(text.split("\n")[0].encode())  # the section header stays


def test_strict_json_array_is_still_json() -> None:
    out = view('["Zq8Rk2Lm4Np6Tv8Xb0Cd", 3]\n', "creds", strict=True)  # pragma: allowlist secret
    assert b"Zq8Rk2Lm4Np6" not in out and out.startswith(b'["<redacted:')
