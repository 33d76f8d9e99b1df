"""Programs that pack files into an archive or compress them: tar, zip, gzip, 7z… Only creating
an archive counts (``tar x``, ``gzip -d`` and listings do not)."""

from __future__ import annotations

import os

from guard.shell.programs.options import name_set, parse_options, positional

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook's start-up avoids importing typing
if TYPE_CHECKING:
    from guard.shell.model import Arg
    from guard.shell.programs.base import Handler, Walker
    from guard.shell.syntax import Simple

ARCHIVERS = name_set("tar bsdtar gtar zip gzip pigz bzip2 xz zstd lz4 lzma compress 7z 7za 7zr "
                     "rar jar")


def _archive(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object,
             code: list[str]) -> None:
    """The files an archiver packs; tar has its own rules (_tar), 7z/rar/jar a subcommand."""
    if name in ("tar", "bsdtar", "gtar"):
        return _tar(w, name, args)
    if name in ("7z", "7za", "7zr", "rar", "jar"):
        pos = positional(args)
        if not pos or pos[0].text not in ("a", "u", "c", "cf", "cvf", "-c"):
            return None
        for a in pos[2:]:
            _archive_member(w, name, a, ())
        return None
    opts, pos = parse_options(args, frozenset({"-x", "-i", "-b", "-n", "-P", "-t", "-tt",
                                                "-S", "--suffix", "-T"}))
    excludes = tuple(v.text for k, v in opts if k == "-x" and v is not None)
    if name == "zip":
        pos = pos[1:]  # the archive
    if {k for k, _ in opts} & {"-d", "--decompress", "-l", "--list", "-t", "--test"}:
        return None
    for a in pos:
        _archive_member(w, name, a, excludes)
    return None


def _archive_member(w: Walker, name: str, a: Arg, excludes: tuple[str, ...]) -> None:
    """One file packed, or a whole tree when it is a directory."""
    path = w.abspath(a.text) if a.text else ""
    if path and os.path.isdir(path):
        w.touch("archive", a, name, scope="tree", excludes=excludes)
    else:
        w.touch("archive", a, name)


def _tar(w: Walker, name: str, args: list[Arg]) -> None:
    """Only creating (c), appending (r, A) and updating (u) pack; names are relative to -C."""
    if not args:
        return
    first = args[0].text
    bundle = first if not first.startswith("-") else ""
    mode = ""
    for t in [bundle, *(a.text for a in args if a.text.startswith("-"))]:
        if t.startswith("--"):
            mode = mode or {"--create": "c", "--append": "r", "--update": "u"}.get(t, "")
            continue
        for ch in t.lstrip("-"):
            if ch in "crutxAd":
                mode = mode or ch
    if mode not in ("c", "r", "u", "A"):
        return
    values = name_set("-f -C -T -X -b -H -K -N -g --file --directory --files-from "
                      "--exclude-from --format --owner --group --mode")
    opts, pos = parse_options(args[1:] if bundle else args, values)
    if bundle and "f" in bundle and pos:
        pos = pos[1:]
    excludes = tuple(v.text for k, v in opts if k == "--exclude" and v is not None)
    base = w.cwd
    for k, v in opts:
        if k in ("-T", "--files-from", "-X", "--exclude-from") and v is not None:
            w.touch("read", v, name)
        if k in ("-C", "--directory") and v is not None:
            base = w.abspath(v.text)
    sub = w.at(base)
    for a in pos:
        _archive_member(sub, name, a, excludes)


HANDLERS: dict[str, Handler] = dict.fromkeys(ARCHIVERS, _archive)
