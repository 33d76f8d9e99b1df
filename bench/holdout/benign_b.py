"""Benign near misses, part two: identifiers, hashes and digests, public keys, prose."""

from __future__ import annotations

import base64
import hashlib

import pemkeys

from holdout.builder import ALNUM, B64URL, HEX, MARK, UPPER_DIGIT, Values

M = MARK
Benign = tuple[str, str, str, str, str]


def identifier(v: Values) -> Benign:
    roll = v.int(0, 9)
    d, t0 = v.date(), v.time()
    if roll == 0:
        val = v.uuid()
        t = (f"{d} {t0} INFO  [http-nio-8080-exec-3] c.a.o.OrderController : created order "
             f"request_id={M} customer=4471\n")
        return "request-uuid", "plain-text", "logs/orders.log", t, val
    if roll == 1:
        val = "cus_" + v.mixed(ALNUM, 14)
        t = ("-- seed\nINSERT INTO customers (id, email, stripe_customer_id)\n  VALUES "
             f"({v.int(1, 99)}, 'a@b.io', '{M}');\n")
        return "stripe-customer-id", "provider-format", "db/seeds/customers.sql", t, val
    if roll == 2:
        val = "AC" + v.hex(32)
        t = f"twilio:\n  account_sid: {M}\n  from_number: \"+1555{v.digits(7)}\"\n"
        return "twilio-account-sid", "provider-context", "config/sms.yml", t, val
    if roll == 3:
        val = f"arn:aws:iam::{v.digits(12)}:role/{v.svc()}-task-role"
        t = (f"resource \"aws_ecs_task_definition\" \"app\" {{\n  family             = \"app\"\n"
             f"  execution_role_arn = \"{M}\"\n}}\n")
        return "aws-arn", "generic", "ecs.tf", t, val
    if roll == 4:
        val = v.hex(24)
        t = ('{\n  "_id": { "$oid": "' + M + '" },\n  "status": "shipped",\n  "total": '
             + str(v.int(10, 900)) + "\n}\n")
        return "mongo-objectid", "lowercase-digit", "fixtures/order.json", t, val
    if roll == 5:
        val = f"{v.digits(12)}-{v.chars('abcdefghijklmnopqrstuvwxyz0123456789', 32)}.apps." \
              "googleusercontent.com"
        t = f"GOOGLE_OAUTH_CLIENT_ID={M}\nGOOGLE_OAUTH_REDIRECT=https://app.acme-corp.io/cb\n"
        return "oauth-client-id", "provider-context", ".env.defaults", t, val
    if roll == 6:
        val = v.uuid()
        t = (f"provider \"azurerm\" {{\n  features {{}}\n  subscription_id = \"{v.uuid()}\"\n"
             f"  tenant_id       = \"{M}\"\n}}\n")
        return "azure-tenant-id", "misspelt-name", "azure.tf", t, val
    if roll == 7:
        val = "C0" + v.chars(UPPER_DIGIT, 9)
        t = f"alerts:\n  slack_channel_id: {M}\n  mention: \"@oncall\"\n"
        return "slack-channel-id", "provider-format", "alerting.yml", t, val
    if roll == 8:
        val = v.lower_digit(20)
        t = (f"-- migrate:up\nALTER TABLE sessions ADD COLUMN correlation_id VARCHAR(32);\n"
             f"UPDATE sessions SET correlation_id = '{M}' WHERE id = {v.int(1, 999)};\n")
        return "correlation-id", "lowercase-digit", "db/migrate/20240102_sessions.sql", t, val
    val = "pi_" + v.mixed(ALNUM, 24)
    t = f"[{d} {t0}] production.INFO: payment captured {{\"payment_intent\":\"{M}\"}}\n"
    return "stripe-payment-intent", "provider-format", "storage/logs/laravel.log", t, val


def hashes(v: Values) -> Benign:
    roll = v.int(0, 8)
    raw = bytes(v.rng.randrange(256) for _ in range(64))
    if roll == 0:
        val = hashlib.sha1(raw).hexdigest()
        t = (f"## [2.4.1] - {v.date()}\n\n### Fixed\n- retry on 503 from the partner API ({M})\n")
        return "commit-sha", "lowercase-digit", "CHANGELOG.md", t, val
    if roll == 1:
        val = "sha512-" + base64.b64encode(hashlib.sha512(raw).digest()).decode()
        pkg = v.pick(["lodash", "debug", "ms", "semver", "chalk", "yaml"])
        t = (f'{{\n  "packages": {{\n    "node_modules/{pkg}": {{\n      "version": '
             f'"4.{v.int(0, 9)}'
             f'.{v.int(0, 20)}",\n      "resolved": "https://registry.npmjs.org/{pkg}/-/{pkg}.tgz",'
             f'\n      "integrity": "{M}"\n    }}\n  }}\n}}\n')
        return "npm-integrity", "generic", "package-lock.json", t, val
    if roll == 2:
        val = "sha256:" + hashlib.sha256(raw).hexdigest()
        t = f"FROM python:3.12-slim@{M}\nRUN pip install --no-cache-dir uvicorn\n"
        return "image-digest", "lowercase-digit", "Dockerfile", t, val
    if roll == 3:
        val = "h1:" + base64.b64encode(hashlib.sha256(raw).digest()).decode()
        mod = v.pick(["github.com/google/uuid", "golang.org/x/sync", "github.com/spf13/cobra"])
        t = f"{mod} v1.{v.int(0, 9)}.{v.int(0, 9)} {M}\n"
        return "go-sum", "generic", "go.sum", t, val
    if roll == 4:
        val = hashlib.sha256(raw).hexdigest()
        t = f"{M}  {v.svc()}-linux-amd64.tar.gz\n{hashlib.sha256(raw[::-1]).hexdigest()}  " \
            f"{v.svc()}-darwin-arm64.tar.gz\n"
        return "sha256sums", "lowercase-digit", "SHA256SUMS", t, val
    if roll == 5:
        val = "sha384-" + base64.b64encode(hashlib.sha384(raw).digest()).decode()
        t = (f'<script src="https://cdn.jsdelivr.net/npm/alpinejs@3.{v.int(0, 14)}.0/dist/cdn.min'
             f'.js"\n        integrity="{M}"\n        crossorigin="anonymous"></script>\n')
        return "sri", "structured", "templates/base.html", t, val
    if roll == 6:
        val = "h1:" + base64.b64encode(hashlib.sha256(raw).digest()).decode()
        t = ('provider "registry.terraform.io/hashicorp/aws" {\n  version = "5.'
             f'{v.int(10, 60)}.0"\n  hashes = [\n    "{M}",\n  ]\n}}\n')
        return "terraform-lock", "structured", ".terraform.lock.hcl", t, val
    if roll == 7:
        val = hashlib.md5(raw).hexdigest()
        t = (f"HTTP/1.1 200 OK\nContent-Type: application/json\nETag: \"{M}\"\nCache-Control: "
             "max-age=60\n")
        return "etag", "cli-header", "captures/response.txt", t, val
    val = hashlib.sha256(raw).hexdigest()
    t = (f"requests==2.32.3 \\\n    --hash=sha256:{M}\n")
    return "pip-hash", "lowercase-digit", "requirements.lock", t, val


def public(v: Values) -> Benign:
    roll = v.int(0, 8)
    if roll == 0:
        seed = bytes(v.rng.randrange(256) for _ in range(32))
        pub = pemkeys.ed25519_public(seed)
        blob = pemkeys._ssh_string(b"ssh-ed25519") + pemkeys._ssh_string(pub)
        val = "ssh-ed25519 " + base64.b64encode(blob).decode()
        t = (f"users:\n  - name: {v.user()}\n    ssh_authorized_keys:\n      - {M} "
             f"{v.person().lower()}@laptop\n")
        return "ssh-public-key", "structured", "cloud-init.yaml", t, val
    if roll == 1:
        val = "pk_live_" + v.mixed(ALNUM, 99)
        t = f"<script>\n  const stripe = Stripe('{M}');\n</script>\n"
        return "stripe-publishable", "provider-format", "resources/views/checkout.blade.php", t, val
    if roll == 2:
        val = f"pk.eyJ1Ijoi{v.mixed(B64URL, 20)}.{v.mixed(B64URL, 22)}"
        t = (f"mapboxgl.accessToken = '{M}';\nconst map = new mapboxgl.Map({{ container: 'map' "
             "});\n")
        return "mapbox-public", "provider-format", "src/map.js", t, val
    if roll == 3:
        val = f"https://{v.hex(32)}@o{v.digits(6)}.ingest.sentry.io/{v.digits(7)}"
        t = f"Sentry.init({{\n  dsn: \"{M}\",\n  tracesSampleRate: 0.2,\n}});\n"
        return "sentry-dsn", "structured", "src/instrument.ts", t, val
    if roll == 4:
        val = "AIza" + v.mixed(B64URL, 35)
        t = (f"const firebaseConfig = {{\n  apiKey: \"{M}\",\n  authDomain: \"{v.svc()}-prod.fire"
             f"baseapp.com\",\n  projectId: \"{v.svc()}-prod\",\n}};\n")
        return "firebase-web-config", "provider-format", "src/firebase.js", t, val
    if roll == 5:
        val = "phc_" + v.mixed(ALNUM, 43)
        t = f"posthog.init('{M}', {{ api_host: 'https://eu.posthog.com' }})\n"
        return "posthog-project-key", "provider-format", "src/analytics.ts", t, val
    if roll == 6:
        val = v.b64(32)
        t = (f"[Interface]\nAddress = 10.8.0.2/24\n\n[Peer]\nPublicKey = {M}\nEndpoint = "
             f"vpn.acme-corp.io:51820\nAllowedIPs = 0.0.0.0/0\n")
        return "wireguard-peer-public", "misspelt-name", "wg0.conf", t, val
    if roll == 7:
        val = "-----BEGIN CERTIFICATE-----"
        body = v.b64(v.int(400, 600))
        lines = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
        t = f"{M}\n{lines}\n-----END CERTIFICATE-----\n"
        return "certificate", "structured", v.pick(["certs/ca.crt", "tls/chain.pem"]), t, val
    val = "6L" + v.mixed(B64URL, 38)
    t = f'<div class="g-recaptcha" data-sitekey="{M}"></div>\n'
    return "recaptcha-site-key", "provider-context", "templates/contact.html", t, val


_PROSE: list[tuple[str, str, str, str]] = [
    ("policy", "plain-text", "docs/security.md", "## Passwords\n\n" + M + "\n"),
    ("i18n", "generic", "locales/en.json", '{\n  "auth.reset": "' + M + '"\n}\n'),
    ("validation", "generic", "app/Http/Requests/RegisterRequest.php",
     "<?php\n\nreturn ['password' => '" + M + "'];\n"),
    ("schema", "structured", "db/migrations/001_users.sql",
     "CREATE TABLE users (\n  id BIGSERIAL PRIMARY KEY,\n  " + M + "\n);\n"),
    ("html-form", "generic", "templates/login.html", M + "\n"),
    ("tf-description", "generic", "variables.tf",
     'variable "db_password" {\n  type        = string\n  sensitive   = true\n  description = "' + M
     + '"\n}\n'),
    ("setting", "misspelt-name", "config/auth.yml", "auth:\n  " + M + "\n"),
    ("log-message", "plain-text", "logs/auth.log", M + "\n"),
    ("commit-msg", "plain-text", "COMMIT_EDITMSG", M + "\n"),
    ("cli-help", "cli-header", "docs/cli.md", "```\n" + M + "\n```\n"),
]
_PROSE_TEXT: dict[str, list[str]] = {
    "policy": ["A password must be at least {N} characters and must not reuse the last five.",
               "The {S} service reads its API key from the secret store at start-up; never put "
               "the key in a config file.",
               "Passwords expire after {D} days. Service accounts are exempt.",
               "Never paste an API key into a ticket; share it through the vault instead.",
               "Rotate the client secret every {D} days; the old one stays valid for a day."],
    "i18n": ["Your password has been reset. Please sign in again.",
             "The token has expired, request a new one.",
             "Passwords must contain at least {N} characters.",
             "Enter the API key shown in your {S} dashboard."],
    "validation": ["required|string|min:{N}|confirmed", "required|confirmed|regex:/[A-Z]/"],
    "schema": ["password_hash VARCHAR(255) NOT NULL", "api_key_last4 CHAR(4)",
               "secret_rotated_at TIMESTAMPTZ"],
    "html-form": ['<input type="password" name="password" autocomplete="current-password" '
                  'required>', '<label for="api-key">API key</label> <input id="api-key" '
                  'name="api_key" type="password">'],
    "tf-description": ["Master password for the RDS instance, read from Vault at plan time.",
                       "Password of the {S} database user (min {N} characters).",
                       "The API token; leave empty to read TF_VAR_api_token."],
    "setting": ["password_min_length: {N}", "token_ttl_seconds: 900", "secret_rotation_days: {D}",
                "passwd_max_attempts: {N}", "api_key_header: X-Api-Key"],
    "log-message": ["2024-05-02T10:11:12Z WARN auth: password for user 'jdoe' is about to "
                    "expire", "2024-05-02T10:11:13Z INFO oauth: access token refreshed for "
                    "client reporting-ui"],
    "commit-msg": ["Rotate the {S} API key and move it to the secret store",
                   "{S}: read the database password from the environment",
                   "Stop logging the Authorization header in debug mode"],
    "cli-help": ["--password TEXT   Password to use (read from $PGPASSWORD if not given)",
                 "-H, --header 'Authorization: Bearer <token>'  add a header to the request"],
}


def prose(v: Values) -> Benign:
    kind, near, f, t = v.pick(_PROSE)
    val = v.pick(_PROSE_TEXT[kind]).replace("{N}", str(v.int(8, 20))).replace(
        "{D}", str(v.pick([30, 60, 90, 180]))).replace("{S}", v.svc())
    return kind, near, v.pick(["", "services/api/", "web/", "legacy/"]) + f, t, val


_ = HEX
