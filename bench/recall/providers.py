"""``provider-format`` cases: each documented token format (recall.tokens) in several files, half
under the provider's own variable name, half with no telling name at all (a client constructor,
a README, a note, a YAML list), plus its near misses: the prefix with a body too short or too
long, a broken checksum, and the example values providers publish in their own docs."""

from __future__ import annotations

from recall.core import HEX, MARK, SHAPES, Corpus, Values, name
from recall.tokens import CHECKSUMMED, SPECS, Spec

CLS = "provider-format"
PER_SPEC = 6  # cases per format (GCP key files are slow to draw: fewer)

# Places a token sits with no secret-sounding name beside it.
BARE: tuple[tuple[str, str], ...] = (
    ("src/client.py", 'from acme import Client\n\nclient = Client("' + MARK + '", timeout=10)\n'),
    ("web/api.js", "import { Api } from './api';\n\nexport const api = new Api('" + MARK + "');\n"),
    ("README.md", "## Staging\n\nThe staging instance accepts `" + MARK + "` until Friday.\n"),
    ("notes/staging.txt", "staging creds (rotate after the demo day)\n" + MARK + "\n"),
    ("deploy/hosts.yaml", "targets:\n  - name: eu\n    auth:\n      - " + MARK + "\n"),
    ("data/accounts.json", '[\n  {"team": "ops", "value": "' + MARK + '"}\n]\n'),
    ("scripts/bootstrap.sh", "#!/bin/sh\nacme-cli login " + MARK + "\nacme-cli sync --all\n"),
    ("main.go", 'package main\n\nfunc main() {\n\tc := api.New("' + MARK + '")\n\tc.Run()\n}\n'),
)
# Places a malformed or published example value sits: no secret-named key either.
NEUTRAL: tuple[tuple[str, str], ...] = (
    ("docs/tokens.md", "Tokens of this kind look like `" + MARK + "` in the audit log.\n"),
    ("logs/audit.log", "2024-05-02T10:14:03Z INFO lookup miss for " + MARK + " (ignored)\n"),
    ("data/events.json", '{"event": "lookup", "ref": "' + MARK + '", "ok": false}\n'),
    ("tests/ids.yaml", "cases:\n  - trace_id: " + MARK + "\n    expect: rejected\n"),
    ("CHANGELOG.md", "## 2.4.1\n\n- Reject malformed values such as " + MARK + " early.\n"),
)
CANONICAL_SHAPES = ("env", "yaml", "json", "py", "js", "sh", "gha", "toml", "go", "properties",
                    "dockerfile", "tf", "ini", "rb", "php", "java", "cs", "rs", "ts",
                    "yaml-quoted")

# Example values that providers print in their own documentation: safe to commit, and a scanner
# that flags them wastes its users' time. (AWS IAM user guide; jwt.io's debugger; GitHub docs'
# token example; Stripe's long-published test-mode key pair.)
PUBLISHED: tuple[tuple[str, str, str], ...] = (
    ("aws-docs-key-id", "AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
    ("aws-docs-secret", "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("jwt-io-example", "ID_TOKEN", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkw"
     "IiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),
    ("github-docs-token", "GITHUB_TOKEN", "ghp_16C7e42F292c6912E7710c838347Ae178B4a"),
    ("stripe-docs-test-key", "STRIPE_SECRET_KEY", "sk_test_4eC39HqLyjWDarjtT1zdp7dc"),
    ("stripe-docs-publishable", "STRIPE_PUBLISHABLE_KEY", "pk_test_TYooMQauvdEDq54NiTphI7jx"),
)


def _canonical(corpus: Corpus, v: Values, spec: Spec, value: str, i: int) -> None:
    shape = SHAPES[CANONICAL_SHAPES[(i + len(spec.kind)) % len(CANONICAL_SHAPES)]]
    filename, template = shape.render(v.rng, name(spec.var.lower()), MARK)
    corpus.secret(CLS, spec.kind, filename, template, value)


def _bare(corpus: Corpus, v: Values, spec: Spec, value: str, i: int) -> None:
    filename, template = BARE[(i + len(spec.kind)) % len(BARE)]
    corpus.secret(CLS, spec.kind, filename, template, value)


def _neutral(corpus: Corpus, v: Values, cls: str, kind: str, value: str, i: int) -> None:
    filename, template = NEUTRAL[i % len(NEUTRAL)]
    corpus.benign(cls, CLS, kind, filename, template, value)


def _short(spec: Spec, value: str) -> str:
    """The prefix and at most ten characters of the body: shorter than any documented length
    (a third of a 99-character Stripe key would still be a valid one)."""
    cut = len(spec.prefix) + min(10, max(4, (len(value) - len(spec.prefix)) // 3))
    return value[:cut]


def _wrong_charset(v: Values, spec: Spec, value: str) -> str:
    """The documented length with characters the format never uses: letters past ``f`` in a hex
    body, lower case in an upper-case one, a ``#`` early in any other. (Not a longer body: its
    first characters would still be a well-formed token, which a scanner may rightly report.)"""
    body = value[len(spec.prefix):]
    if body and all(c in HEX for c in body):
        past_f = "ghijklmnopqrstuvwxyz"
        return spec.prefix + v.chars(past_f + "0123456789", len(body), past_f)
    if body.upper() == body and any(c.isalpha() for c in body):
        return spec.prefix + body.lower()
    return spec.prefix + body[:6] + "#" + body[7:]


def _broken_checksum(value: str) -> str:
    last = value[-1]
    return value[:-1] + ("B" if last != "B" else "C")


def add(corpus: Corpus, v: Values) -> None:
    for n, spec in enumerate(SPECS):
        count = 3 if spec.kind == "gcp-service-account-key" else PER_SPEC
        for i in range(count):
            value = spec.make(v)
            if spec.kind == "gcp-service-account-key":
                _service_account(corpus, v, value)
            elif i % 2 == 0:
                _canonical(corpus, v, spec, value, i)
            else:
                _bare(corpus, v, spec, value, i)
        if spec.prefix and spec.kind != "gcp-service-account-key":
            _neutral(corpus, v, "benign-wrong-length", spec.kind, _short(spec, spec.make(v)), n)
            if spec.fixed:
                wrong = _wrong_charset(v, spec, spec.make(v))
                _neutral(corpus, v, "benign-wrong-length", spec.kind, wrong, n + 1)
        if spec.kind in CHECKSUMMED:
            for i in range(6):
                bad = _broken_checksum(spec.make(v))
                if i % 2:
                    _neutral(corpus, v, "benign-checksum", spec.kind, bad, i)
                else:  # under its own name: the checksum is what says it is not a token
                    shape = SHAPES[CANONICAL_SHAPES[i]]
                    filename, template = shape.render(v.rng, name(spec.var.lower()), MARK)
                    corpus.benign("benign-checksum", CLS, spec.kind, filename, template, bad)
    for j, (kind, var, value) in enumerate(PUBLISHED):
        for i in range(5):
            if i < 3:
                shape = SHAPES[CANONICAL_SHAPES[(i * 3 + j) % len(CANONICAL_SHAPES)]]
                filename, template = shape.render(v.rng, name(var.lower()), MARK)
                corpus.benign("benign-example", CLS, kind, filename, template, value)
            else:
                _neutral(corpus, v, "benign-example", kind, value, i + j)


def _service_account(corpus: Corpus, v: Values, pem: str) -> None:
    project = v.pick(["orders-prod-4821", "acme-data-platform", "billing-eu-77"])
    robot = v.pick(["deployer", "bq-loader", "ci-publisher"])
    template = "\n".join([
        "{",
        '  "type": "service_account",',
        f'  "project_id": "{project}",',
        f'  "private_key_id": "{v.hex(40)}",',
        f'  "private_key": "{MARK}",',
        f'  "client_email": "{robot}@{project}.iam.gserviceaccount.com",',
        f'  "client_id": "{v.digits(21)}",',
        '  "auth_uri": "https://accounts.google.com/o/oauth2/auth",',
        '  "token_uri": "https://oauth2.googleapis.com/token"',
        "}",
    ])
    filename = v.pick([f"{project}-sa.json", "credentials/gcp.json", "deploy/key.json"])
    corpus.secret(CLS, "gcp-service-account-key", filename, template, pem)
