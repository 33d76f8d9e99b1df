"""docker, docker-compose and podman: ``--env-file`` and ``compose config`` print a dotenv file's
values, ``docker cp`` copies files into a container."""

from __future__ import annotations

import re

from guard.shell.model import Arg
from guard.shell.programs.options import positional

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook's start-up avoids importing typing
if TYPE_CHECKING:
    from guard.shell.programs.base import Handler, Walker
    from guard.shell.syntax import Simple


def _docker(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object,
            code: list[str]) -> None:
    """--env-file files, ``compose config`` (which prints .env's values), ``cp`` sources."""
    texts = [a.text for a in args]
    compose = name == "docker-compose" or "compose" in texts[:3]
    for i, a in enumerate(args):
        t = a.text
        if t.startswith("--env-file"):
            value = t.split("=", 1)[1] if "=" in t else (texts[i + 1] if i + 1 < len(texts)
                                                         else "")
            if value:
                w.touch("read", Arg(value, a.source, dynamic=a.dynamic), name)
    if compose and "config" in texts:  # prints the compose file with .env interpolated
        w.touch("read", Arg(".env", ".env"), f"{name} compose config")
    if texts[:1] == ["cp"] or texts[:2] == ["container", "cp"]:
        pos = positional(args[1:] if texts[0] == "cp" else args[2:])
        for a in pos[:-1]:
            if not re.match(r"^[\w.\-]+:", a.text):
                w.touch("copy", a, "docker cp")
    return None


HANDLERS: dict[str, Handler] = {"docker": _docker, "docker-compose": _docker, "podman": _docker}
