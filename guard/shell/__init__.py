"""Static analysis of a shell command line an agent wants to run: which files it reads, prints,
opens, copies, archives, sends or sources, which commands dump the environment, which variables it
prints, and what Guard cannot know (an unknown variable where a reader takes its file, code piped
into a shell). guard.hook.decide turns the result into a verdict; nothing here knows what is
sensitive.

Everything is over-approximated in the safe direction: an option Guard does not know is taken for
a file name when the command is a reader, and an interpreter given a path may be reading it.

The modules: parse (with syntax and words) parses the command line; walker walks it, expanding
words with expand; programs holds what each program does with its arguments, one module per
family of programs; model holds the findings.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook's start-up avoids importing typing
if TYPE_CHECKING:
    from guard.shell.expand import escape, glob_regex, has_glob, unescape
    from guard.shell.model import REVEALING, Access, Analysis
    from guard.shell.walker import analyze

__all__ = ["REVEALING", "Access", "Analysis", "analyze", "escape", "glob_regex", "has_glob",
           "unescape"]

# The public names are imported on first use: guard.hook.decide imports this package before
# every tool call, and most calls (a Read, an Edit) never analyse a command line.
_HOME = {"analyze": "walker", "Access": "model", "Analysis": "model", "REVEALING": "model",
         "escape": "expand", "unescape": "expand", "has_glob": "expand", "glob_regex": "expand"}


def __getattr__(name: str) -> object:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(__import__(f"{__name__}.{module}", fromlist=[name]), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
