"""The detection engine on buffers: windows, rule priority, pragmas, columns, prefilters."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from guard.detect import prefilter, ruleset
from guard.detect.engine import Engine

PACK = ruleset.load(use_cache=False)
GH = "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"  # test token with a valid checksum
GH2 = "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"


def scan(text: str | bytes, path: str = "x.txt", engine: Engine | None = None) -> list:
    data = text.encode() if isinstance(text, str) else text
    return (engine or Engine(PACK)).scan(data, path)


def test_reports_line_and_column_of_the_secret() -> None:
    [f] = scan(f"a = 1\n\n  token: {GH}\n")
    assert (f.rule_id, f.line, f.column, f.end_column) == ("github-pat-classic", 3, 10, 49)


def test_columns_count_code_points_not_bytes() -> None:
    [f] = scan(f"é€ = '{GH}'\n")
    assert f.column == 7


def test_one_finding_per_value_provider_rule_wins() -> None:
    found = scan(f'api_token = "{GH}"\n', "settings.py")
    assert [f.rule_id for f in found] == ["github-pat-classic"]


def test_a_value_without_keyword_on_its_line_is_not_searched() -> None:
    # The generic rule's key must be on the value's line: a keyword two lines up does not count.
    assert scan("# token follows\n\nvalue = 'x8#Kq2!pLz9wVb4@Tn'\n", "a.py") == []


def test_inline_pragmas() -> None:
    assert scan(f"t = '{GH}'  # pragma: allowlist secret\n") == []
    assert scan(f"t = '{GH}'  # guard: allow\n") == []
    assert scan(f"# pragma: allowlist nextline secret\nt = '{GH}'\n") == []
    assert scan(f"# guard: allow-next-line\nt = '{GH}'\n") == []
    # a pragma on the line before, without "nextline", does not allow the next line
    assert len(scan(f"# pragma: allowlist secret\nt = '{GH}'\n")) == 1


def test_minified_line_is_searched_around_keywords() -> None:
    filler = "var a=1;" * 400_000
    data = f"{filler}var t='{GH}';{filler}"
    [f] = scan(data, "app.min.js")
    assert f.line == 1 and f.column == len(filler) + 8


def test_private_key_spans_lines() -> None:
    body = "\n".join("MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun"
                     for _ in range(20))
    pem = f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----"
    text = f"x = 1\nkey = '''{pem}'''\n"
    [f] = scan(text, "k.py")
    assert f.rule_id == "private-key" and f.line == 2


def test_checksum_rejects_a_mistyped_token() -> None:
    assert scan(f"t = {GH[:-1]}X\n") == []


def test_placeholders_are_not_secrets() -> None:
    for value in ("your_api_key_here", "<your-token>", "xxxxxxxxxxxxxxxx", "changeme",
                  "EXAMPLEKEY1234567"):
        assert scan(f'password = "{value}"\n', "a.py") == [], value


@pytest.mark.parametrize("text", [
    "password = get_password()",
    "token: ${TOKEN}",
    "secret = os.environ['SECRET']",
    'api_key = f"{prefix}{suffix}"',
])
def test_references_are_not_secrets(text: str) -> None:
    assert scan(text + "\n", "a.py") == []


def test_disabled_rules_do_not_run() -> None:
    engine = Engine(PACK, disabled=frozenset({"github-pat-classic"}))
    assert [f.rule_id for f in scan(f"x {GH}\n", engine=engine)] == []


def test_findings_never_show_the_value() -> None:
    [f] = scan(f"x = '{GH}'\n")
    assert GH not in repr(f) and GH not in str(f.to_dict()) and f.masked.startswith("ghp_")
    assert f.fingerprint == scan(f"other: {GH}\n")[0].fingerprint
    assert f.fingerprint != scan(f"other: {GH2}\n")[0].fingerprint


def test_prefilter_backends_agree() -> None:
    pytest.importorskip("hyperscan")
    keywords = sorted({kw for r in PACK.rules for kw in r.keywords})
    rng = random.Random(5)
    alphabet = "abcdefghijklmnopqrstuvwxyz_-.:= \n" + "".join(keywords)
    data = "".join(rng.choice(alphabet) for _ in range(200_000)).encode()
    data += b" GHP_ -----BEGIN sk-ant- " + "éß".encode()
    fast = prefilter.HyperscanPrefilter(keywords)
    slow = prefilter.FindPrefilter(keywords)
    assert sorted(fast.hits(data)) == sorted(slow.hits(data))
    assert fast.hits(data)


def test_hyperscan_database_cache_round_trip(tmp_path: Path) -> None:
    pytest.importorskip("hyperscan")
    cache = str(tmp_path / "kw.hsdb")
    first = prefilter.HyperscanPrefilter(["ghp_", "token"], cache)
    second = prefilter.HyperscanPrefilter(["ghp_", "token"], cache)
    assert (tmp_path / "kw.hsdb").exists()
    assert first.hits(b"x ghp_ y TOKEN") == second.hits(b"x ghp_ y TOKEN") == [(0, 6), (1, 14)]


def test_fingerprint_is_hmac_sha256() -> None:
    import hashlib
    import hmac

    from guard.detect.finding import hmac_sha256

    for key, message in ((b"k", b"v"), (b"x" * 100, GH.encode()), (b"", b"")):
        assert hmac_sha256(key, message) == hmac.new(key, message, hashlib.sha256).hexdigest()


@pytest.mark.parametrize("line", ["plain", "minified"])
def test_an_anchored_token_is_found_whole_however_long(tmp_path: Path, line: str) -> None:
    """A token longer than the window the keyword opens for unanchored rules (1,024 bytes) is
    reported whole, also inside a long minified line: a cut token would be half redacted."""
    (tmp_path / "long.toml").write_text('''[[rule]]
id = "user-long-token"
description = "a long token"
keywords = ["ltok_"]
anchor = true
regex = \'\'\'(ltok_[A-Za-z0-9]{20,6000})\'\'\'
examples.positive = ["x = ltok_Q2w8Lm4Zr7Xc1Vb5Nn3Kp9Tt6Yy0Hh2Jj8"]
examples.negative = ["x = ltok_short"]
''')
    engine = Engine(ruleset.load((str(tmp_path / "long.toml"),), use_cache=False))
    rnd = random.Random(3)
    token = "ltok_" + "".join(rnd.choice("abcdefghijkLMNOPQRS0123456789") for _ in range(3000))
    pad = "var a=1;" * 1000 if line == "minified" else "key = "
    found = [f for f in engine.scan(f"{pad}{token};{pad}\n".encode(), "x.js")
             if f.rule_id == "user-long-token"]
    assert [len(f.secret) for f in found] == [len(token)]
