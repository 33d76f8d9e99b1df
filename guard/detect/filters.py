"""Cheap tests that throw out values that only look like secrets: placeholders, references to
other variables, identifiers and sequences. They run on regex matches only, never on whole files."""

from __future__ import annotations

import math
import re

_LAZY: dict[bytes, re.Pattern[bytes]] = {}


def lazy(pattern: bytes) -> re.Pattern[bytes]:
    """``pattern`` compiled on first use: a hook or a one-file scan compiles only the patterns
    its candidates reach (a compile costs more than a hundred searches)."""
    rx = _LAZY.get(pattern)
    if rx is None:
        rx = _LAZY[pattern] = re.compile(pattern)
    return rx


# Words that mark a value as an example or a placeholder rather than a live credential.
PLACEHOLDER = re.compile(
    rb"(?i)example|xxxx|\*\*\*|\.\.\.|<[^>]*>|\byour[_\-]|changeme|change[_\-]me|placeholder|"
    rb"dummy|sample|redacted|replace[_\-]?me|insert[_\-]|fake|foobar|lorem|secret[_\-]?here|"
    rb"password[_\-]?here|token[_\-]?here|^(?:test|testing|null|none|nil|true|false|undefined)$|"
    rb"^(?:0+|1234567890?|12345678|abcdefgh?|qwerty\w*|password1?|secret|p@ssw0rd)$"
)

# A value that points at another value instead of being one: ${VAR}, $VAR, {{ var }}, %(var)s,
# #{var}, <%= var %>, {var} (str.format), os.environ..., process.env..., secrets.X, vault:...
REFERENCE = re.compile(
    rb"^\$|\$\{|\$\(|\{\{|\}\}|%\(|#\{|<%|^%[A-Za-z_]+%$|^@|\{[A-Za-z_][\w.]*\}|"
    rb"(?i:^(?:os\.environ|os\.getenv|process\.env|env\.|environ|getenv|secrets\.|vault:|"
    rb"ssm:|arn:aws|ref\+|!ref|!secret|!vault)|secretkeyref|valuefrom)"
)

# Values encrypted to be committed: SOPS (ENC[AES256_GCM,...]), jasypt (ENC(...)), Ansible Vault
# ($ANSIBLE_VAULT;...), Sealed Secrets (long base64 starting with the RSA-OAEP "Ag" header).
# Maven's {base64} master-encrypted passwords and Spring Cloud Config's {cipher} too; Jenkins'
# {AQAAAB...} is not: the key that opens it sits next to it in JENKINS_HOME.
# And keys made to be published: Stripe's publishable keys (pk_live_, pk_test_), Mapbox's pk.
ENCRYPTED = (  # lazy()
    rb"^ENC\[[A-Z0-9_]+(?:,|$)|^ENC\(|\$ANSIBLE_VAULT;|"
    rb"^Ag[A-Za-z0-9+/]{300,}={0,2}$|^\{cipher\}|"
    rb"^\{(?!AQAAAB)[A-Za-z0-9+/]{8,}={0,2}\}$|^pk_(?:live|test)_|^pk\.eyJ")

# snake_case, SCREAMING_CASE, camelCase names and dotted paths of words: names, not values.
IDENTIFIER = re.compile(rb"^[a-z][a-z0-9]*(?:[_.\-][a-z0-9]+)+$|^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|"
                        rb"^[a-z]+(?:[A-Z][a-z0-9]+)+$|^[A-Za-z][A-Za-z_.\-\[\]]*$")
# A name part with digits and letters mixed at length is a random body, not a word: sk_ + 32 hex
# matches IDENTIFIER's snake_case, yet no identifier has a 16-character run like that.
RANDOM_PART = re.compile(rb"(?=[a-z]*\d[a-z]*\d[a-z]*\d)(?=\d*[a-z]\d*[a-z]\d*[a-z])[a-z0-9]{16,}")
# The key names a UUID is a secret under (Heroku and many SaaS API keys are UUIDs); a name that
# goes on past the secret word (token_id, secret_uuid) holds an identifier.
# Misspelt, short and foreign password names count too (db.pass, paswd, kennwort, mdp).
UUID_NAME = (rb"(?i)(?:key|token|secret|passw(?:or)?d|pwd|passwrd|paswd|psswd|pswd|pasword|"
             rb"passwort|kennwort|contrase(?:n|\xc3\xb1)a|senha|parola|secert|privkey|creds|credentials?|"
             rb"client[_.\-]?sec|(?<![a-z])(?:pass|pw|mdp|tkn))[\"'\]]{0,2}"
                       rb"(?:[ \t]*:[ \t]*&?[\w<>\[\].]{1,30})?"  # a type: apiKey: string =
                       rb"[ \t]*(?::=|=>|=|:|,)[ \t]*[\"'`]?[ \t]*$")  # lazy()
UUID = re.compile(rb"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
PATHLIKE = re.compile(rb"^(?:\.{0,2}/|[A-Za-z]:\\|~/)|^[\w.\-]+/[\w.\-/]+$|^https?://[^:@/]+(?:/|$)")
# A slash-separated part mixing cases and digits at length: base64 with a "/" in it, not a path.
RANDOM_SEGMENT = (  # lazy()
    rb"(?:^|/)(?=[^/]{0,80}\d)(?=[^/]{0,80}[A-Z])(?=[^/]{0,80}[a-z])[^/]{12,}")


def shannon_entropy(value: bytes) -> float:
    """Bits per symbol of ``value``."""
    if not value:
        return 0.0
    counts: dict[int, int] = {}
    for byte in value:
        counts[byte] = counts.get(byte, 0) + 1
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


# Values published as examples, whatever the name they stand under: jwt.io's token (its payload).
PUBLISHED_EXAMPLES = (b"eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9l",)


def is_placeholder(value: bytes) -> bool:
    return (bool(PLACEHOLDER.search(value)) or len(set(value)) <= 2 or is_made_up(value)
            or is_padding(value) or any(e in value for e in PUBLISHED_EXAMPLES))


def is_padding(value: bytes) -> bool:
    """One character filling half the value or more (00000000-0000-4000-8000-000000000000): in
    a generated value of 8 or more characters no symbol comes near that."""
    return len(value) >= 8 and max(map(value.count, set(value))) * 2 >= len(value)


# Words run together with capitals (ServerlessV2PlatformVersions, Ipv6CidrAssociations): a
# name, even with a digit in it; a generated value seldom is all such words, with two runs of 3
# lower-case letters.
# Possessive: a long random value must fail in one pass, not by backtracking.
CAMEL_WORDS = rb"(?:[A-Z0-9]{0,4}+[a-z]{2,}+[0-9]{0,2}+)++[A-Z0-9]{0,4}+"  # lazy()


def is_camel_words(value: bytes) -> bool:
    if len(value) > 100 or not value.isalnum() or lazy(CAMEL_WORDS).fullmatch(value) is None:
        return False
    # words have vowels: a random value that happens to have the shape has runs like "php"
    runs = re.findall(rb"[a-z]{3,}", value)
    return len(runs) >= 2 and all(any(c in b"aeiouy" for c in run) for run in runs)


# Each character's successor in 0-9 and a-z (others map to 0, which no value holds).
_SUCCESSOR = bytes(c + 1 if 48 <= c <= 56 or 97 <= c <= 121 else 0 for c in range(256))


def is_made_up(value: bytes) -> bool:
    """A body typed by a person rather than generated: a run of six ascending characters
    (123456789abcdef), or three ascending triples (AbC123dEf456): in a random 40-character value
    the odds of either are below one in ten thousand (the triples count up to 64 characters only:
    a long token holds a few by chance). No regex: its compile would cost every hook more than
    the test costs a whole scan."""
    lowered = value.lower()
    steps = bytes(a == b for a, b in zip(lowered.translate(_SUCCESSOR)[:-1], lowered[1:],
                                         strict=True))
    if b"\x01" * 5 in steps:
        return True
    return len(value) <= 64 and steps.count(b"\x01\x01") >= 3


def is_reference(value: bytes) -> bool:
    return bool(REFERENCE.search(value))


def is_sequential(value: bytes) -> bool:
    """abcdef..., 012345..., ABCDEF... runs, the way detect-secrets' heuristic reads them."""
    seqs = (b"abcdefghijklmnopqrstuvwxyz" * 2, b"0123456789" * 3,
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 2, b"0123456789abcdef" * 2)
    return len(value) >= 6 and any(value in s for s in seqs)


def character_classes(value: bytes) -> int:
    lower = upper = digit = other = 0
    for b in value:
        if 97 <= b <= 122:
            lower = 1
        elif 65 <= b <= 90:
            upper = 1
        elif 48 <= b <= 57:
            digit = 1
        else:
            other = 1
    return lower + upper + digit + other


def has_letters_and_digits(value: bytes) -> bool:
    return any(48 <= b <= 57 for b in value) and any(65 <= b <= 90 or 97 <= b <= 122 for b in value)


def is_identifier(value: bytes) -> bool:
    if is_camel_words(value):
        return True
    if not IDENTIFIER.match(value) or RANDOM_PART.search(value.lower()):
        return False
    if value.isalnum() and not value.islower() and not value.isupper():
        # camelCase: its parts are words, and words have vowels; a random mixed-case value
        # (kvHhrjF8JfvSxh...) may have the shape, but its parts do not
        parts = [p for p in lazy(CAMEL_PART).findall(value) if len(p) >= 3]
        vowelless = sum(1 for p in parts if not any(c in b"aeiouyAEIOUY" for c in p))
        return len(parts) >= 2 and vowelless * 3 <= len(parts)
    return True


CAMEL_PART = rb"[A-Z]?[a-z0-9]+"  # lazy()


# A word after the secret word that makes the name hold something else: token_cache_key,
# password_hash, secret_digest, api_key_id hold digests and identifiers, not the secret.
NOT_SECRET_WORDS = (b"cache", b"hash", b"digest", b"checksum", b"etag", b"fingerprint", b"md5",
                    b"sha1", b"sha256", b"sha512", b"uuid", b"guid", b"file", b"path", b"dir")
# A value ending in one of these is a file name (format_1_1_AES256.yml), not a password.
FILE_EXTENSIONS = frozenset(b"yml yaml json txt py sh pem key crt cer conf cfg ini xml env log js "
                            b"ts rb go md csv gz zip tar p12 pfx jks".split())


def names_something_else(name: bytes) -> bool:
    """``name`` (from the secret word to the value) says the value is a digest or an id."""
    end = len(name)
    for op in (b"=", b":", b","):
        at = name.find(op)
        if at != -1:
            end = min(end, at)
    key = name[:end].lower().rstrip(b"\"'] \t")
    return any(w in key for w in NOT_SECRET_WORDS) or key.endswith((b"_id", b".id", b"-id"))


# Cheap first test for ENCRYPTED: how each of those values starts.
_ENCRYPTED_START = (b"ENC", b"$ANSIBLE_VAULT", b"Ag", b"{", b"pk_", b"pk.")


def looks_like_generic_secret(value: bytes, name: bytes = b"", min_length: int = 8,
                              assignment: bool = False) -> bool:
    """The value a secret-named key holds looks like a credential, not a word, path or reference.
    ``name`` is what the rule matched before the value: for an ``assignment``, the key and its
    operator (a command line before a flag's value says nothing of the kind)."""
    if len(value) < min_length or len(value) > 4000:
        return False
    # Cheapest and most telling first: most candidates are names (password_field, TokenType).
    if is_identifier(value) and not UUID.match(value):
        return False
    if is_reference(value) or is_placeholder(value) or is_sequential(value):
        return False
    if value.startswith(_ENCRYPTED_START) and lazy(ENCRYPTED).search(value):
        return False
    if assignment and names_something_else(name):
        return False
    if UUID.match(value):
        return bool(lazy(UUID_NAME).search(name)) and not is_made_up(value.replace(b"-", b""))
    if is_identifier(value) or (PATHLIKE.match(value) and (
            value[:1] in b"/.~" or not lazy(RANDOM_SEGMENT).search(value))):
        return False  # a path; base64 with a slash in it is no path (unless it starts like one)
    if b"." in value and value.rsplit(b".", 1)[1].lower() in FILE_EXTENSIONS:
        return False
    if b" " in value:
        return False
    entropy = shannon_entropy(value)
    classes = character_classes(value)
    if classes >= 2 and entropy >= 2.5:
        return True
    return len(value) >= 16 and entropy >= 3.5
