"""Redacted views: a file with every secret value replaced by a typed placeholder, keeping keys,
comments, structure and line numbers, so that an agent learns which settings exist without
learning their values.

    DB_PASSWORD=<redacted:value len=16 fp=1a2b3c4d>
    token = "<redacted:github-pat-classic len=40 fp=9f8e7d6c>"
    <redacted:private-key len=1679 fp=0a1b2c3d>        (first line of a PEM block)
    <redacted:continued>                               (each further line of it)

A placeholder names what was found (the engine's rule id; ``value`` for a value redacted because
of where it stands; ``line`` for a line of a sensitive file that has no key), the value's length
in characters and the first 8 hex digits of its keyed fingerprint (equal values, equal
fingerprints; see guard.detect.finding). A value spanning lines keeps its line count: the
placeholder stands where it starts, each further line it covers becomes ``<redacted:continued>``,
and what follows it on its last line stays.

What is redacted:

- everything the engine finds, in any text file, and every other occurrence of the same value;
- in every file, the value of a secret-named key (password, token, api_key…) when it is quoted,
  and in config formats (dotenv, INI, properties, YAML, TOML, JSON) also when it is bare;
- in *strict* files — dotenv-like files and every file a sensitive-path rule or the config's
  ``sensitive`` list names — every value, whatever its key, except values that are plainly not
  secret: empty, booleans and null, small numbers and values of up to 3 characters (under a
  non-secret key), references to other variables (``${X}``), and a few environment words
  (production, debug, localhost…). In such a
  file a line with no key that is not a comment or bare structure is redacted whole;
  ``.netrc`` keeps its ``machine``/``login`` words and loses its passwords.

A view contains no placeholder-shaped text that it would redact again: viewing a view changes
nothing.
"""

from __future__ import annotations

import os
import re

from guard.detect import syntax
from guard.detect.finding import fingerprint
from guard.detect.formats import is_binary, is_dotenv  # noqa: F401  (is_binary: re-exported)

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing or collections costs a hook
if TYPE_CHECKING:
    from guard.config import Config
    from guard.detect.engine import Engine
    from guard.detect.finding import Finding
    from guard.detect.ruleset import RuleSet

PLACEHOLDER = re.compile(rb"<redacted:[\w.\-]+(?: len=\d+ fp=[0-9a-f]+)?>")
CONTINUED = b"<redacted:continued>"

_PLAIN = re.compile(
    rb"(?i)^(?:|true|false|yes|no|on|off|null|none|nil|~|development|production|staging|test|"
    rb"testing|local|dev|prod|debug|info|warn|warning|error|trace|localhost|127\.0\.0\.1|0\.0\.0\.0)$")
_SMALL_NUMBER = re.compile(rb"^[-+]?\d{1,5}(?:\.\d{1,4})?$")
_REFERENCE = re.compile(rb"^(?:\$\{[^}\s]+\}|\$[A-Za-z_]\w*|\{\{[^}]*\}\}|%\([\w.]+\)s|"
                        rb"<%=?[^%]*%>)$")
_CONFIG_EXT = frozenset({".env", ".ini", ".cfg", ".conf", ".properties", ".yaml", ".yml",
                         ".toml", ".json", ".tfvars", ".tfstate", ".npmrc", ".pypirc",
                         ".credentials", ".config"})
# [indent][- ][export ]["]key["] (= | : | := | =>) value  — one line of a key-value format.
_KV = re.compile(
    rb"^(?P<pre>[ \t]*(?:-[ \t]+)?(?:export[ \t]+)?(?P<q>[\"']?)"
    rb"(?P<key>[^\s:=#;\"'\[\]{}<>][^:=#\"'<>]*?|[A-Za-z_][\w.\-]*)(?P=q)[ \t]*"
    rb"(?::=|=>|=|:(?=[ \t]|$))[ \t]*)(?P<val>[^\r\n]*)$")
_COMMENTED_KV = re.compile(rb"^[ \t]*#[ \t]*(?:export[ \t]+)?[A-Za-z_][\w.\-]*[ \t]*=")
_LIST_ITEM = re.compile(rb"^(?P<pre>[ \t]*-[ \t]+)(?P<val>[^\r\n]*)$")
_STRUCTURE = re.compile(rb"^[\s\[\]{}(),;]*$|^[ \t]*\[[^\]]*\][ \t]*$")
_COMMENT = re.compile(rb"^[ \t]*(?:#|;|//|<!--|--|\*|/\*)")
_JSON_TOKEN = re.compile(rb'"(?:[^"\\\n]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?')
_NETRC_SECRET = re.compile(rb"\b(?:password|passwd|account)[ \t]+(\S+)")


class View:
    __slots__ = ("data", "redacted")

    def __init__(self, data: bytes, redacted: int) -> None:
        self.data = data
        self.redacted = redacted  # placeholders written


def is_strict(path: str, pack: RuleSet, config: Config | None = None,
              root: str | None = None) -> bool:
    """Strict files have every value redacted: dotenv-like files, and files that are sensitive
    by name (a path rule on the path relative to ``root`` or to $HOME, or the config's
    ``sensitive`` list)."""
    if is_dotenv(path):
        return True
    abspath = os.path.abspath(path)
    rels = [os.path.basename(path), abspath.lstrip("/")]
    for base in (root, os.path.expanduser("~")):
        if base and abspath.startswith(base.rstrip(os.sep) + os.sep):
            rels.append(abspath[len(base.rstrip(os.sep)) + 1:].replace(os.sep, "/"))
    if any(pack.path_rule_for(r) is not None for r in rels):
        return True
    return bool(config is not None and config.user_sensitive(abspath))


def disabled_rules(pack: RuleSet, strict: bool,
                   disabled: frozenset[str] = frozenset()) -> frozenset[str]:
    """Rules a view's engine can skip. In a strict file every value that is not plain goes
    anyway, and what a syntax rule confirms (a literal under a secret-named key) is such a
    value: skipping those rules spares loading a tree-sitter grammar, most of a view's time."""
    if not strict:
        return disabled
    return disabled | frozenset(r.id for r in pack.rules if r.syntax)


def redact(data: bytes, path: str, engine: Engine, strict: bool = False,
           allow_fingerprints: frozenset[str] = frozenset()) -> View:
    """The view of ``data`` (the content of ``path``)."""
    return render(data, secret_spans(data, path, engine, strict, allow_fingerprints))


def secret_spans(data: bytes, path: str, engine: Engine, strict: bool = False,
                 allow_fingerprints: frozenset[str] = frozenset()) -> list[tuple[int, int, str]]:
    """The byte spans of ``data`` a view replaces, sorted and merged, each with its label (the
    rule id, or ``value``/``line`` for what stands where a secret stands)."""
    spans: list[tuple[int, int, str]] = []
    values: dict[bytes, str] = {}
    for f in engine.scan(data, path):
        if f.fingerprint in allow_fingerprints:
            continue
        span = _offsets(data, f)
        if span is not None:
            spans.append((*span, f.rule_id))
        values.setdefault(f.secret, f.rule_id)
    for value, rule_id in values.items():  # the same value elsewhere, where no rule saw it
        pos = data.find(value)
        while pos != -1:
            spans.append((pos, pos + len(value), rule_id))
            pos = data.find(value, pos + len(value))
    spans.extend(_structural_spans(data, path, strict))
    return merge(spans)


def _offsets(data: bytes, finding: Finding) -> tuple[int, int] | None:
    """Byte span of a finding: its value, searched from the start of its line where the
    engine's character column says it begins."""
    from guard.detect.engine import _column

    line_start = 0
    for _ in range(finding.line - 1):
        line_start = data.find(b"\n", line_start) + 1
        if line_start == 0:
            return None
    pos = data.find(finding.secret, line_start)
    while pos != -1:
        if _column(data, line_start, pos) == finding.column:
            return pos, pos + len(finding.secret)
        if data.rfind(b"\n", line_start, pos) != -1:
            break
        pos = data.find(finding.secret, pos + 1)
    return None


# --- values by position -----------------------------------------------------------------------


def _structural_spans(data: bytes, path: str, strict: bool) -> list[tuple[int, int, str]]:
    name = os.path.basename(path).lower()
    ext = os.path.splitext(name)[1]
    config_format = (is_dotenv(path) or ext in _CONFIG_EXT
                     or syntax.bare_values_are_strings(path))
    if strict and not is_dotenv(path) and (
            ext in (".json", ".tfstate") or _parses_as_json(data)):
        return _json_spans(data, strict=True)
    if ext == ".json":
        return _json_spans(data, strict=False)
    if strict and name in (".netrc", "_netrc"):
        return [(m.start(1), m.end(1), "value") for m in _NETRC_SECRET.finditer(data)]
    return _line_spans(data, strict, config_format, is_dotenv(path))


def plain(value: bytes, secret_key: bool) -> bool:
    """A value that is plainly not secret (kept in every view)."""
    v = value.strip()
    if PLACEHOLDER.sub(b"", v).strip(b" \t\r\n\"'") == b"" and (v or not secret_key):
        return True
    if _REFERENCE.match(v):
        return True
    if secret_key:
        return v.lower() in (b"", b"true", b"false", b"null", b"none", b"nil", b"~")
    return bool(_PLAIN.match(v) or _SMALL_NUMBER.match(v)) or len(v) <= 3  # v1, en, us


def _secret_key(key: bytes) -> bool:
    return bool(syntax.SECRET_NAME.search(key.decode("utf-8", "replace")))


def _line_spans(data: bytes, strict: bool, config_format: bool,
                dotenv: bool) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    pos = 0
    size = len(data)
    block: tuple[int, int] | None = None  # (indent of the key, start of the block's value)
    while pos < size or (pos == size and block):
        end = data.find(b"\n", pos)
        end = size if end == -1 else end
        line = data[pos:end]
        nxt = end + 1
        if block is not None:  # inside a YAML block scalar (key: |)
            indent = len(line) - len(line.lstrip(b" \t"))
            if line.strip() and indent <= block[0]:
                spans.extend(_block_span(data, block[1], pos - 1))
                block = None
            elif pos >= size:
                spans.extend(_block_span(data, block[1], size))
                block = None
                break
            else:
                pos = nxt
                continue
        if pos >= size:
            break
        line_spans, skip_to, opened = _line(data, pos, end, line, strict, config_format, dotenv)
        spans.extend(line_spans)
        if opened is not None:
            block = opened
        pos = max(nxt, skip_to)
    return spans


def _block_span(data: bytes, start: int, stop: int) -> list[tuple[int, int, str]]:
    """The text of a YAML block scalar, from the first non-blank character of its first line."""
    text = data[start:stop]
    lead = len(text) - len(text.lstrip(b" \t\r\n"))
    body_start = start + lead
    body_end = stop
    while body_end > body_start and data[body_end - 1:body_end] in (b" ", b"\t", b"\r", b"\n"):
        body_end -= 1
    if body_end <= body_start or plain(data[body_start:body_end], False):
        return []
    return [(body_start, body_end, "value")]


def _line(data: bytes, start: int, end: int, line: bytes, strict: bool, config_format: bool,
          dotenv: bool) -> tuple[list[tuple[int, int, str]], int, tuple[int, int] | None]:
    """Spans of one line; where the next line to read starts (after a multi-line value); and,
    when the line opens a YAML block scalar, (indent, offset where its value starts)."""
    stripped = line.strip()
    if not stripped or PLACEHOLDER.sub(b"", stripped).strip(b" \t\"',") == b"":
        return [], 0, None
    commented = _COMMENTED_KV.match(line) is not None
    if _COMMENT.match(line) and not (commented and (strict or dotenv)):
        return [], 0, None
    body = line
    offset = start
    if commented:  # `# OLD_KEY=value` in a dotenv file: still a value
        hash_at = line.index(b"#")
        body = line[hash_at + 1:]
        offset = start + hash_at + 1
    m = _KV.match(body)
    if m is not None:
        key = m.group("key").strip()
        secret_key = _secret_key(key)
        if not (strict or secret_key):
            return [], 0, None
        return _value(data, offset + m.start("val"), start + len(line), m.group("val"),
                      secret_key, strict or config_format, dotenv or strict,
                      indent=len(line) - len(line.lstrip(b" \t")))
    if not strict or _STRUCTURE.match(line):
        return [], 0, None
    item = _LIST_ITEM.match(line)
    if item is not None:
        spans, skip, _ = _value(data, start + item.start("val"), start + len(line),
                                item.group("val"), False, True, True, indent=0)
        return spans, skip, None
    lead = len(line) - len(line.lstrip(b" \t"))
    return [(start + lead, start + len(line.rstrip(b" \t\r")), "line")], 0, None


def _value(data: bytes, vstart: int, line_end: int, val: bytes, secret_key: bool,
           bare_ok: bool, multiline: bool,
           indent: int) -> tuple[list[tuple[int, int, str]], int, tuple[int, int] | None]:
    """The span of one value that starts at ``vstart``: inside its quotes, or bare up to a
    comment; a double-quoted value may run over lines (dotenv)."""
    if not val.strip():
        return [], 0, None
    q = val[:1]
    if q in (b'"', b"'", b"`"):
        close = _closing_quote(data, vstart + 1, q, multiline and q == b'"')
        if close == -1:
            close = line_end
        inner = data[vstart + 1:close]
        if plain(inner, secret_key):
            return [], 0, None
        skip = data.find(b"\n", close) + 1 if b"\n" in inner else 0
        return [(vstart + 1, close, "value")], skip, None
    if not bare_ok:
        return [], 0, None
    text = val.rstrip(b" \t\r")
    cut = text.find(b" #")
    if cut != -1:
        text = text[:cut].rstrip()
    text = text[:-1].rstrip() if text.endswith(b",") else text
    if text in (b"|", b">") or re.fullmatch(rb"[|>][-+0-9]*", text):
        return [], 0, (indent, line_end + 1)
    if text[:1] in (b"{", b"[") or plain(text, secret_key):
        return [], 0, None
    return [(vstart, vstart + len(text), "value")], 0, None


def _closing_quote(data: bytes, pos: int, quote: bytes, multiline: bool) -> int:
    while True:
        nxt = data.find(quote, pos)
        if nxt == -1:
            return -1
        if not multiline and data.find(b"\n", pos, nxt) != -1:
            return -1
        backslashes = 0
        k = nxt - 1
        while k >= pos and data[k:k + 1] == b"\\":
            backslashes += 1
            k -= 1
        if quote == b"'" or backslashes % 2 == 0:
            return nxt
        pos = nxt + 1


def _parses_as_json(data: bytes) -> bool:
    """A strict file that starts like JSON is read as JSON only when it is JSON: lines such as
    ``KEY=value`` after a stray ``{`` are hidden line by line."""
    if data.lstrip()[:1] not in (b"{", b"["):
        return False
    import json

    try:
        json.loads(data)
    except ValueError:  # UnicodeDecodeError is a ValueError
        return False
    return True


def _json_spans(data: bytes, strict: bool) -> list[tuple[int, int, str]]:
    """JSON (also minified, also .tfstate): strings followed by ``:`` are keys; other strings
    are values, redacted in strict files or under a secret-named key."""
    spans: list[tuple[int, int, str]] = []
    last_key = b""
    placeholders = [p.span() for p in PLACEHOLDER.finditer(data)]
    for m in _JSON_TOKEN.finditer(data):
        tok = m.group(0)
        if any(s <= m.start() < e for s, e in placeholders):
            continue  # the digits of a placeholder's length or fingerprint
        after = data[m.end():m.end() + 64].lstrip()
        if tok[:1] == b'"' and after[:1] == b":":
            last_key = tok[1:-1]
            continue
        secret_key = _secret_key(last_key)
        if tok[:1] == b'"':
            inner = tok[1:-1]
            if (strict or secret_key) and not plain(inner, secret_key):
                spans.append((m.start() + 1, m.end() - 1, "value"))
        elif (strict or secret_key) and not plain(tok, secret_key):
            spans.append((m.start(), m.end(), "value"))
    return spans


# --- rendering ----------------------------------------------------------------------------------


def merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Overlapping spans become one; the engine's rule id wins over a positional label."""
    out: list[tuple[int, int, str]] = []
    for s, e, label in sorted(spans):
        if e <= s:
            continue
        if out and s < out[-1][1]:
            ps, pe, plabel = out[-1]
            keep = plabel if plabel not in ("value", "line") else label
            out[-1] = (ps, max(pe, e), keep)
        else:
            out.append((s, e, label))
    return out


def placeholder(value: bytes, label: str) -> bytes:
    """The typed placeholder that stands for ``value``: equal values, equal placeholders."""
    length = len(value.decode("utf-8", "replace"))
    return f"<redacted:{label} len={length} fp={fingerprint(value)[:8]}>".encode()


def render(data: bytes, spans: list[tuple[int, int, str]]) -> View:
    out: list[bytes] = []
    pos = 0
    count = 0
    for s, e, label in spans:
        value = data[s:e]
        if PLACEHOLDER.sub(b"", value).strip(b" \t\r\n") == b"":
            continue  # already a placeholder: a view of a view stays as it is
        out.append(data[pos:s])
        out.append(placeholder(value, label))
        for line in value.split(b"\n")[1:]:  # keep each line's indentation: it is structure
            out.append(b"\n" + line[:len(line) - len(line.lstrip(b" \t"))] + CONTINUED)
        pos = e
        count += 1
    out.append(data[pos:])
    return View(b"".join(out), count)
