"""The registry of programs (guard.shell.programs): its index of names agrees with the families'
own tables, every name reaches its family's handler, and families are imported only when a
command line needs them."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

from guard.shell import programs
from guard.shell.programs import interpreters, quiet, wrappers

NOT_FAMILIES = {"base", "options", "wrappers"}
FAMILIES = sorted(m.name for m in pkgutil.iter_modules(programs.__path__)
                  if m.name not in NOT_FAMILIES)


def indexed() -> dict[str, str]:
    return {name: family for family, names in programs.INDEX.items() for name in names.split()}


def test_every_family_is_indexed() -> None:
    assert set(programs.INDEX) == set(FAMILIES)


def test_the_index_names_each_program_under_the_family_whose_handler_wins() -> None:
    owner: dict[str, str] = {}
    for family in FAMILIES:
        if family == "quiet":
            continue
        for name in importlib.import_module(f"guard.shell.programs.{family}").HANDLERS:
            # Two families claiming a name would make dispatch depend on import order.
            assert name not in owner, f"{name} is in {owner.get(name)} and {family}"
            owner[name] = family
    for name in quiet.HANDLERS:  # quiet is the fallback: another family's handler wins
        owner.setdefault(name, "quiet")
    found = indexed()
    assert len(found) == sum(len(names.split()) for names in programs.INDEX.values()), \
        "a name is listed twice in the index"
    missing = {n: f for n, f in owner.items() if found.get(n) != f}
    extra = {n: f for n, f in found.items() if n not in owner}
    assert not missing, f"add to programs.INDEX (name: family): {missing}"
    assert not extra, f"not handled by the family the index names: {extra}"


def test_wrapped_names_are_the_wrappers_table() -> None:
    assert set(wrappers.WRAPPERS) == programs.WRAPPED


@pytest.mark.parametrize("family", FAMILIES)
def test_handler_returns_the_family_handler(family: str) -> None:
    module = importlib.import_module(f"guard.shell.programs.{family}")
    for name, family_of_name in indexed().items():
        if family_of_name == family:
            assert programs.handler(name) is module.HANDLERS[name], name


@pytest.mark.parametrize(("name", "handled_as"), [
    ("python3.12", "python"), ("python3.9.18", "python"), ("pypy3.10", "python"),
    ("python", "python"), ("cat", "cat"),
])
def test_names_matched_by_pattern(name: str, handled_as: str) -> None:
    assert programs.handler(name) is programs.handler(handled_as)
    assert programs.handler(name) is not programs.unknown


@pytest.mark.parametrize("name", ["pytest", "npm", "make", "pythonista", "python-config",
                                  "catalog", "", "uv", "env"])
def test_programs_guard_does_not_know_get_the_unknown_handler(name: str) -> None:
    # uv and env are wrappers: when they wrap nothing (uv sync), they are unknown programs.
    assert programs.handler(name) is programs.unknown


def test_unwrapper() -> None:
    assert programs.unwrapper("sudo") is wrappers.WRAPPERS["sudo"]
    assert programs.unwrapper("xargs") is wrappers.WRAPPERS["xargs"]
    assert programs.unwrapper("cat") is None
    assert programs.unwrapper("") is None


@pytest.mark.parametrize(("name", "takes"), [
    ("sh", True), ("bash", True), ("zsh", True), ("python3", True), ("python3.12", True),
    ("node", True), ("ruby", True), ("eval", False), ("source", False), ("cat", False),
    ("wc", False), ("", False), ("pytest", False),
])
def test_takes_code(name: str, takes: bool) -> None:
    assert programs.takes_code(name) is takes
    assert takes == (name in importlib.import_module("guard.shell.programs.shells").SHELLS
                     or programs.handler(name) is interpreters.interpreter)


@pytest.mark.parametrize(("name", "safe"), [("wc", True), ("sha256sum", True), ("test", True),
                                            ("cat", False), ("read", False), ("", False)])
def test_stdin_safe(name: str, safe: bool) -> None:
    assert programs.stdin_safe(name) is safe


def loaded_after(code: str) -> set[str]:
    """The guard.shell modules a fresh interpreter has imported after running ``code``."""
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\n"
         "print('\\n'.join(m for m in sys.modules if m.startswith('guard.shell')))"],
        capture_output=True, text=True, check=True).stdout
    return set(out.split())


CORE = {"guard.shell", "guard.shell.walker", "guard.shell.parse", "guard.shell.words",
        "guard.shell.syntax", "guard.shell.expand", "guard.shell.model", "guard.shell.programs",
        "guard.shell.programs.options"}


def test_importing_the_package_imports_nothing_else() -> None:
    assert loaded_after("import guard.shell") == {"guard.shell"}
    assert loaded_after("from guard import shell; shell.has_glob('*')") == {
        "guard.shell", "guard.shell.expand"}


@pytest.mark.parametrize(("command", "families"), [
    ("pytest -q", set()),
    ("npm test && make", set()),
    ("cat README.md", {"readers"}),
    ("git status", {"vcs"}),
    ("ls -la | grep x", {"listers", "searchers"}),
    ("sudo cat x", {"wrappers", "environment", "readers"}),
])
def test_a_command_line_imports_only_the_families_it_uses(command: str,
                                                          families: set[str]) -> None:
    loaded = loaded_after(f"from guard import shell; shell.analyze({command!r}, '/', {{}}, '/')")
    assert loaded == CORE | {f"guard.shell.programs.{f}" for f in families}
