"""Secret families, part one: plain text, provider context, lower-case/digit values, structured."""

from __future__ import annotations

import base64

from holdout import tokens
from holdout.builder import ALNUM, B64URL, MARK, UPPER_DIGIT, Values

M = MARK


def _loose(v: Values) -> tuple[str, str]:
    """A value someone pastes into a note: a password, a bare random key or a provider token."""
    roll = v.int(0, 9)
    if roll < 5:
        return "password", v.password()
    if roll < 8:
        return "random-key", v.mixed(ALNUM, v.pick([24, 32, 40]))
    kind = v.pick(["github-pat", "slack-bot", "stripe-secret", "gitlab-pat", "openai"])
    return kind, tokens.PROVIDER_TOKENS[kind][0](v)


# --- plain-text: notes, chat, tickets, mail, logs -----------------------------------------------

def pt_ticket(v: Values) -> tuple[str, str, str, str]:
    kind, val = _loose(v)
    n = v.int(1000, 9999)
    t = (f"# OPS-{n}: {v.svc()} cannot reach the vendor SFTP\n\n**Reporter:** {v.person()}  \n"
         f"**Status:** In progress\n\n## Notes\n\nVendor reset the account this morning. New "
         f"login for `{v.user()}` is {M} (they will not send it again, do not lose it).\n\n"
         "## Next steps\n\n- [ ] update the cron job\n- [ ] confirm with finance\n")
    return kind, f"docs/tickets/OPS-{n}.md", t, val


def pt_email(v: Values) -> tuple[str, str, str, str]:
    kind, val = _loose(v)
    p, q = v.person(), v.person()
    t = (f"From: {p} <{p.lower()}@northwind-traders.com>\nTo: {q} <{q.lower()}@acme-corp.io>\n"
         f"Subject: Re: access to the reporting box\nDate: Tue, 12 Mar 2024 {v.time()} +0100\n"
         "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
         f"Hi {q},\n\nsorry for the delay. You can log in with the shared account now,\n"
         f"user {v.user()} and\n\n{M}\n\nas the password. Let me know if it works.\n\n"
         f"Cheers,\n{p}\n")
    return kind, v.pick(["mail/inbox/1711.eml", "Re_ access.eml", "archive/msg-0093.eml"]), t, val


def pt_slack(v: Values) -> tuple[str, str, str, str]:
    kind, val = _loose(v)
    ts = f"17{v.digits(8)}.{v.digits(6)}"
    t = ("[\n    {\n        \"type\": \"message\",\n        \"user\": \"U04"
         + v.chars(UPPER_DIGIT, 8)
         + "\",\n        \"text\": \"anyone know why staging deploys fail?\",\n        \"ts\": \""
         + ts + "\"\n    },\n    {\n        \"type\": \"message\",\n        \"user\": \"U02"
         + v.chars(UPPER_DIGIT, 8) + "\",\n        \"text\": \"the key rotated, use "
         + M + " for now\",\n        \"ts\": \"" + ts[:-1] + "9\"\n    }\n]\n")
    return kind, f"slack-export/dev-ops/{v.date()}.json", t, val


def pt_log(v: Values) -> tuple[str, str, str, str]:
    kind, val = _loose(v)
    d = v.date()
    t = (f"{d} {v.time()},112 INFO  [main] o.s.b.StartupInfoLogger : Starting {v.svc()} v2.3.1\n"
         f"{d} {v.time()},540 DEBUG [main] c.a.i.VendorClient : init client url=https://api.vendor"
         f".io/v2 user={v.user()} credential={M}\n"
         f"{d} {v.time()},002 ERROR [pool-1] c.a.i.VendorClient : request failed\n"
         "java.net.SocketTimeoutException: Read timed out\n"
         "\tat java.base/java.net.SocketInputStream.socketRead0(Native Method)\n"
         "\tat com.acme.integration.VendorClient.fetch(VendorClient.java:88)\n")
    return kind, v.pick(["logs/app.log", "var/log/service.log", "catalina.out"]), t, val


def pt_chat(v: Values) -> tuple[str, str, str, str]:
    kind, val = _loose(v)
    a, b = v.person(), v.person()
    t = (f"## Standup {v.date()}\n\n**{a}** 09:58: blocked on the partner API again\n\n"
         f"**{b}** 10:01: try mine, it has the bigger quota:\n\n{M}\n\n"
         f"**{a}** 10:02: works, thanks! will swap it out after the demo\n")
    return kind, v.pick(["notes/standup.md", "meeting-notes.md", "wiki/Team-Log.md"]), t, val


def pt_notes(v: Values) -> tuple[str, str, str, str]:
    kind, val = _loose(v)
    t = (f"{v.svc()} box\n==========\nssh {v.user()}@{v.host()}\nsudo works, the web admin "
         f"is on :8443\nadmin login: {M}\nbackups go to the NAS on fridays\n")
    return kind, v.pick(["NOTES", "todo.txt", "handover.txt", "README.server"]), t, val


def pt_jupyter(v: Values) -> tuple[str, str, str, str]:
    kind, val = _loose(v)
    t = ('{\n "cells": [\n  {\n   "cell_type": "code",\n   "execution_count": 3,\n'
         '   "metadata": {},'
         '\n   "outputs": [],\n   "source": [\n    "import requests\\n",\n    "session = '
         'requests.Session()\\n",\n    "session.auth = (\\"' + v.user() + '\\", \\"' + M
         + '\\")\\n",\n    "r = session.get(BASE + \\"/reports\\")"\n   ]\n  }\n ],\n '
         '"metadata": {"kernelspec": {"name": "python3"}},\n "nbformat": 4,\n "nbformat_minor": 5'
         "\n}\n")
    return kind, v.pick(["notebooks/explore.ipynb", "analysis/churn.ipynb"]), t, val


PLAIN_TEXT = [pt_ticket, pt_email, pt_slack, pt_log, pt_chat, pt_notes, pt_jupyter]


# --- provider-context: a provider's name beside a value with no prefix of its own ---------------

_PC: list[tuple[str, str, str]] = [
    # kind, provider variable stem, alphabet/length recipe
    ("datadog-api-key", "datadog_api_key", "hex32"),
    ("datadog-app-key", "datadog_app_key", "hex40"),
    ("twilio-auth-token", "twilio_auth_token", "hex32"),
    ("algolia-admin-key", "algolia_admin_api_key", "hex32"),
    ("heroku-api-key", "heroku_api_key", "uuid"),
    ("cloudflare-api-token", "cloudflare_api_token", "b64url40"),
    ("okta-api-token", "okta_api_token", "okta"),
    ("pagerduty-token", "pagerduty_api_token", "pd20"),
    ("fastly-api-token", "fastly_api_token", "b64url32"),
    ("auth0-client-secret", "auth0_client_secret", "b64url64"),
    ("mailjet-secret", "mailjet_api_secret", "hex32"),
    ("snyk-token", "snyk_token", "uuid"),
    ("circleci-token", "circleci_token", "hex40"),
    ("vercel-token", "vercel_token", "alnum24"),
    ("zendesk-token", "zendesk_api_token", "alnum40"),
    ("linode-token", "linode_token", "hex64"),
    ("hetzner-token", "hcloud_token", "alnum64"),
    ("rollbar-token", "rollbar_access_token", "hex32"),
    ("bugsnag-key", "bugsnag_api_key", "hex32"),
    ("azure-storage-key", "azure_storage_account_key", "b64-64"),
    ("pusher-secret", "pusher_app_secret", "hex20"),
    ("jira-token", "jira_api_token", "alnum24"),
]


def _pc_value(v: Values, recipe: str) -> str:
    return {"hex32": lambda: v.hex(32), "hex40": lambda: v.hex(40), "hex64": lambda: v.hex(64),
            "hex20": lambda: v.hex(20), "uuid": v.uuid,
            "b64url40": lambda: v.mixed(B64URL, 40), "b64url32": lambda: v.mixed(B64URL, 32),
            "b64url64": lambda: v.mixed(B64URL, 64), "alnum24": lambda: v.mixed(ALNUM, 24),
            "alnum40": lambda: v.mixed(ALNUM, 40), "alnum64": lambda: v.mixed(ALNUM, 64),
            "okta": lambda: "00" + v.mixed(B64URL, 40), "pd20": lambda: v.mixed(ALNUM + "+_-", 20),
            "b64-64": lambda: v.b64(64)}[recipe]()


def provider_context(v: Values) -> tuple[str, str, str, str]:
    kind, stem, recipe = v.pick(_PC)
    val = _pc_value(v, recipe)
    words = stem.split("_")
    upper = stem.upper()
    camel = words[0] + "".join(w.capitalize() for w in words[1:])
    provider = words[0]
    rest_dot = "-".join(words[1:])
    shapes = [
        ("src/main/resources/application.yml",
         f"spring:\n  application:\n  name: {v.svc()}\n{provider}:\n  {rest_dot}: {M}\n"
         "  enabled: true\n"),
        ("src/main/resources/application-prod.properties",
         f"server.port=8080\n{provider}.{'.'.join(words[1:])}={M}\nmanagement.endpoints.web."
         "exposure.include=health\n"),
        ("appsettings.Production.json",
         "{\n  \"Logging\": { \"LogLevel\": { \"Default\": \"Warning\" } },\n  \""
         + provider.capitalize() + "\": {\n    \"" + "".join(w.capitalize() for w in words[1:])
         + "\": \"" + M + "\"\n  }\n}\n"),
        ("config/services.php",
         f"<?php\n\nreturn [\n    '{provider}' => [\n        '{'_'.join(words[1:])}' => "
         f"env('{upper}', '{M}'),\n    ],\n];\n"),
        ("terraform.tfvars", f"region = \"eu-west-1\"\n{stem} = \"{M}\"\n"),
        ("docker-compose.yml",
         f"services:\n  {v.svc()}:\n    image: acme/{v.svc()}:1.4\n    environment:\n      "
         f"- {upper}={M}\n      - NODE_ENV=production\n"),
        ("src/integrations.ts",
         f"export const {provider}Config = {{\n  region: 'us',\n  {camel}: '{M}',\n}};\n"),
        ("group_vars/prod.yml", f"---\nntp_server: pool.ntp.org\n{stem}: \"{M}\"\n"),
        ("internal/vendor/client.go",
         f"package vendor\n\nconst (\n\tbaseURL = \"https://api.{provider}.com\"\n\t{camel} = "
         f"\"{M}\"\n)\n"),
        ("config/initializers/" + provider + ".rb",
         f"{provider.capitalize()}.configure do |config|\n  config.{'_'.join(words[1:])} = "
         f"'{M}'\nend\n"),
    ]
    filename, template = v.pick(shapes)
    return kind, filename, template, val


PROVIDER_CONTEXT = [provider_context]


# --- lowercase-digit: hex and base36 values under secret-ish names ------------------------------

def lowercase_digit(v: Values) -> tuple[str, str, str, str]:
    recipe = v.pick(["hex32", "hex40", "hex64", "b36-32", "b36-40", "b36-20"])
    n = int(recipe.split("-")[-1].removeprefix("hex"))
    val = v.hex(n) if recipe.startswith("hex") else v.lower_digit(n)
    name = v.pick(["api_key", "client_secret", "signing_secret", "auth_token", "secret_key",
                   "access_token", "app_secret", "webhook_secret"])
    camel = name.split("_")[0] + "".join(w.capitalize() for w in name.split("_")[1:])
    pascal = camel[0].upper() + camel[1:]
    shapes = [
        (".env", f"APP_NAME=Laravel\nAPP_ENV=production\n{name.upper()}={M}\nDB_HOST=127.0.0.1\n"),
        ("src/main/kotlin/com/acme/Keys.kt",
         f"package com.acme\n\nobject Keys {{\n    const val {name.upper()} = \"{M}\"\n}}\n"),
        ("Sources/App/Secrets.swift",
         f"import Foundation\n\nenum Secrets {{\n    static let {camel} = \"{M}\"\n}}\n"),
        ("src/Config/ApiSettings.cs",
         f"namespace Acme.Api;\n\npublic class ApiSettings\n{{\n    public string {pascal} {{ get; "
         f"set; }} = \"{M}\";\n}}\n"),
        ("src/settings.rs", f"pub struct Settings;\n\nimpl Settings {{\n    pub const "
         f"{name.upper()}: &'static str = \"{M}\";\n}}\n"),
        ("config/credentials.yml", f"production:\n  {name}: {M}\n  region: us-east-1\n"),
        ("lib/client.js", f"const axios = require('axios');\n\nconst {camel} = \"{M}\";\n"
         "module.exports = axios.create({ timeout: 5000 });\n"),
        ("settings/base.py", f"import os\n\nDEBUG = False\n{name.upper()} = '{M}'\n"),
    ]
    filename, template = v.pick(shapes)
    return recipe, filename, template, val


LOWERCASE_DIGIT = [lowercase_digit]


# --- structured: XML, Kubernetes, JWK, connection strings, URLs, SQL, Makefiles ------------------

def st_webconfig(v: Values) -> tuple[str, str, str, str]:
    pw = v.password()
    t = ('<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <connectionStrings>\n    '
         f'<add name="Default" connectionString="Server={v.host()};Database=Orders;User Id='
         f'{v.user()};Password={M};TrustServerCertificate=True" providerName="System.Data.'
         'SqlClient" />\n  </connectionStrings>\n</configuration>\n')
    return "mssql-connection", v.pick(["Web.config", "App.config", "web.Release.config"]), t, pw


def st_maven(v: Values) -> tuple[str, str, str, str]:
    pw = v.password()
    t = ("<settings>\n  <servers>\n    <server>\n      <id>nexus-releases</id>\n      <username>"
         f"{v.user()}</username>\n      <password>{M}</password>\n    </server>\n  </servers>\n"
         "</settings>\n")
    return "maven-password", v.pick([".m2/settings.xml", "ci/settings.xml"]), t, pw


def st_appsettings_xml(v: Values) -> tuple[str, str, str, str]:
    val = v.mixed(ALNUM, 32)
    t = ('<?xml version="1.0"?>\n<configuration>\n  <appSettings>\n    <add key="Environment" '
         f'value="Production" />\n    <add key="PaymentGatewayKey" value="{M}" />\n  '
         "</appSettings>\n</configuration>\n")
    return "appsettings-key", "app.config", t, val


def st_k8s(v: Values) -> tuple[str, str, str, str]:
    pw = v.password()
    if v.int(0, 1):
        t = (f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {v.svc()}-db\n  namespace: prod\n"
             f"type: Opaque\nstringData:\n  DB_USER: {v.user()}\n  DB_PASS: {M}\n")
        return "k8s-stringdata", "k8s/secret.yaml", t, pw
    enc = base64.b64encode(pw.encode()).decode()
    t = (f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {v.svc()}-creds\ntype: Opaque\ndata:"
         f"\n  password: {M}\n")
    return "k8s-data", "manifests/creds.yaml", t, enc


def st_jwk(v: Values) -> tuple[str, str, str, str]:
    d = v.b64(32, urlsafe=True, pad=False)
    t = ('{\n  "keys": [\n    {\n      "kty": "EC",\n      "crv": "P-256",\n      "kid": "'
         + v.hex(16) + '",\n      "x": "' + v.b64(32, urlsafe=True, pad=False) + '",\n      "y": "'
         + v.b64(32, urlsafe=True, pad=False) + '",\n      "d": "' + M + '"\n    }\n  ]\n}\n')
    return "jwk-private", v.pick(["keys/signing.jwk.json", "jwks-private.json"]), t, d


def st_url(v: Values) -> tuple[str, str, str, str]:
    pw = v.password(14, 20).replace("@", "").replace("#", "").replace("?", "").replace("%", "")
    scheme, port, db = v.pick([("postgresql", 5432, "/orders"), ("mysql", 3306, "/shop"),
                               ("mongodb", 27017, "/events?authSource=admin"),
                               ("amqp", 5672, "/vhost"), ("redis", 6379, "/0")])
    prefix = f"{scheme}://{v.user()}:"
    shapes = [
        ("config/database.yml", f"production:\n  adapter: postgresql\n  url: {prefix}{M}@"
         f"{v.host()}:{port}{db}\n  pool: 10\n"),
        (".env.production", f"NODE_ENV=production\nDATABASE_URL={prefix}{M}@{v.host()}:{port}"
         f"{db}\n"),
        ("helm/values-prod.yaml", f"replicaCount: 3\nbroker:\n  url: \"{prefix}{M}@{v.host()}:"
         f"{port}{db}\"\n"),
    ]
    f, t = v.pick(shapes)
    return f"{scheme}-url", f, t, pw


def st_jdbc(v: Values) -> tuple[str, str, str, str]:
    pw = v.password().replace("&", "").replace(";", "")
    t = (f"spring.datasource.url=jdbc:mysql://{v.host()}:3306/app?user={v.user()}&password={M}"
         "&useSSL=true\nspring.jpa.hibernate.ddl-auto=validate\n")
    return "jdbc-url", "src/main/resources/application.properties", t, pw


def st_query(v: Values) -> tuple[str, str, str, str]:
    key = v.mixed(ALNUM, 32)
    t = (f"# weather widget\nWIDGET_ENDPOINT=https://api.weatherdata.io/v3/forecast?city=Oslo"
         f"&units=metric&apikey={M}\n")
    return "url-query-key", v.pick(["widget.conf", "config/widgets.ini"]), t, key


def st_sql(v: Values) -> tuple[str, str, str, str]:
    pw = v.password().replace("'", "")
    u = v.user()
    t = v.pick([
        f"-- migrate:up\nCREATE ROLE {u} WITH LOGIN PASSWORD '{M}';\nGRANT CONNECT ON DATABASE "
        f"app TO {u};\n",
        f"CREATE USER '{u}'@'%' IDENTIFIED BY '{M}';\nGRANT SELECT ON reports.* TO '{u}'@'%';\n"
        "FLUSH PRIVILEGES;\n",
        f"ALTER LOGIN [{u}] WITH PASSWORD = N'{M}';\nGO\n",
    ])
    return "sql-password", v.pick(["db/migrations/20240311_add_role.sql", "init.sql",
                                   "sql/V7__reporting_user.sql"]), t, pw


def st_makefile(v: Values) -> tuple[str, str, str, str]:
    val = v.mixed(ALNUM, 36)
    t = (f"REGISTRY := registry.acme-corp.io\nREGISTRY_PASSWORD ?= {M}\n\n.PHONY: push\npush:\n\t"
         "docker login $(REGISTRY) -u ci -p $(REGISTRY_PASSWORD)\n\tdocker push $(REGISTRY)/app\n")
    return "makefile-var", "Makefile", t, val


def st_files(v: Values) -> tuple[str, str, str, str]:
    pw = v.password().replace(":", "")
    u = v.user()
    opts = [
        ("pgpass", ".pgpass", f"{v.host()}:5432:*:{u}:{M}\n"),
        ("netrc", ".netrc", f"machine artifacts.acme-corp.io\n  login {u}\n  password {M}\n"),
        ("pypirc", ".pypirc", f"[distutils]\nindex-servers = internal\n\n[internal]\nrepository = "
         f"https://pkgs.acme-corp.io/simple/\nusername = {u}\npassword = {M}\n"),
        ("git-credentials", ".git-credentials", f"https://{u}:{M}@git.acme-corp.io\n"),
        ("ansible-inventory", "inventory/hosts.ini", f"[db]\ndb01 ansible_host=10.0.4.11 "
         f"ansible_user={u} ansible_password={M}\n"),
    ]
    kind, f, t = v.pick(opts)
    return kind, f, t, pw


def st_dockercfg(v: Values) -> tuple[str, str, str, str]:
    auth = base64.b64encode(f"{v.user()}:{v.password()}".encode()).decode()
    t = ('{\n  "auths": {\n    "registry.acme-corp.io": {\n      "auth": "' + M + '"\n    }\n  }'
         "\n}\n")
    return "docker-auth", v.pick([".docker/config.json", ".dockercfg"]), t, auth


def st_kubeconfig(v: Values) -> tuple[str, str, str, str]:
    tok = v.lower_digit(6) + "." + v.lower_digit(16)
    t = ("apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://10.0.0.1:6443\n"
         "  name: prod\nusers:\n- name: ci\n  user:\n    token: " + M + "\ncontexts:\n- context:\n"
         "    cluster: prod\n    user: ci\n  name: prod\ncurrent-context: prod\n")
    return "kube-bootstrap-token", v.pick(["kubeconfig", ".kube/config"]), t, tok


STRUCTURED = [st_webconfig, st_maven, st_appsettings_xml, st_k8s, st_jwk, st_url, st_jdbc,
              st_query, st_sql, st_makefile, st_files, st_dockercfg, st_kubeconfig]
