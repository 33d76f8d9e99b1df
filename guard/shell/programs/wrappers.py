"""Programs that run another command: sudo, timeout, nice, env, watch, ``uv run``… and xargs,
which runs one on its input. Each is unwrapped before the command's redirections are read, and
the command it runs is walked in its place."""

from __future__ import annotations

import os

from guard.shell import parse as sp
from guard.shell.model import Arg, Listing, Static
from guard.shell.programs import NOT_A_WRAPPER, NotAWrapper
from guard.shell.programs.environment import env_file_option
from guard.shell.programs.options import name_set, skip_options
from guard.shell.syntax import is_assignment_word

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook's start-up avoids importing typing
if TYPE_CHECKING:
    from guard.shell.programs.base import Unwrapper, Walker

# Wrappers that run the command after their own options: program -> its options that take a value.
WRAPPER_OPTIONS: dict[str, frozenset[str]] = {
    "sudo": name_set("-u -g -h -p -C -D -r -t -U -T --user --group"),
    "doas": frozenset({"-u", "-C"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "nohup": frozenset(),
    "time": frozenset({"-f", "-o", "--format", "--output"}),
    "stdbuf": frozenset({"-i", "-o", "-e"}),
    "ionice": frozenset({"-c", "-n", "-p", "-t"}),
    "command": frozenset(),
    "builtin": frozenset(),
    "exec": frozenset({"-a"}),
    "unbuffer": frozenset(),
    "caffeinate": frozenset({"-t", "-w"}),
    "strace": name_set("-e -o -p -s -u -P -a -b -E -I -O -S -X"),
    "ltrace": name_set("-e -o -p -s -u -n -a"),
    "xvfb-run": frozenset({"-n", "-s", "-f", "-e", "-p"}),
    "npx": frozenset({"-p", "--package", "-c", "--call"}),
    "bunx": frozenset({"-p", "--package"}),
    "pnpx": frozenset(),
    "uvx": frozenset({"--from", "--with", "-p", "--python"}),
    "faketime": frozenset({"-f"}),
    "chronic": frozenset(),
    "torsocks": frozenset(),
    "proxychains": frozenset({"-f"}),
    "proxychains4": frozenset({"-f"}),
    "firejail": frozenset(),
}
# Runners whose subcommand ("run", "exec") is followed by a command: program -> (those
# subcommands, its options that take a value).
RUNNERS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "uv": (frozenset({"run"}), name_set("--with -p --python --package --extra --group "
                                        "--env-file --directory --project")),
    "poetry": (frozenset({"run"}), frozenset({"-C", "--directory", "-P", "--project"})),
    "pipenv": (frozenset({"run"}), frozenset()),
    "pdm": (frozenset({"run"}), frozenset({"-p", "--project"})),
    "hatch": (frozenset({"run"}), frozenset({"-e", "--env"})),
    "rye": (frozenset({"run"}), frozenset()),
    "pipx": (frozenset({"run"}), frozenset({"--spec", "--python"})),
    "bundle": (frozenset({"exec"}), frozenset()),
    "conda": (frozenset({"run"}), frozenset({"-n", "--name", "-p", "--prefix"})),
    "mamba": (frozenset({"run"}), frozenset({"-n", "--name", "-p", "--prefix"})),
    "micromamba": (frozenset({"run"}), frozenset({"-n", "--name", "-p", "--prefix"})),
    "nix": (frozenset({"run", "shell", "develop"}), frozenset()),
    "direnv": (frozenset({"exec"}), frozenset()),
}


def _inner(w: Walker, name: str, inner: list[Arg], cmd: sp.Simple, feed: object,
           piped: bool) -> Static | Listing | None:
    """Walk the command a wrapper runs; ``exec 3< .env`` or ``sudo`` alone runs none, and only
    the redirections remain."""
    if not inner:
        w.redirects(cmd.redirects, name)
        return None
    return w.run(inner, cmd, feed, piped)


def _wrapper(w: Walker, name: str, rest: list[Arg], cmd: sp.Simple, feed: object,
             piped: bool) -> Static | Listing | None:
    """sudo, nice, nohup, command, exec, npx…: the command follows the wrapper's options."""
    if name == "command" and rest and rest[0].text in ("-v", "-V"):
        return None
    return _inner(w, name, skip_options(rest, WRAPPER_OPTIONS[name]), cmd, feed, piped)


def _timeout(w: Walker, name: str, rest: list[Arg], cmd: sp.Simple, feed: object,
             piped: bool) -> Static | Listing | None:
    """timeout [OPTIONS] DURATION COMMAND."""
    inner = skip_options(rest, frozenset({"-s", "-k", "--signal", "--kill-after"}))
    inner = inner[1:]  # the duration
    return _inner(w, name, inner, cmd, feed, piped)


def _taskset(w: Walker, name: str, rest: list[Arg], cmd: sp.Simple, feed: object,
             piped: bool) -> Static | Listing | None:
    """taskset, chrt and flock: one argument (a mask, a priority, a lock file) before the
    command; ``flock -c CODE`` runs code in a shell."""
    inner = skip_options(rest, frozenset({"-E", "-w", "--timeout"}))[1:]
    if name == "flock" and rest and any(a.text in ("-c", "--command") for a in rest):
        # Imported here, not at the top: a family is imported only when a command needs it.
        from guard.shell.programs.shells import shell

        i = next(i for i, a in enumerate(rest) if a.text in ("-c", "--command"))
        # As -c: a shell's own --command is no option (it would take the code for a script).
        code = [Arg("-c", rest[i].source), *rest[i + 1:]]
        shell(w, "sh", code, cmd, feed, [])  # prints nothing Guard can know
        return None
    return _inner(w, name, inner, cmd, feed, piped)


def _watch(w: Walker, name: str, rest: list[Arg], cmd: sp.Simple, feed: object,
           piped: bool) -> Static | Listing | None:
    """watch runs its arguments joined as a shell command, or as they are with ``-x``."""
    inner = skip_options(rest, frozenset({"-n", "-d", "--interval", "-x"}))
    if inner and not any(a.text in ("-x", "--exec") for a in rest):
        return w.run_script(" ".join(a.text for a in inner))
    return _inner(w, name, inner, cmd, feed, piped)


def _runner(w: Walker, name: str, rest: list[Arg], cmd: sp.Simple, feed: object,
            piped: bool) -> Static | Listing | NotAWrapper | None:
    """uv run, poetry run, bundle exec…; any other subcommand (uv sync) wraps nothing."""
    subs, with_value = RUNNERS[name]
    inner = skip_options(rest, with_value)
    if not inner or inner[0].text not in subs:
        return NOT_A_WRAPPER
    env_file_option(w, name, rest)
    inner = skip_options(inner[1:], with_value)
    if inner and inner[0].text == "--":
        inner = inner[1:]
    return _inner(w, name, inner, cmd, feed, piped)


def _env(w: Walker, name: str, rest: list[Arg], cmd: sp.Simple, feed: object,
         piped: bool) -> Static | Listing | None:
    """env runs a command with a changed environment, or prints the environment without one."""
    i = 0
    while i < len(rest):
        t = rest[i].text
        if t in ("-u", "--unset", "-C", "--chdir"):
            i += 2
        elif t in ("-S", "--split-string"):
            if i + 1 < len(rest):
                return w.run_script(rest[i + 1].text)
            i += 2
        elif t.startswith("-") or is_assignment_word(t):
            i += 1
        else:
            break
    if i >= len(rest):
        w.r.env_dumps.append("env")
        w.redirects(cmd.redirects, "env")
        return None
    return w.run(rest[i:], cmd, feed, piped)


def _xargs(w: Walker, name: str, rest: list[Arg], cmd: sp.Simple, feed: object,
           piped: bool) -> Static | Listing | None:
    """xargs runs its command with the words of its input (a Static or a Listing when Guard
    knows it) as more arguments, or in place of the ``-I`` string."""
    with_value = name_set("-I -n -L -P -d -E -s -a --arg-file --max-args --max-procs "
                          "--delimiter --max-lines --replace --eof")
    i = 0
    replace = ""
    items: list[Arg] = []
    while i < len(rest) and rest[i].text.startswith("-"):
        t = rest[i].text
        if t in ("-a", "--arg-file") and i + 1 < len(rest):
            w.touch("read", rest[i + 1], "xargs")
            items = [Arg("", "xargs -a", dynamic="the lines of a file")]
        if t == "-I" and i + 1 < len(rest):
            replace = rest[i + 1].text
        elif t.startswith("-I") and len(t) > 2:
            replace = t[2:]
        elif t.startswith("-i"):
            replace = t[2:] or "{}"
        i += 2 if t in with_value else 1
    inner = rest[i:] or [Arg("echo", "echo")]
    if not items:
        if isinstance(feed, Static):
            items = [Arg(t, t) for t in feed.text.split()]
        elif isinstance(feed, Listing):
            items = [Arg("", "(listed files)", listing=feed)]
        else:
            items = [Arg("", "xargs input", dynamic="the input of xargs")]
    if replace:
        args = []
        for a in inner:
            if replace in a.text:
                args.extend(items if a.text == replace else [
                    Arg(a.text.replace(replace, it.text), a.source, dynamic=it.dynamic)
                    for it in items])
            else:
                args.append(a)
    else:
        args = inner + items
    # Imported here, not at the top: a family is imported only when a command needs it.
    from guard.shell.programs.quiet import QUIET

    program = os.path.basename(args[0].text)
    if program in QUIET or program in ("echo", "printf"):
        return None
    return w.run(args, sp.Simple(), None, False)


# program -> how to unwrap it (see guard.shell.programs.base)
WRAPPERS: dict[str, Unwrapper] = {
    **dict.fromkeys(WRAPPER_OPTIONS, _wrapper), **dict.fromkeys(RUNNERS, _runner),
    "timeout": _timeout, "taskset": _taskset, "flock": _taskset, "chrt": _taskset,
    "watch": _watch, "env": _env, "xargs": _xargs}

