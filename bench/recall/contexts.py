"""Secrets without a telling format, found (or not) by where they sit: ``plain-text`` (notes, logs,
docs, files of unknown type), ``provider-context`` (a provider's name beside the value, no
secret-named key), ``lowercase-digit`` (lower-case hex or base36 values in a secret slot),
``misspelt-name`` (``passwd``, ``pwd``, ``key`` ..., UUID-shaped keys, very long values) and
``generic`` (``password = ...`` in code and config); each with the near misses a scanner must
let pass."""

from __future__ import annotations

from collections.abc import Callable

from recall.core import ALNUM, B64, B64URL, MARK, SHAPES, UPPER_DIGIT, Corpus, Values, name

Draw = Callable[[Values], str]


def _random_value(v: Values) -> str:
    return v.pick([v.strong_password(), v.mixed(ALNUM, 32), v.b64_bytes(24),
                   v.mixed(B64URL, 40), v.strong_password(20, 30)])


# --- plain-text ----------------------------------------------------------------------------------

PLAIN: tuple[tuple[str, str], ...] = (
    ("notes.txt", "prod db moved to the new cluster on monday\npassword: " + MARK + "\n"),
    ("NOTES", "deploy checklist\n- bump version\n- admin password " + MARK + "\n- tag release\n"),
    ("docs/ops.md", "# Ops\n\nThe reporting user logs in with\n\n    password: " + MARK + "\n"),
    ("creds", "host db.internal\nuser reporting\npassword " + MARK + "\n"),
    ("todo.txt", "rotate this one before launch:\ntoken = ' " + MARK + " '\n"),
    ("app.log", "2024-03-11 09:12:44 [DEBUG] Using Key=" + MARK + " for upstream auth\n"),
    ("logs/worker.log",
     "[2024-06-01T12:00:01Z] DEBUG client init api_key=" + MARK + " region=eu\n"),
    ("handover.txt", "jenkins token - '" + MARK + "'\nask Priya for the rest\n"),
    ("notes/vendors.txt", "datadog token - '" + MARK + "' (prod org)\n"),
    ("ops/keys.txt", "sentry token - \"" + MARK + "\"\n"),
    ("wiki/Onboarding.md", "**Staging login:** admin / `" + MARK + "`\n"),
    ("settings.conf.bak", "[auth]\nsecret=" + MARK + "\n"),
    ("export.dat", "user=svc_sync;secret=" + MARK + ";retries=3\n"),
    ("chat-export.txt", "[10:42] dana: here's the sftp password " + MARK + "\n[10:43] li: thx\n"),
    ("server.log", "WARN retrying login for user=deploy password=" + MARK + " attempt=2\n"),
    ("README", "Local setup\n\nThe seed admin account is admin, password " + MARK + ".\n"),
    ("meeting-notes.md", "- Vendor portal: user ops@acme-corp.net pass: " + MARK + "\n"),
    ("debug.out", "Authorization token: " + MARK + "\nstatus=200 elapsed=0.41s\n"),
    ("vpn.txt", "vpn shared secret = " + MARK + "\n"),
    ("backup.cfg.old", "BACKUP_PASSWORD " + MARK + "\n"),
    ("docs/setup.rst", "Staging\n=======\n\nLog in as ``deploy`` with password ``" + MARK
     + "``.\n"),
    ("incident-2024-05.md", "## Timeline\n\n- 14:02 rotated the leaked key; new key is " + MARK
     + "\n"),
    ("mail/ticket-4411.eml", "Subject: SFTP access\n\nHi,\nuser: partner_upload\npassword: "
     + MARK + "\nRegards\n"),
    ("data/users.csv", "username,role,password\nopsadmin,admin," + MARK + "\n"),
    ("journal.org", "* 2024-05-03\n  - new wifi psk: " + MARK + "\n"),
    ("build.log", "+ ./configure --with-db-password=" + MARK + "\n+ make -j4\n"),
    ("access.log", "10.0.4.2 - - [02/May/2024:10:14:03 +0000] \"GET /hook?key=" + MARK
     + " HTTP/1.1\" 200 512\n"),
    ("install.txt", "Licence key (do not share): " + MARK + "\n"),
    ("ops/oncall.md", "| system | login | secret |\n|---|---|---|\n| grafana | admin | " + MARK
     + " |\n"),
    ("scratch", "ssh bastion, then su with " + MARK + "\n"),
)
PLAIN_NEAR: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("benign-placeholder", "notes.txt", "password: " + MARK + "\n",
     ("changeme", "<set-me>", "TBD", "same as staging", "xxxxxx", "(unset)")),
    ("benign-placeholder", "NOTES", "admin password " + MARK + "\n",
     ("<ask-ops>", "is in the vault", "not set yet", "reset on first login", "-", "n/a")),
    ("benign-reference", "creds", "password: see " + MARK + " in 1Password\n",
     ("'Prod DB'", "the ops vault item", "entry #42", "'Vendor portal'", "the shared folder",
      "'Backups'")),
    ("benign-placeholder", "app.log", "[DEBUG] Using Key=" + MARK + " for upstream auth\n",
     ("****", "********", "[FILTERED]", "<masked>", "sk_live_****", "***a9f")),
    ("benign-placeholder", "logs/worker.log", "DEBUG client init api_key=" + MARK + "\n",
     ("[REDACTED]", "<redacted>", "None", "''", "(from env)", "***")),
    ("benign-prose", "docs/security.md", "Passwords must be " + MARK + " characters long.\n",
     ("at least 14", "8 to 64", "no fewer than 12", "16 or more", "between 10 and 128",
      "at least 20")),
    ("benign-prose", "README", "Set the token in " + MARK + " before running.\n",
     ("your shell", "the CI settings", "a local .env file", "the keychain", "GitHub secrets",
      "your password manager")),
    ("benign-prose", "handover.txt", "jenkins token - " + MARK + "\n",
     ("rotated, ask Priya", "revoked on 3 May", "in the team vault", "expired",
      "see ticket OPS-311", "moved to Vault")),
    ("benign-placeholder", "todo.txt", "token = ' " + MARK + " '\n",
     ("put-it-here", "<token>", "TODO", "...", "paste here", "FILL_ME_IN")),
    ("benign-prose", "server.log", "WARN login failed for user=deploy password=" + MARK + "\n",
     ("<hidden>", "<not logged>", "[filtered]", "****", "(empty)", "<omitted>")),
    ("benign-identifier", "export.dat", "user=svc_sync;password_set=" + MARK + ";retries=3\n",
     ("true", "false", "1", "0", "yes", "no")),
    ("benign-prose", "wiki/Onboarding.md", "Your password is emailed to " + MARK + ".\n",
     ("you on day one", "your manager", "the address on file", "you by IT",
      "you within an hour", "your personal address")),
)


def plain_text(corpus: Corpus, v: Values) -> None:
    for _ in range(6):
        for filename, template in PLAIN:
            corpus.secret("plain-text", "password" if "pass" in template else "token", filename,
                          template, _random_value(v))
    for i in range(6):
        for cls, filename, template, values in PLAIN_NEAR:
            corpus.benign(cls, "plain-text", "plain", filename, template, values[i])


# --- provider-context ----------------------------------------------------------------------------

# (provider, value drawer): values with no prefix of their own, as the providers issue them.
CONTEXT_VALUES: tuple[tuple[str, Draw], ...] = (
    ("datadog", lambda v: v.hex(32)),
    ("twilio", lambda v: v.hex(32)),
    ("algolia", lambda v: v.hex(32)),
    ("cloudflare", lambda v: v.mixed(B64URL, 40)),
    ("okta", lambda v: "00" + v.mixed(B64URL, 40)),
    ("sumologic", lambda v: v.mixed(ALNUM, 64)),
    ("aws", lambda v: v.aws_secret()),
    ("pagerduty", lambda v: v.mixed(B64URL, 20)),
    ("contentful", lambda v: v.mixed(B64URL, 43)),
    ("auth0", lambda v: v.mixed(B64URL, 64)),
    ("mistral", lambda v: v.mixed(ALNUM, 32)),
    ("cohere", lambda v: v.mixed(ALNUM, 40)),
    ("zendesk", lambda v: v.mixed(ALNUM, 40)),
    ("braintree", lambda v: v.hex(32)),
    ("plaid", lambda v: v.hex(30)),
    ("razorpay", lambda v: v.mixed(ALNUM, 24)),
    ("paypal", lambda v: v.mixed(B64URL, 80)),
    ("azure-openai", lambda v: v.hex(32)),
    ("mixpanel-secret", lambda v: v.hex(32)),
    ("stripe", lambda v: v.mixed(ALNUM, 32)),
    # Entra client secrets carry a "Q~" that Microsoft does not document: no provider format
    ("azure-entra", lambda v: v.chars(ALNUM, 3) + v.pick("0123456789") + "Q~"
     + v.chars(ALNUM + "_-.~", 34)),
)
CONTEXTS: tuple[tuple[str, str], ...] = (
    ("notes.txt", "{p} key " + MARK + "\n"),
    ("config/vendors.yaml", "vendors:\n  {p}: " + MARK + "\n"),
    ("integrations.json", '{\n  "provider": "{p}",\n  "value": "' + MARK + '"\n}\n'),
    ("app/clients.py", 'import {m}\n\n{m}.configure("' + MARK + '")\n'),
    ("settings.toml", "[{m}]\nregion = \"eu\"\nkey = \"" + MARK + "\"\n"),
    (".env", "{U}=" + MARK + "\n"),
    ("src/{m}.js", "const {m} = require('{p}')('" + MARK + "');\n"),
    ("config/app.yml", "{m}_key: " + MARK + "\n"),
    ("db/schema.yml", "encrypted_columns:\n  column_key: \"live" + MARK + "\"\n"),
    ("README.md", "Use the {p} credentials `" + MARK + "` for the sandbox.\n"),
)
CONTEXT_NEAR: tuple[tuple[str, str, str, str], ...] = (
    ("benign-identifier", "config/vendors.yaml", "vendors:\n  twilio_account_sid: " + MARK + "\n",
     "twilio-sid"),
    ("benign-public", "src/analytics.js", "mixpanel.init('" + MARK + "');\n", "mixpanel-token"),
    ("benign-identifier", "config/app.yml", "algolia_app_id: " + MARK + "\n", "algolia-app"),
    ("benign-public", ".env", "STRIPE_PUBLISHABLE_KEY=" + MARK + "\n", "stripe-pk"),
    ("benign-identifier", "notes.txt", "datadog site " + MARK + "\n", "datadog-site"),
    ("benign-public", "src/sentry.ts", "Sentry.init({ dsn: '" + MARK + "' });\n", "sentry-dsn"),
    ("benign-identifier", "integrations.json", '{"provider": "okta", "org": "' + MARK + '"}\n',
     "okta-org"),
    ("benign-public", "index.html", "<script>gtag('config', '" + MARK + "');</script>\n", "ga"),
    ("benign-identifier", "infra/dns.tf", "resource \"cloudflare_record\" \"www\" {\n  zone_id = \""
     + MARK + "\"\n  name    = \"www\"\n}\n", "cf-zone"),
    ("benign-identifier", "config/vendors.yaml", "stripe:\n  account: " + MARK + "\n",
     "stripe-account"),
    ("benign-public", "src/search.js", "const search = algoliasearch('" + MARK + "');\n",
     "algolia-search"),
    ("benign-identifier", "config/auth.yml", "okta:\n  client_id: " + MARK + "\n", "okta-client"),
    ("benign-public", "public/checkout.html", "<script src=\"https://www.paypal.com/sdk/js?client-id="
     + MARK + "\"></script>\n", "paypal-client"),
    ("benign-identifier", "alerts/pagerduty.yml", "pagerduty:\n  service_id: " + MARK + "\n",
     "pd-service"),
)


def _context_value(v: Values, kind: str) -> str:
    return {
        "twilio-sid": "AC" + v.hex(32),
        "mixpanel-token": v.hex(32),
        "algolia-app": v.chars(UPPER_DIGIT, 10),
        "stripe-pk": "pk_live_" + v.chars(ALNUM, 99),
        "datadog-site": v.pick(["datadoghq.eu", "us5.datadoghq.com", "ap1.datadoghq.com"]),
        "sentry-dsn": f"https://{v.hex(32)}@o{v.digits(6)}.ingest.sentry.io/{v.digits(7)}",
        "okta-org": v.pick(["acme.okta.com", "acme-corp.oktapreview.com"]),
        "ga": "G-" + v.chars(UPPER_DIGIT, 10),
        "cf-zone": v.hex(32),
        "stripe-account": "acct_1" + v.chars(ALNUM, 15),
        "algolia-search": v.chars(UPPER_DIGIT, 10) + "', '" + v.hex(32),
        "okta-client": "0oa" + v.chars(ALNUM, 17),
        "paypal-client": "A" + v.chars(B64URL, 79),
        "pd-service": "P" + v.chars(UPPER_DIGIT, 6),
    }[kind]


def provider_context(corpus: Corpus, v: Values) -> None:
    for i, (provider, draw) in enumerate(CONTEXT_VALUES):
        module = provider.split("-")[0]
        shown = provider.replace("-", " ")
        for j in range(7):
            filename, template = CONTEXTS[(i + j) % len(CONTEXTS)]
            text = template.replace("{p}", shown).replace("{m}", module)
            text = text.replace("{U}", module.upper())
            corpus.secret("provider-context", provider, filename.replace("{m}", module), text,
                          draw(v))
    for _ in range(6):
        for cls, filename, template, kind in CONTEXT_NEAR:
            corpus.benign(cls, "provider-context", kind, filename, template,
                          _context_value(v, kind))


# --- lowercase-digit -----------------------------------------------------------------------------

LOWER_NAMES = ("api_key", "secret", "token", "auth_token", "client_secret", "secret_key",
               "access_token", "private_token", "signing_secret", "webhook_secret", "app_secret",
               "api_secret")
LOWER_VALUES: tuple[tuple[str, Draw], ...] = (
    ("sk-hex32", lambda v: "sk_" + v.hex(32)),
    ("hex32", lambda v: v.hex(32)),
    ("hex40", lambda v: v.hex(40)),
    ("hex64", lambda v: v.hex(64)),
    ("base36-24", lambda v: v.lower_digit(24)),
    ("base36-32", lambda v: v.lower_digit(32)),
    ("base36-40", lambda v: v.lower_digit(40)),
    ("key-base36", lambda v: "key_" + v.lower_digit(32)),
    ("live-base36", lambda v: "live_" + v.lower_digit(32)),
    ("secret-hex48", lambda v: "secret_" + v.hex(48)),
)
SHAPE_ORDER = ("env", "yaml", "json", "py", "js", "ts", "go", "sh", "tf", "properties", "toml",
               "ini", "dockerfile", "gha", "rb", "php", "java", "cs", "rs", "yaml-quoted")


def lowercase_digit(corpus: Corpus, v: Values) -> None:
    for i in range(130):
        kind, draw = LOWER_VALUES[i % len(LOWER_VALUES)]
        shape = SHAPES[SHAPE_ORDER[i % len(SHAPE_ORDER)]]
        n = name(LOWER_NAMES[i % len(LOWER_NAMES)])
        filename, template = shape.render(v.rng, n, MARK)
        corpus.secret("lowercase-digit", kind, filename, template, draw(v))
    near: tuple[tuple[str, str, Draw], ...] = (
        ("benign-hash", "commit", lambda v: v.hex(40)),
        ("benign-hash", "md5", lambda v: v.hex(32)),
        ("benign-hash", "sha256", lambda v: v.hex(64)),
        ("benign-identifier", "request_id", lambda v: v.hex(32)),
        ("benign-identifier", "build_id", lambda v: v.lower_digit(24)),
        ("benign-placeholder", "api_key", lambda v: "0123456789abcdef0123456789abcdef"),
        ("benign-placeholder", "secret", lambda v: "sk_" + "123456789abcdef" * 2 + "01"),
        ("benign-identifier", "object_id", lambda v: v.hex(24)),
        ("benign-hash", "checksum", lambda v: v.hex(64)),
        ("benign-identifier", "trace_id", lambda v: v.hex(32)),
    )
    for i in range(70):
        cls, key, draw = near[i % len(near)]
        shape = SHAPES[SHAPE_ORDER[(i * 7) % len(SHAPE_ORDER)]]
        filename, template = shape.render(v.rng, name(key), MARK)
        corpus.benign(cls, "lowercase-digit", key, filename, template, draw(v))


# --- misspelt-name -------------------------------------------------------------------------------

MISSPELT = ("passwd", "pwd", "psswd", "pass", "pswd", "passwrd", "pw", "secret_key", "key",
            "db_pwd", "admin_pass", "secretkey", "passw", "smtp_pass", "root_pwd")


def _long_value(v: Values) -> str:
    return v.b64_bytes(v.rng.randint(390, 520))


def misspelt_name(corpus: Corpus, v: Values) -> None:
    for i in range(105):
        shape = SHAPES[SHAPE_ORDER[(i * 3) % len(SHAPE_ORDER)]]
        n = name(MISSPELT[i % len(MISSPELT)])
        filename, template = shape.render(v.rng, n, MARK)
        corpus.secret("misspelt-name", n.snake, filename, template, _random_value(v))
    for i in range(20):  # UUID-shaped API keys (Heroku's legacy keys, many SaaS keys)
        shape = SHAPES[SHAPE_ORDER[(i * 5) % len(SHAPE_ORDER)]]
        n = name(("api_key", "heroku_api_key", "auth_token", "license_key", "secret")[i % 5])
        filename, template = shape.render(v.rng, n, MARK)
        corpus.secret("misspelt-name", "uuid-key", filename, template, v.uuid4())
    for i in range(15):  # values over 500 characters
        shape = SHAPES[SHAPE_ORDER[(i * 2) % len(SHAPE_ORDER)]]
        n = name(("token", "secret", "credentials", "private_token", "session_secret")[i % 5])
        filename, template = shape.render(v.rng, n, MARK)
        corpus.secret("misspelt-name", "over-500", filename, template, _long_value(v))
    near: tuple[tuple[str, str, str, str], ...] = (
        ("benign-identifier", "app/paths.py", "import os\n\npwd = " + MARK + "\n", "os.getcwd()"),
        ("benign-identifier", "scripts/run.sh", "cd " + MARK + "/build\n", "\"$(pwd)\""),
        ("benign-identifier", ".env", "PWD=" + MARK + "\n", "/home/app"),
        ("benign-identifier", "ansible/users.yml", "passwd_file: " + MARK + "\n", "/etc/passwd"),
        ("benign-identifier", "app/handlers.py", "def noop():\n    " + MARK + "\n", "pass"),
        ("benign-identifier", "src/sort.js", "items.sort((a, b) => a[key] - b[key]); // key = "
         + MARK + "\n", "'rank'"),
        ("benign-identifier", "config/app.yml", "key: " + MARK + "\n", "id"),
        ("benign-identifier", "config/tls.toml", "secret_key_path = " + MARK + "\n",
         '"/etc/app/tls/key.pem"'),
        ("benign-identifier", "ci/steps.yml", "pass: " + MARK + "\n", "true"),
        ("benign-identifier", "db/seed.yml", "tenant_id: " + MARK + "\n", "uuid"),
        ("benign-identifier", "models/user.py", "class User:\n    id = " + MARK + "\n", "uuid"),
        ("benign-prose", "docs/about.md", "description: " + MARK + "\n", "long"),
        ("benign-identifier", "deploy/nginx.yml", "root: /srv/www\npwd: " + MARK + "\n",
         "/srv/www/current"),
        ("benign-identifier", "scripts/lock.sh", "sudo " + MARK + " -l deploy\n", "passwd"),
        ("benign-identifier", "app/settings.py", "PASSWORD_LENGTH = " + MARK + "\n", "32"),
        ("benign-identifier", "proxy.yml", "tls:\n  pass_through: " + MARK + "\n", "true"),
        ("benign-identifier", "scripts/new-tenant.sh", "key=" + MARK + "\n", "$(uuidgen)"),
        ("benign-identifier", "i18n/keys.yml", "- key: " + MARK + "\n  text: Sign in\n",
         "login.button.submit"),
    )
    for _ in range(3):
        for cls, filename, template, value in near:
            if value == "uuid":
                value = v.uuid4()
            elif value == "long":
                value = " ".join(v.pick(["the", "service", "stores", "orders", "and", "ships",
                                         "them", "to", "customers", "daily"]) for _ in range(110))
            corpus.benign(cls, "misspelt-name", "near-name", filename, template, value)


# --- generic -------------------------------------------------------------------------------------

GENERIC = ("password", "db_password", "api_key", "secret", "client_secret", "access_token",
           "auth_token", "secret_key", "signing_key", "encryption_key", "app_secret", "jwt_secret",
           "session_secret", "admin_password", "smtp_password", "redis_password", "master_key",
           "private_key", "database_password", "mail_password")


def generic(corpus: Corpus, v: Values) -> None:
    draws: tuple[Draw, ...] = (lambda v: v.strong_password(), lambda v: v.mixed(ALNUM, 32),
                               lambda v: v.b64_bytes(32), lambda v: v.mixed(B64, 44),
                               lambda v: v.mixed(B64URL, 43), lambda v: v.strong_password(12, 16))
    for i in range(160):
        shape = SHAPES[SHAPE_ORDER[i % len(SHAPE_ORDER)]]
        n = name(GENERIC[(i * 7) % len(GENERIC)])
        filename, template = shape.render(v.rng, n, MARK)
        corpus.secret("generic", n.snake, filename, template, draws[i % len(draws)](v))
