"""Build the benchmark corpus: pinned sdists unpacked under src/, secrets planted at known places.

    python bench/corpus.py [--corpus PATH] [--sdists PATH]

Every run gives identical bytes: the sdists are pinned by version and sha256, and the planted
secrets come from a seeded ``random.Random``. ``planted.json`` at the corpus root lists each
planted secret as {path, line, kind, value_sha256} (plus ``end_line`` for multi-line key blocks);
the values themselves are written nowhere else.
"""

from __future__ import annotations

import argparse
import binascii
import hashlib
import json
import random
import re
import shutil
import string
import subprocess
import sys
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import need
import pemkeys

BENCH = Path(__file__).resolve().parent
WORK = BENCH / ".work"
DEFAULT_CORPUS = WORK / "corpus"
DEFAULT_SDISTS = WORK / "sdists"
MANIFEST = "planted.json"
SEED = 0x5EC2E7


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    filename: str
    sha256: str


PINS: tuple[Pin, ...] = (
    Pin(
        "Django",
        "5.2.19",
        "django-5.2.19.tar.gz",
        "ad03d8abc51dbff95ebf34b27123cf0c26a3b62db7ba0cd520783686362533d1",
    ),
    Pin(
        "botocore",
        "1.44.8",
        "botocore-1.44.8.tar.gz",
        "945b783c1a1259e2a8b078f3f3dd40fae32ea84ab01d3a9953af6b378da7108a",
    ),
    Pin(
        "ansible-core",
        "2.19.14",
        "ansible_core-2.19.14.tar.gz",
        "1e7612788eaa6b3c87a3670ce86c64b830eba0ae2b3fcb25a772f276704163b4",
    ),
    Pin(
        "boto3",
        "1.44.8",
        "boto3-1.44.8.tar.gz",
        "32f646d28ea25820ec210cfa48e2409bf06a4a529c8b243013fd045716e99826",
    ),
    Pin(
        "requests",
        "2.34.2",
        "requests-2.34.2.tar.gz",
        "f288924cae4e29463698d6d60bc6a4da69c89185ad1e0bcc4104f584e960b9ed",
    ),
)

DJANGO_TREE = "src/django-5.2.19"
ANSIBLE_TREE = "src/ansible_core-2.19.14"

# The subset that detect-secrets (too slow for the whole corpus) scans, relative to the root.
SLICE: tuple[str, ...] = ("planted", f"{ANSIBLE_TREE}/lib")


# --- Downloading and unpacking -----------------------------------------------------------------


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch_sdist(pin: Pin, sdists: Path) -> Path:
    """The pinned sdist, downloaded with pip unless a copy with the right hash is already there."""
    target = sdists / pin.filename
    if not (target.is_file() and sha256_file(target) == pin.sha256):
        sdists.mkdir(parents=True, exist_ok=True)
        need.modules({"pip": "python3 -m ensurepip, or apt-get install -y python3-pip"})
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
        cmd += ["--no-binary", ":all:", f"{pin.name}=={pin.version}", "-d", str(sdists)]
        if subprocess.run(cmd, check=False).returncode != 0:
            need.fail(f"pip could not download {pin.filename} (see above; it needs the network)")
    actual = sha256_file(target)
    if actual != pin.sha256:
        raise SystemExit(f"{target}: sha256 {actual}, expected {pin.sha256}")
    return target


def unpack(archive: Path, dest: Path) -> None:
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")


def prepare_root(root: Path) -> None:
    """Empty ``root`` for a fresh build, refusing to wipe a folder this script did not make."""
    if root.exists() and any(root.iterdir()):
        if not (root / MANIFEST).is_file():
            raise SystemExit(f"{root} is not empty and has no {MANIFEST}: not removing it")
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)


# --- Secret values -------------------------------------------------------------------------------

BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
ALNUM = string.ascii_letters + string.digits
B64URL = ALNUM + "-_"
B64 = ALNUM + "+/"
HEX = "0123456789abcdef"
AWS_ID = string.ascii_uppercase + "234567"
DJANGO_KEY = string.ascii_lowercase + string.digits + "!@$%^&*(-_=+)"
PASSWORD = ALNUM + "!%*-_+=."
# Words that make scanners (rightly) dismiss a value as a placeholder.
BANNED = re.compile(r"example|test|dummy|fake|sample|xxxx|demo|placeholder|changeme", re.I)


def base62(number: int, width: int) -> str:
    out = ""
    while number:
        number, rem = divmod(number, 62)
        out = BASE62[rem] + out
    return out.rjust(width, "0")


def crc32_token(prefix: str, body: str) -> str:
    """GitHub/npm style: prefix + 30 random base62 chars + base62 CRC32 of them in 6 chars."""
    return prefix + body + base62(binascii.crc32(body.encode()), 6)


class Secrets:
    """Random, well-formed secret values, drawn from one seeded generator in a fixed order."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def chars(self, alphabet: str, n: int, edge: str = ALNUM) -> str:
        """``n`` characters of ``alphabet``; first and last from ``edge``; no placeholder words."""
        while True:
            value = "".join(self.rng.choice(alphabet) for _ in range(n))
            if value[0] in edge and value[-1] in edge and not BANNED.search(value):
                return value

    @staticmethod
    def _clean(make: Callable[[], str]) -> str:
        """Calls ``make`` until the value it draws has no banned word."""
        while True:
            value = make()
            if not BANNED.search(value):
                return value

    def aws_key_id(self) -> str:
        return "AKIA" + self.chars(AWS_ID, 16, AWS_ID)

    def aws_secret(self) -> str:
        return self.chars(B64, 40)

    def github(self) -> str:
        return self._clean(self._github)

    def _github(self) -> str:
        return crc32_token("ghp_", self.chars(BASE62, 30))

    def npm(self) -> str:
        return self._clean(self._npm)

    def _npm(self) -> str:
        return crc32_token("npm_", self.chars(BASE62, 30))

    def digits(self, n: int) -> str:
        rest = "".join(self.rng.choice(string.digits) for _ in range(n - 1))
        return str(self.rng.randint(1, 9)) + rest

    def slack_bot(self) -> str:
        team = self.digits(self.rng.randint(10, 13))
        bot = self.digits(self.rng.randint(10, 13))
        return f"xoxb-{team}-{bot}-{self.chars(ALNUM, 24)}"

    def stripe(self) -> str:
        return "sk_live_" + self.chars(ALNUM, self.rng.choice((24, 34, 99)))

    def openai(self) -> str:
        return f"sk-proj-{self.chars(B64URL, 74)}T3BlbkFJ{self.chars(B64URL, 74)}"

    def anthropic(self) -> str:
        return f"sk-ant-api03-{self.chars(B64URL, 93)}AA"

    def google(self) -> str:
        return "AIza" + self.chars(B64URL, 35)

    def sendgrid(self) -> str:
        return f"SG.{self.chars(B64URL, 22)}.{self.chars(B64URL, 43)}"

    def django_key(self) -> str:
        return self.chars(DJANGO_KEY, 50, ALNUM)

    def hex(self, n: int) -> str:
        return self.chars(HEX, n, HEX)

    def password(self) -> str:
        while True:
            value = self.chars(PASSWORD, self.rng.randint(18, 26))
            if any(c.isdigit() for c in value) and any(c in "!%*-_+=." for c in value):
                return value

    def db_url(self, scheme: str, user: str, host: str, db: str) -> str:
        return f"{scheme}://{user}:{self.chars(ALNUM, 22)}@{host}/{db}"


# --- Files with planted secrets -------------------------------------------------------------------


@dataclass(frozen=True)
class Plant:
    path: str
    line: int
    kind: str
    value: str
    end_line: int

    def record(self) -> dict[str, object]:
        entry: dict[str, object] = {"path": self.path, "line": self.line, "kind": self.kind}
        entry["value_sha256"] = hashlib.sha256(self.value.encode()).hexdigest()
        if self.end_line != self.line:
            entry["end_line"] = self.end_line
        return entry


@dataclass
class Doc:
    """A text file being written line by line, remembering where each secret went."""

    path: str
    lines: list[str] = field(default_factory=list)
    plants: list[Plant] = field(default_factory=list)

    def add(self, *lines: str) -> Doc:
        self.lines.extend(lines)
        return self

    def put(self, kind: str, value: str, template: str) -> Doc:
        """One line: ``template`` with ``{v}`` replaced by the secret."""
        self.lines.append(template.replace("{v}", value))
        line = len(self.lines)
        self.plants.append(Plant(self.path, line, kind, value, line))
        return self

    def block(self, kind: str, value: str, indent: str = "") -> Doc:
        """A multi-line secret (a PEM block), one file line per line of the value."""
        start = len(self.lines) + 1
        self.lines.extend(indent + part for part in value.split("\n"))
        self.plants.append(Plant(self.path, start, kind, value, len(self.lines)))
        return self

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def billing_env(s: Secrets) -> Doc:
    doc = Doc("planted/svc-billing/.env")
    doc.add("# billing service, production", "APP_ENV=production", "LOG_LEVEL=info", "PORT=8080")
    doc.add("", "# object storage for invoices", "AWS_REGION=eu-west-1")
    doc.put("aws_access_key_id", s.aws_key_id(), "AWS_ACCESS_KEY_ID={v}")
    doc.put("aws_secret_access_key", s.aws_secret(), "AWS_SECRET_ACCESS_KEY={v}")
    doc.add("INVOICE_BUCKET=acme-billing-invoices-prod", "")
    doc.put("stripe_secret_key", s.stripe(), "STRIPE_SECRET_KEY={v}")
    doc.add("STRIPE_WEBHOOK_TOLERANCE=300")
    doc.put("sendgrid_api_key", s.sendgrid(), "SENDGRID_API_KEY={v}")
    doc.add("MAIL_FROM=billing@acme-corp.net", "")
    url = s.db_url("postgres", "billing", "db-billing.internal.acme-corp.net:5432", "billing")
    doc.put("database_url", url, "DATABASE_URL={v}")
    doc.add("DB_HOST=db-billing.internal.acme-corp.net", "DB_USER=billing")
    doc.put("generic_password", s.password(), "DB_PASSWORD={v}")
    doc.add("DB_POOL_SIZE=20", "")
    doc.put("rails_secret_key_base", s.hex(128), "SECRET_KEY_BASE={v}")
    doc.put("openai_api_key", s.openai(), "OPENAI_API_KEY={v}")
    doc.add("OPENAI_MODEL=gpt-4o-mini")
    doc.put("anthropic_api_key", s.anthropic(), "ANTHROPIC_API_KEY={v}")
    return doc


def billing_settings(s: Secrets) -> Doc:
    doc = Doc("planted/svc-billing/billing/settings.py")
    doc.add('"""Django settings for the billing service."""', "", "from pathlib import Path", "")
    doc.add("BASE_DIR = Path(__file__).resolve().parent.parent", "")
    doc.put("django_secret_key", s.django_key(), "SECRET_KEY = '{v}'")
    doc.add("", "DEBUG = False", 'ALLOWED_HOSTS = ["billing.acme-corp.net"]', "")
    doc.add("DATABASES = {", '    "default": {')
    doc.add('        "ENGINE": "django.db.backends.postgresql",')
    doc.add('        "NAME": "billing",', '        "USER": "billing",')
    doc.put("generic_password", s.password(), '        "PASSWORD": "{v}",')
    doc.add('        "HOST": "db-billing.internal.acme-corp.net",', '        "PORT": 5432,')
    doc.add("    }", "}")
    doc.add("", "# django-storages", 'AWS_STORAGE_BUCKET_NAME = "acme-billing-static"')
    doc.put("aws_access_key_id", s.aws_key_id(), 'AWS_ACCESS_KEY_ID = "{v}"')
    doc.put("aws_secret_access_key", s.aws_secret(), 'AWS_SECRET_ACCESS_KEY = "{v}"')
    doc.add("", "# release notes are pulled from the private repository")
    doc.put("github_token", s.github(), 'GITHUB_TOKEN = "{v}"')
    doc.add('RELEASES_REPO = "acme-corp/billing"')
    return doc


def web_app(s: Secrets) -> Doc:
    doc = Doc("planted/svc-web/app.py")
    doc.add("import smtplib", "", "import stripe", "from flask import Flask, jsonify")
    doc.add("from slack_sdk import WebClient", "", "app = Flask(__name__)")
    doc.put("flask_secret_key", s.hex(64), 'app.config["SECRET_KEY"] = "{v}"')
    doc.put("stripe_secret_key", s.stripe(), 'stripe.api_key = "{v}"')
    doc.put("slack_bot_token", s.slack_bot(), 'slack = WebClient(token="{v}")')
    doc.add("", "", "def send_receipt(to_addr: str, body: str) -> None:")
    doc.add('    user = "receipts@acme-corp.net"')
    doc.put("generic_password", s.password(), '    password = "{v}"')
    doc.add('    with smtplib.SMTP_SSL("smtp.acme-corp.net", 465) as smtp:')
    doc.add("        smtp.login(user, password)", "        smtp.sendmail(user, [to_addr], body)")
    doc.add("", "", '@app.get("/health")', "def health():", '    return jsonify(status="ok")')
    return doc


def web_config_js(s: Secrets) -> Doc:
    doc = Doc("planted/svc-web/static/js/config.js")
    doc.add("// Runtime configuration for the storefront.", "")
    doc.put("google_api_key", s.google(), 'export const GOOGLE_MAPS_KEY = "{v}";')
    doc.put("openai_api_key", s.openai(), "const OPENAI_KEY = '{v}';")
    doc.add("", "export const config = {", '  apiBase: "https://api.acme-corp.net/v2",')
    doc.add("  retries: 3,", "  openai: { key: OPENAI_KEY, model: 'gpt-4o-mini' },")
    doc.put("slack_bot_token", s.slack_bot(), '  slackToken: "{v}",')
    doc.put("github_token", s.github(), "  githubToken: '{v}',")
    doc.add("  features: { checkout: true, wishlist: false },", "};")
    return doc


def rails_secrets(s: Secrets) -> Doc:
    doc = Doc("planted/rails-app/config/secrets.yml")
    doc.add("# Rails 5.1 style secrets", "development:")
    doc.add("  secret_key_base: <%= ENV['DEV_SKB'] %>", "")
    doc.add("production:")
    doc.put("rails_secret_key_base", s.hex(128), "  secret_key_base: {v}")
    return doc


def helm_values(s: Secrets) -> Doc:
    doc = Doc("planted/deploy/helm/values.yaml")
    doc.add("replicaCount: 3", "image:", "  repository: acme-corp/storefront", "  tag: 4.12.0")
    doc.add("", "database:", "  host: pg-main.internal.acme-corp.net", "  port: 5432")
    doc.add("  user: storefront")
    doc.put("generic_password", s.password(), "  password: {v}")
    doc.add("", "mongo:")
    host = "cluster0.k3v9q.mongodb.net"
    url = s.db_url("mongodb+srv", "catalog", host, "catalog?retryWrites=true")
    doc.put("database_url", url, '  uri: "{v}"')
    doc.add("", "assistant:", "  provider: anthropic")
    doc.put("anthropic_api_key", s.anthropic(), "  apiKey: {v}")
    doc.add("", "backup:", "  bucket: acme-storefront-backups")
    doc.put("aws_access_key_id", s.aws_key_id(), "  aws_access_key_id: {v}")
    doc.put("aws_secret_access_key", s.aws_secret(), "  aws_secret_access_key: {v}")
    return doc


def credentials_json(s: Secrets) -> Doc:
    doc = Doc("planted/deploy/credentials.json")
    doc.add("{", '  "service": "order-sync",', '  "db": {', '    "host": "mysql-orders.internal",')
    doc.add('    "user": "orders",')
    doc.put("generic_password", s.password(), '    "password": "{v}",')
    url = s.db_url("mysql", "orders", "mysql-orders.internal:3306", "orders")
    doc.put("database_url", url, '    "url": "{v}"')
    doc.add("  },")
    doc.put("npm_token", s.npm(), '  "npm_token": "{v}",')
    doc.put("sendgrid_api_key", s.sendgrid(), '  "sendgrid_api_key": "{v}",')
    doc.put("google_api_key", s.google(), '  "google_api_key": "{v}",')
    doc.add('  "region": "europe-west1"', "}")
    return doc


def service_account_json(s: Secrets) -> Doc:
    key = pemkeys.rsa_pkcs8_pem(s.rng)
    doc = Doc("planted/deploy/gcp-service-account.json")
    doc.add("{", '  "type": "service_account",', '  "project_id": "acme-orders-prod",')
    doc.add(f'  "private_key_id": "{s.hex(40)}",')
    escaped = key.replace("\n", "\\n") + "\\n"
    doc.lines.append(f'  "private_key": "{escaped}",')
    doc.plants.append(Plant(doc.path, len(doc.lines), "rsa_private_key", key, len(doc.lines)))
    doc.add('  "client_email": "order-sync@acme-orders-prod.iam.gserviceaccount.com",')
    doc.add('  "token_uri": "https://oauth2.googleapis.com/token"', "}")
    return doc


def deploy_sh(s: Secrets) -> Doc:
    doc = Doc("planted/scripts/deploy.sh")
    doc.add("#!/usr/bin/env bash", "set -euo pipefail", "")
    doc.put("github_token", s.github(), "export GITHUB_TOKEN={v}")
    doc.put("aws_access_key_id", s.aws_key_id(), "export AWS_ACCESS_KEY_ID={v}")
    doc.put("aws_secret_access_key", s.aws_secret(), "export AWS_SECRET_ACCESS_KEY={v}")
    doc.add("export AWS_DEFAULT_REGION=us-east-2", "")
    url = s.db_url("mysql", "deploy", "mysql-orders.internal:3306", "orders")
    doc.put("database_url", url, 'DB_URL="{v}"')
    doc.put("slack_bot_token", s.slack_bot(), 'SLACK_BOT_TOKEN="{v}"')
    doc.add(
        "", 'git clone "https://x-access-token:${GITHUB_TOKEN}@github.com/acme-corp/orders.git"'
    )
    doc.add('./orders/bin/migrate --database "$DB_URL"')
    doc.add('curl -s -H "Authorization: Bearer ${SLACK_BOT_TOKEN}" -d channel=deploys \\')
    doc.add('  -d text="orders deployed" https://slack.com/api/chat.postMessage')
    return doc


def app_ini(s: Secrets) -> Doc:
    doc = Doc("planted/conf/app.ini")
    doc.add("[server]", "host = 0.0.0.0", "port = 9000", "workers = 4", "", "[database]")
    doc.add("user = reporting")
    doc.put("generic_password", s.password(), "password = {v}")
    url = s.db_url("postgres", "reporting", "pg-reporting.internal:5432", "reporting")
    doc.put("database_url", url, "url = {v}")
    doc.add("", "[stripe]")
    doc.put("stripe_secret_key", s.stripe(), "secret_key = {v}")
    doc.add("", "[google]")
    doc.put("google_api_key", s.google(), "api_key = {v}")
    return doc


def npmrc(s: Secrets) -> Doc:
    doc = Doc("planted/.npmrc")
    doc.add("@acme:registry=https://npm.pkg.acme-corp.net/")
    doc.put("npm_token", s.npm(), "//npm.pkg.acme-corp.net/:_authToken={v}")
    doc.add("always-auth=true")
    return doc


def key_files(s: Secrets) -> list[Doc]:
    rsa = Doc("planted/keys/deploy_rsa.pem").block("rsa_private_key", pemkeys.rsa_pem(s.rng))
    ec = Doc("planted/keys/signing_ec.pem").block("ec_private_key", pemkeys.ec_pem(s.rng))
    ssh_key = pemkeys.openssh_ed25519_pem(s.rng, "deploy@ci-runner-7")
    ssh = Doc("planted/keys/id_ed25519").block("openssh_private_key", ssh_key)
    return [rsa, ec, ssh]


def django_tree_settings(s: Secrets) -> Doc:
    doc = Doc(f"{DJANGO_TREE}/extras/prod_site/settings.py")
    doc.add("# Settings for the project site deployment.", "import os", "")
    doc.put("django_secret_key", s.django_key(), 'SECRET_KEY = "{v}"')
    doc.add("DEBUG = False", "", "DATABASES = {", "    'default': {")
    doc.add("        'ENGINE': 'django.db.backends.postgresql',", "        'NAME': 'site',")
    doc.put("generic_password", s.password(), "        'PASSWORD': '{v}',")
    doc.add("        'HOST': os.environ.get('DB_HOST', 'localhost'),", "    }", "}", "")
    doc.add("EMAIL_HOST = 'smtp.sendgrid.net'", "EMAIL_HOST_USER = 'apikey'")
    doc.put("sendgrid_api_key", s.sendgrid(), "EMAIL_HOST_PASSWORD = '{v}'")
    doc.put("stripe_secret_key", s.stripe(), "STRIPE_API_KEY = '{v}'")
    return doc


def ansible_tree_vars(s: Secrets) -> Doc:
    doc = Doc(f"{ANSIBLE_TREE}/lib/ansible/inventory/group_vars/production.yml")
    doc.add("---", "app_env: production", "app_port: 8443", "", "postgres:")
    doc.add("  user: app")
    doc.put("generic_password", s.password(), "  password: {v}")
    doc.add("", "notify:", "  channel: '#ops'")
    doc.put("slack_bot_token", s.slack_bot(), "  slack_token: {v}")
    doc.add("", "deploy:", "  repo: acme-corp/site")
    doc.put("github_token", s.github(), "  github_token: '{v}'")
    return doc


def planted_docs(rng: random.Random) -> list[Doc]:
    s = Secrets(rng)
    docs = [billing_env(s), billing_settings(s), web_app(s), web_config_js(s), rails_secrets(s)]
    docs += [helm_values(s), credentials_json(s), service_account_json(s), deploy_sh(s)]
    docs += [app_ini(s), npmrc(s), *key_files(s), django_tree_settings(s), ansible_tree_vars(s)]
    return docs


def write_docs(root: Path, docs: list[Doc]) -> list[Plant]:
    plants: list[Plant] = []
    for doc in docs:
        target = root / doc.path
        if target.exists():
            raise SystemExit(f"{target} already exists in the unpacked tree")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(doc.text(), encoding="utf-8", newline="\n")
        plants.extend(doc.plants)
    return plants


def write_manifest(root: Path, plants: list[Plant]) -> None:
    records = [plant.record() for plant in plants]
    (root / MANIFEST).write_text(json.dumps(records, indent=1) + "\n", encoding="utf-8")


# --- Main --------------------------------------------------------------------------------------


def tree_size(root: Path) -> tuple[int, int]:
    """(bytes, files) of the regular files under ``root``."""
    total = count = 0
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
            count += 1
    return total, count


def build(root: Path, sdists: Path) -> list[Plant]:
    archives = [fetch_sdist(pin, sdists) for pin in PINS]
    prepare_root(root)
    for archive in archives:
        unpack(archive, root / "src")
    plants = write_docs(root, planted_docs(random.Random(SEED)))
    write_manifest(root, plants)
    return plants


def summary(root: Path, plants: list[Plant]) -> str:
    size, files = tree_size(root)
    kinds: dict[str, int] = {}
    for plant in plants:
        kinds[plant.kind] = kinds.get(plant.kind, 0) + 1
    lines = [f"corpus {root}: {size / 1e6:.1f} MB in {files} files; {len(plants)} planted secrets"]
    lines += [f"  {count:3d}  {kind}" for kind, count in sorted(kinds.items())]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="root to (re)build")
    parser.add_argument("--sdists", type=Path, default=DEFAULT_SDISTS, help="sdist download cache")
    args = parser.parse_args(argv)
    if not hasattr(tarfile, "data_filter"):  # 3.11.4 and 3.12 have it; Debian 12's 3.11.2 not
        need.fail(f"needs Python 3.11.4 or later to unpack the sdists safely (tarfile's data "
                  f"filter); this is Python {sys.version.split()[0]}")
    root = args.corpus.resolve()
    plants = build(root, args.sdists.resolve())
    print(summary(root, plants))
    return 0


if __name__ == "__main__":
    sys.exit(main())
