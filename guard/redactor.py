"""What the model must not receive: every secret in a text that is about to leave for the model
(a tool's result; the request to the model API), replaced by its typed placeholder.

A secret here is

- every value held in a sensitive file: the repository's files that a path rule or the config
  names (dotenv files, keys, credential files), credentials in the repository's ``.git/config``,
  and the user's own credential files (``~/.aws/credentials``, ``~/.netrc``,
  ``~/.git-credentials``, ``~/.docker/config.json``, ``~/.kube/config``, ``~/.npmrc``…);
- the secret values of the environment the assistant runs in (Gemini CLI and Qwen Code load the
  repository's ``.env`` into their own process, and hooks inherit it);
- everything the engine detects in the text itself.

A known value is found as an exact substring and also in the encodings a command can turn it
into: base64 (at any alignment, standard and URL-safe), hex, URL-encoding, reversed and rot13;
the password of a known URL is a known value of its own. Encoded output that cuts a value apart
(hex and od dumps, folded or spaced text, wrapped base64 and base32, UTF-16) is read back by
guard.views, which looks for the known values and the engine's findings in what it decodes.
Which spans of a sensitive file are values is the redacted view's answer (guard.judge): the same
values the view hides are the ones the output layer hides.

Values live in memory only, for one process: nothing here writes a value or a cache of values.
"""

from __future__ import annotations

import os
import re

from guard import views
from guard.detect import formats, redact, syntax
from guard.detect.checks import shannon_entropy

TYPE_CHECKING = False  # typing costs a hook ~5 ms to import; annotations are strings here
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from guard.detect.engine import Engine
    from guard.judge import Judge
    from guard.views import Hit

# The user's credential files, relative to $HOME: every value in them, as a strict view hides
# them, except those that look like names, hosts or plain URLs (see _worth_hiding).
USER_FILES = (
    ".aws/credentials", ".netrc", "_netrc", ".git-credentials", ".docker/config.json",
    ".kube/config", ".npmrc", ".pypirc", ".config/gh/hosts.yml", ".gem/credentials",
    ".m2/settings.xml", ".config/rclone/rclone.conf",
    ".ssh/id_rsa", ".ssh/id_ed25519", ".ssh/id_ecdsa", ".ssh/id_dsa",
)
# Directories no secret file worth reading lives in, and that make a walk slow.
PRUNE = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox",
                   ".mypy_cache", ".ruff_cache", ".pytest_cache", ".cache", ".guard", "dist",
                   "build", "target", ".next", ".gradle", ".terraform", "vendor"})
WALK_LIMIT = 20_000  # entries of the repository looked at for sensitive files
# Variables every shell sets, whose names the secret-name pattern may match (PWD).
_NOT_SECRET_VARIABLES = frozenset({"PWD", "OLDPWD", "HOME", "PATH", "SHELL", "USER", "LOGNAME",
                                   "TERM", "LANG", "TMPDIR", "HOSTNAME", "SHLVL"})
MIN_VALUE = 6  # shorter values would hide ordinary words all over a tool's output
MIN_ENCODED = 8  # an encoded fragment shorter than this matches too much by chance
_KEY_BEFORE = re.compile(rb"([A-Za-z_][\w.\-]*)[\"']?\s*(?::=|=|:)\s*[\"']?$")
# In a tool's output: a value under a secret-named key, quoted (`"password": "…"`,
# `TOKEN = '…'`) or bare at the start of a line as in dotenv files, shell exports and the
# lines of a diff (`-DB_PASSWORD=…`), found in one pass over the text (the view's line-by-line
# reading of config formats would cost a hook more than all the rest on a large output).
_SECRET_KEY = (rb"(?:passw(?:or)?d|pwd|secret|token|api[_.-]?key|access[_.-]?key|"
               rb"private[_.-]?key|credentials?|auth[_.-]?key)")
_QUOTED_SECRET = re.compile(
    rb"(?i)" + _SECRET_KEY + rb"[\w.\-]*[\"']?[ \t]*(?::=|=|:)[ \t]*([\"'])([^\"'\n]{%d,})\1"
    % MIN_VALUE)
_BARE_SECRET = re.compile(
    rb"(?im)^[+\- ]?[ \t]*(?:export[ \t]+)?[\w.\-]*" + _SECRET_KEY
    + rb"[\w.\-]*[ \t]*[=:][ \t]*([^\s\"'#(){}<>,;$]{%d,})[ \t]*\r?$" % MIN_VALUE)
# What every name _SECRET_KEY matches contains (lower case).
_KEY_WORDS = (b"pass", b"pwd", b"secret", b"token", b"key", b"credential")
# A word or a name is not a value: `password: required`, `TOKEN=UNSET`, `secret: my_secret`.
_WORDISH = re.compile(rb"[a-z]+(?:[_\-][a-z]+)*|[A-Z]+(?:_[A-Z]+)*")
LARGE_OUTPUT = 48 * 1024  # from here the engine's Hyperscan prefilter pays for its loading
# A URL without a password, a path, a dotted host or a version: what config files hold besides
# credentials, and what ordinary output is full of.
_NOT_A_CREDENTIAL = re.compile(r"[a-z][a-z0-9+.-]*://[^@\s/]+(?:[/?#]\S*)?$|[~/.]{0,2}/[\w./-]*$|"
                               r"[\w-]+(?:\.[\w-]+)+$", re.IGNORECASE)


class Redactor:
    """Known secret values of a repository, its user and an environment, and the engine: one
    per process, values gathered on first use."""

    def __init__(self, judge: Judge, env: Mapping[str, str] | None = None,
                 home: str | None = None, large_from: int = 0,
                 also: Sequence[Judge] = ()) -> None:
        """``also``: the judges of more repositories whose secret files' values are known too
        (a proxy shared by the sessions of several projects); ``judge`` runs the engine."""
        self.judge = judge
        self.also = list(also)
        self.env = dict(os.environ if env is None else env)
        self.home = home or judge.home
        self._needles: list[tuple[bytes, bytes]] | None = None  # (needle, placeholder)
        # the known values themselves, with their labels (filled with the needles)
        self._known: list[tuple[bytes, str]] = []
        self.sources: list[str] = []  # files the known values came from (paths, never values)
        self._large: Engine | None = None
        # texts from this size get the Hyperscan engine: a hook process pays for loading it,
        # so only for large outputs (LARGE_OUTPUT); a long-lived proxy loads it once (0)
        self.large_from = large_from or LARGE_OUTPUT
        # every placeholder written, for an audit log (a placeholder holds no value)
        self.applied: list[bytes] = []

    # --- redacting ----------------------------------------------------------------------------

    def redact_text(self, text: str) -> tuple[str, int]:
        """``text`` with every secret a placeholder, and how many were replaced."""
        data = text.encode("utf-8", "surrogatepass")
        out, count = self.redact_bytes(data)
        return (out.decode("utf-8", "surrogatepass") if count else text), count

    def redact_bytes(self, data: bytes, path: str = "tool-output.txt") -> tuple[bytes, int]:
        spans: list[tuple[int, int, bytes]] = []
        for needle, holder in self.needles():
            pos = data.find(needle)
            while pos != -1:
                spans.append((pos, pos + len(needle), holder))
                pos = data.find(needle, pos + len(needle))
        for f in self._engine(len(data)).scan(data, path):
            if f.fingerprint in self.judge.config.allow_fingerprints:
                continue
            pos = data.find(f.secret)
            while pos != -1:  # every occurrence, also where no rule saw it
                spans.append((pos, pos + len(f.secret), redact.placeholder(f.secret, f.rule_id)))
                pos = data.find(f.secret, pos + len(f.secret))
        spans += views.spans(data, self._find)  # hex dumps, folded, base32…
        for start, end in _keyword_lines(data):
            for m in _QUOTED_SECRET.finditer(data, start, end):
                value = m.group(2)
                if not redact.plain(value, secret_key=True):
                    spans.append((m.start(2), m.end(2), redact.placeholder(value, "value")))
            for m in _BARE_SECRET.finditer(data, start, end):
                value = m.group(1)
                if redact.plain(value, secret_key=True) or _WORDISH.fullmatch(value) or \
                        value.startswith((b"/", b"~/")):  # PWD=/home/…: "pwd", and a path
                    continue
                spans.append((m.start(1), m.end(1), redact.placeholder(value, "value")))
        return _render(data, spans, self.applied)

    def _find(self, view: bytes, deep: bool) -> list[Hit]:
        """(start, end, value, label) of each known value in a view of a text (guard.views);
        ``deep`` (a decoded view, or one a trigger chose): also reversed, and the engine's
        findings."""
        self.needles()
        hits: list[Hit] = []
        for value, label in self._known:
            for needle, suffix in ((value, ""), (value[::-1], "-reversed"))[:2 if deep else 1]:
                pos = view.find(needle)
                while pos != -1:
                    hits.append((pos, pos + len(needle), value, label + suffix))
                    pos = view.find(needle, pos + len(needle))
        if deep:
            for f in self._engine(len(view)).scan(view, "decoded.txt"):
                if f.fingerprint in self.judge.config.allow_fingerprints:
                    continue
                pos = view.find(f.secret)
                while pos != -1:
                    hits.append((pos, pos + len(f.secret), f.secret, f.rule_id))
                    pos = view.find(f.secret, pos + len(f.secret))
        return hits

    def _engine(self, size: int) -> Engine:
        if size < self.large_from:
            return self.judge.engine
        if self._large is None:
            from guard.detect.engine import Engine
            from guard.detect.prefilter import SMALL_SCAN_BYTES

            # Hyperscan (its database cached on disk) from here on: loading it costs less than
            # looking for each keyword in turn
            self._large = Engine(self.judge.pack, max(size, SMALL_SCAN_BYTES + 1),
                                 disabled=self.judge.config.allow_rules)
        return self._large

    # --- what is known -----------------------------------------------------------------------

    def needles(self) -> list[tuple[bytes, bytes]]:
        """Every known value in every encoding, longest first, with its placeholder."""
        if self._needles is None:
            found: dict[bytes, bytes] = {}
            known: dict[bytes, str] = {}
            for value, label in self.values():
                known.setdefault(value, label)
                for part in _url_parts(value):  # the password of a URL, wherever it goes
                    known.setdefault(part, "url-password")
            for value, label in known.items():
                self._known.append((value, label))
                for needle, suffix in _encodings(value):
                    found.setdefault(needle, redact.placeholder(value, label + suffix))
            self._needles = sorted(found.items(), key=lambda kv: -len(kv[0]))
        return self._needles

    def values(self) -> Iterator[tuple[bytes, str]]:
        """(value, label) of every known secret value, raw."""
        for judge in (self.judge, *self.also):
            for abspath, label in self._repo_files(judge):
                yield from self._file_values(abspath, label, strict=True, judge=judge)
            git_config = os.path.join(judge.root, ".git", "config")
            if os.path.isfile(git_config):
                yield from self._file_values(git_config, "git-config", strict=False,
                                             judge=judge)
        for rel in USER_FILES:
            path = os.path.join(self.home, rel)
            if os.path.isfile(path):
                yield from self._file_values(path, "user-credentials", strict=True)
        yield from self._env_values()

    @staticmethod
    def _repo_files(judge: Judge) -> Iterator[tuple[str, str]]:
        """(abspath, rule id) of the repository's files sensitive by name."""
        from guard.sources.entries import entries

        for e, rel in entries(judge.root, PRUNE, limit=WALK_LIMIT):
            try:
                if not e.is_file():  # FIFOs, sockets, devices: never opened
                    continue
            except OSError:
                continue
            verdict = judge.path_rule(rel, e.path)
            if verdict is not None:
                yield e.path, verdict.rule_id or "sensitive-file"

    def _file_values(self, path: str, label: str, strict: bool,
                     judge: Judge | None = None) -> Iterator[tuple[bytes, str]]:
        judge = judge or self.judge  # the judge of the repository the file is in
        try:  # a FIFO or a device among them is never opened for reading (it would block)
            data = formats.read_regular(path, judge.config.max_file_size + 1)
        except OSError:
            return
        if data is None:
            return
        if len(data) > judge.config.max_file_size or formats.is_binary(data):
            return
        self.sources.append(path)
        for s, e, span_label in judge.spans(data, path, strict=strict):
            value = data[s:e].strip()
            key = _key_before(data, s)
            if not _worth_hiding(value, key, span_label):
                continue
            name = span_label if span_label not in ("value", "line") else label
            yield value, name
            if b"\n" in value:  # a key block: each of its lines can be printed alone
                for line in value.split(b"\n"):
                    line = line.strip()
                    if len(line) >= 16 and not line.startswith(b"-----"):
                        yield line, name

    def _env_values(self) -> Iterator[tuple[bytes, str]]:
        lines = []
        for name, value in self.env.items():
            raw = value.encode("utf-8", "surrogateescape")
            if name in _NOT_SECRET_VARIABLES or (value.startswith(("/", "~")) and
                                                  os.path.exists(os.path.expanduser(value))):
                continue  # PWD matches "pwd" as in password, and a path is no secret
            if syntax.SECRET_NAME.search(name) and _worth_hiding(raw, name.encode(), "value"):
                yield raw, "environment"
            elif len(raw) >= MIN_VALUE and "\n" not in value:
                lines.append(f"{name}={value}")
        if lines:  # values the engine recognises whatever their name (a token in GH_AUTH…)
            data = "\n".join(lines).encode("utf-8", "surrogateescape")
            for s, e, label in self.judge.spans(data, ".env", strict=False):
                if label not in ("value", "line") and e - s >= MIN_VALUE:
                    yield data[s:e], label


def _keyword_lines(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of the lines of ``data`` holding a secret-name keyword: the only lines the
    key-value patterns can match (running them over every position of a large output costs a
    hook more than everything else it does)."""
    lower = data.lower()
    starts: set[int] = set()
    for word in _KEY_WORDS:
        pos = lower.find(word)
        while pos != -1:
            starts.add(lower.rfind(b"\n", 0, pos) + 1)
            pos = lower.find(word, pos + len(word))
    lines = []
    for start in sorted(starts):
        end = data.find(b"\n", start)
        lines.append((start, len(data) if end == -1 else end))
    return lines


def _key_before(data: bytes, start: int) -> bytes:
    line_start = data.rfind(b"\n", 0, start) + 1
    m = _KEY_BEFORE.search(data[line_start:start])
    return m.group(1) if m else b""


def _worth_hiding(value: bytes, key: bytes, label: str) -> bool:
    """Whether a value of a sensitive file is hidden wherever it appears. Rule findings and
    values of secret-named keys are; any other value only when it looks like a credential
    rather than a word, a name or a host (those would hide ordinary output everywhere)."""
    if len(value) < MIN_VALUE or redact.plain(value, secret_key=False):
        return False
    if label not in ("value", "line"):
        return True  # a rule's finding: a token, a key, a URL with a password
    if key and syntax.SECRET_NAME.search(key.decode("utf-8", "replace")):
        return True
    text = value.decode("utf-8", "replace")
    if _NOT_A_CREDENTIAL.match(text):
        return False
    return len(value) >= 20 or (len(value) >= 8 and shannon_entropy(value) >= 3.0 and any(
        c.isdigit() for c in text) and any(c.isalpha() for c in text))


def _encodings(value: bytes) -> Iterator[tuple[bytes, str]]:
    """``value`` and what commands turn it into, with the label suffix of each."""
    import base64
    import binascii
    from urllib.parse import quote, quote_plus

    yield value, ""
    if len(value) < MIN_ENCODED:
        return
    for k in range(3):  # the value at each offset modulo 3 of a longer encoded text
        padded = b"\0" * k + value
        first = -(-8 * k // 6)  # the first character that depends on the value alone
        last = (8 * (k + len(value)) - 6) // 6
        for enc, suffix in ((base64.b64encode, "-base64"), (base64.urlsafe_b64encode,
                                                            "-base64")):
            fragment = enc(padded)[first:last + 1]
            if len(fragment) >= MIN_ENCODED:
                yield fragment, suffix
    hexed = binascii.hexlify(value)
    yield hexed, "-hex"
    yield hexed.upper(), "-hex"
    text = value.decode("utf-8", "surrogateescape")
    for quoted in (quote(text, safe=""), quote_plus(text, safe="")):
        if quoted != text:
            yield quoted.encode("utf-8", "surrogateescape"), "-url"
    yield value[::-1], "-reversed"
    rot13 = value.translate(_ROT13)
    if rot13 != value:
        yield rot13, "-rot13"


_ROT13 = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                         b"NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm")
# The user and password of a URL: `scheme://user:password@host`.
_URL_USERINFO = re.compile(rb"[a-zA-Z][a-zA-Z0-9+.\-]*://([^:@/\s]*):([^@/\s]+)@")


def _url_parts(value: bytes) -> Iterator[bytes]:
    """The password (and user:password) of each URL in a known value, raw and percent-decoded,
    when it looks like a credential: a URL's password is printed without the URL too
    (URL-quoted with its slashes, in a connection string of another form)."""
    from urllib.parse import unquote_to_bytes

    for m in _URL_USERINFO.finditer(value):
        password = m.group(2)
        for form in dict.fromkeys((password, unquote_to_bytes(password))):
            if _worth_hiding(form, b"", "value"):
                yield form
                if m.group(1):
                    yield m.group(1) + b":" + form


def _render(data: bytes, spans: list[tuple[int, int, bytes]],
            applied: list[bytes] | None = None) -> tuple[bytes, int]:
    """``data`` with each span replaced; overlapping spans merge into the first one. The
    placeholders written are appended to ``applied``."""
    if not spans:
        return data, 0
    spans.sort(key=lambda s: (s[0], -s[1]))
    out: list[bytes] = []
    pos = 0
    count = 0
    for s, e, holder in spans:
        if s < pos:  # inside a span already replaced
            if e > pos:
                pos = e
            continue
        out.append(data[pos:s])
        out.append(holder)
        if applied is not None:
            applied.append(holder)
        pos = e
        count += 1
    out.append(data[pos:])
    return b"".join(out), count
