"""Benign near misses, part one: placeholders, references, encrypted values, published examples,
wrong lengths and broken checksums."""

from __future__ import annotations

import binascii

from holdout import tokens
from holdout.builder import ALNUM, B64URL, BASE62, MARK, UPPER_DIGIT, Values, base62
from holdout.slots import slot

M = MARK
Benign = tuple[str, str, str, str, str]  # kind, near, filename, template, value


def placeholder(v: Values) -> Benign:
    kind, near, val = v.pick([
        ("angle", "generic", "<YOUR_API_KEY>"), ("angle", "cli-header", "<token>"),
        ("angle", "structured", "<password>"), ("changeme", "generic", "changeme"),
        ("changeme", "misspelt-name", "changeme"), ("x-run", "provider-format",
                                                     "ghp_" + "x" * 36),
        ("x-run", "lowercase-digit", "x" * 32), ("stars", "plain-text", "********"),
        ("sequence", "provider-format", "sk_test_1234567890abcdefghijklmn"),
        ("words", "generic", "your-password-here"), ("words", "provider-context",
                                                      "INSERT_DATADOG_KEY_HERE"),
        ("words", "cli-header", "REPLACE_WITH_TOKEN"), ("x-run", "provider-format",
                                                        "AKIAXXXXXXXXXXXXXXXX"),
        ("zeros", "lowercase-digit", "0" * 40), ("words", "plain-text", "<ask-ops-for-it>"),
        ("sequence", "cli-header", "abc123"), ("ellipsis", "provider-format", "sk-..."),
        ("words", "structured", "CHANGE_ME_BEFORE_DEPLOY"), ("words", "misspelt-name", "secret"),
        ("todo", "generic", "TODO"),
        ("sequence", "provider-context", "0123456789abcdef0123456789abcdef"),
        ("x-run", "cli-header", "xoxb-xxxxxxxxxxxx-xxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx"),
    ])
    name = {"generic": "password", "misspelt-name": ""}.get(near, "")
    f, t = slot(v, near, name)
    return kind, near, f, t, val


_REFS: list[tuple[str, str, str, str]] = [
    # kind, near, filename, template ({M} marks the reference)
    ("gha-secret", "provider-format", ".github/workflows/deploy.yml",
     "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./deploy.sh\n"
     "        env:\n          NPM_TOKEN: " + M + "\n"),
    ("shell-var", "cli-header", "scripts/release.sh",
     "#!/bin/sh\ncurl -H \"Authorization: Bearer " + M + "\" https://api.acme-corp.io/release\n"),
    ("spring-placeholder", "generic", "src/main/resources/application.yml",
     "spring:\n  datasource:\n    password: " + M + "\n"),
    ("java-getenv", "generic", "src/main/java/com/acme/Db.java",
     "class Db {\n    private final String password = " + M + ";\n}\n"),
    ("rails-env", "generic", "config/initializers/stripe.rb",
     "Stripe.api_key = " + M + "\n"),
    ("laravel-env", "provider-context", "config/services.php",
     "<?php\n\nreturn [\n    'mailgun' => [\n        'secret' => " + M + ",\n    ],\n];\n"),
    ("vault-template", "structured", "templates/app.env.tpl",
     "DB_HOST=db\nDB_PASSWORD=" + M + "\n"),
    ("helm-values", "structured", "templates/secret.yaml",
     "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  password: " + M + "\n"),
    ("terraform-var", "generic", "rds.tf",
     "resource \"aws_db_instance\" \"main\" {\n  username = \"app\"\n  password = " + M + "\n}\n"),
    ("ansible-var", "misspelt-name", "group_vars/db.yml", "---\nmysql_root_pass: " + M + "\n"),
    ("k8s-secretkeyref", "structured", "deployment.yaml",
     "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db\n"
     "        key: " + M + "\n"),
    ("node-env", "generic", "src/config.ts", "export const apiKey = " + M + ";\n"),
    ("csharp-config", "generic", "Startup.cs", "var clientSecret = " + M + ";\n"),
    ("go-getenv", "generic", "main.go", "package main\n\nvar apiKey = " + M + "\n"),
    ("keyvault-ref", "provider-context", "appsettings.json",
     "{\n  \"Twilio\": {\n    \"AuthToken\": \"" + M + "\"\n  }\n}\n"),
    ("jenkins-credentials", "cli-header", "Jenkinsfile",
     "pipeline {\n  environment {\n    GITHUB_TOKEN = " + M + "\n  }\n}\n"),
    ("gitlab-var", "cli-header", ".gitlab-ci.yml",
     "deploy:\n  script:\n    - 'curl --header \"PRIVATE-TOKEN: " + M + "\" $API/projects'\n"),
    ("compose-var", "structured", "docker-compose.yml",
     "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: " + M
     + "\n"),
    ("onepassword-ref", "generic", ".env.tpl", "DATABASE_PASSWORD=" + M + "\n"),
    ("symfony-env", "structured", "config/packages/doctrine.yaml",
     "doctrine:\n  dbal:\n    password: " + M + "\n"),
    ("systemd-credential", "generic", "app.service",
     "[Service]\nLoadCredential=db-password:/etc/creds/db\nEnvironment=DB_PASSWORD_FILE=" + M
     + "\n"),
    ("aws-ssm", "generic", "serverless.yml",
     "provider:\n  environment:\n    API_KEY: " + M + "\n"),
]

_REF_VALUES = {
    "gha-secret": "${{ secrets.NPM_TOKEN }}", "shell-var": "${RELEASE_TOKEN}",
    "spring-placeholder": "${DB_PASSWORD}", "java-getenv": 'System.getenv("DB_PASSWORD")',
    "rails-env": "ENV.fetch(\"STRIPE_SECRET_KEY\")", "laravel-env": "env('MAILGUN_SECRET')",
    "vault-template": '{{ with secret "secret/data/app" }}{{ .Data.data.password }}{{ end }}',
    "helm-values": "{{ .Values.db.password | quote }}", "terraform-var": "var.db_password",
    "ansible-var": '"{{ vault_mysql_root_pass }}"', "k8s-secretkeyref": "password",
    "node-env": "process.env.API_KEY ?? ''",
    "csharp-config": 'Configuration["AzureAd:ClientSecret"]',
    "go-getenv": 'os.Getenv("API_KEY")',
    "keyvault-ref": "@Microsoft.KeyVault(SecretUri=https://acme-kv.vault.azure.net/secrets/"
                    "twilio-token/)",
    "jenkins-credentials": "credentials('github-token')", "gitlab-var": "$DEPLOY_TOKEN",
    "compose-var": "${POSTGRES_PASSWORD:?set it}", "onepassword-ref": "op://prod/db/password",
    "symfony-env": "'%env(DB_PASSWORD)%'", "systemd-credential": "%d/db-password",
    "aws-ssm": "${ssm:/prod/api/key}",
}


def reference(v: Values) -> Benign:
    kind, near, f, t = v.pick(_REFS)
    t = f"# {v.svc()}\n" + t if f.endswith((".yml", ".yaml", ".sh", ".tf")) and v.int(0, 1) else t
    return kind, near, f, t, _REF_VALUES[kind]


def encrypted(v: Values) -> Benign:
    roll = v.int(0, 7)
    if roll == 0:
        val = (f"ENC[AES256_GCM,data:{v.b64(v.int(12, 30))},iv:{v.b64(32)},tag:{v.b64(16)},"
               "type:str]")
        t = (f"db:\n    password: {M}\nsops:\n    kms: []\n    age:\n        - recipient: age1"
             f"{v.chars('qpzry9x8gf2tvdw0s3jn54khce6mua7l', 58)}\n    lastmodified: "
             f"\"{v.date()}T10:00:00Z\"\n    mac: ENC[AES256_GCM,data:{v.b64(32)},iv:{v.b64(32)},"
             f"tag:{v.b64(16)},type:str]\n    version: 3.8.1\n")
        return "sops", "structured", "secrets.enc.yaml", t, val
    if roll == 1:
        body = v.hex(v.pick([320, 400, 480]))
        val = "$ANSIBLE_VAULT;1.1;AES256"
        lines = "\n".join("          " + body[i:i + 80] for i in range(0, len(body), 80))
        t = f"---\ndb_password: !vault |\n          {M}\n{lines}\n"
        return "ansible-vault", "generic", "group_vars/prod/vault.yml", t, val
    if roll == 2:
        val = "AgB" + v.b64(v.int(300, 400)).rstrip("=")
        t = ("apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: db\n"
             f"  namespace: prod\nspec:\n  encryptedData:\n    password: {M}\n")
        return "sealed-secret", "structured", "sealed/db.yaml", t, val
    if roll == 3:
        val = f"ENC({v.b64(v.pick([32, 48]))})"
        t = f"spring.datasource.username=app\nspring.datasource.password={M}\n"
        return "jasypt", "generic", "src/main/resources/application-prod.properties", t, val
    if roll == 4:
        val = "{cipher}" + v.hex(v.pick([64, 96, 128]))
        t = ("spring:\n  cloud:\n    config:\n      server:\n        git:\n          password: "
             f"'{M}'\n")
        return "spring-cipher", "generic", "config-repo/application.yml", t, val
    if roll == 5:
        val = f"ENC[PKCS7,MII{v.b64(v.int(180, 240)).rstrip('=')}]"
        t = f"---\nprofile::db::password: >\n    {M}\n"
        return "hiera-eyaml", "misspelt-name", "hieradata/common.eyaml", t, val
    if roll == 6:
        val = "-----BEGIN AGE ENCRYPTED FILE-----"
        body = v.b64(v.int(150, 220))
        lines = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
        t = f"{M}\n{lines}\n-----END AGE ENCRYPTED FILE-----\n"
        return "age-armor", "plain-text", "secrets/prod.env.age", t, val
    val = f"{v.b64(v.int(40, 90))}--{v.b64(12)}--{v.b64(16)}"
    f = "config/credentials/production.yml.enc"
    return "rails-credentials-enc", "generic", f, M + "\n", val


def example(v: Values) -> Benign:
    kind, near, val, name = v.pick([
        ("aws-docs-id", "provider-format", "AKIAIOSFODNN7EXAMPLE", "aws_access_key_id"),
        ("aws-docs-secret", "provider-format", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
         "aws_secret_access_key"),
        ("jwt-io", "cli-header", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIi"
         "wibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQ"
         "ssw5c", ""),
        ("stripe-docs", "provider-format", "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "stripe_api_key"),
        ("azurite-key", "structured", "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6"
         "tq/K1SZFPTOtr/KBHBeksoGMGw==", ""),
        ("slack-docs", "provider-format", "xoxb-not-a-real-token-this-will-not-work",
         "slack_bot_token"),
        ("mailgun-docs", "provider-context", "key-3ax6xnjp29jd6fds4gc373sgvjxteol0", ""),
        ("slack-webhook-docs", "provider-format", "https://hooks.slack.com/services/T00000000/"
         "B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", "slack_webhook_url"),
        ("docker-docs", "structured", "example", ""),
    ])
    if kind == "azurite-key":
        t = ("{\n  \"ConnectionStrings\": {\n    \"Storage\": \"DefaultEndpointsProtocol=http;"
             "AccountName=devstoreaccount1;AccountKey=" + M + ";BlobEndpoint=http://127.0.0.1:"
             "10000/devstoreaccount1;\"\n  }\n}\n")
        return kind, near, "appsettings.Development.json", t, val
    if kind == "mailgun-docs":
        t = (f"# from the Mailgun quickstart\nmailgun:\n  domain: mg.{v.svc()}.io\n  api_key: "
             f"{M}\n")
        return kind, near, "config/mail.yml", t, val
    if kind == "docker-docs":
        t = ("services:\n  db:\n    image: mysql:8\n    environment:\n      MYSQL_ROOT_PASSWORD: "
             + M + "\n")
        return kind, near, "docker-compose.yml", t, val
    f, t = slot(v, near, name)
    if near == "provider-format":
        f = v.pick(["README.md", "docs/setup.md"])
        t = (f"## Configure {v.svc()}\n\nSet the variable like this:\n\n```\n{name.upper()}="
             f"{M}\n```\n")
    return kind, near, f, t, val


def wrong_length(v: Values) -> Benign:
    kind, val = v.pick([
        ("ghp-short", "ghp_" + v.mixed(BASE62, 12)),
        ("akia-short", "AKIA" + v.chars(UPPER_DIGIT, 8)),
        ("sk-live-short", "sk_live_" + v.mixed(ALNUM, 6)),
        ("aiza-short", "AIza" + v.mixed(B64URL, 14)),
        ("glpat-short", "glpat-" + v.mixed(ALNUM, 7)), ("xoxb-masked", "xoxb-" + v.digits(4) + "…"),
        ("masked-stripe", "sk_live_…" + v.digits(4)), ("masked-aws", "AKIA****" + v.chars(
            UPPER_DIGIT, 4)), ("npm-short", "npm_" + v.mixed(ALNUM, 10)),
        ("hf-short", "hf_" + v.mixed(ALNUM, 9)),
    ])
    d = v.date()
    near = v.pick(["provider-format", "plain-text"])
    shapes = [
        ("logs/audit.log", f"{d}T{v.time()}Z INFO auth.audit actor={v.user()} action=token.revoke "
         f"token_hint={M} result=ok\n"),
        ("docs/runbooks/rotate.md", f"## Rotating the key\n\nThe dashboard only shows the first "
         f"characters, e.g. `{M}`. Match on that prefix when you revoke.\n"),
        ("support/TCK-5521.txt", f"Customer says their key starting with {M} stopped working on "
         f"{d}. Asked them to regenerate.\n"),
    ]
    f, t = v.pick(shapes)
    return kind, near, f, t, val


def bad_checksum(v: Values) -> Benign:
    prefix = v.pick(["ghp_", "gho_", "ghs_", "npm_", "ghu_"])
    body = v.mixed(BASE62, 30)
    good = base62(binascii.crc32(body.encode()), 6)
    while True:
        bad = v.chars(BASE62, 6)
        if bad != good:
            break
    val = prefix + body + bad
    name = "NPM_TOKEN" if prefix == "npm_" else "GITHUB_TOKEN"
    f, t = slot(v, "provider-format", name.lower())
    return "bad-crc-" + prefix.rstrip("_"), "provider-format", f, t, val


_ = tokens
