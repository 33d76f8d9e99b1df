"""Programs that take a file without showing its content, or only a count or a hash of it
(wc, sha256sum, ls, rm, test…), and shell builtins that show nothing of a file."""

from __future__ import annotations

from guard.shell.programs.options import name_set

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook's start-up avoids importing typing
if TYPE_CHECKING:
    from guard.shell.model import Arg
    from guard.shell.programs.base import Handler, Walker
    from guard.shell.syntax import Simple

# Also consulted as a set: xargs runs none of these, and the registry lets another family's
# handler win for the ones that list or change directory (ls, find, fd, cd, realpath…).
# ssh is here: it uses keys (-i) without showing them, and a remote command runs elsewhere.
QUIET = name_set("""
wc md5sum sha1sum sha224sum sha256sum sha384sum sha512sum b2sum cksum sum file stat ls du test [
[[ realpath readlink basename dirname touch rm rmdir chmod chown chgrp shred truncate mkdir cd
pushd popd true false : trash sleep which type whereis exit return guard ssh ssh-add ssh-keygen
ssh-copy-id lsof kill mkfifo exa eza tree fd fdfind find locate wait jobs fg bg disown umask
ulimit hash alias unalias shopt trap read mapfile readarray let local unset getopts
""")
# Of those, the ones whose standard input may come from a sensitive file: they print only a
# count or a hash of it (`read`, `mapfile` are quiet but put the content in a variable).
STDIN_SAFE = name_set("wc md5sum sha1sum sha224sum sha256sum sha384sum sha512sum b2sum cksum sum "
                      "true false : test [ file")


def nothing(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object,
            code: list[str]) -> None:
    """The handler of a program that reveals nothing of the files it is given."""
    return None


# tee writes its input to files: the input's source is judged where it is read.
HANDLERS: dict[str, Handler] = {**dict.fromkeys(QUIET, nothing), "tee": nothing}
