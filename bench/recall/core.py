"""The pieces every family of recall cases shares: the case record, the corpus being built, the
seeded value generator and the file shapes (how a ``name = value`` line looks in each file type).

A case is one small file holding at most one labelled value. Its template marks that value's place
with ``MARK``; the line recorded for the case is the line the mark is on, so a scanner's finding
can be matched to the case by file and line. Only the SHA-256 of a secret is recorded beside it.
"""

from __future__ import annotations

import base64
import hashlib
import random
import re
import string
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import corpus

MARK = "@@V@@"
T = TypeVar("T")

SECRET_CLASSES: tuple[str, ...] = (
    "plain-text",
    "provider-context",
    "lowercase-digit",
    "structured",
    "cli-header",
    "provider-format",
    "misspelt-name",
    "generic",
)
BENIGN_KINDS: tuple[str, ...] = (
    "benign-wrong-length",
    "benign-checksum",
    "benign-placeholder",
    "benign-example",
    "benign-encrypted",
    "benign-reference",
    "benign-identifier",
    "benign-hash",
    "benign-public",
    "benign-prose",
)

ALNUM = corpus.ALNUM
BASE62 = corpus.BASE62
B64 = corpus.B64
B64URL = corpus.B64URL
HEX = corpus.HEX
UPPER_HEX = "0123456789ABCDEF"
LOWER_DIGIT = string.ascii_lowercase + string.digits
UPPER_DIGIT = string.ascii_uppercase + string.digits
BASE32 = string.ascii_uppercase + "234567"
# Words and runs that make a value look made up; a drawn secret never contains them, so that a
# scanner that (rightly) dismisses placeholders has no excuse on a secret case.
MADE_UP = re.compile(
    corpus.BANNED.pattern + r"|todo|redact|your|here|null|none|1234|2345|abcd|bcde|aaa|xxx|000",
    re.I,
)


@dataclass(frozen=True)
class Case:
    id: str
    cls: str
    label: str  # "secret" or "benign"
    near: str  # the secret class a benign case is a near miss of (its own class for a secret)
    kind: str  # what the value is: a provider token kind, "password", "sops", ...
    filename: str
    content: str
    line: int
    secret_sha256: str | None
    value: str = field(repr=False, compare=False)  # in memory only: never written out

    def record(self) -> dict[str, object]:
        out: dict[str, object] = {"id": self.id, "class": self.cls, "label": self.label,
                                  "near": self.near, "kind": self.kind,
                                  "filename": self.filename, "line": self.line}
        if self.secret_sha256:
            out["secret_sha256"] = self.secret_sha256
        out["content"] = self.content
        return out


# A repeated benign file moves to another folder and gains a last line (which leaves the labelled
# line where it was), so that no two cases are the same file.
FOLDERS = ("", "services/api/", "packages/web/", "legacy/", "ops/", "tools/", "infra/prod/",
           "contrib/", "apps/admin/", "lib/")
TRAILERS = ("reviewed in the last audit", "owned by the platform team", "see the runbook",
            "kept for the migration", "generated once, edited by hand since")


def _comment(filename: str, text: str) -> str | None:
    """``text`` as a comment line in ``filename``'s syntax; None where a file has none (JSON)."""
    base = filename.rsplit("/", 1)[-1]
    ext = base.rsplit(".", 1)[-1] if "." in base.lstrip(".") else ""
    if ext in ("json", "jwk") or base in (".bash_history", ".zsh_history", ".htpasswd",
                                         "SHA256SUMS", "go.sum", ".netrc", ".npmrc"):
        return None
    if ext in ("js", "ts", "go", "java", "cs", "rs", "php", "Jenkinsfile") or base == "Jenkinsfile":
        return f"// {text}"
    if ext in ("xml", "config", "html"):
        return f"<!-- {text} -->"
    if ext == "sql":
        return f"-- {text}"
    if ext in ("md", "txt", "log", "out", "dat") or not ext:
        return f"({text})"
    return f"# {text}"


@dataclass
class Corpus:
    """The cases in the order they were made; ids count per class."""

    cases: list[Case] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    files: set[tuple[str, str]] = field(default_factory=set)

    def _unique(self, filename: str, template: str) -> tuple[str, str]:
        """(filename, template) unlike any file made before: see FOLDERS."""
        for n in range(len(FOLDERS) * (len(TRAILERS) + 1)):
            folder = FOLDERS[n % len(FOLDERS)]
            trailer = n // len(FOLDERS)
            name, text = folder + filename, template
            if trailer:
                line = _comment(filename, TRAILERS[trailer - 1])
                if line is None:
                    continue
                text = text.rstrip("\n") + "\n" + line + "\n"
            if (name, text) not in self.files:
                return name, text
        raise ValueError(f"too many copies of {filename}")

    def _add(self, cls: str, label: str, near: str, kind: str, filename: str, template: str,
             value: str) -> None:
        if template.count(MARK) != 1:
            raise ValueError(f"{cls}/{kind}: template must hold {MARK} once: {template!r}")
        filename, template = self._unique(filename, template.replace(MARK, MARK + value))
        self.files.add((filename, template))
        template = template.replace(MARK + value, MARK)
        line = template[: template.index(MARK)].count("\n") + 1
        content = template.replace(MARK, value)
        if not content.endswith("\n"):
            content += "\n"
        self.counts[cls] += 1
        digest = hashlib.sha256(value.encode()).hexdigest() if label == "secret" else None
        self.cases.append(Case(f"{cls}-{self.counts[cls]:04d}", cls, label, near if label ==
                               "benign" else cls, kind, filename, content, line, digest, value))

    def secret(self, cls: str, kind: str, filename: str, template: str, value: str) -> None:
        assert cls in SECRET_CLASSES, cls
        if corpus.BANNED.search(value):  # the drawn parts avoid MADE_UP; fixed parts may not
            raise ValueError(f"{cls}/{kind}: a secret value looks made up")
        self._add(cls, "secret", cls, kind, filename, template, value)

    def benign(self, cls: str, near: str, kind: str, filename: str, template: str,
               value: str) -> None:
        assert cls in BENIGN_KINDS and near in SECRET_CLASSES, (cls, near)
        self._add(cls, "benign", near, kind, filename, template, value)


class Values(corpus.Secrets):
    """Random values from one seeded generator, drawn in a fixed order (see corpus.Secrets)."""

    def chars(self, alphabet: str, n: int, edge: str = ALNUM) -> str:
        edge = "".join(c for c in edge if c in alphabet) or alphabet
        while True:
            value = super().chars(alphabet, n, edge)
            if not MADE_UP.search(value):
                return value

    def pick(self, options: Sequence[T]) -> T:
        return self.rng.choice(list(options))

    def upper_hex(self, n: int) -> str:
        return self.chars(UPPER_HEX, n, UPPER_HEX)

    def lower_digit(self, n: int) -> str:
        """Lower-case letters and digits, with at least two digits and two letters."""
        while True:
            value = self.chars(LOWER_DIGIT, n, LOWER_DIGIT)
            if sum(c.isdigit() for c in value) >= 2 and sum(c.isalpha() for c in value) >= 2:
                return value

    def mixed(self, alphabet: str, n: int) -> str:
        """``n`` chars with at least one upper, one lower and one digit (a random token's look)."""
        while True:
            value = self.chars(alphabet, n)
            if (any(c.isupper() for c in value) and any(c.islower() for c in value)
                    and any(c.isdigit() for c in value)):
                return value

    def b64_bytes(self, n: int, urlsafe: bool = False, pad: bool = True) -> str:
        while True:
            raw = bytes(self.rng.randrange(256) for _ in range(n))
            text = (base64.urlsafe_b64encode(raw) if urlsafe else base64.b64encode(raw)).decode()
            if not pad:
                text = text.rstrip("=")
            if not MADE_UP.search(text):
                return text

    def uuid4(self) -> str:
        while True:
            value = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
            if not MADE_UP.search(value):
                return value

    def crc_token(self, prefix: str) -> str:
        """GitHub-style: prefix + 30 random base62 + 6 base62 chars of their CRC32."""
        while True:
            value = corpus.crc32_token(prefix, self.chars(BASE62, 30))
            if not MADE_UP.search(value):
                return value

    def strong_password(self, low: int = 14, high: int = 24) -> str:
        alphabet = ALNUM + "!#%*-_+=.@^"
        while True:
            value = self.chars(alphabet, self.rng.randint(low, high))
            if (any(c.isdigit() for c in value) and any(c in "!#%*-_+=.@^" for c in value)
                    and any(c.isupper() for c in value) and any(c.islower() for c in value)):
                return value

    def host(self) -> str:
        return self.pick(["db-main.internal", "10.20.4.17", "pg.prod.acme-corp.net",
                          "mysql-primary.svc.cluster.local",
                          "orders-db.eu-west-1.rds.amazonaws.com",
                          "172.31.8.44", "sql01.corp.lan"])

    def user(self) -> str:
        return self.pick(["app", "deploy", "svc_orders", "billing", "jenkins", "ci-runner",
                          "reporting", "etl_user", "admin_ops", "webapp"])


# --- Names in the forms each language writes them ----------------------------------------------


@dataclass(frozen=True)
class Name:
    words: tuple[str, ...]

    @property
    def upper(self) -> str:
        return "_".join(w.upper() for w in self.words)

    @property
    def snake(self) -> str:
        return "_".join(self.words)

    @property
    def camel(self) -> str:
        return self.words[0] + "".join(w.capitalize() for w in self.words[1:])

    @property
    def pascal(self) -> str:
        return "".join(w.capitalize() for w in self.words)

    @property
    def dotted(self) -> str:
        return ".".join(self.words)

    @property
    def kebab(self) -> str:
        return "-".join(self.words)


def name(text: str) -> Name:
    return Name(tuple(text.split("_")))


# --- File shapes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """One kind of file: names it goes by, lines around the slot, how the slot is written
    (quoted literal) and how an expression (a reference, not a literal) is written there."""

    key: str
    filenames: tuple[str, ...]
    before: tuple[str, ...]
    after: tuple[str, ...]
    slot: Callable[[Name, str], str]
    expr: Callable[[Name, str], str]
    env_refs: tuple[str, ...]  # how this language reads a variable {N} from outside

    def render(self, rng: random.Random, n: Name, value: str, literal: bool = True) -> tuple[
            str, str]:
        """(filename, template): the slot between the shape's lines of ordinary content (all of
        them, so that the file stays well-formed: closed braces, consistent indentation)."""
        filename = rng.choice(self.filenames)
        line = (self.slot if literal else self.expr)(n, value)
        return filename, "\n".join([*self.before, line, *self.after]) + "\n"


def _shape(key: str, filenames: tuple[str, ...], before: tuple[str, ...], after: tuple[str, ...],
           slot: Callable[[Name, str], str], expr: Callable[[Name, str], str] | None = None,
           env_refs: tuple[str, ...] = ()) -> Shape:
    return Shape(key, filenames, before, after, slot, expr or slot, env_refs)


SHAPES: dict[str, Shape] = {s.key: s for s in (
    _shape("env", (".env", ".env.production", "deploy/app.env", "config/.env.staging"),
           ("# service settings", "APP_ENV=production", "PORT=8080", "LOG_LEVEL=info"),
           ("REDIS_URL=redis://cache:6379/0", "WORKERS=4"),
           lambda n, v: f"{n.upper}={v}", env_refs=("${{{N}}}", "$" + "{N}")),
    _shape("yaml", ("config/app.yaml", "config.yml", "deploy/values.yaml", "settings.yaml"),
           ("service:", "  name: orders", "  region: eu-west-1", "  credentials:"),
           ("  timeout: 30", "  retries: 3"),
           lambda n, v: f"    {n.snake}: {v}", lambda n, v: f"    {n.snake}: {v}",
           env_refs=("${{{N}}}", "${{{N}:-}}")),
    _shape("yaml-quoted", ("config/app.yaml", "conf/service.yml"),
           ("app:", "  env: production", "  integrations:"), ("  cache_ttl: 600",),
           lambda n, v: f'    {n.snake}: "{v}"', lambda n, v: f"    {n.snake}: {v}",
           env_refs=('"${{{N}}}"',)),
    _shape("json", ("config/settings.json", "appsettings.json", "config.json", "secrets.json"),
           ("{", '  "name": "orders-api",', '  "port": 8443,'), ('  "debug": false', "}"),
           lambda n, v: f'  "{n.camel}": "{v}",', lambda n, v: f'  "{n.camel}": {v},'),
    _shape("py", ("app/settings.py", "scripts/sync.py", "config.py", "src/client.py"),
           ('"""Runtime settings."""', "import os", "", "TIMEOUT = 30"), ("", "RETRIES = 3"),
           lambda n, v: f'{n.upper} = "{v}"', lambda n, v: f"{n.upper} = {v}",
           env_refs=('os.environ["{N}"]', 'os.getenv("{N}")', 'os.environ.get("{N}", "")')),
    _shape("js", ("src/config.js", "server/index.js", "config/default.js"),
           ("'use strict';", "const path = require('path');", ""), ("", "module.exports = {};"),
           lambda n, v: f"const {n.camel} = '{v}';", lambda n, v: f"const {n.camel} = {v};",
           env_refs=("process.env.{N}", "process.env['{N}']")),
    _shape("ts", ("src/config.ts", "src/lib/client.ts"),
           ("import { Client } from './client';", ""), ("", "export default config;"),
           lambda n, v: f'export const {n.camel}: string = "{v}";',
           lambda n, v: f"export const {n.camel}: string = {v};",
           env_refs=("process.env.{N} ?? ''", "process.env.{N}!")),
    _shape("go", ("internal/config/config.go", "cmd/server/main.go"),
           ("package config", "", "var ("), (")",),
           lambda n, v: f'\t{n.pascal} = "{v}"', lambda n, v: f"\t{n.pascal} = {v}",
           env_refs=('os.Getenv("{N}")',)),
    _shape("sh", ("scripts/deploy.sh", "bin/run.sh", "ci/release.sh"),
           ("#!/usr/bin/env bash", "set -euo pipefail", ""), ('echo "deploying $APP"',),
           lambda n, v: f'export {n.upper}="{v}"', lambda n, v: f"export {n.upper}={v}",
           env_refs=('"${{{N}}}"', '"$(cat /run/secrets/{n})"')),
    _shape("tf", ("infra/main.tf", "terraform/providers.tf"),
           ('resource "aws_db_instance" "main" {', '  engine = "postgres"'), ("}",),
           lambda n, v: f'  {n.snake} = "{v}"', lambda n, v: f"  {n.snake} = {v}",
           env_refs=("var.{n}",)),
    _shape("properties", ("src/main/resources/application.properties", "conf/app.properties"),
           ("# application", "server.port=8080", "spring.application.name=orders"),
           ("logging.level.root=INFO",),
           lambda n, v: f"{n.dotted}={v}", env_refs=("${{{N}}}",)),
    _shape("toml", ("config.toml", "pyproject.local.toml", "Settings.toml"),
           ("[service]", 'name = "orders"', "port = 8080"), ("timeout = 30",),
           lambda n, v: f'{n.snake} = "{v}"', lambda n, v: f"{n.snake} = {v}"),
    _shape("ini", ("config.ini", "setup.cfg", "conf/app.conf"),
           ("[main]", "host = 0.0.0.0", "workers = 4"), ("debug = false",),
           lambda n, v: f"{n.snake} = {v}", env_refs=("%(ENV_{N})s",)),
    _shape("dockerfile", ("Dockerfile", "docker/Dockerfile.prod"),
           ("FROM python:3.12-slim", "WORKDIR /app", "COPY . ."), ('CMD ["python", "main.py"]',),
           lambda n, v: f"ENV {n.upper}={v}", lambda n, v: f"ARG {n.upper}={v}"),
    _shape("gha", (".github/workflows/deploy.yml", ".github/workflows/ci.yaml"),
           ("name: deploy", "on: push", "jobs:", "  deploy:", "    runs-on: ubuntu-latest",
            "    env:"), ("    steps:", "      - uses: actions/checkout@v4"),
           lambda n, v: f"      {n.upper}: {v}", env_refs=("${{{{ secrets.{N} }}}}",)),
    _shape("rb", ("config/initializers/client.rb", "lib/config.rb"),
           ("# frozen_string_literal: true", ""), ("",),
           lambda n, v: f"{n.upper} = '{v}'", lambda n, v: f"{n.upper} = {v}",
           env_refs=("ENV['{N}']", "ENV.fetch('{N}')")),
    _shape("php", ("config/app.php", "wp-config.php"), ("<?php", ""), ("",),
           lambda n, v: f"define('{n.upper}', '{v}');", lambda n, v: f"define('{n.upper}', {v});",
           env_refs=("getenv('{N}')", "$_ENV['{N}']")),
    _shape("java", ("src/main/java/com/acme/Config.java",),
           ("package com.acme;", "", "public final class Config {"), ("}",),
           lambda n, v: f'    static final String {n.upper} = "{v}";',
           lambda n, v: f"    static final String {n.upper} = {v};",
           env_refs=('System.getenv("{N}")',)),
    _shape("cs", ("src/Settings.cs",), ("namespace Acme;", "", "public static class Settings", "{"),
           ("}",), lambda n, v: f'    public const string {n.pascal} = "{v}";',
           lambda n, v: f"    public static string {n.pascal} => {v};",
           env_refs=('Environment.GetEnvironmentVariable("{N}")',)),
    _shape("rs", ("src/config.rs",), ("use std::env;", ""), ("",),
           lambda n, v: f'pub const {n.upper}: &str = "{v}";',
           lambda n, v: f"let {n.snake} = {v};", env_refs=('env::var("{N}")?',)),
)}
