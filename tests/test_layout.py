"""The layout stays readable: no module over 500 lines, and no import cycle anywhere in guard/.

The import structure of the guard package is read from the source with ``ast``: nothing is
imported to build it, and every import counts, at the top of a module, inside a function or under
``if TYPE_CHECKING:`` (an import in a function still runs, and one under TYPE_CHECKING is what a
type checker follows). Imports made by name at run time (``importlib.import_module``) are not
seen.

``import_graph`` maps each module of ``guard/`` to the modules of ``guard/`` that importing it
executes; ``cycles`` gives its import cycles. The tests check the parts of the package that must
not import each other both ways.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "guard"
MAX_LINES = 500


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Dotted module name -> source file, for every module of the package (a package is its
    ``__init__.py``)."""
    out: dict[str, Path] = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool,
             known: dict[str, Path]) -> set[str]:
    """The modules of ``known`` that one import statement of ``module`` executes: the module
    named and every package above it (``import a.b.c`` runs ``a``, ``a.b`` and ``a.b.c``)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        if node.level:  # relative: from the package of ``module``, up level - 1 packages
            base = module.split(".") if is_package else module.split(".")[:-1]
            base = base[:len(base) - node.level + 1]
            prefix = ".".join(base + ([node.module] if node.module else []))
        else:
            prefix = node.module or ""
        # `from a.b import c`: c is a module of its own, or a name defined in a.b
        names = [f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in known else prefix
                 for a in node.names]
    out: set[str] = set()
    for name in names:
        parts = name.split(".")
        out.update(p for p in (".".join(parts[:i]) for i in range(1, len(parts) + 1))
                   if p in known)
    return out


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Module -> the modules of the package it imports, anywhere in its source."""
    known = modules(package)
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        deps: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                deps |= imported(node, name, path.name == "__init__.py", known)
        deps.discard(name)
        graph[name] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each as one cycle
    through some of its modules followed by the rest: empty when the graph has no cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(_cycle(graph, set(component)))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _cycle(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """One cycle inside a strongly connected component, from its first module back to it,
    then the component's other modules."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    cycle: list[str] = []
    while queue and not cycle:
        v = queue.pop(0)
        for w in sorted(graph[v] & component):
            if w == start:
                cycle = [*paths[v], start]
                break
            if w not in paths:
                paths[w] = [*paths[v], w]
                queue.append(w)
    return cycle + sorted(component - set(cycle))


def in_group(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def test_graph_sees_imports_in_functions_and_under_type_checking() -> None:
    graph = import_graph()
    assert "guard.agents" in graph["guard.hook.process"]  # inside main()
    assert "guard.hook.decide" in graph["guard.agents.claude"]  # under TYPE_CHECKING
    assert {"guard", "guard.hook", "guard.hook.call"} <= graph["guard.agents.claude"]


def test_cycles_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_hook_call_imports_nothing_else() -> None:
    """What assistants import from the hook package loads nothing else of Guard."""
    graph = import_graph()
    assert graph["guard.hook"] == set()  # the package itself is empty
    assert graph["guard.hook.call"] <= {"guard", "guard.hook"}


def test_no_cycle_between_agents_and_hook() -> None:
    """Assistants use the hook's vocabulary (guard.hook.call, guard.hook.views) and the hook
    process finds assistants by name (guard.agents): that must not close a loop."""
    bad = [c for c in cycles(import_graph())
           if any(in_group(m, "guard.agents") for m in c)
           and any(in_group(m, "guard.hook") for m in c)]
    assert bad == [], "import cycles through guard.agents and guard.hook: " + "; ".join(
        " -> ".join(c) for c in bad)


def without_own_packages(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph without the edges from a module to the packages above it: Python runs a
    package's __init__ before its modules, so a module importing its own package (or the
    package importing its modules lazily) is not a cycle of the design."""
    return {m: {d for d in deps if not m.startswith(d + ".")} for m, deps in graph.items()}


def test_no_import_cycle() -> None:
    found = cycles(without_own_packages(import_graph()))
    assert found == [], "import cycles: " + "; ".join(" -> ".join(c) for c in found)


@pytest.mark.parametrize("name", sorted(modules()))
def test_module_is_short(name: str) -> None:
    lines = modules()[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{name} has {lines} lines"
