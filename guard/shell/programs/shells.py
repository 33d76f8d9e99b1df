"""Shells: ``sh -c CODE``, ``bash script.sh`` (the script is read and walked), and code piped or
redirected into a shell. The builtins eval, source and cd are in shell_builtins."""

from __future__ import annotations

from guard.shell.model import Static
from guard.shell.programs.options import name_set

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook's start-up avoids importing typing
if TYPE_CHECKING:
    from guard.shell.model import Arg
    from guard.shell.programs.base import Handler, Walker
    from guard.shell.syntax import Simple

SHELLS = name_set("sh bash zsh dash ksh mksh ash fish busybox")


def shell(w: Walker, name: str, rest: list[Arg], cmd: Simple, feed: object,
          stdin_code: list[str]) -> None:
    """``sh -c CODE [$0 $1…]``, ``sh SCRIPT [ARGS]`` (the script is read and walked), or code
    on the standard input: a heredoc, a file through ``<``, or a pipe whose text Guard knows."""
    i = 0
    code: str | None = None
    while i < len(rest):
        t = rest[i].text
        if t in ("-o", "+o", "--rcfile", "--init-file", "-O", "+O"):
            i += 2
            continue
        if t.startswith("-") and not t.startswith("--") and "c" in t[1:]:
            if i + 1 < len(rest):
                if rest[i + 1].dynamic:
                    w.r.dynamic.append(f"`{name} -c` runs {rest[i + 1].source}, which "
                                       "Guard cannot know")
                code = rest[i + 1].text
                params = [a.text for a in rest[i + 2:]] or [name]
                w.run_script(code, params)
            return None
        if t.startswith(("-", "+")) and t not in ("-", "--"):
            i += 1
            continue
        break
    script_args = rest[i:]
    if script_args and script_args[0].text not in ("-", "--", "-s"):
        path = w.abspath(script_args[0].text)
        text = w.read_script(path)
        for a in script_args[1:]:
            w.touch("pass", a, name)
        if text is not None:
            w.run_script(text, [a.text for a in script_args])
        return None
    if stdin_code:
        for text in stdin_code:
            w.run_script(text)
    elif isinstance(feed, Static):
        w.run_script(feed.text)
    elif feed is not None:
        w.r.dynamic.append(f"`{name}` runs code from its input, which Guard cannot read")
    return None


HANDLERS: dict[str, Handler] = dict.fromkeys(SHELLS, shell)
