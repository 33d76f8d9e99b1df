"""``guard install`` / ``guard uninstall``: hooks that run Guard before secrets leave the machine.

``--git`` writes plain git hooks, for people without the pre-commit framework: ``pre-commit`` runs
``guard scan --staged`` and ``pre-push`` runs ``guard scan --pre-push``, in the directory git
reads hooks from (``core.hooksPath`` when set). A hook that is already there is never overwritten:
it is renamed to ``<hook>.guard-chained`` and Guard's shim runs it first, so it keeps blocking
with its own exit status. Installing again refreshes the shim; ``guard uninstall --git`` removes
it and renames the previous hook back, byte for byte.

Agents are named as arguments (``guard install claude``, ``--all``, ``--user`` for the user's
settings): guard.commands.install_agents writes their hook configuration and manifests.
"""

from __future__ import annotations

import os
import sys

from guard import git as gitmod
from guard.errors import GuardError

GIT_HOOKS = ("pre-commit", "pre-push")
CHAINED = ".guard-chained"
MARKER = b"guard-hook-shim"
PLACEHOLDER = "@GUARD_PYTHON@"


def run(*, git: bool, agents: list[str], uninstall: bool = False, cwd: str = ".",
        every: bool = False, user: bool = False) -> int:
    verb = "uninstall" if uninstall else "install"
    if agents or every:  # assistants' hooks: see guard.commands.install_agents
        from guard.commands import install_agents

        install_agents.run(agents, every=every, user=user, uninstall=uninstall, cwd=cwd)
        if not git:
            return 0
    if not git:
        raise GuardError(f"nothing to {verb}: name what, e.g. `guard {verb} --git` (git "
                         f"pre-commit and pre-push hooks) or `guard {verb} claude`")
    repo = gitmod.open_repo(cwd)
    if repo.bare:
        raise GuardError("a bare repository has no commits made in it to check",
                         os.fspath(repo.git_dir))
    directory = gitmod.hooks_dir(repo)
    for hook in GIT_HOOKS:
        path = os.path.join(directory, hook)
        message = uninstall_hook(path) if uninstall else install_hook(path, sys.executable)
        sys.stdout.write(f"guard: {_shown(path)}: {message}\n")
    return 0


def install_hook(path: str, python: str) -> str:
    content = shim(os.path.basename(path), python)
    chained = path + CHAINED
    if is_guard_hook(path):
        _write(path, content)
        return "Guard's hook, refreshed"
    if os.path.lexists(path):
        if os.path.lexists(chained):
            raise GuardError(f"this hook is not Guard's, and {os.path.basename(chained)} (a hook "
                             "Guard kept earlier) is still there: move one of them away first",
                             path)
        os.rename(path, chained)  # a rename keeps the old hook exactly, bytes and mode
        _write(path, content)
        return f"installed; the hook that was here runs first, as {os.path.basename(chained)}"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    _write(path, content)
    return "installed"


def uninstall_hook(path: str) -> str:
    if not os.path.lexists(path):
        return "no hook here"
    if not is_guard_hook(path):
        return "not Guard's hook: left alone"
    os.remove(path)
    chained = path + CHAINED
    if os.path.lexists(chained):
        os.rename(chained, path)
        return "removed; the previous hook is back"
    return "removed"


def is_guard_hook(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return MARKER in f.read(512)
    except OSError:  # missing, a directory, a dangling symlink
        return False


def shim(hook: str, python: str) -> str:
    """The hook script, running Guard with the interpreter it was installed with (so that it
    works without activating a virtualenv) and falling back to ``guard`` on PATH."""
    with open(os.path.join(template_dir(), hook), encoding="utf-8") as f:
        template = f.read()
    return template.replace(PLACEHOLDER, python.replace("'", "'\\''"))  # inside '…' in sh


def template_dir() -> str:
    try:
        import guard.hooks as bundles  # the wheel ships hooks/ as the guard.hooks package
    except ImportError:  # an editable install made before that mapping existed
        return os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__)))), "hooks", "git")
    return os.path.join(os.path.dirname(bundles.__file__), "git")


def _write(path: str, content: str) -> None:
    tmp = f"{path}.guard-tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(content)
    os.chmod(tmp, 0o755)
    os.replace(tmp, path)


def _shown(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel
