"""The programs Guard knows, by name, and what each does with its arguments.

Each family module (readers, searchers, copiers, archivers, senders, vcs, listers, printers,
environment, shells, shell_builtins, interpreters, containers, crypto, quiet) owns its tables of
program names and their handlers, and exports them as ``HANDLERS``: name -> handler; wrappers
exports ``WRAPPERS``: name -> unwrapper. guard.shell.programs.base describes both interfaces.

The walker (guard.shell.walker) asks this module for the handler of a name. A family module is
imported the first time one of its programs is met: the hook runs before every tool call, and
each import costs about a tenth of a millisecond, so a command line pays only for the families
it uses. That takes an index of which family handles which name; the families' own tables are
the truth, and tests/shell/test_registry.py checks that the index agrees with them.
"""

from __future__ import annotations

import re
import sys

from guard.shell.programs.options import name_set, positional

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook's start-up avoids importing typing
if TYPE_CHECKING:
    from types import ModuleType

    from guard.shell.model import Arg
    from guard.shell.programs.base import Handler, Unwrapper, Walker
    from guard.shell.syntax import Simple

# family -> the programs it handles. A name listed in several families' tables (ls is in quiet's
# QUIET and listers' HANDLERS) is indexed under the one whose handler wins: any but quiet.
INDEX = {
    "readers": """
awk base32 base64 basenc bat batcat bzcat cat ccat cmp code code-insiders codium colordiff
column comm csplit csvcut csvlook cursor cut dd delta diff diff3 dos2unix ed emacs emacsclient
envsubst ex expand fmt fold gawk gedit glow gojq gron gsed gvim gzcat hd head helix hexdump
highlight hx icdiff iconv jaq joe join jq kate less look lz4cat lzcat mawk mcedit mdcat micro
mlr more most nano nawk nl numfmt nvim od open pandoc paste pico pr pygmentize rev sdiff sed
shuf sort split sqlite3 strings subl tac tail tr tsort unexpand uniq unix2dos uuencode vi view
vim vimdiff wdiff xdg-open xmllint xxd xzcat yq zcat zless zmore zstdcat
""",
    "searchers": "ack ack-grep ag egrep fgrep grep pt rg sift ugrep zegrep zfgrep zgrep",
    "copiers": "cp install ln mv rsync scp",
    "archivers": "7z 7za 7zr bsdtar bzip2 compress gtar gzip jar lz4 lzma pigz rar tar xz zip zstd",
    "senders": """
aws curl ftp gh gsutil http https mail mutt nc ncat netcat rclone sendmail sftp socat telnet
wget xh
""",
    "vcs": "git",
    "listers": "fd fdfind find ls",
    "printers": "basename dirname echo print printf pwd readlink realpath",
    "environment": "declare dotenv export local printenv readonly set typeset",
    "shells": "ash bash busybox dash fish ksh mksh sh zsh",
    "shell_builtins": ". cd eval pushd source",
    "interpreters": """
Rscript bun deno lua luajit node nodejs osascript perl php powershell pwsh pypy pypy3 python
python2 python3 ruby tclsh
""",
    "containers": "docker docker-compose podman",
    "crypto": "age gpg gpg2 keytool openssl sops",
    "quiet": """
: [ [[ alias b2sum bg chgrp chmod chown cksum disown du exa exit eza false fg file getopts
guard hash jobs kill let locate lsof mapfile md5sum mkdir mkfifo popd read readarray return rm
rmdir sha1sum sha224sum sha256sum sha384sum sha512sum shopt shred sleep ssh ssh-add
ssh-copy-id ssh-keygen stat sum tee test touch trap trash tree true truncate type ulimit umask
unalias unset wait wc whereis which
""",
}
# The programs the wrappers family unwraps (its WRAPPERS).
WRAPPED = name_set("""
builtin bundle bunx caffeinate chronic chrt command conda direnv doas env exec faketime
firejail flock hatch ionice ltrace mamba micromamba nice nix nohup npx pdm pipenv pipx pnpx
poetry proxychains proxychains4 rye stdbuf strace sudo taskset time timeout torsocks unbuffer
uv uvx watch xargs xvfb-run
""")
# Names too many to list, and the listed name each is handled as (python3.12 as python). Kept
# as a string: re compiles it on first use.
PATTERNS = ((r"python\d+(?:\.\d+)*$|pypy\d*(?:\.\d+)*$", "python"),)


class NotAWrapper:
    """The type of NOT_A_WRAPPER, its one instance."""


# What an unwrapper returns when this use of its name wraps nothing (uv sync, not uv run).
NOT_A_WRAPPER = NotAWrapper()

_FAMILY_OF = {name: family for family, names in INDEX.items() for name in names.split()}


def family(name: str) -> ModuleType:
    """The family module ``guard.shell.programs.<name>``, imported on first use."""
    module = f"guard.shell.programs.{name}"
    if module not in sys.modules:
        __import__(module)  # not importlib: the hook does not otherwise import it
    return sys.modules[module]


def _listed(name: str) -> str:
    """``name``, or the listed name it is handled as; "" for a program Guard does not know."""
    if name in _FAMILY_OF:
        return name
    return next((listed for pattern, listed in PATTERNS if re.match(pattern, name)), "")


def handler(name: str) -> Handler:
    """The handler of the program called ``name`` (a base name, not a path)."""
    listed = _listed(name)
    if not listed:
        return unknown
    handlers: dict[str, Handler] = family(_FAMILY_OF[listed]).HANDLERS
    return handlers[listed]


def unwrapper(name: str) -> Unwrapper | None:
    """How to unwrap the program called ``name`` when it runs another command, else None."""
    if name not in WRAPPED:
        return None
    wrappers: dict[str, Unwrapper] = family("wrappers").WRAPPERS
    return wrappers[name]


def takes_code(name: str) -> bool:
    """Shells and interpreters: a file they read through ``<`` is code, read to see what it does."""
    return _FAMILY_OF.get(_listed(name)) in ("shells", "interpreters")


def stdin_safe(name: str) -> bool:
    """Whether what ``name`` prints of its standard input is only a count or a hash."""
    return name in family("quiet").STDIN_SAFE


def unknown(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object,
            code: list[str]) -> None:
    """A program Guard does not know: each argument may be a file it is passed (judged by name,
    the value of ``--opt=value`` included)."""
    for a in positional(args, values=True):
        w.touch("pass", a, name)
