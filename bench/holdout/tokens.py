"""Provider token formats, as the providers document them (prefix, length, alphabet, checksum).

Each maker draws a fresh random value; ``PROVIDER_TOKENS`` maps a kind to its maker and to the
names a developer gives the variable holding it (used by the families that place them).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import pemkeys

from holdout.builder import ALNUM, B64URL, LOWER, UPPER, UPPER_DIGIT, Values


def _b64url_json(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode(
    ).rstrip("=")


def jwt(v: Values) -> str:
    """A signed JWT with real structure: header and claims JSON, a 32-byte HS256 signature."""
    header = {"alg": v.pick(["HS256", "RS256"]), "typ": "JWT"}
    claims = {"sub": v.uuid(), "iss": v.pick(["https://auth.acme-corp.io/", "ledger-api",
                                              "https://login.northwind.app"]),
              "iat": 1700000000 + v.int(0, 30000000), "scope": v.pick(["read write", "admin",
                                                                      "orders:rw"])}
    claims["exp"] = int(claims["iat"]) + 86400 * v.int(30, 400)  # type: ignore[call-overload]
    sig = v.b64(32 if header["alg"] == "HS256" else 256, urlsafe=True, pad=False)
    return f"{_b64url_json(header)}.{_b64url_json(claims)}.{sig}"


def github(prefix: str) -> Callable[[Values], str]:
    return lambda v: v.crc_token(prefix)


def github_fine(v: Values) -> str:
    return f"github_pat_11{v.chars(UPPER_DIGIT, 20)}_{v.mixed(ALNUM, 59)}"


def slack_bot(v: Values) -> str:
    return f"xoxb-{v.digits(v.int(10, 13))}-{v.digits(v.int(10, 13))}-{v.mixed(ALNUM, 24)}"


def slack_user(v: Values) -> str:
    return (f"xoxp-{v.digits(v.int(10, 13))}-{v.digits(v.int(10, 13))}-"
            f"{v.digits(v.int(10, 13))}-{v.hex(32)}")


def slack_webhook(v: Values) -> str:
    return (f"https://hooks.slack.com/services/T{v.chars(UPPER_DIGIT, 10)}/"
            f"B{v.chars(UPPER_DIGIT, 10)}/{v.mixed(ALNUM, 24)}")


def discord_webhook(v: Values) -> str:
    return f"https://discord.com/api/webhooks/{v.digits(19)}/{v.mixed(B64URL, 68)}"


def teams_webhook(v: Values) -> str:
    return (f"https://acmecorp.webhook.office.com/webhookb2/{v.uuid()}@{v.uuid()}/"
            f"IncomingWebhook/{v.hex(32)}/{v.uuid()}")


def aws_id(v: Values) -> str:
    return v.pick(["AKIA", "ASIA"]) + v.chars(UPPER + "234567", 16)


def aws_secret(v: Values) -> str:
    return v.mixed(ALNUM + "+/", 40)


def stripe_secret(v: Values) -> str:
    return v.pick(["sk_live_", "rk_live_"]) + v.mixed(ALNUM, v.pick([24, 99]))


def stripe_whsec(v: Values) -> str:
    return "whsec_" + v.mixed(ALNUM, 32)


def google_api(v: Values) -> str:
    return "AIza" + v.mixed(B64URL, 35)


def openai(v: Values) -> str:
    return f"sk-proj-{v.mixed(B64URL, 74)}T3BlbkFJ{v.mixed(B64URL, 74)}"


def anthropic(v: Values) -> str:
    return f"sk-ant-api03-{v.mixed(B64URL, 93)}AA"


def sendgrid(v: Values) -> str:
    return f"SG.{v.mixed(B64URL, 22)}.{v.mixed(B64URL, 43)}"


def twilio_key(v: Values) -> str:
    return "SK" + v.hex(32)


def mailgun(v: Values) -> str:
    return "key-" + v.hex(32)


def shopify(v: Values) -> str:
    return v.pick(["shpat_", "shpss_", "shpca_"]) + v.hex(32)


def digitalocean(v: Values) -> str:
    return v.pick(["dop_v1_", "doo_v1_"]) + v.hex(64)


def huggingface(v: Values) -> str:
    return "hf_" + v.chars(LOWER + UPPER, 34)


def pypi(v: Values) -> str:
    return "pypi-AgEIcHlwaS5vcmc" + v.b64(100, urlsafe=True, pad=False)


def gitlab(v: Values) -> str:
    return "glpat-" + v.mixed(B64URL, 20)


def doppler(v: Values) -> str:
    return v.pick(["dp.st.prd.", "dp.pt.", "dp.sa."]) + v.mixed(ALNUM, 43)


def linear(v: Values) -> str:
    return "lin_api_" + v.mixed(ALNUM, 40)


def postman(v: Values) -> str:
    return f"PMAK-{v.hex(24)}-{v.hex(34)}"


def telegram(v: Values) -> str:
    return f"{v.digits(10)}:AA{v.mixed(B64URL, 33)}"


def newrelic(v: Values) -> str:
    return "NRAK-" + v.chars(UPPER_DIGIT, 27)


def databricks(v: Values) -> str:
    return "dapi" + v.hex(32)


def grafana(v: Values) -> str:
    return f"glsa_{v.mixed(ALNUM, 32)}_{v.hex(8)}"


def vault(v: Values) -> str:
    return "hvs." + v.mixed(B64URL, 91)


def tfc(v: Values) -> str:
    return f"{v.mixed(ALNUM, 14)}.atlasv1.{v.mixed(ALNUM, 67)}"


def pulumi(v: Values) -> str:
    return "pul-" + v.hex(40)


def dynatrace(v: Values) -> str:
    return f"dt0c01.{v.chars(UPPER_DIGIT, 24)}.{v.chars(UPPER_DIGIT, 64)}"


def age(v: Values) -> str:
    return "AGE-SECRET-KEY-1" + v.chars("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)


def mapbox(v: Values) -> str:
    return f"sk.eyJ1Ijoi{v.mixed(B64URL, 24)}.{v.mixed(B64URL, 22)}"


def supabase(v: Values) -> str:
    return "sbp_" + v.hex(40)


def planetscale(v: Values) -> str:
    return "pscale_tkn_" + v.mixed(B64URL, 43)


def airtable(v: Values) -> str:
    return f"pat{v.mixed(ALNUM, 14)}.{v.hex(64)}"


def buildkite(v: Values) -> str:
    return "bkua_" + v.hex(40)


def groq(v: Values) -> str:
    return "gsk_" + v.mixed(ALNUM, 52)


def replicate(v: Values) -> str:
    return "r8_" + v.mixed(ALNUM, 37)


def square(v: Values) -> str:
    return "EAAA" + v.mixed(B64URL, 60)


def sentry_user(v: Values) -> str:
    return "sntryu_" + v.hex(64)


def azure_client_secret(v: Values) -> str:
    return f"{v.mixed(ALNUM, 3)}{v.digits(1)}Q~{v.mixed(ALNUM + '_.-~', 34)}"


def npm(v: Values) -> str:
    return v.crc_token("npm_")


def tailscale(v: Values) -> str:
    return f"tskey-auth-k{v.mixed(ALNUM, 11)}CNTRL-{v.mixed(ALNUM, 33)}"


def contentful(v: Values) -> str:
    return "CFPAT-" + v.mixed(B64URL, 43)


def shippo(v: Values) -> str:
    return "shippo_live_" + v.hex(40)


def rsa_key(v: Values) -> str:
    return pemkeys.rsa_pem(v.rng, 2048).rstrip("\n")


def ec_key(v: Values) -> str:
    return pemkeys.ec_pem(v.rng).rstrip("\n")


def openssh_key(v: Values) -> str:
    return pemkeys.openssh_ed25519_pem(v.rng, v.pick(["deploy@ci", "ops@bastion", "build"])
                                       ).rstrip("\n")


_G = github
# kind: (maker, names a developer would give the variable)
PROVIDER_TOKENS: dict[str, tuple[Callable[[Values], str], tuple[str, ...]]] = {
    "github-pat": (_G("ghp_"), ("GITHUB_TOKEN", "GH_TOKEN", "github_token")),
    "github-oauth": (_G("gho_"), ("GITHUB_OAUTH_TOKEN", "gh_oauth")),
    "github-app": (_G("ghs_"), ("GITHUB_APP_TOKEN", "installation_token")),
    "github-refresh": (_G("ghr_"), ("GITHUB_REFRESH_TOKEN",)),
    "github-fine": (github_fine, ("GITHUB_PAT", "GH_PAT")),
    "gitlab-pat": (gitlab, ("GITLAB_TOKEN", "GL_TOKEN", "gitlab_private_token")),
    "npm": (npm, ("NPM_TOKEN", "NODE_AUTH_TOKEN")),
    "slack-bot": (slack_bot, ("SLACK_BOT_TOKEN", "slack_token")),
    "slack-user": (slack_user, ("SLACK_USER_TOKEN",)),
    "slack-webhook": (slack_webhook, ("SLACK_WEBHOOK_URL", "slack_hook")),
    "discord-webhook": (discord_webhook, ("DISCORD_WEBHOOK", "discord_url")),
    "teams-webhook": (teams_webhook, ("TEAMS_WEBHOOK_URL",)),
    "aws-access-key-id": (aws_id, ("AWS_ACCESS_KEY_ID", "aws_access_key")),
    "stripe-secret": (stripe_secret, ("STRIPE_SECRET_KEY", "STRIPE_API_KEY")),
    "stripe-webhook": (stripe_whsec, ("STRIPE_WEBHOOK_SECRET",)),
    "google-api": (google_api, ("GOOGLE_MAPS_API_KEY", "GOOGLE_API_KEY")),
    "openai": (openai, ("OPENAI_API_KEY",)),
    "anthropic": (anthropic, ("ANTHROPIC_API_KEY",)),
    "sendgrid": (sendgrid, ("SENDGRID_API_KEY",)),
    "twilio-api-key": (twilio_key, ("TWILIO_API_KEY",)),
    "mailgun": (mailgun, ("MAILGUN_API_KEY",)),
    "shopify": (shopify, ("SHOPIFY_ACCESS_TOKEN", "SHOPIFY_API_SECRET")),
    "digitalocean": (digitalocean, ("DIGITALOCEAN_TOKEN", "DO_TOKEN")),
    "huggingface": (huggingface, ("HF_TOKEN", "HUGGINGFACE_TOKEN")),
    "pypi": (pypi, ("PYPI_TOKEN", "TWINE_PASSWORD")),
    "doppler": (doppler, ("DOPPLER_TOKEN",)),
    "linear": (linear, ("LINEAR_API_KEY",)),
    "postman": (postman, ("POSTMAN_API_KEY",)),
    "telegram-bot": (telegram, ("TELEGRAM_BOT_TOKEN", "TG_TOKEN")),
    "newrelic": (newrelic, ("NEW_RELIC_API_KEY",)),
    "databricks": (databricks, ("DATABRICKS_TOKEN",)),
    "grafana": (grafana, ("GRAFANA_TOKEN",)),
    "vault": (vault, ("VAULT_TOKEN",)),
    "terraform-cloud": (tfc, ("TFE_TOKEN", "TF_API_TOKEN")),
    "pulumi": (pulumi, ("PULUMI_ACCESS_TOKEN",)),
    "dynatrace": (dynatrace, ("DT_API_TOKEN",)),
    "age": (age, ("SOPS_AGE_KEY",)),
    "mapbox-secret": (mapbox, ("MAPBOX_DOWNLOADS_TOKEN",)),
    "supabase": (supabase, ("SUPABASE_ACCESS_TOKEN",)),
    "planetscale": (planetscale, ("PLANETSCALE_SERVICE_TOKEN",)),
    "airtable": (airtable, ("AIRTABLE_PAT",)),
    "buildkite": (buildkite, ("BUILDKITE_API_TOKEN",)),
    "groq": (groq, ("GROQ_API_KEY",)),
    "replicate": (replicate, ("REPLICATE_API_TOKEN",)),
    "square": (square, ("SQUARE_ACCESS_TOKEN",)),
    "sentry-user": (sentry_user, ("SENTRY_AUTH_TOKEN",)),
    "azure-client-secret": (azure_client_secret, ("AZURE_CLIENT_SECRET",)),
    "tailscale": (tailscale, ("TS_AUTHKEY",)),
    "contentful": (contentful, ("CONTENTFUL_MANAGEMENT_TOKEN",)),
    "shippo": (shippo, ("SHIPPO_API_KEY",)),
}
