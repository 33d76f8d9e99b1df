"""Write the labelled set of ambiguous files the local model is trained and measured on.

    .venv/bin/python bench/classify_dataset.py   # writes tests/data/classify/{train,test}.jsonl

Every file is made here from a fixed seed, so the set is the same on every machine; no value in
it is a real credential (each "live" one is drawn from ``random.Random``). Each record is a small
file as it would sit in a repository (a path and its text), its label (``sensitive`` or
``benign``) and the kind of value it holds. Only files that guard.model.ambiguity calls ambiguous
are kept: the set is exactly the population the model would be asked about. 30% of each kind, drawn
with the same seed, is the test split.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import string
import sys
from collections.abc import Callable

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import need

from guard.detect import ruleset
from guard.detect.engine import Engine
from guard.model import ambiguity

SEED = 20261127
PER_KIND = 26
TEST_SHARE = 0.3
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "classify")

ALNUM = string.ascii_letters + string.digits
SYMBOLS = "!#%&*+-=?@^_~"


# --- values ------------------------------------------------------------------------------------


def rand(r: random.Random, alphabet: str, n: int) -> str:
    return "".join(r.choice(alphabet) for _ in range(n))


def mixed(r: random.Random, n: int) -> str:
    """A random base62 string that has all three classes (what a generated key looks like)."""
    while True:
        v = rand(r, ALNUM, n)
        if any(c.islower() for c in v) and any(c.isupper() for c in v) and \
                any(c.isdigit() for c in v):
            return v


def live_random(r: random.Random) -> str:
    return mixed(r, r.choice([16, 20, 24, 32, 40]))


def live_symbols(r: random.Random) -> str:
    return mixed(r, r.randint(8, 14)) + rand(r, SYMBOLS, 2) + rand(r, ALNUM, r.randint(2, 6))


def live_hex(r: random.Random) -> str:
    return rand(r, "0123456789abcdef", r.choice([32, 48, 64]))


def live_base64(r: random.Random) -> str:
    return base64.b64encode(r.randbytes(r.choice([24, 32, 48]))).decode()


WORDS = ["Summer", "Winter", "Autumn", "Spring", "Welcome", "Dragon", "Monkey", "Sunshine",
         "Falcon", "Harbor", "Orchid", "Copper", "Maple", "Rocket", "Tiger", "Panda", "Nimbus"]
SITES = ["Prod", "Acme", "Berlin", "Office", "Corp", "Ops", "Dev", "Main", "Home", "Lab"]


def human_password(r: random.Random) -> str:
    """What people pick: a word, a place or a year and a symbol. Often too plain for the entropy
    floor, and a year or "pass" in it looks like a demo value to the rules."""
    word = r.choice(WORDS)
    shape = r.randrange(5)
    if shape == 0:
        return f"{word}{r.choice(['2023', '2024', '2025', '2026'])}{r.choice('!#$@')}"
    if shape == 1:
        return f"{word}@{r.randint(100, 999)}"
    if shape == 2:
        return f"{r.choice(SITES)}-{word}-{r.randint(10, 99)}{r.choice('!#$')}"
    if shape == 3:
        return f"{word.lower()}{r.choice(SITES)}{r.randint(1, 9)}{r.choice('!?')}"
    leet = word.replace("a", "@").replace("o", "0").replace("e", "3").replace("i", "1")
    return f"{leet}{r.randint(10, 99)}{r.choice(SITES)}"


def short_password(r: random.Random) -> str:
    return mixed(r, 4) + rand(r, SYMBOLS, 1) + rand(r, ALNUM, r.randint(1, 2))


PREFIXES = ["acme_live_", "tkn_prod_", "svc-", "int_sk_", "pat.", "api1_", "bk_", "hx_live_"]


def unknown_prefix(r: random.Random) -> str:
    return r.choice(PREFIXES) + mixed(r, r.choice([24, 32, 40]))


def sha_hex(r: random.Random) -> str:
    algo = r.choice([hashlib.sha256, hashlib.sha1, hashlib.md5, hashlib.sha512])
    return algo(r.randbytes(16)).hexdigest()


def hash_prefixed(r: random.Random) -> str:
    salt = base64.b64encode(r.randbytes(9)).decode()
    digest = base64.b64encode(r.randbytes(32)).decode().rstrip("=")
    shape = r.randrange(4)
    if shape == 0:
        return f"pbkdf2_sha256$600000${salt}${digest}"
    if shape == 1:
        return f"argon2id$v=19$m=65536,t=3,p=4${salt}${digest}"
    if shape == 2:
        return "{SSHA}" + base64.b64encode(r.randbytes(24)).decode()
    return f"sha256:{hashlib.sha256(r.randbytes(8)).hexdigest()}"


def hex_id(r: random.Random) -> str:
    shape = r.randrange(4)
    if shape == 0:
        return rand(r, "0123456789abcdef", 32)  # a UUID without dashes
    if shape == 1:
        return "01" + rand(r, "0123456789ABCDEFGHJKMNPQRSTVWXYZ", 24)  # a ULID
    if shape == 2:
        return "mrk-" + rand(r, "0123456789abcdef", 32)  # a KMS multi-region key id
    return hashlib.sha1(r.randbytes(8)).hexdigest()  # a git commit


def public_value(r: random.Random) -> str:
    shape = r.randrange(3)
    if shape == 0:
        return "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + base64.b64encode(r.randbytes(24)).decode(
        ).rstrip("=") + " deploy@ci"
    if shape == 1:
        return "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE" + base64.b64encode(r.randbytes(48)).decode()
    return mixed(r, 32)


TEXTS = ["a secret", "my password", "hello world", "{\"user\": \"demo\"}", "not a real key",
         "token for local dev", "open sesame", "{\"alg\": \"none\"}", "the quick brown fox"]


def encoded_text(r: random.Random) -> str:
    text = r.choice(TEXTS) + r.choice(["", " ", " 1", " ok", "!!", " v2"])
    while len(text) % 3:
        text += " "
    return base64.b64encode(text.encode()).decode()


def date_value(r: random.Random) -> str:
    y, m, d = r.randint(2019, 2026), r.randint(1, 12), r.randint(1, 28)
    if r.random() < 0.5:
        return f"{y}-{m:02d}-{d:02d}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:00Z"
    return f"{y}-{m:02d}-{d:02d}"


SOFT_PLACEHOLDERS = ["to be filled", "set-in-prod-only", "TBD by ops", "fill me in", "ask ops",
                     "not set", "set me", "see the wiki", "provided-by-ci", "not-used-locally",
                     "TODO rotate", "comes from the vault", "none yet", "unset-in-dev",
                     "put the key here", "leave empty in dev", "generated at deploy"]


def soft_placeholder(r: random.Random) -> str:
    return r.choice(SOFT_PLACEHOLDERS)


FIXTURE_WORDS = ["test", "mock", "fake", "dummy", "demo", "sample", "example", "invalid"]


def fixture_value(r: random.Random) -> str:
    shape = r.randrange(5)
    word = r.choice(FIXTURE_WORDS)
    if shape == 0:
        return f"{word.capitalize()}{r.randint(1000, 9999)}!Pw"
    if shape == 1:
        return f"{word}-token-{rand(r, 'abcdef0123456789', 8)}"
    if shape == 2:
        return r.choice(["hunter2", "letmein123", "Passw0rd!", "admin123!", "s3cr3t!!", "qwerty123",
                         "changeit", "P@ssword1", "secret123", "abcd1234"])
    if shape == 3:
        return f"not-a-real-{r.choice(['key', 'secret', 'token'])}-{r.randint(1, 99)}"
    return f"{word}_{rand(r, 'abcdefghijkmnpqrstuvwxyz', 6)}_{r.randint(10, 99)}"


def pattern_value(r: random.Random) -> str:
    return r.choice([r"^(?=.*\d)(?=.*[A-Z]).{12,}$", r"[A-Za-z0-9]{32}", r"^[a-f0-9]{40}$",
                     r"(?i)^sk_[a-z0-9]{24}$", r"\b[0-9a-f]{64}\b", "%Y-%m-%dT%H:%M:%S",
                     r"[A-Z0-9]{20}", r"^\w{8,64}$"])


def number_value(r: random.Random) -> str:
    return str(r.choice([86400000, 1500000, 2592000, 31536000, 604800, 12000000]) +
               r.randint(0, 9) * 1000)


# --- key names per kind ------------------------------------------------------------------------

LIVE_KEYS = ["password", "db_password", "DB_PASSWORD", "SECRET_KEY", "api_key", "API_KEY",
             "client_secret", "auth_token", "access_token", "webhook_secret", "ENCRYPTION_KEY",
             "signing_key", "master_key", "smtp_password", "REDIS_PASSWORD", "apiKey",
             "clientSecret", "accessToken", "session_secret", "JWT_SECRET", "private_key",
             "service_credential", "admin_password", "pwd", "APP_TOKEN"]
PASSWORD_KEYS = ["password", "db_password", "DB_PASSWORD", "smtp_password", "admin_password",
                 "pwd", "REDIS_PASSWORD", "userPassword"]
HASH_KEYS = ["password_hash", "token_sha256", "secret_checksum", "api_key_digest",
             "password_sha1", "token_fingerprint", "secret_hash", "passwordHash",
             "TOKEN_DIGEST", "credential_sha"]
ID_KEYS = ["token_id", "secret_id", "credential_id", "api_key_id", "secret_version",
           "encryption_key_id", "tokenId", "SECRET_REVISION", "access_token_jti",
           "credentials_commit"]
PUBLIC_KEYS = ["api_key_public", "PUBLIC_API_KEY", "signing_key_pub", "public_token",
               "NEXT_PUBLIC_MAP_TOKEN", "search_only_api_key", "publishable_api_key"]
DATE_KEYS = ["password_changed_at", "token_expires", "secret_rotated", "passwordLastUsed",
             "api_key_created", "TOKEN_EXPIRY", "credential_valid_until"]
PATTERN_KEYS = ["password_pattern", "token_format", "secret_regex", "api_key_shape",
                "PASSWORD_POLICY", "token_timestamp_format"]
NUMBER_KEYS = ["token_ttl_ms", "password_max_age", "token_budget", "secret_cache_ms",
               "TOKEN_LIFETIME_MS"]


# --- file shapes -------------------------------------------------------------------------------


def _host(r: random.Random) -> str:
    return r.choice(["db.internal", "10.0.3.17", "postgres", "cache.prod.local", "localhost"])


def env_file(r: random.Random, key: str, value: str, dirname: str) -> tuple[str, str]:
    name = r.choice(["deploy/prod.vars", "docker/app.conf", "config/app.ini", "settings.cfg",
                     "ops/service.conf"])
    key = key.upper()
    quoted = f'"{value}"' if " " in value or r.random() < 0.3 else value
    lines = [f"APP_ENV={r.choice(['production', 'staging', 'development'])}",
             f"DB_HOST={_host(r)}", f"{key}={quoted}", f"LOG_LEVEL={r.choice(['info', 'debug'])}"]
    return _place(dirname, name), "\n".join(lines) + "\n"


def yaml_file(r: random.Random, key: str, value: str, dirname: str) -> tuple[str, str]:
    name = r.choice(["config.yaml", "values.yaml", "application.yml", "docker-compose.yml",
                     "settings.yaml"])
    section = r.choice(["database", "auth", "smtp", "payments", "storage", "webhooks"])
    quoted = f'"{value}"' if r.random() < 0.5 or value.startswith(("{", "%", "[")) else value
    lines = [f"{section}:", f"  host: {_host(r)}", f"  port: {r.choice([5432, 6379, 587, 443])}",
             f"  {key}: {quoted}", f"  timeout: {r.randint(5, 60)}"]
    return _place(dirname, name), "\n".join(lines) + "\n"


def json_file(r: random.Random, key: str, value: str, dirname: str) -> tuple[str, str]:
    name = r.choice(["config.json", "appsettings.json", "secrets.template.json", "seed.json"])
    body = {"name": r.choice(["billing", "api", "worker", "gateway"]),
            "region": r.choice(["eu-west-1", "us-east-2"]), key: value, "retries": r.randint(1, 5)}
    return _place(dirname, name), json.dumps(body, indent=2) + "\n"


def python_file(r: random.Random, key: str, value: str, dirname: str) -> tuple[str, str]:
    name = r.choice(["settings.py", "config.py", "conftest.py", "constants.py", "app/config.py"])
    lines = ["import os", "", f"DEBUG = {r.choice(['True', 'False'])}",
             f"ALLOWED_HOSTS = [\"{_host(r)}\"]", f"{key} = {json.dumps(value)}",
             "TIME_ZONE = \"UTC\""]
    return _place(dirname, name), "\n".join(lines) + "\n"


def js_file(r: random.Random, key: str, value: str, dirname: str) -> tuple[str, str]:
    name = r.choice(["config.js", "src/config.ts", "server.js", "setup.test.js"])
    lines = ["export const config = {", f"  baseUrl: \"https://{_host(r)}\",",
             f"  {key}: {json.dumps(value)},", f"  retries: {r.randint(1, 5)},", "};"]
    return _place(dirname, name), "\n".join(lines) + "\n"


def go_file(r: random.Random, key: str, value: str, dirname: str) -> tuple[str, str]:
    name = r.choice(["config.go", "main.go", "client_test.go"])
    parts = key.lower().split("_") if "_" in key or key.isupper() else [key]
    ident = parts[0][:1].lower() + parts[0][1:] + "".join(p.capitalize() for p in parts[1:])
    lines = ["package main", "", "func settings() {", f"\t{ident} := {json.dumps(value)}",
             f"\tuse({ident})", "}"]
    return _place(dirname, name), "\n".join(lines) + "\n"


def toml_file(r: random.Random, key: str, value: str, dirname: str) -> tuple[str, str]:
    name = r.choice(["config.toml", "app.toml", "settings.toml"])
    lines = [f"[{r.choice(['server', 'auth', 'database', 'mailer'])}]", f"host = \"{_host(r)}\"",
             f"{key} = {json.dumps(value)}", f"workers = {r.randint(1, 8)}"]
    return _place(dirname, name), "\n".join(lines) + "\n"


def commented_file(r: random.Random, key: str, value: str, dirname: str) -> tuple[str, str]:
    """A value left behind in a comment: no literal, yet still the credential."""
    name = r.choice(["settings.py", "deploy.sh", "config.yaml"])
    lead = "#"
    lines = [f"{lead} old {r.choice(['staging', 'prod', 'shared'])} credentials, rotate later",
             f"{lead} {key} = \"{value}\"", f"HOST = \"{_host(r)}\""]
    return _place(dirname, name), "\n".join(lines) + "\n"


SHAPES: list[Callable[[random.Random, str, str, str], tuple[str, str]]] = [
    env_file, yaml_file, json_file, python_file, js_file, go_file, toml_file]


def _place(dirname: str, name: str) -> str:
    return f"{dirname}/{name}" if dirname else name


# --- kinds -------------------------------------------------------------------------------------

APP_DIRS = ["", "", "services/api", "deploy", "backend", "infra/app"]
TEST_DIRS = ["tests", "tests/fixtures", "spec", "test/integration", "__tests__"]
DOC_DIRS = ["docs", "examples", "docs/guides"]

# kind: (label, value maker, key names, directories, file shapes)
KINDS: dict[str, tuple[str, Callable[[random.Random], str], list[str], list[str], list]] = {
    "live-random": ("sensitive", live_random, LIVE_KEYS, APP_DIRS, SHAPES),
    "live-symbols": ("sensitive", live_symbols, LIVE_KEYS, APP_DIRS, SHAPES),
    "live-hex-key": ("sensitive", live_hex, LIVE_KEYS, APP_DIRS, SHAPES),
    "live-base64-key": ("sensitive", live_base64, LIVE_KEYS, APP_DIRS, SHAPES),
    "live-unknown-prefix": ("sensitive", unknown_prefix, LIVE_KEYS, APP_DIRS, SHAPES),
    "human-password": ("sensitive", human_password, PASSWORD_KEYS, APP_DIRS, SHAPES),
    "short-password": ("sensitive", short_password, PASSWORD_KEYS, APP_DIRS, SHAPES),
    "commented-live": ("sensitive", live_random, LIVE_KEYS, APP_DIRS, [commented_file]),
    "hash-hex": ("benign", sha_hex, HASH_KEYS, APP_DIRS + TEST_DIRS, SHAPES),
    "hash-prefixed": ("benign", hash_prefixed, [*HASH_KEYS, "password"], TEST_DIRS + APP_DIRS,
                      SHAPES),
    "id": ("benign", hex_id, ID_KEYS, APP_DIRS, SHAPES),
    "public-key": ("benign", public_value, PUBLIC_KEYS, APP_DIRS, SHAPES),
    "encoded-text": ("benign", encoded_text, LIVE_KEYS, TEST_DIRS + DOC_DIRS, SHAPES),
    "date": ("benign", date_value, DATE_KEYS, APP_DIRS, SHAPES),
    "soft-placeholder": ("benign", soft_placeholder, LIVE_KEYS, APP_DIRS + DOC_DIRS, SHAPES),
    "test-fixture": ("benign", fixture_value, LIVE_KEYS, TEST_DIRS, SHAPES),
    "pattern": ("benign", pattern_value, PATTERN_KEYS, APP_DIRS, SHAPES),
    "number": ("benign", number_value, NUMBER_KEYS, APP_DIRS, SHAPES),
}


def make(r: random.Random, kind: str) -> tuple[str, str]:
    _, value_of, keys, dirs, shapes = KINDS[kind]
    return r.choice(shapes)(r, r.choice(keys), value_of(r), r.choice(dirs))


def build(per_kind: int = PER_KIND, seed: int = SEED) -> list[dict]:
    """The records, ambiguous ones only, each with its split."""
    engine = Engine(ruleset.load(use_cache=False))
    pack = engine.ruleset
    records: list[dict] = []
    seen: set[str] = set()
    for kind, (label, *_rest) in KINDS.items():
        r = random.Random(f"{seed}-{kind}")
        kept: list[dict] = []
        attempts = 0
        while len(kept) < per_kind and attempts < per_kind * 20:
            attempts += 1
            path, text = make(r, kind)
            if text in seen:
                continue
            data = text.encode()
            if ambiguity.assess(engine, data, path, path_rule=pack.path_rule_for(path)) is None:
                continue
            seen.add(text)
            kept.append({"path": path, "text": text, "label": label, "kind": kind})
        r.shuffle(kept)
        cut = round(len(kept) * TEST_SHARE)
        for i, rec in enumerate(kept):
            rec["split"] = "test" if i < cut else "train"
            rec["id"] = f"{kind}-{i:03d}"
        records.extend(kept)
    return records


def main() -> int:
    need.guard_package()
    records = build()
    os.makedirs(OUT, exist_ok=True)
    for split in ("train", "test"):
        with open(os.path.join(OUT, f"{split}.jsonl"), "w", encoding="utf-8") as f:
            for rec in records:
                if rec["split"] == split:
                    f.write(json.dumps({k: rec[k] for k in ("id", "path", "label", "kind",
                                                            "text")}) + "\n")
    counts: dict[str, list[int]] = {}
    for rec in records:
        c = counts.setdefault(rec["kind"], [0, 0])
        c[rec["split"] == "test"] += 1
    for kind, (train, test) in counts.items():
        print(f"{kind:22} {KINDS[kind][0]:9} train {train:3}  test {test:3}")
    n_test = sum(c[1] for c in counts.values())
    print(f"total {len(records)}: train {len(records) - n_test}, test {n_test}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
