"""Provider token formats, each as its provider documents it, drawn from the seeded generator.

Every ``Spec`` names the documentation the format is taken from (``doc``), the variable name the
provider's own quick-starts use for it (``var``), how to draw a well-formed value (``make``), and
where the random body starts (``prefix`` length), so that a near miss can cut the body short.
Checksummed formats (GitHub, npm, NATS NKEYs) are drawn with a valid checksum.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass

import pemkeys

from recall.core import ALNUM, B64URL, BASE32, MADE_UP, UPPER_DIGIT, Values

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class Spec:
    kind: str
    var: str  # the environment variable the provider's docs use for it
    prefix: str  # the fixed part at the start ("" when the format has none)
    make: Callable[[Values], str]
    doc: str
    fixed: bool = True  # the documented length is exact (a longer body is then malformed)


def _slack_digits(v: Values) -> str:
    return v.digits(v.rng.randint(10, 13))


def nkey_seed(v: Values, kind: str = "U") -> str:
    """A NATS NKEY seed (``SU...`` for a user): base32 of two prefix bytes, a 32-byte Ed25519
    seed and a CRC-16/XMODEM of them, as nkeys encodes it."""
    prefix = {"U": 20 << 3, "A": 0, "O": 14 << 3, "N": 13 << 3}[kind]
    seed_byte = 18 << 3
    head = bytes([seed_byte | (prefix >> 5), (prefix & 31) << 3])
    while True:
        raw = head + bytes(v.rng.randrange(256) for _ in range(32))
        crc = 0
        for byte in raw:
            crc ^= byte << 8
            for _ in range(8):
                crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
                crc &= 0xFFFF
        text = base64.b32encode(raw + crc.to_bytes(2, "little")).decode().rstrip("=")
        if not MADE_UP.search(text):
            return text


def _b64json(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode() \
        .rstrip("=")


def _grafana_cloud(v: Values) -> str:
    body = {"o": v.digits(6), "n": f"stack-{v.digits(6)}-hm-read-{v.lower_digit(6)}",
            "k": v.chars(ALNUM, 24), "m": {"r": v.pick(["us", "eu", "prod-eu-west-2"])}}
    return "glc_" + _b64json(body)


def _mapbox(v: Values) -> str:
    head = _b64json({"u": v.pick(["acme-maps", "fleetops", "geo-team"]), "a": v.lower_digit(25)})
    return f"sk.{head}.{v.chars(B64URL, 22)}"


def _one_password(v: Values) -> str:
    alphabet = "23456789ABCDEFGHJKLMNPQRSTVWXYZ"
    parts = [v.chars(alphabet, n, alphabet) for n in (6, 6, 5, 5, 5, 5)]
    return "A3-" + "-".join(parts)


def _age(v: Values) -> str:
    return "AGE-SECRET-KEY-1" + v.chars("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58,
                                        "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L")


def _azure_conn(v: Values) -> str:
    account = v.pick(["acmeinvoices", "ordersprodst", "mediastore01", "backupsweu"])
    key = v.b64_bytes(64)
    return (f"DefaultEndpointsProtocol=https;AccountName={account};AccountKey={key};"
            "EndpointSuffix=core.windows.net")


def _pem(v: Values) -> str:
    # a GCP service account's key sits in its JSON on one line, its newlines escaped
    while True:
        pem = pemkeys.rsa_pkcs8_pem(v.rng, 2048).strip().replace("\n", "\\n") + "\\n"
        if not MADE_UP.search(pem):
            return pem


def _s(kind: str, var: str, prefix: str, make: Callable[[Values], str], doc: str,
       fixed: bool = True) -> Spec:
    return Spec(kind, var, prefix, make, doc, fixed)


GH = "https://github.blog/engineering/behind-githubs-new-authentication-token-formats/"
GL = "https://docs.gitlab.com/security/tokens/#token-prefixes"
SLACK = "https://docs.slack.dev/authentication/tokens"

SPECS: tuple[Spec, ...] = (
    _s("aws-access-key-id", "AWS_ACCESS_KEY_ID", "AKIA",
       lambda v: "AKIA" + v.chars(BASE32, 16, BASE32),
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html"),
    _s("aws-temp-access-key-id", "AWS_ACCESS_KEY_ID", "ASIA",
       lambda v: "ASIA" + v.chars(BASE32, 16, BASE32),
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html"),
    _s("gcp-api-key", "GOOGLE_API_KEY", "AIza", lambda v: "AIza" + v.chars(B64URL, 35),
       "https://cloud.google.com/docs/authentication/api-keys"),
    _s("gcp-oauth-client-secret", "GOOGLE_CLIENT_SECRET", "GOCSPX-",
       lambda v: "GOCSPX-" + v.chars(B64URL, 28),
       "https://support.google.com/cloud/answer/15549257 (client secret format)"),
    _s("azure-storage-connection-string", "AZURE_STORAGE_CONNECTION_STRING",
       "DefaultEndpointsProtocol=https;AccountName=", _azure_conn,
       "https://learn.microsoft.com/azure/storage/common/storage-configure-connection-string",
       False),
    _s("github-pat", "GITHUB_TOKEN", "ghp_", lambda v: v.crc_token("ghp_"), GH),
    _s("github-oauth", "GH_OAUTH_TOKEN", "gho_", lambda v: v.crc_token("gho_"), GH),
    _s("github-app-user", "GH_USER_TOKEN", "ghu_", lambda v: v.crc_token("ghu_"), GH),
    _s("github-app-server", "GH_APP_TOKEN", "ghs_", lambda v: v.crc_token("ghs_"), GH),
    _s("github-refresh", "GH_REFRESH_TOKEN", "ghr_", lambda v: v.crc_token("ghr_"), GH),
    _s("github-fine-grained", "GH_PAT", "github_pat_",
       lambda v: f"github_pat_{v.chars(ALNUM, 22)}_{v.chars(ALNUM, 59)}", GH),
    _s("gitlab-pat", "GITLAB_TOKEN", "glpat-", lambda v: "glpat-" + v.mixed(B64URL, 20), GL, False),
    _s("gitlab-deploy", "CI_DEPLOY_PASSWORD", "gldt-", lambda v: "gldt-" + v.mixed(B64URL, 20),
       GL, False),
    _s("gitlab-runner", "RUNNER_TOKEN", "glrt-", lambda v: "glrt-" + v.mixed(B64URL, 20), GL,
       False),
    _s("gitlab-trigger", "TRIGGER_TOKEN", "glptt-", lambda v: "glptt-" + v.hex(40), GL, False),
    _s("gitlab-runner-registration", "REGISTRATION_TOKEN", "GR1348941",
       lambda v: "GR1348941" + v.mixed(B64URL, 20), GL, False),
    _s("slack-bot", "SLACK_BOT_TOKEN", "xoxb-", lambda v: v.slack_bot(), SLACK, False),
    _s("slack-user", "SLACK_USER_TOKEN", "xoxp-",
       lambda v: f"xoxp-{_slack_digits(v)}-{_slack_digits(v)}-{_slack_digits(v)}-{v.hex(32)}",
       SLACK, False),
    _s("slack-legacy-xoxs", "SLACK_TOKEN", "xoxs-",
       lambda v: f"xoxs-{_slack_digits(v)}-{_slack_digits(v)}-{_slack_digits(v)}-{v.hex(64)}",
       SLACK, False),
    _s("slack-legacy-xoxa", "SLACK_TOKEN", "xoxa-2-",
       lambda v: f"xoxa-2-{_slack_digits(v)}-{_slack_digits(v)}-{_slack_digits(v)}-{v.hex(64)}",
       SLACK, False),
    _s("slack-legacy-xoxo", "SLACK_TOKEN", "xoxo-",
       lambda v: f"xoxo-{_slack_digits(v)}-{_slack_digits(v)}-{_slack_digits(v)}-{v.hex(32)}",
       SLACK, False),
    _s("slack-app", "SLACK_APP_TOKEN", "xapp-1-",
       lambda v: f"xapp-1-A{v.chars(UPPER_DIGIT, 10)}-{v.digits(13)}-{v.hex(64)}", SLACK, False),
    _s("slack-webhook", "SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/",
       lambda v: "https://hooks.slack.com/services/T" + v.chars(UPPER_DIGIT, 10) + "/B"
       + v.chars(UPPER_DIGIT, 10) + "/" + v.chars(ALNUM, 24),
       "https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks"),
    _s("stripe-secret", "STRIPE_SECRET_KEY", "sk_live_", lambda v: v.stripe(),
       "https://docs.stripe.com/keys", False),
    _s("stripe-restricted", "STRIPE_API_KEY", "rk_live_",
       lambda v: "rk_live_" + v.chars(ALNUM, v.pick((24, 99))), "https://docs.stripe.com/keys",
       False),
    _s("stripe-webhook", "STRIPE_WEBHOOK_SECRET", "whsec_", lambda v: "whsec_" + v.chars(ALNUM, 32),
       "https://docs.stripe.com/webhooks"),
    _s("twilio-api-key", "TWILIO_API_KEY", "SK", lambda v: "SK" + v.hex(32),
       "https://www.twilio.com/docs/iam/api-keys"),
    _s("sendgrid", "SENDGRID_API_KEY", "SG.", lambda v: v.sendgrid(),
       "https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys"),
    _s("openai-project", "OPENAI_API_KEY", "sk-proj-", lambda v: v.openai(),
       "https://platform.openai.com/docs/api-reference/authentication", False),
    _s("openai-service-account", "OPENAI_API_KEY", "sk-svcacct-",
       lambda v: f"sk-svcacct-{v.chars(B64URL, 74)}T3BlbkFJ{v.chars(B64URL, 74)}",
       "https://platform.openai.com/docs/api-reference/authentication", False),
    _s("openai-legacy", "OPENAI_API_KEY", "sk-",
       lambda v: f"sk-{v.chars(ALNUM, 20)}T3BlbkFJ{v.chars(ALNUM, 20)}",
       "https://platform.openai.com/docs/api-reference/authentication"),
    _s("anthropic", "ANTHROPIC_API_KEY", "sk-ant-api03-", lambda v: v.anthropic(),
       "https://docs.anthropic.com/en/api/overview"),
    _s("anthropic-admin", "ANTHROPIC_ADMIN_KEY", "sk-ant-admin01-",
       lambda v: f"sk-ant-admin01-{v.chars(B64URL, 93)}AA",
       "https://docs.anthropic.com/en/api/administration-api"),
    _s("huggingface", "HF_TOKEN", "hf_",
       lambda v: "hf_" + v.chars(LETTERS, 34, LETTERS),
       "https://huggingface.co/docs/hub/security-tokens"),
    _s("groq", "GROQ_API_KEY", "gsk_", lambda v: "gsk_" + v.mixed(ALNUM, 52),
       "https://console.groq.com/docs/quickstart"),
    _s("npm", "NPM_TOKEN", "npm_", lambda v: v.npm(),
       "https://github.blog/changelog/2021-09-23-npm-has-a-new-access-token-format/"),
    _s("pypi", "PYPI_TOKEN", "pypi-AgEIcHlwaS5vcmc",
       lambda v: "pypi-AgEIcHlwaS5vcmc" + v.b64_bytes(v.rng.randint(110, 160), True, False),
       "https://pypi.org/help/#apitoken", False),
    _s("dockerhub-pat", "DOCKERHUB_TOKEN", "dckr_pat_", lambda v: "dckr_pat_" + v.mixed(B64URL, 27),
       "https://docs.docker.com/security/access-tokens/"),
    _s("shopify-access", "SHOPIFY_ACCESS_TOKEN", "shpat_", lambda v: "shpat_" + v.hex(32),
       "https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens"),
    _s("shopify-shared-secret", "SHOPIFY_API_SECRET", "shpss_", lambda v: "shpss_" + v.hex(32),
       "https://shopify.dev/docs/apps/build/authentication-authorization"),
    _s("shopify-custom-app", "SHOPIFY_TOKEN", "shpca_", lambda v: "shpca_" + v.hex(32),
       "https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens"),
    _s("atlassian-api-token", "JIRA_API_TOKEN", "ATATT3",
       lambda v: "ATATT3xFfGF0" + v.chars(B64URL, 171) + "=" + v.upper_hex(8),
       "https://docs.atlassian.com/atlassian-bamboo/11.0.7/com/atlassian/bamboo/repository/"
       "configuration/BitbucketCloudApiTokenUtils.html (ATAT; length varies)", False),
    _s("bitbucket-app-password", "BITBUCKET_APP_PASSWORD", "ATBB",
       lambda v: "ATBB" + v.mixed(ALNUM, 32),
       "https://support.atlassian.com/bitbucket-cloud/docs/app-passwords/ (ATBB, as Atlassian "
       "staff state in the Atlassian Community)", False),
    _s("easypost", "EASYPOST_API_KEY", "EZAK", lambda v: "EZAK" + v.mixed(ALNUM, 54),
       "https://docs.easypost.com/docs/authentication", False),
    _s("sonarqube-project", "SONAR_TOKEN", "sqp_", lambda v: "sqp_" + v.hex(40),
       "https://docs.sonarsource.com/sonarqube-server/user-guide/managing-tokens/"),
    _s("sonarqube-user", "SONAR_TOKEN", "squ_", lambda v: "squ_" + v.hex(40),
       "https://docs.sonarsource.com/sonarqube-server/user-guide/managing-tokens/"),
    _s("sonarqube-global", "SONAR_TOKEN", "sqa_", lambda v: "sqa_" + v.hex(40),
       "https://docs.sonarsource.com/sonarqube-server/user-guide/managing-tokens/"),
    _s("facebook-app-token", "FB_APP_TOKEN", "",
       lambda v: f"{v.digits(16)}|{v.hex(32)}",
       "https://developers.facebook.com/docs/facebook-login/guides/access-tokens#apptokens"),
    _s("facebook-page-token", "FB_PAGE_TOKEN", "EAA",
       lambda v: "EAA" + v.pick("BGIJ") + v.mixed(ALNUM, v.rng.randint(150, 200)),
       "https://developers.facebook.com/docs/facebook-login/guides/access-tokens", False),
    _s("openshift", "OPENSHIFT_TOKEN", "sha256~", lambda v: "sha256~" + v.mixed(B64URL, 43),
       "https://docs.openshift.com/container-platform/latest/authentication/managing-oauth-access-tokens.html"),
    _s("1password-secret-key", "OP_SECRET_KEY", "A3-", _one_password,
       "https://support.1password.com/secret-key/"),
    _s("nats-nkey-seed", "NKEY_SEED", "SU", nkey_seed,
       "https://docs.nats.io/running-a-nats-service/configuration/securing_nats/auth_intro/nkey_auth"),
    _s("docker-swarm-join", "SWARM_JOIN_TOKEN", "SWMTKN-1-",
       lambda v: f"SWMTKN-1-{v.lower_digit(50)}-{v.lower_digit(25)}",
       "https://docs.docker.com/reference/cli/docker/swarm/join-token/"),
    _s("databricks", "DATABRICKS_TOKEN", "dapi", lambda v: "dapi" + v.hex(32),
       "https://docs.databricks.com/aws/en/dev-tools/auth/pat"),
    _s("digitalocean-pat", "DIGITALOCEAN_TOKEN", "dop_v1_", lambda v: "dop_v1_" + v.hex(64),
       "https://docs.digitalocean.com/reference/api/create-personal-access-token/"),
    _s("digitalocean-oauth", "DO_OAUTH_TOKEN", "doo_v1_", lambda v: "doo_v1_" + v.hex(64),
       "https://docs.digitalocean.com/reference/api/oauth/"),
    _s("heroku", "HEROKU_API_KEY", "HRKU-AA", lambda v: "HRKU-AA" + v.mixed(B64URL, 58),
       "https://devcenter.heroku.com/articles/authentication (HRKU- tokens)", False),
    _s("mailgun", "MAILGUN_API_KEY", "key-", lambda v: "key-" + v.hex(32),
       "https://documentation.mailgun.com/docs/mailgun/api-reference/authentication"),
    _s("mailchimp", "MAILCHIMP_API_KEY", "",
       lambda v: f"{v.hex(32)}-us{v.rng.randint(1, 21)}",
       "https://mailchimp.com/developer/marketing/guides/quick-start/", False),
    _s("postman", "POSTMAN_API_KEY", "PMAK-",
       lambda v: f"PMAK-{v.hex(24)}-{v.hex(34)}",
       "https://learning.postman.com/docs/developer/postman-api/authentication/"),
    _s("doppler-personal", "DOPPLER_TOKEN", "dp.pt.", lambda v: "dp.pt." + v.mixed(ALNUM, 43),
       "https://docs.doppler.com/docs/Auth-token-formats"),
    _s("doppler-service", "DOPPLER_TOKEN", "dp.st.",
       lambda v: f"dp.st.{v.pick(['prd', 'stg', 'dev'])}." + v.mixed(ALNUM, 43),
       "https://docs.doppler.com/docs/Auth-token-formats"),
    _s("vault-service", "VAULT_TOKEN", "hvs.", lambda v: "hvs.CAESI" + v.mixed(B64URL, 86),
       "https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes", False),
    _s("vault-batch", "VAULT_TOKEN", "hvb.", lambda v: "hvb.AAAAAQ" + v.mixed(B64URL, 132),
       "https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes", False),
    _s("linear", "LINEAR_API_KEY", "lin_api_", lambda v: "lin_api_" + v.mixed(ALNUM, 40),
       "https://linear.app/developers/graphql#personal-api-keys"),
    _s("notion", "NOTION_TOKEN", "ntn_",
       lambda v: f"ntn_{v.digits(11)}{v.mixed(ALNUM, 35)}",
       "https://developers.notion.com/docs/authorization"),
    _s("figma", "FIGMA_TOKEN", "figd_", lambda v: "figd_" + v.mixed(B64URL, 40),
       "https://www.figma.com/developers/api#access-tokens", False),
    _s("grafana-service-account", "GRAFANA_TOKEN", "glsa_",
       lambda v: f"glsa_{v.mixed(ALNUM, 32)}_{v.hex(8)}",
       "https://grafana.com/docs/grafana/latest/administration/service-accounts/"),
    _s("grafana-cloud", "GRAFANA_CLOUD_TOKEN", "glc_", _grafana_cloud,
       "https://grafana.com/docs/grafana-cloud/security-and-account-management/authentication-and-permissions/access-policies/",
       False),
    _s("newrelic-user", "NEW_RELIC_API_KEY", "NRAK-", lambda v: "NRAK-" + v.chars(UPPER_DIGIT, 27),
       "https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/"),
    _s("newrelic-license", "NEW_RELIC_LICENSE_KEY", "",
       lambda v: v.hex(36) + "NRAL",
       "https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/#license-key"),
    _s("sentry-user", "SENTRY_AUTH_TOKEN", "sntryu_", lambda v: "sntryu_" + v.hex(64),
       "https://docs.sentry.io/security-legal-pii/security/token-formats/"),
    _s("telegram-bot", "TELEGRAM_BOT_TOKEN", "",
       lambda v: f"{v.digits(10)}:AA{v.mixed(B64URL, 33)}", "https://core.telegram.org/bots/api"),
    _s("discord-webhook", "DISCORD_WEBHOOK_URL", "https://discord.com/api/webhooks/",
       lambda v: f"https://discord.com/api/webhooks/{v.digits(19)}/{v.mixed(B64URL, 68)}",
       "https://discord.com/developers/docs/resources/webhook"),
    _s("square-access", "SQUARE_ACCESS_TOKEN", "EAAA", lambda v: "EAAA" + v.mixed(B64URL, 60),
       "https://developer.squareup.com/docs/build-basics/access-tokens"),
    _s("planetscale", "PLANETSCALE_SERVICE_TOKEN", "pscale_tkn_",
       lambda v: "pscale_tkn_" + v.mixed(B64URL, 43),
       "https://planetscale.com/docs/concepts/service-tokens"),
    _s("planetscale-password", "DATABASE_PASSWORD", "pscale_pw_",
       lambda v: "pscale_pw_" + v.mixed(B64URL, 43),
       "https://planetscale.com/docs/concepts/connection-strings"),
    _s("supabase", "SUPABASE_ACCESS_TOKEN", "sbp_", lambda v: "sbp_" + v.hex(40),
       "https://supabase.com/docs/reference/cli/supabase-login"),
    _s("pulumi", "PULUMI_ACCESS_TOKEN", "pul-", lambda v: "pul-" + v.hex(40),
       "https://www.pulumi.com/docs/pulumi-cloud/access-management/access-tokens/"),
    _s("terraform-cloud", "TFE_TOKEN", "",
       lambda v: f"{v.mixed(ALNUM, 14)}.atlasv1.{v.mixed(ALNUM, 67)}",
       "https://developer.hashicorp.com/terraform/cloud-docs/users-teams-organizations/api-tokens"),
    _s("age-secret-key", "SOPS_AGE_KEY", "AGE-SECRET-KEY-1", _age,
       "https://age-encryption.org/v1"),
    _s("replicate", "REPLICATE_API_TOKEN", "r8_", lambda v: "r8_" + v.mixed(ALNUM, 37),
       "https://replicate.com/docs/reference/http#authentication"),
    _s("perplexity", "PPLX_API_KEY", "pplx-", lambda v: "pplx-" + v.mixed(ALNUM, 48),
       "https://docs.perplexity.ai/guides/getting-started"),
    _s("tailscale-auth", "TS_AUTHKEY", "tskey-auth-",
       lambda v: f"tskey-auth-k{v.mixed(ALNUM, 11)}CNTRL-{v.mixed(ALNUM, 33)}",
       "https://tailscale.com/kb/1085/auth-keys", False),
    _s("mapbox-secret", "MAPBOX_SECRET_TOKEN", "sk.", _mapbox,
       "https://docs.mapbox.com/accounts/guides/tokens/", False),
    _s("airtable-pat", "AIRTABLE_TOKEN", "pat",
       lambda v: f"pat{v.mixed(ALNUM, 14)}.{v.hex(64)}",
       "https://airtable.com/developers/web/guides/personal-access-tokens"),
    _s("gcp-service-account-key", "GOOGLE_PRIVATE_KEY", "-----BEGIN PRIVATE KEY-----", _pem,
       "https://cloud.google.com/iam/docs/keys-create-delete", False),
)

# Formats with a checksum: a near miss breaks it (one character of the body changed).
CHECKSUMMED = ("github-pat", "github-oauth", "github-app-server", "npm", "nats-nkey-seed")
