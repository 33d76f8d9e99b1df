"""``guard proxy``: a loopback HTTP proxy between an assistant and its model API. Each request
body has every secret replaced by its typed placeholder (guard.redactor, the same as the
tool-output layer) before it is forwarded to the real API with the client's own headers; the
answer comes back unchanged, streamed chunk for chunk (server-sent events included).

It lets no one in: it listens on loopback unless told otherwise, refuses a request that carries
a browser ``Origin`` or a ``Host`` that is not loopback (so a web page cannot use it), answers no
CORS preflight, and adds no credential of its own. A body Guard cannot read (not JSON) goes
through only when it holds no secret; otherwise the answer is a 4xx JSON error naming Guard. An
upstream that cannot be reached gives a 502. The audit log (``--log``) holds, per request, the
API and the placeholders applied (rule and fingerprint), never a value.

aiohttp is imported here only: no other command pays for it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time

from aiohttp import ClientError, ClientSession, ClientTimeout, web

from guard.proxy import apis

TYPE_CHECKING = False
if TYPE_CHECKING:
    from guard.judge import Judge
    from guard.redactor import Redactor

MAX_BODY = 64 * 1024 * 1024  # a request to a model API is never near this
REFRESH_SECONDS = 10.0  # how old the known values may get before the files are read again
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
# Headers that describe one hop, not the message: never forwarded (RFC 9110 7.6.1)
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
                        "te", "trailer", "transfer-encoding", "upgrade", "host",
                        "content-length"})


class Proxy:
    """The proxy's state: upstreams, the known secret values (refreshed), the audit log."""

    def __init__(self, upstreams: dict[str, str], root: str, log: str | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.upstreams = {**apis.DEFAULT_UPSTREAMS, **upstreams}
        self.root = os.path.abspath(root)
        # the repositories whose secret files' values are known: --root, then every project
        # whose session registered (``guard proxy --ensure`` finding this proxy running)
        self.roots = [self.root]
        self.env = dict(os.environ if env is None else env)
        self.log_path = log
        self._redactor: Redactor | None = None
        self._made = 0.0
        self._stamps: dict[str, float] = {}
        self.session: ClientSession | None = None

    # --- the known values ----------------------------------------------------------------------

    def redactor(self) -> Redactor:
        """The redactor, made again when it is older than REFRESH_SECONDS or one of the files
        its values came from changed (a new .env is seen within seconds)."""
        now = time.monotonic()
        if self._redactor is not None and now - self._made < REFRESH_SECONDS and \
                all(_mtime(p) == m for p, m in self._stamps.items()):
            self._redactor.applied.clear()
            return self._redactor
        from guard.redactor import Redactor

        home = self.env.get("HOME") or os.path.expanduser("~")
        judge, *others = (_judge(root, home) for root in self.roots)
        # large_from=1: Hyperscan for every size, loaded once
        redactor = Redactor(judge, env=self.env, large_from=1, also=others)
        redactor.needles()  # read the files now: not on the first request's clock
        self._redactor, self._made = redactor, now
        self._stamps = {p: _mtime(p) for p in redactor.sources}
        return redactor

    def add_root(self, root: str) -> bool:
        """Know the secret files of ``root`` too, from the next request on; False when it is
        not a directory or there are MAX_ROOTS already."""
        from guard.config import find_root

        if not os.path.isdir(root):
            return False
        root = find_root(root)  # a project's sub-folder is its repository
        if root in self.roots or find_root(self.root) == root:
            return True
        if len(self.roots) >= MAX_ROOTS:
            return False
        self.roots.append(root)
        self._redactor = None
        return True

    async def register(self, request: web.Request) -> web.Response:
        """``POST /_guard/roots {"root": PATH}``: what ``guard proxy --ensure`` sends when it
        finds this proxy running for another project."""
        refusal = _refuse_foreign(request)
        if refusal is not None:
            return refusal
        try:
            root = json.loads(await request.read()).get("root")
        except (ValueError, AttributeError):
            root = None
        if not isinstance(root, str) or not os.path.isabs(root):
            return _error(400, 'expected {"root": "/absolute/path"}')
        if not self.add_root(root):
            return _error(400, f"not a directory, or {MAX_ROOTS} projects known already")
        return web.json_response({"guard": "proxy", "roots": len(self.roots)})

    # --- one request ---------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        refusal = _refuse_foreign(request)
        if refusal is not None:
            return refusal
        api, path = apis.route(request.path, request.headers)
        if api is None:
            return _error(404, f"Guard's proxy does not know which model API {request.path} "
                               "is for: use a base URL ending in /anthropic, /openai or /gemini")
        body = await request.read()
        if len(body) > MAX_BODY:
            return _error(413, "request body too large for Guard's proxy")
        redactor = self.redactor()
        forwarded, count, problem = _redact_body(body, redactor)
        if problem:
            return _error(400, problem)
        self._audit(api, request, count, redactor)
        return await self._forward(request, api, path, forwarded)

    async def _forward(self, request: web.Request, api: str, path: str,
                       body: bytes) -> web.StreamResponse:
        url = self.upstreams[api].rstrip("/") + path
        if request.query_string:
            url += "?" + request.query_string
        # the body is forwarded decoded (aiohttp decodes a compressed request): its encoding
        # header would describe bytes that are not there
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() not in HOP_BY_HOP and k.lower() != "content-encoding"}
        assert self.session is not None
        try:
            upstream = await self.session.request(request.method, url, headers=headers,
                                                  data=body or None, allow_redirects=False)
        except (ClientError, OSError, TimeoutError) as e:
            return _error(502, f"Guard's proxy could not reach the {api} API at "
                               f"{self.upstreams[api]}: {type(e).__name__}")
        async with upstream:
            response = web.StreamResponse(status=upstream.status, reason=upstream.reason)
            for key, value in upstream.headers.items():  # Content-Encoding too: the answer
                if key.lower() not in HOP_BY_HOP:      # goes back as compressed as it came
                    response.headers.add(key, value)
            await response.prepare(request)
            try:
                async for chunk in upstream.content.iter_any():  # SSE: chunk for chunk
                    await response.write(chunk)
                await response.write_eof()
            except (ConnectionResetError, ClientError):
                pass  # the client hung up once it had what it wanted (Codex does): not an error
            return response

    def _audit(self, api: str, request: web.Request, count: int, redactor: Redactor) -> None:
        if not self.log_path:
            return
        import re

        applied = []
        for holder in redactor.applied:
            m = re.match(rb"<redacted:([\w.\-]+) len=\d+ fp=([0-9a-f]+)>", holder)
            if m:
                applied.append({"rule": m.group(1).decode(), "fingerprint": m.group(2).decode()})
        entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "api": api,
                 "method": request.method, "path": request.path,
                 "client": request.headers.get("User-Agent", "")[:200],
                 "model_call": apis.model_call(api, request.path), "redacted": count,
                 "placeholders": applied}
        with open(self.log_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")


def _redact_body(body: bytes, redactor: Redactor) -> tuple[bytes, int, str]:
    """(the body to forward, secrets replaced, why it is refused or "")."""
    from guard.hook.output import redact_value

    if not body:
        return body, 0, ""
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if data is None:  # not JSON: forwarded only as it is, and only when it holds no secret
        _, count = redactor.redact_bytes(body)
        if count:
            return b"", count, ("Guard's proxy refused a request body it cannot parse as JSON "
                                f"because it holds {count} secret value(s)")
        return body, 0, ""
    redacted, count = redact_value(data, redactor)
    if not count:
        return body, 0, ""  # byte for byte: nothing to change, nothing re-encoded
    return json.dumps(redacted, ensure_ascii=False).encode(), count, ""


def _refuse_foreign(request: web.Request) -> web.Response | None:
    """A 403 for a request a web page could have sent: a browser Origin, a foreign Host (DNS
    rebinding), or a CORS preflight."""
    if request.method == "OPTIONS" or "Origin" in request.headers:
        return _error(403, "Guard's proxy answers no browser request (Origin header)")
    host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
    if host not in LOOPBACK_HOSTS:
        return _error(403, f"Guard's proxy answers loopback requests only, not for host {host}")
    return None


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"type": "error", "error": {"type": "guard_proxy_error",
                                                         "message": message}}, status=status)


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return -1.0


HEALTH = "/_guard/health"
ROOTS = "/_guard/roots"
MAX_ROOTS = 64  # each is walked for its secret files when the known values are gathered


def _judge(root: str, home: str) -> Judge:
    """The judge of one repository, with its own config (none, or a broken one: the defaults,
    which must not open the gate)."""
    from guard import config as config_mod
    from guard.errors import GuardError
    from guard.judge import Judge

    try:
        found = config_mod.find(root)
        # no config: relative to the root, never to a start directory that may be gone
        cfg = config_mod.load(found) if found else config_mod.Config(base=root)
    except GuardError:
        cfg = config_mod.Config(base=root)
    return Judge(cfg, root=config_mod.find_root(root), home=home)


async def health(request: web.Request) -> web.Response:
    """What ``guard proxy --ensure`` asks to know a Guard proxy already listens there."""
    refusal = _refuse_foreign(request)
    return refusal if refusal is not None else web.json_response({"guard": "proxy"})


def app(proxy: Proxy) -> web.Application:
    application = web.Application(client_max_size=MAX_BODY)

    async def open_session(_: web.Application) -> None:
        proxy.session = ClientSession(timeout=ClientTimeout(total=None, sock_connect=30),
                                      auto_decompress=False)

    async def close_session(_: web.Application) -> None:
        if proxy.session is not None:
            await proxy.session.close()

    application.on_startup.append(open_session)
    application.on_cleanup.append(close_session)
    application.router.add_get(HEALTH, health)
    application.router.add_post(ROOTS, proxy.register)
    application.router.add_route("*", "/{tail:.*}", proxy.handle)
    return application


def serve(proxy: Proxy, host: str, port: int) -> None:
    """Serve until stopped, printing the address first (port 0 picks a free one)."""
    import asyncio

    async def main() -> None:
        runner = web.AppRunner(app(proxy), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = site._server.sockets[0].getsockname()  # type: ignore[union-attr]  # aiohttp: no public accessor
        shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
        sys.stdout.write(f"guard proxy: listening on http://{shown}:{bound[1]}\n")
        sys.stdout.flush()
        proxy.redactor()
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: stop, quietly
        asyncio.run(main())
