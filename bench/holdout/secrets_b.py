"""Secret families, part two: command lines and headers, provider formats, odd names, generic."""

from __future__ import annotations

import base64

from holdout import tokens
from holdout.builder import ALNUM, B64URL, MARK, Values

M = MARK


def _bearer(v: Values) -> tuple[str, str]:
    roll = v.int(0, 3)
    if roll == 0:
        return "jwt", tokens.jwt(v)
    if roll == 1:
        return "random-bearer", v.mixed(ALNUM, v.pick([32, 40, 48]))
    kind = v.pick(["github-pat", "gitlab-pat", "openai", "stripe-secret", "digitalocean",
                   "huggingface", "slack-bot"])
    return kind, tokens.PROVIDER_TOKENS[kind][0](v)


# --- cli-header: command lines and HTTP headers --------------------------------------------------

def cli_curl(v: Values) -> tuple[str, str, str, str]:
    kind, val = _bearer(v)
    host = v.pick(["api.acme-corp.io", "internal.northwind.app", "billing.svc:8080"])
    shapes = [
        ("scripts/smoke.sh", f"#!/bin/sh\nset -e\ncurl -sS -X POST https://{host}/v1/jobs \\\n"
         f"  -H 'Content-Type: application/json' \\\n  -H 'Authorization: Bearer {M}' \\\n"
         "  -d '{\"dry_run\": true}'\n"),
        (".bash_history", f"ls -la\ncd ~/src/{v.svc()}\ngit pull\ncurl -H \"Authorization: "
         f"Bearer {M}\" https://{host}/healthz\nexit\n"),
        ("Jenkinsfile", "pipeline {\n  agent any\n  stages {\n    stage('notify') {\n      steps "
         "{\n        sh \"curl -fsS -H 'Authorization: Bearer " + M + f"' https://{host}/deploy"
         "s\"\n      }\n    }\n  }\n}\n"),
        ("requests/orders.http", f"### list orders\nGET https://{host}/v2/orders?limit=20\n"
         f"Accept: application/json\nAuthorization: Bearer {M}\n\n###\n"),
        ("api.rest", f"@baseUrl = https://{host}\n\nPOST {{{{baseUrl}}}}/refunds\nContent-Type: "
         f"application/json\nAuthorization: Bearer {M}\n\n{{\"order\": 4412}}\n"),
        ("deploy.ps1", "$headers = @{\n    \"Authorization\" = \"Bearer " + M + "\"\n}\n"
         f"Invoke-RestMethod -Uri https://{host}/v1/releases -Headers $headers -Method Get\n"),
    ]
    f, t = v.pick(shapes)
    return kind, f, t, val


def cli_apikey_header(v: Values) -> tuple[str, str, str, str]:
    val = v.mixed(ALNUM, v.pick([32, 40]))
    hdr = v.pick(["X-Api-Key", "x-api-key", "Api-Key", "X-Auth-Token", "PRIVATE-TOKEN"])
    shapes = [
        (".gitlab-ci.yml", f"stages: [release]\nrelease:\n  stage: release\n  script:\n    - >-\n"
         f"      curl --fail --header \"{hdr}: {M}\"\n      https://gitlab.acme-corp.io/api/v4/"
         "projects/12/releases\n"),
        ("ci/notify.sh", f"#!/usr/bin/env bash\nwget -qO- --header=\"{hdr}: {M}\" https://"
         "status.acme-corp.io/api/ping\n"),
        ("README.md", f"## Calling the API\n\n```bash\nhttp GET https://api.acme-corp.io/v1/me "
         f"'{hdr}:{M}'\n```\n"),
        ("har/session.har", '{\n  "log": {\n    "entries": [\n      {\n        "request": {\n'
         '          "method": "GET",\n          "url": "https://api.acme-corp.io/v1/items",\n'
         '          "headers": [\n            {"name": "Accept", "value": "*/*"},\n'
         '            {"name": "' + hdr + '", "value": "' + M + '"}\n          ]\n        }\n'
         "      }\n    ]\n  }\n}\n"),
        ("postman/collection.json", '{\n  "info": {"name": "Partner API"},\n  "item": [\n    {\n'
         '      "name": "Get shipments",\n      "request": {\n        "method": "GET",\n'
         '        "header": [\n          {\n            "key": "' + hdr + '",\n'
         '            "value": "' + M + '"\n          }\n        ],\n        "url": '
         '"https://api.partner.io/shipments"\n      }\n    }\n  ]\n}\n'),
    ]
    f, t = v.pick(shapes)
    return "api-key-header", f, t, val


def cli_basic(v: Values) -> tuple[str, str, str, str]:
    u, pw = v.user(), v.password().replace("'", "").replace("!", "")
    if v.int(0, 1):
        enc = base64.b64encode(f"{u}:{pw}".encode()).decode()
        t = (f"GET https://jenkins.acme-corp.io/job/{v.svc()}/api/json\nAuthorization: Basic "
             f"{M}\n")
        return "basic-auth-header", v.pick(["jenkins.http", "debug/request.txt"]), t, enc
    t = (f"#!/bin/bash\n# nightly export\ncurl -u {u}:{M} -o /tmp/export.csv https://reports."
         "acme-corp.io/export\n")
    return "curl-user", v.pick(["cron/export.sh", "bin/nightly.sh"]), t, pw


def cli_tools(v: Values) -> tuple[str, str, str, str]:
    pw = v.password().replace("'", "").replace("!", "")
    u = v.user()
    shapes = [
        ("mysql-cli", ".bash_history", f"sudo systemctl status mysql\nmysql -h {v.host()} -u {u} "
         f"-p{M} reports\nhistory | tail\n"),
        ("docker-login", ".zsh_history", f": 1710000000:0;docker login registry.acme-corp.io -u "
         f"{u} -p {M}\n: 1710000042:0;docker compose up -d\n"),
        ("sshpass", "scripts/rsync-backup.sh", f"#!/bin/bash\nsshpass -p '{M}' rsync -az /srv/ "
         f"{u}@backup01:/data/\n"),
        ("redis-cli", "ops/flush-cache.sh", f"#!/bin/sh\nredis-cli -h cache01 -a '{M}' FLUSHDB\n"),
        ("kubectl-literal", "deploy/bootstrap.sh", f"#!/usr/bin/env bash\nkubectl -n prod create "
         f"secret generic {v.svc()}-db \\\n  --from-literal=password='{M}'\n"),
        ("az-login", "ci/azure-login.sh", f"#!/bin/bash\naz login --service-principal -u "
         f"{v.uuid()} -p '{M}' --tenant {v.uuid()}\n"),
        ("crontab", "crontab", f"# m h dom mon dow command\n15 2 * * * /usr/bin/mysqldump -u {u} "
         f"--password='{M}' shop > /backups/shop.sql\n"),
        ("dockerfile-run", "Dockerfile", f"FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm "
         f"config set //npm.acme-corp.io/:_password '{M}' && npm ci\n"),
        ("git-clone", "setup.sh", f"#!/bin/sh\ngit clone https://{u}:{M}@git.acme-corp.io/"
         "platform/infra.git\n"),
    ]
    kind, f, t = v.pick(shapes)
    if kind == "git-clone":
        pw = pw.replace("@", "").replace("#", "").replace("?", "").replace("%", "")
    return kind, f, t, pw


CLI_HEADER = [cli_curl, cli_curl, cli_apikey_header, cli_basic, cli_tools, cli_tools]


# --- provider-format: documented token formats in ordinary files ---------------------------------

def provider_format(v: Values, kind: str) -> tuple[str, str, str, str]:
    maker, names = tokens.PROVIDER_TOKENS[kind]
    val = maker(v)
    n = v.pick(names)
    low = n.lower()
    shapes = [
        (".env", f"# {v.svc()}\nAPP_ENV=production\n{n}={M}\n"),
        (".github/workflows/release.yml", "name: release\non:\n  push:\n    tags: ['v*']\njobs:\n"
         f"  publish:\n    runs-on: ubuntu-latest\n    env:\n      {n}: {M}\n    steps:\n"
         "      - uses: actions/checkout@v4\n"),
        ("main.tf", f"provider \"acme\" {{\n  region = \"eu\"\n  token  = \"{M}\"\n}}\n"),
        ("values.yaml", f"image:\n  tag: 1.9.2\nextraEnv:\n  - name: {n}\n    value: \"{M}\"\n"),
        ("src/main/java/com/acme/Client.java", "package com.acme;\n\npublic class Client {\n"
         f"    private static final String TOKEN = \"{M}\";\n}}\n"),
        ("app/Console/Kernel.php", f"<?php\n\n$client = new \\GuzzleHttp\\Client([\n    'headers'"
         f" => ['Authorization' => 'token {M}'],\n]);\n"),
        ("scripts/publish.rb", f"require 'net/http'\n\nclient = Octokit::Client.new(access_token:"
         f" '{M}')\n"),
        ("systemd/worker.service", f"[Unit]\nDescription={v.svc()} worker\n\n[Service]\n"
         f"Environment=\"{n}={M}\"\nExecStart=/usr/local/bin/worker\n"),
        ("ansible/roles/app/defaults/main.yml", f"---\napp_port: 8080\n{low}: \"{M}\"\n"),
        ("notes.md", f"Rotated on {v.date()}. Current one:\n\n    {M}\n"),
        ("docker-compose.override.yml", f"services:\n  worker:\n    environment:\n      {n}: "
         f"\"{M}\"\n"),
        ("nginx/conf.d/proxy.conf", "location /upstream/ {\n    proxy_pass https://api.vendor.io/;"
         f"\n    proxy_set_header Authorization \"Bearer {M}\";\n}}\n"),
        (".npmrc", f"registry=https://registry.acme-corp.io/\n//registry.acme-corp.io/:_authToken="
         f"{M}\n"),
        ("src/lib.rs", f"fn client() -> Client {{\n    Client::new(\"{M}\")\n}}\n"),
        ("Program.cs", f"var builder = WebApplication.CreateBuilder(args);\nvar token = \"{M}\";"
         "\nvar app = builder.Build();\n"),
    ]
    if kind in ("slack-webhook", "discord-webhook", "teams-webhook"):
        shapes = shapes[:4] + shapes[8:12]
    f, t = v.pick(shapes)
    return kind, f, t, val


def private_key(v: Values) -> tuple[str, str, str, str]:
    kind, maker = v.pick([("private-key-ec", tokens.ec_key),
                          ("private-key-openssh", tokens.openssh_key),
                          ("private-key-ec", tokens.ec_key)])
    val = maker(v)
    shapes = [
        ("deploy/id_ed25519" if "openssh" in kind else "certs/server.key", M + "\n"),
        ("config/jwt.env.sh", f"#!/bin/sh\nexport JWT_SIGNING_KEY=\"{M}\"\n"),
    ]
    f, t = v.pick(shapes)
    return kind, f, t, val


def aws_pair(v: Values) -> tuple[str, str, str, str]:
    sec = tokens.aws_secret(v)
    shapes = [
        (".aws/credentials", f"[default]\naws_access_key_id = {tokens.aws_id(v)}\n"
         f"aws_secret_access_key = {M}\nregion = eu-west-1\n"),
        ("terraform/provider.tf", f"provider \"aws\" {{\n  region     = \"us-east-1\"\n  "
         f"access_key = \"{tokens.aws_id(v)}\"\n  secret_key = \"{M}\"\n}}\n"),
    ]
    f, t = v.pick(shapes)
    return "aws-secret-access-key", f, t, sec


# --- misspelt-name: odd names, UUID-shaped keys, very long values --------------------------------

def misspelt(v: Values) -> tuple[str, str, str, str]:
    name = v.pick(["passwd", "pwd", "pw", "pass", "passwrd", "pasword", "psswd", "secert",
                   "tkn", "creds", "auth", "key", "sig_key", "apikey_", "client_sec", "privkey",
                   "mdp", "contrasena", "kennwort", "paswd"])
    roll = v.int(0, 5)
    if roll == 0:
        kind, val = "uuid-key", v.uuid()
    elif roll == 1:
        kind, val = "long-value", v.b64(v.int(400, 520))
    else:
        kind, val = "password", v.password()
    shapes = [
        ("config.ini", f"[database]\nhost = {v.host()}\nuser = {v.user()}\n{name} = {M}\n"),
        ("config/app.yml", f"smtp:\n  host: smtp.acme-corp.io\n  user: mailer\n  {name}: '{M}'\n"),
        ("src/db.js", f"const pool = mysql.createPool({{\n  host: '{v.host()}',\n  user: "
         f"'{v.user()}',\n  {name}: '{M}',\n}});\n"),
        ("settings.py", f"DATABASES = {{\n    'default': {{\n        'USER': '{v.user()}',\n"
         f"        '{name.upper()}': '{M}',\n    }}\n}}\n"),
        ("src/main/resources/db.properties", f"db.url=jdbc:postgresql://{v.host()}/app\n"
         f"db.{name}={M}\n"),
        ("hosts.yml", f"all:\n  vars:\n    ansible_user: {v.user()}\n    ansible_{name}: {M}\n"),
    ]
    f, t = v.pick(shapes)
    return kind, f, t, val


MISSPELT = [misspelt]


# --- generic: a secret under a plain secret name in application code -----------------------------

def generic(v: Values) -> tuple[str, str, str, str]:
    name = v.pick(["password", "db_password", "api_key", "secret_key", "access_token",
                   "client_secret", "auth_token", "private_token", "encryption_key",
                   "smtp_password", "jwt_secret", "session_secret", "admin_password"])
    roll = v.int(0, 3)
    val = (v.password() if "password" in name or roll == 0 else
           v.mixed(v.pick([ALNUM, B64URL, ALNUM + "+/"]), v.pick([24, 32, 44])))
    if roll == 1 and "password" not in name:
        val = v.b64(32)
    words = name.split("_")
    upper, camel = name.upper(), words[0] + "".join(w.capitalize() for w in words[1:])
    pascal = camel[0].upper() + camel[1:]
    shapes = [
        ("src/main/resources/application.yml", f"server:\n  port: 8443\napp:\n  security:\n"
         f"    {name.replace('_', '-')}: \"{M}\"\n"),
        ("src/main/java/com/acme/config/SecurityConfig.java", "package com.acme.config;\n\n"
         "@Configuration\npublic class SecurityConfig {\n    private static final String "
         f"{upper} = \"{M}\";\n}}\n"),
        ("Startup.cs", "public void ConfigureServices(IServiceCollection services)\n{\n"
         f"    var {camel} = \"{M}\";\n    services.AddSingleton(new Vault({camel}));\n}}\n"),
        ("cmd/api/main.go", f"package main\n\nfunc main() {{\n\t{camel} := \"{M}\"\n\t"
         f"run({camel})\n}}\n"),
        ("config/app.php", f"<?php\n\nreturn [\n    'name' => 'Shop',\n    '{name}' => '{M}',"
         "\n];\n"),
        ("config/environments/production.rb", f"Rails.application.configure do\n  config."
         f"{name} = \"{M}\"\nend\n"),
        ("src/app.module.ts", f"@Module({{\n  imports: [JwtModule.register({{ {camel}: '{M}' }})],"
         "\n})\nexport class AppModule {}\n"),
        ("app/src/main/java/com/acme/BuildConfig.kt", f"object Env {{\n    val {camel} = \"{M}\"\n"
         "}\n"),
        ("Sources/Config.swift", f"struct Config {{\n    let {camel} = \"{M}\"\n}}\n"),
        ("roles/db/vars/main.yml", f"---\n{name}: \"{M}\"\n"),
        ("config.toml", f"[server]\nport = 8080\n{name} = \"{M}\"\n"),
        ("app.ini", f"[security]\n{upper} = {M}\n"),
        ("settings.json", "{\n  \"" + pascal + "\": \"" + M + "\",\n  \"Port\": 5000\n}\n"),
        ("sites-available/api.conf", f"server {{\n    listen 443 ssl;\n    set ${name} \"{M}\";\n"
         "}\n"),
    ]
    f, t = v.pick(shapes)
    return "generic-" + ("password" if "password" in name else "key"), f, t, val


GENERIC = [generic]
