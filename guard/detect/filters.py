"""Cheap tests that throw out values that only look like secrets: placeholders, references to
other variables, identifiers and sequences. They run on regex matches only, never on whole files."""

from __future__ import annotations

import re

from guard.detect.checks import shannon_entropy

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
    rb"ssm:|arn:aws|ref\+|!ref|!secret|!vault))"
)

# snake_case, SCREAMING_CASE, camelCase names and dotted paths of words: names, not values.
IDENTIFIER = re.compile(rb"^[a-z][a-z0-9]*(?:[_.\-][a-z0-9]+)+$|^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|"
                        rb"^[a-z]+(?:[A-Z][a-z0-9]+)+$|^[A-Za-z][A-Za-z_.\-\[\]]*$")
UUID = re.compile(rb"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
PATHLIKE = re.compile(rb"^(?:\.{0,2}/|[A-Za-z]:\\|~/)|^[\w.\-]+/[\w.\-/]+$|^https?://[^:@/]+(?:/|$)")


def is_placeholder(value: bytes) -> bool:
    return bool(PLACEHOLDER.search(value)) or len(set(value)) <= 2


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


def looks_like_generic_secret(value: bytes, min_length: int = 8) -> bool:
    """The value a secret-named key holds looks like a credential, not a word, path or reference."""
    if len(value) < min_length or len(value) > 500:
        return False
    if is_reference(value) or is_placeholder(value) or is_sequential(value):
        return False
    if IDENTIFIER.match(value) or PATHLIKE.match(value) or UUID.match(value):
        return False
    if b" " in value:
        return False
    entropy = shannon_entropy(value)
    classes = character_classes(value)
    if classes >= 2 and entropy >= 2.5:
        return True
    return len(value) >= 16 and entropy >= 3.5
