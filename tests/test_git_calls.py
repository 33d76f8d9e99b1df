"""guard.git is the only module that runs git, so that every git command carries SAFE_CONFIG (user
config must not change the formats Guard parses): an ``ast`` scan of the package finds no other
module that starts git in a process, directly or through gitpython."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import guard

PACKAGE = Path(guard.__file__).parent
ALLOWED = PACKAGE / "git.py"
# Functions that start a process, by module.
SPAWNERS = {
    "subprocess": {"run", "Popen", "call", "check_call", "check_output", "getoutput",
                   "getstatusoutput"},
    "os": {"system", "popen", "execl", "execle", "execlp", "execlpe", "execv", "execve",
           "execvp", "execvpe", "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve",
           "spawnvp", "spawnvpe", "posix_spawn", "posix_spawnp"},
    "asyncio": {"create_subprocess_exec", "create_subprocess_shell"},
    "pty": {"spawn"},
}


def _is_git(node: ast.AST) -> bool:
    """A string naming the git program: ``"git"``, ``"/usr/bin/git"``, ``"git status"``."""
    if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
        return False
    program = node.value.strip().split(" ", 1)[0]
    return program == "git" or program.endswith("/git")


def _spawner_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """(module aliases, function aliases): ``import subprocess as sp`` gives ``sp``,
    ``from subprocess import run`` gives ``run``."""
    modules: set[str] = set()
    functions: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in SPAWNERS:
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module in SPAWNERS and not node.level:
            for alias in node.names:
                if alias.name in SPAWNERS[node.module]:
                    functions.add(alias.asname or alias.name)
    return modules, functions


def git_calls(source: str, filename: str = "<module>") -> list[str]:
    """Where ``source`` runs git: gitpython imports, and process starts in a module that spells
    the git program (in the call, or in a list or tuple that starts with it)."""
    tree = ast.parse(source, filename)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"{filename}:{node.lineno}: import {a.name} (gitpython)" for a in node.names
                      if a.name == "git" or a.name.startswith("git.")]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module and (
                node.module == "git" or node.module.startswith("git.")):
            found.append(f"{filename}:{node.lineno}: from {node.module} import (gitpython)")
    modules, functions = _spawner_names(tree)
    spawns = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                and func.value.id in modules and func.attr in set().union(*SPAWNERS.values())) \
                or (isinstance(func, ast.Name) and func.id in functions):
            spawns.append(node)
    if not spawns:
        return found
    for call in spawns:
        if any(_is_git(n) for arg in [*call.args, *call.keywords] for n in ast.walk(arg)):
            found.append(f"{filename}:{call.lineno}: runs git")
    for node in ast.walk(tree):  # a command built first, run later: ["git", "-C", root, …]
        if isinstance(node, ast.List | ast.Tuple) and node.elts and _is_git(node.elts[0]):
            found.append(f"{filename}:{node.lineno}: a git command line, in a module that "
                         "starts processes")
    return found


def test_only_guard_git_runs_git() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path != ALLOWED:
            rel = str(path.relative_to(PACKAGE.parent))
            found += git_calls(path.read_text(encoding="utf-8"), rel)
    assert found == [], "run git through guard.git (it adds SAFE_CONFIG):\n" + "\n".join(found)


def test_the_scan_sees_guard_git_itself() -> None:
    assert git_calls(ALLOWED.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("source", "flagged"), [
    ('import subprocess\nsubprocess.run(["git", "status"])\n', True),
    ('import subprocess as sp\nsp.check_output(("git", "log"))\n', True),
    ('from subprocess import Popen as P\nP(["/usr/bin/git", "log"])\n', True),
    ('import subprocess\ncmd = ["git", "-C", ".", "status"]\nsubprocess.run(cmd)\n', True),
    ('import os\nos.system("git status")\n', True),
    ("import git\n", True),
    ("from git import Repo\n", True),
    ('import subprocess\nsubprocess.run(["ls", "-l"])\n', False),
    ('from guard import git\ngit.run(["status"], ".")\n', False),
    ('TABLE = {"git": 1}\nWORDS = ("git", "push")\n', False),  # data, no process started
])
def test_the_scan_finds_git_however_it_is_spelled(source: str, flagged: bool) -> None:
    assert bool(git_calls(source)) == flagged
