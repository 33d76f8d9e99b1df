"""Tree-sitter confirmation for generic "secret-named key = value" matches.

The generic rule's regex only sees a line. Here the whole file is parsed and the candidate is
accepted only when it is a constant string literal that is the value of an assignment, pair,
keyword argument, declaration or default whose key is secret-named. Everything else (comments,
calls, identifiers, concatenations, interpolated strings, positional arguments) is rejected.

tree_sitter and the grammar packages are imported on the first call for a language, so importing
this module stays cheap for scans that never reach a generic candidate.
"""

from __future__ import annotations

import os
import re
import threading

from guard.detect.formats import is_dotenv
from guard.detect.grammars import _GRAMMARS, _MODULES, _TYPED_WRAPPERS, _Grammar

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would cost more than this module
if TYPE_CHECKING:
    from tree_sitter import Node, Parser, Tree

# Key names that hold credentials. Searched (not matched) so prefixes and dotted paths count:
# DB_PASSWORD, "apiKey", spring.datasource.password, self.secret_key, config['token'].
# Compiled without IGNORECASE and searched in the lower-cased name (half the compile time, which
# every hook and one-file scan pays); camelCase Pass/Pw (adminPass, dbPw) needs the case.
class _SecretName:
    __slots__ = ()

    def search(self, name: str) -> re.Match[str] | bool | None:
        return _SECRET_WORDS.search(name.lower()) or _camel_pass(name)


def _camel_pass(name: str) -> bool:
    """A camelCase Pass, Passw or Pw part: adminPass, dbPw (not Passport, not Pwned)."""
    for word in ("Pass", "Pw"):
        at = name.find(word, 1)
        while at != -1:
            end = at + len(word)
            if word == "Pass" and name[end:end + 1] == "w":
                end += 1
            if name[at - 1].islower() and not name[end:end + 1].islower():
                return True
            at = name.find(word, at + 1)
    return False


_SECRET_WORDS = re.compile(
    r"passw(?:or)?d|pwd|secret|token|api[_.-]?key|access[_.-]?key|private[_.-]?key|"
    r"client[_.-]?secret|credentials?|auth[_.-]?key|signing[_.-]?key|encryption[_.-]?key|"
    r"master[_.-]?key|psswd|pswd|passwrd|passphrase|(?<![a-z])(?:passw?|pw)(?![a-z])|"
    # misspelt and short names, and the word in other languages (German, Spanish, Portuguese,
    # Italian and Turkish; French mdp): db.paswd, CLIENT_SEC, ansible_kennwort
    r"paswd|pasword|passwort|kennwort|contrase(?:n|\u00f1)a|senha|parola|secert|privkey|"
    r"client[_.-]?sec|(?<![a-z])(?:mdp|tkn|creds)(?![a-z])"
)
SECRET_NAME = _SecretName()
# Any name ending in key (STRIPE_KEY, columnKey, config["key"]) confirms a syntax rule's value:
# the key rule's own regex leaves out public, primary, cache and other keys that hold no secret.
# Views and the redactor keep to SECRET_NAME.

# Bigger files (minified bundles, data dumps) are not parsed: the engine falls back to the regex.
MAX_PARSE_BYTES = 4 * 1024 * 1024

_EXTENSIONS = {
    ".py": "python", ".pyi": "python",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx",
    ".go": "go",
    ".java": "java",
    ".rb": "ruby",
    ".yaml": "yaml", ".yml": "yaml",
    ".json": "json",
    ".toml": "toml",
    ".sh": "bash", ".bash": "bash", ".zsh": "bash", ".env": "bash",
    ".dockerfile": "dockerfile",
}
# Whole (lower-cased) file names that have no telling extension.
_NAMES = {
    "rakefile": "ruby", "gemfile": "ruby",
    ".env": "bash", ".envrc": "bash", ".bashrc": "bash", ".bash_profile": "bash",
    ".zshrc": "bash", ".profile": "bash",
    "dockerfile": "dockerfile", "containerfile": "dockerfile",
}
_BARE_EXTENSIONS = frozenset({".ini", ".cfg", ".conf", ".properties", ".mk", ".mak"})
# Code in a language without a grammar here: an unquoted value is a name or a call there, as in
# the languages that have one. Any other file without a grammar (.txt, .md, .log, .xml, no
# extension at all) is text, where people write "password: value" without quotes.
_CODE_EXTENSIONS = frozenset({
    ".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".cs", ".fs", ".vb", ".rs", ".kt", ".kts",
    ".scala", ".sc", ".groovy", ".gradle", ".swift", ".m", ".mm", ".php", ".phtml", ".pl", ".pm",
    ".lua", ".r", ".dart", ".ex", ".exs", ".erl", ".hrl", ".hs", ".clj", ".cljs", ".elm", ".ml",
    ".jl", ".sol", ".vue", ".svelte", ".ps1", ".psm1", ".zig", ".nim", ".cr", ".d", ".ipynb",
    ".html", ".htm", ".css", ".scss", ".less", ".sql", ".tf", ".hcl", ".nix", ".coffee", ".pyx",
    ".tpl", ".j2", ".jinja", ".erb", ".ejs", ".hbs", ".mustache", ".twig",
})
_BARE_NAMES = frozenset({".npmrc", ".pypirc", ".netrc", "_netrc"})
_BARE_LANGUAGES = frozenset({"bash", "dockerfile", "yaml"})


def language_for(path: str) -> str | None:
    """The grammar name for ``path``, decided by file name alone, or None if there is none."""
    name = os.path.basename(path).lower()
    if name in _NAMES:
        return _NAMES[name]
    lang = _EXTENSIONS.get(os.path.splitext(name)[1])
    if lang is not None:
        return lang
    if name.startswith(".env."):  # .env.local, .env.production, ...
        return "bash"
    if name.startswith(("dockerfile.", "containerfile.")):  # Dockerfile.dev
        return "dockerfile"
    return None


def bare_values_are_strings(path: str) -> bool:
    """True where an unquoted value is still a string: dotenv, shell, config and ini files."""
    name = os.path.basename(path).lower()
    if name in _BARE_NAMES or os.path.splitext(name)[1] in _BARE_EXTENSIONS:
        return True
    return language_for(path) in _BARE_LANGUAGES


def is_text(path: str) -> bool:
    """A file of prose, logs or a format Guard has no grammar for, rather than code."""
    name = os.path.basename(path).lower()
    ext = os.path.splitext(name)[1]
    if ext in _CODE_EXTENSIONS or ext in _BARE_EXTENSIONS or name in _BARE_NAMES:
        return False
    return language_for(path) is None


# The text before a dotenv value, from the start of its line: [export] KEY = ["'].
_DOTENV_LINE = re.compile(rb"[ \t]*(?:export[ \t]+)?([A-Za-z_][\w.\-]*)[ \t]*=[ \t]*[\"']?\Z")
_DOTENV_EXPANSION = re.compile(rb"\$[({A-Za-z_]")  # $VAR, ${VAR}, $(cmd): a reference, not a value


# --- lazy parsers and the one-tree cache ---------------------------------------------------------

_LOCK = threading.Lock()  # tree-sitter parsers are not safe to share between threads
_PARSERS: dict[str, Parser] = {}
_BROKEN: set[str] = set()  # grammars that failed to load: not retried on every candidate
# (path, id(data), len(data)), the data itself (held so its id cannot be reused), the tree.
_LAST: tuple[tuple[str, int, int], bytes, Tree | None] | None = None


def _parser(lang: str) -> Parser | None:
    """The cached parser for ``lang``, created on first use; None if the grammar won't load."""
    parser = _PARSERS.get(lang)
    if parser is not None or lang in _BROKEN:
        return parser
    try:
        import importlib
        import warnings

        import tree_sitter

        module_name, func = _MODULES[lang]
        module = _grammar_binding(module_name) or importlib.import_module(module_name)
        with warnings.catch_warnings():
            # tree-sitter-dockerfile still hands over an int pointer, which 0.25+ deprecates.
            warnings.simplefilter("ignore", DeprecationWarning)
            language = tree_sitter.Language(getattr(module, func)())
        parser = tree_sitter.Parser(language)
    except Exception:
        _BROKEN.add(lang)
        return None
    _PARSERS[lang] = parser
    return parser


def _grammar_binding(package: str) -> object:
    """The grammar package's compiled ``_binding`` module, loaded without running the package's
    ``__init__``: that imports importlib.resources (for its query files, which Guard does not
    use), which alone costs more than parsing a file. None if the layout is not the usual one."""
    import importlib.machinery
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    for directory in spec.submodule_search_locations:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            candidate = os.path.join(directory, "_binding" + suffix)
            if os.path.exists(candidate):
                name = f"{package}._binding"
                loader = importlib.machinery.ExtensionFileLoader(name, candidate)
                binding = importlib.util.spec_from_file_location(name, candidate, loader=loader)
                if binding is None:
                    return None
                module = importlib.util.module_from_spec(binding)
                loader.exec_module(module)
                return module
    return None


def _tree(lang: str, path: str, data: bytes) -> Tree | None:
    """The parse tree of ``data``, reusing the last one when the same buffer asks again."""
    global _LAST
    key = (path, id(data), len(data))
    with _LOCK:
        if _LAST is not None and _LAST[0] == key and _LAST[1] is data:
            return _LAST[2]
        parser = _parser(lang)
        if parser is None:
            return None
        # The same file again with other content (an editor buffer after a keystroke, a file in
        # the next commit): tell tree-sitter what changed so that it reparses only that part.
        last = _LAST if _LAST is not None and _LAST[0][0] == path else None
        old = last[2] if last is not None else None
        try:
            if last is not None and old is not None:
                _edit(old, last[1], data)
                tree = parser.parse(data, old)
            else:
                tree = parser.parse(data)
        except Exception:
            tree = None
        _LAST = (key, data, tree)
        return tree


def _edit(tree: Tree, old: bytes, new: bytes) -> None:
    """Record on ``tree`` (parsed from ``old``) the one edit that turns ``old`` into ``new``:
    the span between their common prefix and their common suffix."""
    start = _common_prefix(old, new)
    limit = min(len(old), len(new)) - start
    tail = _common_prefix(old[::-1][:limit], new[::-1][:limit])
    old_end, new_end = len(old) - tail, len(new) - tail
    tree.edit(start_byte=start, old_end_byte=old_end, new_end_byte=new_end,
              start_point=_point(old, start), old_end_point=_point(old, old_end),
              new_end_point=_point(new, new_end))


def _common_prefix(a: bytes, b: bytes) -> int:
    """Length of the common prefix, by bisection on slice comparisons (memcmp, not a loop)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _point(data: bytes, offset: int) -> tuple[int, int]:
    return (data.count(b"\n", 0, offset), offset - (data.rfind(b"\n", 0, offset) + 1))


# --- the check -----------------------------------------------------------------------------------


def confirm(path: str, data: bytes, start: int, end: int) -> bool | None:
    """Is ``data[start:end]`` a constant string literal assigned to a secret-named key?

    None when there is no grammar for ``path`` or it could not be parsed there, so the caller
    falls back to the regex; True or False when the syntax tree decides.
    """
    lang = language_for(path)
    if lang is None or len(data) > MAX_PARSE_BYTES:
        return None
    try:
        tree = _tree(lang, path, data)
        if tree is None:
            return None
        dotenv = is_dotenv(path)
        return _decide(_GRAMMARS[lang], tree.root_node, data, start, end, dotenv)
    except Exception:  # a surprise in a grammar must never break a scan
        return None


def _decide(grammar: _Grammar, root: Node, data: bytes, start: int, end: int,
            dotenv: bool) -> bool | None:
    if not 0 <= start < end <= len(data):
        return False
    node = root.descendant_for_byte_range(start, end)
    if _inside_error(node):
        return None  # the parser gave up around the candidate: syntax can't tell, trust the regex
    literal = _enclosing_literal(grammar, node)
    if literal is not None and _assigned_to_secret(grammar, literal):
        return True
    # dotenv is looser than bash (KEY = value, values running past & ; |): read the line itself.
    if dotenv and _dotenv_assigns_secret(data, start, end):
        return True
    # A file that does not parse (YAML indented wrong, a template) leaves the tree around the
    # candidate unreliable even outside its error nodes: the regex decides there.
    return None if root.has_error else False


def _inside_error(node: Node | None) -> bool:
    while node is not None:
        if node.is_error or node.is_missing:
            return True
        node = node.parent
    return False


def _enclosing_literal(grammar: _Grammar, node: Node | None) -> Node | None:
    """The innermost string literal that contains ``node``, or None (comment, code, ...)."""
    while node is not None:
        if node.type in grammar.strings:
            return node
        node = node.parent
    return None


def _dotenv_assigns_secret(data: bytes, start: int, end: int) -> bool:
    """A dotenv line ``[export] KEY = value`` with a secret KEY whose value starts the span."""
    line_start = data.rfind(b"\n", 0, start) + 1
    m = _DOTENV_LINE.match(data, line_start, start)
    if m is None or not SECRET_NAME.search(m.group(1).decode("ascii")):
        return False
    value = data[start:end]
    return b"\n" not in value and not _DOTENV_EXPANSION.search(value)


def _is_dynamic(grammar: _Grammar, literal: Node) -> bool:
    return any(child.type in grammar.dynamic for child in literal.children)


def _assigned_to_secret(grammar: _Grammar, literal: Node) -> bool:
    """The literal is constant and is the value held by a secret-named key."""
    if _is_dynamic(grammar, literal):
        return False
    value, index = _lift(grammar, literal)
    if value is None:
        return False
    parent = value.parent
    if parent is None:
        return False
    spec = grammar.pairs.get(parent.type)
    if spec is None:
        return False
    key_field, value_field = spec
    if not _is_value_of(parent, value, value_field):
        return False
    key = _key_node(grammar, parent, key_field, index)
    if key is None:
        return False
    assert key.text is not None  # parsed from bytes, every node has its text
    name = key.text.decode("utf-8", "replace")
    return bool(SECRET_NAME.search(name) or name.lower().rstrip("\"'`]").endswith("key"))


def _lift(grammar: _Grammar, literal: Node) -> tuple[Node | None, int | None]:
    """Climb from the literal through pass-through wrappers to the node an assignment holds.

    Returns that node and, when a comma list was crossed, the literal's position in it (to pick
    the matching target in ``a, token = 1, "v"``). None if a wrapper mixes in other code.
    """
    node, index = literal, None
    while node.parent is not None and node.parent.type in grammar.wrappers:
        parent = node.parent
        if parent.type in grammar.lists:
            index = _named_index(parent, node)
        elif parent.type == "concatenated_string":
            if any(_is_dynamic(grammar, part) for part in parent.named_children):
                return None, None
        elif parent.type in _TYPED_WRAPPERS:
            if parent.named_children[0] != node:
                return None, None  # the literal is the type: x as "v"
        elif parent.type != "flow_node" and parent.named_child_count != 1:
            return None, None  # e.g. (a, "v"): not a plain hand-through
        node = parent
    return node, index


def _named_index(parent: Node, child: Node) -> int | None:
    for i, sibling in enumerate(parent.named_children):
        if sibling == child:
            return i
    return None


def _is_value_of(parent: Node, value: Node, value_field: str | None) -> bool:
    if value_field is None:
        named = parent.named_children
        return len(named) >= 2 and named[-1] == value
    return parent.child_by_field_name(value_field) == value


def _key_node(grammar: _Grammar, parent: Node, key_field: str | None,
              index: int | None) -> Node | None:
    """The key, name or target paired with the value, matched by position in a list."""
    if key_field is None:
        keys = parent.named_children[:1]
    else:
        keys = parent.children_by_field_name(key_field)
    if len(keys) == 1 and keys[0].type in grammar.lists:
        keys = keys[0].named_children
    if index is None:
        return keys[0] if len(keys) == 1 else None
    return keys[index] if index < len(keys) else None
