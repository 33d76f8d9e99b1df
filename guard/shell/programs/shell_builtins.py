"""Shell builtins that change what the rest of the walk sees: ``eval`` (its text is walked),
``source``/``.`` (the file's values enter the shell) and ``cd``/``pushd`` (relative paths
after it are in another directory)."""

from __future__ import annotations

from guard.shell.programs.options import positional

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook's start-up avoids importing typing
if TYPE_CHECKING:
    from guard.shell.model import Arg
    from guard.shell.programs.base import Handler, Walker
    from guard.shell.syntax import Simple


def _source(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object,
            code: list[str]) -> None:
    pos = positional(args)
    if not pos:
        return
    # The sourced file is not walked: its assignments would put its values (secrets, for a
    # dotenv file) into this analysis, and from there into messages.
    w.touch("source", pos[0], name)


def _eval(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object,
          code: list[str]) -> None:
    """eval runs its arguments joined, walked like the command line. A ``$(…)`` whose output
    Guard cannot know is not reported as dynamic (``eval "$(ssh-agent -s)"``)."""
    if any(a.dynamic and a.dynamic != "$(…)" for a in args):
        w.r.dynamic.append("`eval` runs text that Guard cannot know")
    text = " ".join(a.text for a in args if a.text)
    if text:
        w.run_script(text)


def _cd(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object, code: list[str]) -> None:
    """cd and pushd move the walk; after a cd to a directory Guard cannot know, relative
    paths are reported as dynamic."""
    pos = positional(args)
    if not pos:
        w.cwd = w.home
    elif pos[0].dynamic or pos[0].text == "-" or pos[0].listing is not None:
        w.cwd_unknown = True
    else:
        w.cwd = w.abspath(pos[0].text)


HANDLERS: dict[str, Handler] = {"source": _source, ".": _source, "eval": _eval, "cd": _cd,
                                "pushd": _cd}
