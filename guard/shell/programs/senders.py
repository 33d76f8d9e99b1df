"""Programs that send files to another machine: curl, wget, HTTPie, socat, and the uploads of
cloud and hosting CLIs (aws s3, gsutil, rclone, gh). The others in SENDERS (nc, ftp, mail…) get
their data through ``<`` or a pipe, which the walk judges where it is read."""

from __future__ import annotations

import os
import re

from guard.shell.model import Arg
from guard.shell.programs.options import name_set, parse_options, positional
from guard.shell.programs.quiet import nothing

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the hook's start-up avoids importing typing
if TYPE_CHECKING:
    from guard.shell.programs.base import Handler, Walker
    from guard.shell.syntax import Simple

SENDERS = name_set("curl wget http https xh nc ncat netcat socat telnet ftp sftp mail sendmail "
                   "mutt")


def _curl(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object,
          code: list[str]) -> None:
    """Files curl uploads or reads: ``-d @f``, ``--data-binary @f``, ``-F k=@f``, ``-F k=<f``,
    ``-T f``, ``--json @f``, ``-H @f``, ``-K f``, and ``file://`` URLs."""
    data = name_set("-d --data --data-ascii --data-binary --data-urlencode --json -H --header "
                    "--variable")
    with_value = data | name_set("-F --form --form-string -T --upload-file -K --config -o "
                                 "--output -u --user -x --proxy -A --user-agent -e --referer "
                                 "-b --cookie -c --cookie-jar -X --request -m --max-time "
                                 "--cert --key --cacert --url -w --write-out")
    opts, pos = parse_options(args, with_value)
    for k, v in opts:
        if v is None:
            continue
        t = v.text
        if k in data and "@" in t:
            path = t.split("@", 1)[1]
            if path and path != "-":
                w.touch("send", Arg(path, v.source, dynamic=v.dynamic), name)
        elif k == "-F" or k == "--form":
            m = re.search(r"=[@<]([^;]+)", t)
            if m:
                w.touch("send", Arg(m.group(1), v.source, dynamic=v.dynamic), name)
        elif k in ("-T", "--upload-file"):
            w.touch("send", v, name)
        elif k in ("-K", "--config"):
            w.touch("read", v, name)
        elif k == "--url":
            pos.append(v)
    for a in pos:
        if a.text.startswith("file://"):
            w.touch("read", Arg(a.text[7:], a.source, dynamic=a.dynamic), name)


def _wget(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object,
          code: list[str]) -> None:
    """wget sends --post-file and --body-file, and the URLs of -i come from a file."""
    opts, _ = parse_options(args, frozenset({"--post-file", "--body-file", "-i",
                                              "--input-file", "-O", "-o", "-P"}))
    for k, v in opts:
        if v is not None and k in ("--post-file", "--body-file", "-i", "--input-file"):
            w.touch("send", v, name)


def _http(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object,
          code: list[str]) -> None:
    """HTTPie and xh: ``field=@file``, ``field:=@file`` and ``field@file`` embed or upload."""
    for a in positional(args):
        m = re.match(r"^[^=@:/]*(?::?=)?@(.+)$", a.text)
        if m:
            w.touch("send", Arg(m.group(1), a.source, dynamic=a.dynamic), name)


def _socat(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object,
           code: list[str]) -> None:
    """socat sends a file opened by a FILE:, OPEN: or GOPEN: address."""
    for a in positional(args):
        m = re.match(r"(?i)^(?:file|open|gopen|create|exec|system):([^,]+)", a.text)
        if m and a.text.lower().startswith(("file:", "open:", "gopen:")):
            w.touch("send", Arg(m.group(1), a.source), name)


def _aws(w: Walker, name: str, args: list[Arg], cmd: Simple, feed: object, code: list[str]) -> None:
    """``aws s3 cp/mv/sync``, ``gsutil cp``, ``rclone copy``, ``gh gist create``: uploads."""
    texts = [a.text for a in args]
    pos = positional(args)
    if name == "gh":
        if texts[:2] in (["gist", "create"], ["release", "upload"]):
            for a in pos[2:]:
                w.touch("send", a, "gh " + " ".join(texts[:2]))
        return
    start = {"aws": 2, "gsutil": 1, "rclone": 1}.get(name, 1)
    if name == "aws" and texts[:1] != ["s3"]:
        return
    for a in pos[start:-1]:
        if "://" not in a.text and not re.match(r"^[\w\-]+:", a.text):
            path = w.abspath(a.text)
            scope = "tree" if os.path.isdir(path) else "file"
            w.touch("send", a, name, scope=scope)


HANDLERS: dict[str, Handler] = {
    **dict.fromkeys(SENDERS, nothing), "curl": _curl, "wget": _wget, "http": _http,
    "https": _http, "xh": _http, "socat": _socat, "aws": _aws, "gsutil": _aws,
    "rclone": _aws, "gh": _aws}
