"""Table-driven tests of guard.shell.analyze, one table per family of programs.

A row is ``(command, expected)``: the command runs in a small fixed repository (see
tests/shell/conftest.py) and ``expected`` is one of

- a set of accesses, each rendered as ``"op path"`` (path relative to the repository, ``~/…``
  under the home directory), followed for a tree or a directory's entries by its scope and what
  differs from the defaults: ``-hidden`` (dotfiles skipped), ``+gitignore`` (ignored files
  skipped), ``name=GLOB``, ``exclude=GLOB``. The set must be exactly what the analysis finds,
  and nothing may be dynamic, dumped or printed;
- ``Expect(...)``: the same, with the environment dumps, printed variables, dynamic reasons,
  globs that matched nothing and parse error that the analysis must report;
- ``ALLOWED``: nothing revealing at all (no read, open, copy, move, archive, send or source, no
  environment dump, no printed variable, nothing dynamic, no glob, no error).
"""

from __future__ import annotations

import os
from pathlib import Path

from guard import shell

ALLOWED = "allowed"


class Expect:
    def __init__(self, *accesses: str, env: tuple[str, ...] = (), printed: tuple[str, ...] = (),
                 dynamic: tuple[str, ...] = (), globs: tuple[str, ...] = (),
                 error: str = "") -> None:
        self.accesses = set(accesses)
        self.env = list(env)  # the env_dumps, in order
        self.printed = set(printed)  # names of the printed variables
        self.dynamic = list(dynamic)  # one substring for each dynamic reason, in order
        self.globs = set(globs)  # globs as written that matched nothing
        self.error = error  # a substring of the parse error

    def __repr__(self) -> str:
        return f"Expect({self.__dict__})"


class Tree:
    """The repository and home directory the commands run in."""

    def __init__(self, root: Path, home: Path) -> None:
        self.root = root
        self.home = home
        self.env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "DB_PASSWORD": "not-a-secret",
                    "SRC": "src"}

    def path(self, absolute: str) -> str:
        root, home = str(self.root), str(self.home)
        if absolute == root or absolute.startswith(root + os.sep):
            return os.path.relpath(absolute, root)
        if absolute == home or absolute.startswith(home + os.sep):
            return "~/" + os.path.relpath(absolute, home)
        return absolute

    def render(self, access: shell.Access) -> str:
        parts = [access.op, self.path(access.path)]
        if access.scope != "file":
            parts.append(access.scope)
        if not access.hidden:
            parts.append("-hidden")
        if access.gitignore:
            parts.append("+gitignore")
        parts += [f"name={n}" for n in access.names]
        parts += [f"exclude={e}" for e in access.excludes]
        return " ".join(parts)

    def analyze(self, command: str) -> shell.Analysis:
        return shell.analyze(command, str(self.root), self.env, str(self.home))


def check(tree: Tree, command: str, expected: object) -> None:
    """Assert that ``command`` does what ``expected`` says (see the module's docstring)."""
    a = tree.analyze(command)
    if expected == ALLOWED:
        assert not a.error, a.error
        assert [tree.render(x) for x in a.revealing()] == []
        assert (a.env_dumps, a.printed_vars, a.dynamic, a.globs) == ([], [], [], [])
        return
    want = expected if isinstance(expected, Expect) else Expect(*expected)  # type: ignore[misc]
    if want.error:
        assert want.error in a.error, a.error
    else:
        assert not a.error, a.error
    assert {tree.render(x) for x in a.accesses} == want.accesses
    assert a.env_dumps == want.env
    assert {name for name, _ in a.printed_vars} == want.printed
    assert len(a.dynamic) == len(want.dynamic), a.dynamic
    for reason, part in zip(a.dynamic, want.dynamic, strict=True):
        assert part in reason, reason
    assert {word for _, _, word in a.globs} == want.globs


def ids(rows: list[tuple[str, object]]) -> list[str]:
    return [command.replace("\n", "\\n") for command, _ in rows]
