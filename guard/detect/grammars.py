"""The per-grammar tables of guard.detect.syntax: which node types are string literals and which
hold a key and its value, in each language it parses, and the package of each tree-sitter grammar.

Plain data: tree_sitter and the grammar packages are imported by guard.detect.syntax, on the first
candidate of a language, never here.
"""

from __future__ import annotations


class _Grammar:
    """Which nodes of one grammar are string literals and which hold a key and its value."""

    __slots__ = ("dynamic", "lists", "pairs", "strings", "wrappers")

    def __init__(self, strings: frozenset[str], pairs: dict[str, tuple[str | None, str | None]],
                 dynamic: frozenset[str] = frozenset(), wrappers: frozenset[str] = frozenset(),
                 lists: frozenset[str] = frozenset()) -> None:
        # Node types that are string literals (or plain scalars / shell words).
        self.strings = strings
        # Parent node type -> (key field, value field); None means first / last named child.
        self.pairs = pairs
        # Children that make a literal non-constant: interpolation, ${...}, $(...).
        self.dynamic = dynamic
        # Nodes that hand a literal through unchanged: YAML flow_node, Go literal_element, (...).
        self.wrappers = wrappers
        # Comma lists on either side of a multiple assignment: a, token = 1, "v".
        self.lists = lists


# Wrappers whose extra named child is a type, not a value: "v" as const, "v" satisfies T.
_TYPED_WRAPPERS = frozenset({"as_expression", "satisfies_expression"})

_ASSIGN = ("left", "right")
_NAMED = ("name", "value")

_PYTHON = _Grammar(
    strings=frozenset({"string"}),
    dynamic=frozenset({"interpolation"}),
    wrappers=frozenset({"parenthesized_expression", "concatenated_string", "expression_list"}),
    lists=frozenset({"expression_list", "pattern_list", "tuple_pattern"}),
    pairs={
        "assignment": _ASSIGN,
        "keyword_argument": _NAMED,
        "pair": ("key", "value"),
        "default_parameter": _NAMED,
        "typed_default_parameter": _NAMED,
    },
)

_JS_PAIRS: dict[str, tuple[str | None, str | None]] = {
    "variable_declarator": _NAMED,
    "assignment_expression": _ASSIGN,
    "augmented_assignment_expression": _ASSIGN,
    "pair": ("key", "value"),
    "assignment_pattern": _ASSIGN,
    "object_assignment_pattern": _ASSIGN,
}
_TS_PAIRS: dict[str, tuple[str | None, str | None]] = {
    **_JS_PAIRS,
    "public_field_definition": _NAMED,
    "enum_assignment": _NAMED,
    "required_parameter": ("pattern", "value"),
    "optional_parameter": ("pattern", "value"),
}
# <Login password="v" />: the attribute has no field names, name first and value last.
_JSX_PAIRS: dict[str, tuple[str | None, str | None]] = {"jsx_attribute": (None, None)}
_JS_STRINGS = frozenset({"string", "template_string"})
_JS_DYNAMIC = frozenset({"template_substitution"})
# "v" as const, "v" satisfies T, "v"! all still assign the literal.
_TS_WRAPPERS = frozenset({"parenthesized_expression", "non_null_expression"}) | _TYPED_WRAPPERS

_JAVASCRIPT = _Grammar(
    strings=_JS_STRINGS,
    dynamic=_JS_DYNAMIC,
    wrappers=frozenset({"parenthesized_expression", "jsx_expression"}),
    pairs={**_JS_PAIRS, **_JSX_PAIRS, "field_definition": ("property", "value")},
)
_TYPESCRIPT = _Grammar(
    strings=_JS_STRINGS, dynamic=_JS_DYNAMIC, wrappers=_TS_WRAPPERS, pairs=_TS_PAIRS,
)
_TSX = _Grammar(
    strings=_JS_STRINGS,
    dynamic=_JS_DYNAMIC,
    wrappers=_TS_WRAPPERS | {"jsx_expression"},
    pairs={**_TS_PAIRS, **_JSX_PAIRS},
)

_GO = _Grammar(
    strings=frozenset({"interpreted_string_literal", "raw_string_literal"}),
    wrappers=frozenset({"literal_element", "expression_list", "parenthesized_expression"}),
    lists=frozenset({"expression_list"}),
    pairs={
        "short_var_declaration": _ASSIGN,
        "assignment_statement": _ASSIGN,
        "var_spec": _NAMED,
        "const_spec": _NAMED,
        "keyed_element": ("key", "value"),
    },
)

_JAVA = _Grammar(
    strings=frozenset({"string_literal"}),
    dynamic=frozenset({"string_interpolation"}),
    wrappers=frozenset({"parenthesized_expression"}),
    pairs={
        "variable_declarator": _NAMED,
        "assignment_expression": _ASSIGN,
        "element_value_pair": ("key", "value"),  # @Annotation(password = "...")
    },
)

_RUBY = _Grammar(
    strings=frozenset({"string"}),
    dynamic=frozenset({"interpolation"}),
    wrappers=frozenset({"right_assignment_list", "parenthesized_statements"}),
    lists=frozenset({"left_assignment_list", "right_assignment_list"}),
    pairs={
        "assignment": _ASSIGN,
        "operator_assignment": _ASSIGN,
        "pair": ("key", "value"),  # also keyword arguments: f(api_key: "v")
        "optional_parameter": _NAMED,
        "keyword_parameter": _NAMED,
    },
)

_YAML = _Grammar(
    strings=frozenset({"plain_scalar", "double_quote_scalar", "single_quote_scalar"}),
    wrappers=frozenset({"flow_node"}),
    pairs={"block_mapping_pair": ("key", "value"), "flow_pair": ("key", "value")},
)

_JSON = _Grammar(strings=frozenset({"string"}), pairs={"pair": ("key", "value")})

# TOML pairs carry no field names: the key is the first named child, the value the last.
_TOML = _Grammar(strings=frozenset({"string"}), pairs={"pair": (None, None)})

_BASH = _Grammar(
    strings=frozenset({"word", "string", "raw_string", "ansi_c_string"}),
    dynamic=frozenset({
        "expansion", "simple_expansion", "command_substitution", "process_substitution",
        "arithmetic_expansion",
    }),
    pairs={"variable_assignment": _NAMED},
)

_DOCKERFILE = _Grammar(
    strings=frozenset({"unquoted_string", "double_quoted_string", "single_quoted_string"}),
    dynamic=frozenset({"expansion"}),
    pairs={"env_pair": _NAMED, "arg_instruction": ("name", "default")},
)

_GRAMMARS: dict[str, _Grammar] = {
    "python": _PYTHON, "javascript": _JAVASCRIPT, "typescript": _TYPESCRIPT,
    "tsx": _TSX, "go": _GO, "java": _JAVA, "ruby": _RUBY, "yaml": _YAML,
    "json": _JSON, "toml": _TOML, "bash": _BASH, "dockerfile": _DOCKERFILE,
}

# (module, function returning the language pointer) per grammar name.
_MODULES: dict[str, tuple[str, str]] = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "go": ("tree_sitter_go", "language"),
    "java": ("tree_sitter_java", "language"),
    "ruby": ("tree_sitter_ruby", "language"),
    "yaml": ("tree_sitter_yaml", "language"),
    "json": ("tree_sitter_json", "language"),
    "toml": ("tree_sitter_toml", "language"),
    "bash": ("tree_sitter_bash", "language"),
    "dockerfile": ("tree_sitter_dockerfile", "language"),
}
