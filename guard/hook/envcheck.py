"""Which variables of an environment hold secrets: values that also stand in one of the
repository's sensitive dotenv files (compared by keyed fingerprint, never printed), and values in
which the engine finds a secret (a provider token, a password under a secret-named name).

An agent hook asks this before it lets ``env``, ``printenv``, ``export -p`` or ``echo $X`` run:
dumping an environment is harmless until a secret is in it.
"""

from __future__ import annotations

import os
import re

from guard.detect import formats
from guard.detect.finding import fingerprint

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: this runs in a hook before every tool call
if TYPE_CHECKING:
    from collections.abc import Callable

    from guard.detect.engine import Engine

# A dotenv line: [export] KEY = value, the value optionally quoted.
_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][\w.\-]*)\s*=\s*(.*?)\s*$")
_PLAIN = re.compile(r"(?i)^(?:|true|false|yes|no|on|off|null|none|-?\d{1,5}(?:\.\d+)?)$")
ENV_FILE_RULES = frozenset({"dotenv-file", "direnv-envrc"})
MAX_ENV_FILE = 256 * 1024


def parse_dotenv(text: str) -> dict[str, str]:
    """KEY -> value of a dotenv file (quotes removed; multi-line values are skipped)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        m = _LINE.match(line)
        if not m:
            continue
        value = m.group(2)
        if value[:1] in ("'", '"'):
            end = value.find(value[0], 1)
            value = value[1:end] if end != -1 else value[1:]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        out[m.group(1)] = value
    return out


def env_files(directories: list[str], is_env_file: Callable[[str], bool]) -> list[str]:
    """The dotenv-like files directly in ``directories`` (``is_env_file(path)`` decides)."""
    found: list[str] = []
    for d in dict.fromkeys(directories):
        try:
            with os.scandir(d) as it:
                names = sorted(e.name for e in it if e.is_file())
        except OSError:
            continue
        found.extend(os.path.join(d, n) for n in names if is_env_file(os.path.join(d, n)))
    return found


def exported_secrets(env: dict[str, str], files: list[str],
                     engine: Engine | None = None) -> dict[str, str]:
    """Variable name -> why its value is a secret, for the variables of ``env`` that hold one."""
    wanted: dict[str, str] = {}
    for path in files:
        try:
            data = formats.read_regular(path, MAX_ENV_FILE + 1)
            if data is None or len(data) > MAX_ENV_FILE:
                continue
            values = parse_dotenv(data.decode("utf-8", "replace"))
        except OSError:
            continue
        for value in values.values():
            if len(value) >= 4 and not _PLAIN.match(value):
                wanted.setdefault(fingerprint(value.encode("utf-8", "surrogateescape")), path)
    leaked: dict[str, str] = {}
    for name, value in env.items():
        if len(value) < 4 or _PLAIN.match(value):
            continue
        source = wanted.get(fingerprint(value.encode("utf-8", "surrogateescape")))
        if source is not None:
            leaked[name] = f"its value comes from {os.path.basename(source)}"
    if engine is not None:
        leaked.update({n: w for n, w in _engine_findings(env, engine).items() if n not in leaked})
    return leaked


def _engine_findings(env: dict[str, str], engine: Engine) -> dict[str, str]:
    """Variables whose ``NAME=value`` line the engine reports, read as a dotenv file."""
    names = [n for n, v in env.items() if "\n" not in v and "\n" not in n]
    data = "".join(f"{n}={env[n]}\n" for n in names).encode("utf-8", "surrogateescape")
    out: dict[str, str] = {}
    for f in engine.scan(data, ".env"):
        if 0 < f.line <= len(names):
            out[names[f.line - 1]] = f"it holds a secret ({f.rule_id})"
    return out
