"""``guard proxy``: the last boundary, the HTTP request to the model API, with every secret
replaced by its placeholder (see guard.proxy.server)."""

from __future__ import annotations

import sys

from guard.errors import GuardError

DEFAULT_LISTEN = "127.0.0.1:0"


def parse_listen(listen: str, allow_remote: bool) -> tuple[str, int]:
    """HOST:PORT (port 0: a free one); a host that is not loopback only with ``allow_remote``."""
    host, sep, port = listen.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise GuardError(f"--listen {listen!r}: expected HOST:PORT, e.g. 127.0.0.1:8787")
    host = host.strip("[]") or "127.0.0.1"
    if host not in ("127.0.0.1", "localhost", "::1") and not allow_remote:
        raise GuardError(f"--listen {listen!r}: Guard's proxy listens on loopback only; "
                         "--allow-remote lets other machines send through it")
    return host, int(port)


def parse_upstreams(values: list[str]) -> dict[str, str]:
    from guard.proxy.apis import DEFAULT_UPSTREAMS

    out: dict[str, str] = {}
    for value in values:
        name, sep, url = value.partition("=")
        if not sep or name not in DEFAULT_UPSTREAMS or not url.startswith(("http://",
                                                                           "https://")):
            raise GuardError(f"--upstream {value!r}: expected NAME=URL with NAME one of "
                             f"{', '.join(DEFAULT_UPSTREAMS)}")
        out[name] = url
    return out


def run(*, listen: str = DEFAULT_LISTEN, upstreams: list[str] | None = None,
        log: str | None = None, root: str = ".", allow_remote: bool = False) -> int:
    host, port = parse_listen(listen, allow_remote)
    ups = parse_upstreams(upstreams or [])
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.stderr.write(f"guard proxy: warning: listening on {host}: any machine that reaches "
                         "it can send requests through it with its own credentials\n")
    try:
        from guard.proxy.server import Proxy, serve
    except ImportError as e:
        raise GuardError(f"guard proxy needs aiohttp ({e}); install Guard again from the "
                         "repository: pip install .") from None
    serve(Proxy(ups, root, log), host, port)
    return 0


def answering(host: str, port: int) -> bool:
    """Whether a Guard proxy answers at HOST:PORT."""
    import http.client
    import json

    try:
        conn = http.client.HTTPConnection(host, port, timeout=2)
        conn.request("GET", "/_guard/health")
        resp = conn.getresponse()
        ok = resp.status == 200 and json.loads(resp.read() or b"{}").get("guard") == "proxy"
        conn.close()
        return bool(ok)
    except (OSError, ValueError):
        return False


def _register(host: str, port: int, root: str) -> int:
    """Have the proxy running at HOST:PORT know ``root``'s secret files too (one proxy serves
    the sessions of every project configured with the same port): 0, or 2 with the reason."""
    import http.client
    import json

    try:
        conn = http.client.HTTPConnection(host, port, timeout=5)
        conn.request("POST", "/_guard/roots", json.dumps({"root": root}),
                     {"Content-Type": "application/json"})
        resp = conn.getresponse()
        answer = resp.read()
        conn.close()
    except OSError as e:
        raise GuardError(f"the Guard proxy on {host}:{port} did not take {root}: "
                         f"{type(e).__name__}") from None
    if resp.status != 200:
        try:
            reason = json.loads(answer)["error"]["message"]
        except (ValueError, KeyError, TypeError):
            reason = f"HTTP {resp.status}"
        # an older Guard proxy (no such route) or one that knows too many projects: the secret
        # files of this one would be unknown to it, so say so rather than carry on quietly
        raise GuardError(f"the Guard proxy on {host}:{port} does not know the secret files of "
                         f"{root} ({reason}); stop it and start the session again")
    return 0


def ensure(*, listen: str, root: str = ".", log: str | None = None,
           upstreams: list[str] | None = None) -> int:
    """Start a proxy at ``listen`` in the background unless one answers there already (what an
    assistant's session-start hook runs): exit 0 once it answers, 2 with the reason if not. A
    proxy that answers already is reused (its upstreams too) and learns ``root``'s secret
    files."""
    import os
    import subprocess
    import time

    host, port = parse_listen(listen, allow_remote=False)
    parse_upstreams(upstreams or [])  # a bad one is said now, not by a proxy in the background
    if port == 0:
        raise GuardError("--ensure needs a fixed port, e.g. --listen 127.0.0.1:8787")
    if answering(host, port):
        return _register(host, port, os.path.abspath(root))
    script = os.path.join(os.path.dirname(os.path.abspath(sys.executable)), "guard")
    command = [script] if os.access(script, os.X_OK) else [sys.executable, "-m", "guard"]
    args = [*command, "proxy", "--listen", f"{host}:{port}", "--root", os.path.abspath(root)]
    if log:
        args += ["--log", os.path.abspath(log)]
    for upstream in upstreams or []:
        args += ["--upstream", upstream]
    with open(os.devnull, "rb") as devnull_in, open(os.devnull, "wb") as devnull_out:
        child = subprocess.Popen(args, stdin=devnull_in, stdout=devnull_out, stderr=devnull_out,
                                 start_new_session=True)  # outlives the hook that started it
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if answering(host, port):
            return 0
        if child.poll() is not None:  # it stopped: the port is taken, or it cannot start
            break
        time.sleep(0.1)
    raise GuardError(f"guard proxy did not start on {host}:{port}: the assistant's requests "
                     "will fail rather than go to the model unprotected; run `guard proxy "
                     f"--listen {host}:{port}` by hand to see why")
