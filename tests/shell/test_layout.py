"""The shape of guard.shell: handlers reach the walker only through the interface in
guard.shell.programs.base, and the package loads its modules lazily (module size and import
cycles are checked for all of guard/ in tests/test_layout.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import guard.shell

PACKAGE = Path(guard.shell.__file__).parent
MODULES = sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def runtime_imports(path: Path) -> set[str]:
    """The guard.shell modules a module imports when it is imported: module-level imports, not
    those under ``if TYPE_CHECKING:`` nor those inside functions."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("guard.shell"):
                found.add(node.module)
                for alias in node.names:  # from guard.shell import parse
                    if f"{node.module}.{alias.name}" in NAMES:
                        found.add(f"{node.module}.{alias.name}")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("guard.shell"))
    return found


NAMES = {module_name(p) for p in MODULES}


def test_the_package_has_the_expected_modules() -> None:
    assert {"guard.shell", "guard.shell.walker", "guard.shell.expand", "guard.shell.parse",
            "guard.shell.programs", "guard.shell.programs.readers"} <= NAMES


def test_programs_do_not_import_the_walker() -> None:
    """Not even inside a function or for type checking: handlers see only the Walker interface."""
    for path in (PACKAGE / "programs").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or "", *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            assert "guard.shell.walker" not in names, path.name


def test_the_package_imports_its_modules_lazily() -> None:
    # guard.hook.decide imports guard.shell before every tool call: its surface is loaded on
    # first use (see guard/shell/__init__.py), so the package itself imports nothing at all.
    assert runtime_imports(PACKAGE / "__init__.py") == set()
    assert runtime_imports(PACKAGE / "programs" / "__init__.py") == {
        "guard.shell.programs.options"}


def test_the_walker_interface_is_for_type_checkers_only() -> None:
    # programs/base.py imports typing, which the hook's start-up avoids: no module may import it
    # at run time (under ``if TYPE_CHECKING:`` only).
    importers = [module_name(p) for p in MODULES
                 if "guard.shell.programs.base" in runtime_imports(p)]
    assert importers == []
