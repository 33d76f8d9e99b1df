"""Where a benign value sits: a slot in a file shaped like the secret class it is a near miss of,
so that a benign case reads like the secret cases around it."""

from __future__ import annotations

from holdout.builder import MARK, Values

M = MARK


def slot(v: Values, near: str, name: str = "") -> tuple[str, str]:
    """(filename, template) for a value near ``near``; ``name`` is the variable's name if any."""
    n = name or v.pick(["api_key", "password", "token", "client_secret"])
    up = n.upper()
    camel = n.split("_")[0] + "".join(w.capitalize() for w in n.split("_")[1:])
    shapes: dict[str, list[tuple[str, str]]] = {
        "plain-text": [
            ("docs/onboarding.md", f"## Access\n\nAsk {v.person()} for the VPN profile. The shared "
             f"login for the staging console is `{M}` until SSO lands.\n"),
            ("handover.txt", f"{v.svc()} notes\n- admin console: https://admin.internal\n- "
             f"login: ops / {M}\n"),
            ("mail/draft.eml", f"Subject: partner portal\n\nHi {v.person()},\n\nthe key for the "
             f"partner portal is {M}\n\nthanks\n"),
        ],
        "provider-context": [
            ("datadog.yaml", f"site: datadoghq.eu\napi_key: {M}\nlogs_enabled: true\n"),
            ("src/main/resources/application.properties",
             f"twilio.account-sid=AC{v.hex(32)}\ntwilio.auth-token={M}\n"),
            ("config/services.php", f"<?php\n\nreturn [\n    'algolia' => [\n        'secret' => "
             f"'{M}',\n    ],\n];\n"),
        ],
        "lowercase-digit": [
            ("src/main/kotlin/Keys.kt", f"object Keys {{\n    const val {up} = \"{M}\"\n}}\n"),
            (".env.local", f"APP_ENV=local\n{up}={M}\n"),
            ("Sources/Keys.swift", f"enum Keys {{\n    static let {camel} = \"{M}\"\n}}\n"),
        ],
        "structured": [
            ("Web.config", f'<configuration>\n  <connectionStrings>\n    <add name="Db" connection'
             f'String="Server={v.host()};User Id=app;Password={M};" />\n  </connectionStrings>\n'
             "</configuration>\n"),
            ("settings.xml", f"<settings>\n  <servers>\n    <server>\n      <id>central</id>\n"
             f"      <password>{M}</password>\n    </server>\n  </servers>\n</settings>\n"),
            ("k8s/secret.yaml", f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {v.svc()}\n"
             f"stringData:\n  password: {M}\n"),
        ],
        "cli-header": [
            ("scripts/call.sh", f"#!/bin/sh\ncurl -H \"Authorization: Bearer {M}\" https://api."
             "acme-corp.io/v1/me\n"),
            ("requests/api.http", f"GET https://api.acme-corp.io/v1/items\nX-Api-Key: {M}\n"),
            (".bash_history", f"cd /srv\nmysql -u {v.user()} -p{M} app\n"),
        ],
        "provider-format": [
            (".env.example" if v.int(0, 3) == 0 else ".env", f"# integrations\n{up}={M}\n"),
            (".github/workflows/ci.yml", f"name: ci\non: [push]\njobs:\n  build:\n    runs-on: "
             f"ubuntu-latest\n    env:\n      {up}: {M}\n    steps:\n      - run: make\n"),
            ("src/client.ts", f"export const client = new Client({{ token: '{M}' }});\n"),
        ],
        "misspelt-name": [
            ("config.ini", f"[db]\nuser = {v.user()}\npasswd = {M}\n"),
            ("src/db.js", f"module.exports = {{ host: 'db', pwd: '{M}' }};\n"),
            ("hosts.yml", f"all:\n  vars:\n    ansible_pass: {M}\n"),
        ],
        "generic": [
            ("src/main/java/com/acme/AppConfig.java", "public class AppConfig {\n    private "
             f"String {camel} = \"{M}\";\n}}\n"),
            ("config/settings.py", f"DEBUG = False\n{up} = \"{M}\"\n"),
            ("cmd/main.go", f"package main\n\nvar {camel} = \"{M}\"\n"),
            ("config/app.yml", f"app:\n  {n}: \"{M}\"\n"),
        ],
    }
    return v.pick(shapes[near])
