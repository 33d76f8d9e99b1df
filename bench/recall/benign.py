"""Benign near misses in secret-named slots, across every file shape: made-up values, references
to a secret kept elsewhere, values encrypted so they are safe to commit, hashes and checksums,
public keys, and prose about passwords. A scanner that flags these costs its users a review
each time."""

from __future__ import annotations

import base64
from collections.abc import Callable

from recall.core import MARK, SHAPES, Corpus, Values, name

SLOT_NAMES = ("password", "api_key", "secret", "db_password", "client_secret", "access_token",
              "auth_token", "secret_key", "smtp_password", "jwt_secret")
ORDER = ("env", "yaml", "json", "py", "js", "ts", "go", "sh", "tf", "properties", "toml", "ini",
         "dockerfile", "gha", "rb", "php", "java", "cs", "rs", "yaml-quoted")

# Values everyone recognises as not a real secret: a scanner may (and should) skip them.
PLACEHOLDERS = ("changeme", "<your-api-key>", "xxxxxxxxxxxxxxxxxxxx", "your_api_key_here",
                "REPLACE_ME", "********", "", "123456789abcdef", "abc123xyz", "TODO",
                "password", "secret", "dummy-secret-value", "sk_test_xxxxxxxxxxxxxxxxxxxxxxxx",
                "<PASSWORD>", "example-token-123", "insert-token-here", "none", "null",
                "0000000000000000", "${PLACEHOLDER}", "my-secret-password", "<redacted>",
                "123456789abcdef123456789abcdef12", "EXAMPLE_KEY_DO_NOT_USE")
# Expressions that read the secret from elsewhere, whatever the language.
ANY_REFS = ("{{ .Values.password }}", "{{ vault \"secret/data/db\" \"password\" }}",
            "!Ref DbPassword", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
            "${ssm:/prod/db/password}", "<%= ENV['DB_PASSWORD'] %>", "{{ db_password }}",
            "${file(\"/run/secrets/db\")}", "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net"
            "/secrets/db/)", "${vault:secret/db#password}")


def placeholders(corpus: Corpus, v: Values) -> None:
    for i in range(150):
        shape = SHAPES[ORDER[i % len(ORDER)]]
        n = name(SLOT_NAMES[(i * 3) % len(SLOT_NAMES)])
        value = PLACEHOLDERS[i % len(PLACEHOLDERS)]
        filename, template = shape.render(v.rng, n, MARK)
        corpus.benign("benign-placeholder", "generic", "placeholder", filename, template, value)


def references(corpus: Corpus, v: Values) -> None:
    count = 0
    for shape_key in ORDER:
        shape = SHAPES[shape_key]
        for ref in shape.env_refs:
            for k in range(3):
                n = name(SLOT_NAMES[(count + k) % len(SLOT_NAMES)])
                # the refs are written as format strings: {N}/{n} the name, {{ }} a brace
                expr = ref.replace("{N}", n.upper).replace("{n}", n.snake)
                expr = expr.replace("{{", "{").replace("}}", "}")
                filename, template = shape.render(v.rng, n, MARK, literal=False)
                corpus.benign("benign-reference", "generic", f"env-ref-{shape_key}", filename,
                              template, expr)
                count += 1
    for i in range(40):
        shape = SHAPES[("yaml", "yaml-quoted", "tf", "json", "properties")[i % 5]]
        n = name(SLOT_NAMES[i % len(SLOT_NAMES)])
        filename, template = shape.render(v.rng, n, MARK, literal=False)
        ref = ANY_REFS[i % len(ANY_REFS)]
        if shape.key == "json":
            ref = '"' + ref.replace('"', '\\"') + '"'
        corpus.benign("benign-reference", "generic", "template-ref", filename, template, ref)


def _sops(v: Values) -> str:
    return (f"ENC[AES256_GCM,data:{v.b64_bytes(v.rng.randint(12, 30))},iv:{v.b64_bytes(32)},"
            f"tag:{v.b64_bytes(16)},type:str]")


def _vault_block(v: Values) -> str:
    hexes = v.hex(80 * 5)
    rows = [hexes[i:i + 80] for i in range(0, len(hexes), 80)]
    return "$ANSIBLE_VAULT;1.1;AES256\n" + "\n".join(rows)


def encrypted(corpus: Corpus, v: Values) -> None:
    for i in range(20):
        n = name(SLOT_NAMES[i % len(SLOT_NAMES)])
        shape = SHAPES[("yaml", "json", "env", "ini")[i % 4]]
        filename, template = shape.render(v.rng, n, MARK)
        filename = filename.replace("config", "secrets.enc", 1) if i % 2 else filename
        corpus.benign("benign-encrypted", "generic", "sops", filename, template, _sops(v))
    for i in range(15):
        filename = ("src/main/resources/application.properties", "conf/app.properties",
                    "config/application.yml")[i % 3]
        key = ("spring.datasource.password", "jdbc.password", "mail.password")[i % 3]
        sep = ": " if filename.endswith(".yml") else "="
        corpus.benign("benign-encrypted", "generic", "jasypt", filename,
                      f"# jasypt\n{key}{sep}{MARK}\n", f"ENC({v.b64_bytes(24)})")
    for i in range(15):
        var = SLOT_NAMES[i % len(SLOT_NAMES)]
        if i % 2:
            template = f"---\n# ansible-vault encrypt_string\n{var}: !vault |\n  {MARK}\n"
            value = _vault_block(v).replace("\n", "\n  ")
        else:
            template = MARK + "\n"
            value = _vault_block(v)
        filename = ("group_vars/prod/vault.yml", "host_vars/db1.yml", "roles/db/vars/main.yml")[
            i % 3]
        corpus.benign("benign-encrypted", "generic", "ansible-vault", filename, template, value)
    for i in range(12):
        n = name(SLOT_NAMES[i % len(SLOT_NAMES)])
        corpus.benign("benign-encrypted", "generic", "spring-cipher", "config-repo/orders.yml",
                      f"spring:\n  datasource:\n    {n.snake}: '{MARK}'\n",
                      "{cipher}" + v.hex(96))
    for i in range(12):
        corpus.benign("benign-encrypted", "structured", "sealed-secret-data",
                      "k8s/sealed-secrets.yaml",
                      "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n"
                      "metadata:\n  name: api\n"
                      f"spec:\n  encryptedData:\n    {SLOT_NAMES[i % len(SLOT_NAMES)]}: {MARK}\n",
                      "AgB" + v.b64_bytes(360))


def hashes(corpus: Corpus, v: Values) -> None:
    crypt = "./" + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    makers: tuple[tuple[str, str, str, Callable[[], str]], ...] = (
        ("bcrypt", "db/seed.yml", "users:\n  - name: admin\n    password_hash: '" + MARK + "'\n",
         lambda: "$2b$12$" + v.chars(crypt, 53, crypt)),
        ("argon2", "fixtures/users.json", '{"user": "ops", "password_hash": "' + MARK + '"}\n',
         lambda: f"$argon2id$v=19$m=65536,t=3,p=4${v.b64_bytes(16, pad=False)}$"
                 f"{v.b64_bytes(32, pad=False)}"),
        ("sha512crypt", "ansible/users.yml", "- name: deploy\n  password: \"" + MARK + "\"\n",
         lambda: f"$6${v.chars(crypt, 16, crypt)}${v.chars(crypt, 86, crypt)}"),
        ("npm-integrity", "package-lock.json", '    "node_modules/left-pad": {\n      "version": '
         '"1.3.0",\n      "integrity": "' + MARK + '"\n    }\n',
         lambda: "sha512-" + v.b64_bytes(64)),
        ("go-sum", "go.sum", "github.com/acme/log v1.4.2 " + MARK + "\n",
         lambda: "h1:" + v.b64_bytes(32)),
        ("pip-hash", "requirements.txt", "requests==2.32.3 \\\n    --hash=" + MARK + "\n",
         lambda: "sha256:" + v.hex(64)),
        ("docker-digest", "k8s/deploy.yaml", "      image: ghcr.io/acme/orders@" + MARK + "\n",
         lambda: "sha256:" + v.hex(64)),
        ("sri", "public/index.html", '<script src="/app.js" integrity="' + MARK
         + '" crossorigin="anonymous"></script>\n', lambda: "sha384-" + v.b64_bytes(48)),
        ("git-sha", "deploy/release.yaml", "release:\n  commit: " + MARK + "\n", lambda: v.hex(40)),
        ("sha256sum", "SHA256SUMS", MARK + "  guard-1.4.0.tar.gz\n", lambda: v.hex(64)),
        ("yarn-checksum", "yarn.lock", '"lodash@npm:4.17.21":\n  checksum: ' + MARK + "\n",
         lambda: v.hex(128)),
        ("htpasswd", ".htpasswd", "admin:" + MARK + "\n",
         lambda: f"$apr1${v.chars(crypt, 8, crypt)}${v.chars(crypt, 22, crypt)}"),
    )
    for _ in range(8):
        for kind, filename, template, make in makers:
            near = "lowercase-digit" if kind in ("git-sha", "sha256sum", "pip-hash",
                                                  "docker-digest", "yarn-checksum") else "generic"
            corpus.benign("benign-hash", near, kind, filename, template, make())


def public(corpus: Corpus, v: Values) -> None:
    for _ in range(10):
        key = base64.b64encode(b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20"
                               + bytes(v.rng.randrange(256) for _ in range(32))).decode()
        corpus.benign("benign-public", "provider-format", "ssh-public", "deploy/authorized_keys",
                      "ssh-ed25519 " + MARK + " ci@acme-corp.net\n", key)
        der = v.b64_bytes(294)
        rows = "\n".join(der[j:j + 64] for j in range(0, len(der), 64))
        corpus.benign("benign-public", "provider-format", "pem-public", "certs/signing.pub",
                      "-----BEGIN PUBLIC KEY-----\n" + MARK + "\n-----END PUBLIC KEY-----\n", rows)
        corpus.benign("benign-public", "provider-format", "age-recipient", ".sops.yaml",
                      "creation_rules:\n  - path_regex: secrets/.*\n    age: " + MARK + "\n",
                      "age1" + v.chars("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58,
                                       "qpzry9x8gf2tvdw0s3jn54khce6mua7l"))
        corpus.benign("benign-public", "provider-format", "stripe-publishable", "src/checkout.js",
                      "const stripe = Stripe('" + MARK + "');\n", "pk_live_" + v.mixed(
                          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 99))


PROSE = (
    ("docs/security.md", "## Passwords\n\n" + MARK + "\n",
     "Passwords must be at least 14 characters and include a digit and a symbol."),
    ("docs/setup.md", "Then run `export API_KEY=...` with " + MARK + ".\n",
     "the key from your dashboard"),
    ("src/i18n/en.json", '{"login.password.hint": "' + MARK + '"}\n',
     "Enter the password you chose when you signed up"),
    ("CONTRIBUTING.md", MARK + "\n", "Never commit secrets: the token goes in your local .env."),
    ("app/forms.py", "PASSWORD_HELP = \"" + MARK + "\"\n", "Use 12 or more characters."),
    ("policy.yaml", "password_policy:\n  description: " + MARK + "\n",
     "min length 12, rotate every 90 days"),
    ("templates/reset.html", "<p>" + MARK + "</p>\n",
     "Your password reset token expires in 30 minutes."),
    ("docs/faq.md", "**Q:** Where is the secret key?\n**A:** " + MARK + "\n",
     "In the vault under ops/prod; ask the on-call engineer."),
    ("docs/rotation.md", "## Rotating the API key\n\n" + MARK + "\n",
     "Create a second key, deploy it, then revoke the first one."),
    ("SECURITY.md", MARK + "\n", "Report leaked tokens to security@acme-corp.net within 24 hours."),
    ("src/errors.ts", "export const BAD_PASSWORD = '" + MARK + "';\n",
     "The password you entered is incorrect."),
    ("locale/de.yml", "de:\n  password_too_short: " + MARK + "\n",
     "\"Das Passwort ist zu kurz (mindestens 12 Zeichen).\""),
    ("docs/api.md", "Send the key in the `Authorization` header: " + MARK + "\n",
     "`Authorization: Bearer <key>`."),
    ("app/validators.py", "MESSAGE = \"" + MARK + "\"\n", "secret must contain a digit"),
    ("docs/glossary.md", "**Secret key**: " + MARK + "\n",
     "the private half of an API credential; never shared."),
    ("notes/meeting.md", "- " + MARK + "\n", "Agreed: all service passwords move to Vault by Q3."),
    ("templates/welcome.txt", MARK + "\n", "Choose a password you do not use anywhere else."),
    ("docs/cli.md", "`--password-file PATH` " + MARK + "\n", "reads the password from PATH."),
    ("README.md", "Tokens expire " + MARK + ".\n", "after 90 days unless renewed"),
    ("docs/runbook.md", "If the token leaks, " + MARK + "\n",
     "revoke it in the console and rotate the webhook secret."),
)


def prose(corpus: Corpus, v: Values) -> None:
    for _ in range(3):
        for filename, template, value in PROSE:
            corpus.benign("benign-prose", "plain-text", "prose", filename, template, value)


def add(corpus: Corpus, v: Values) -> None:
    placeholders(corpus, v)
    references(corpus, v)
    encrypted(corpus, v)
    hashes(corpus, v)
    public(corpus, v)
    prose(corpus, v)
