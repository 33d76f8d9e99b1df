"""Benchmark ``guard proxy``: the latency it adds to a model request, against a direct
connection to the same loopback mock model, for request bodies of 20 KB, 200 KB and 2 MB (an
Anthropic Messages request whose tool results hold source code and, once, a .env).

Prints, per size, the median and p95 of: the whole request (time to the last byte of the
streamed answer) direct and through the proxy, the time to the first byte of the answer
likewise, and the proxy's own redaction time measured in-process (the same function the proxy
runs per request), with its throughput in MB/s.

    python bench/proxy_bench.py [--runs 30]

Needs the repository's test helpers (run it from a clone, in the venv with Guard installed).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = {"20 KB": 20_000, "200 KB": 200_000, "2 MB": 2_000_000}
# a fake key made up for the bench
ENV = "STRIPE_KEY=sk_live_51Hm7nlbAJ6XHMdp0cs8LDwhWQ4wq67oA\nDEBUG=1\n"  # pragma: allowlist secret


def body(size: int) -> bytes:
    code = "".join(f"def handler_{i}(request):\n    return render(request, 'page_{i}.html')\n"
                   for i in range(size // 60 + 1))[:size]
    result = code[: size // 2] + ENV + code[size // 2:]
    messages = [{"role": "user", "content": "Look at this project."},
                {"role": "assistant", "content": [{"type": "tool_use", "id": "t1",
                                                   "name": "Bash", "input": {"command": "x"}}]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1",
                                              "content": result}]}]
    return json.dumps({"model": "m", "stream": True, "max_tokens": 10,
                       "messages": messages}).encode()


def timed(host: str, port: int, data: bytes) -> tuple[float, float]:
    """(ms to the first byte of the answer, ms to its end) of one streamed request."""
    conn = http.client.HTTPConnection(host, port, timeout=60)
    start = time.perf_counter()
    conn.request("POST", "/v1/messages", body=data,
                 headers={"Content-Type": "application/json", "x-api-key": "k",
                          "anthropic-version": "2023-06-01"})
    resp = conn.getresponse()
    resp.read(1)
    first = time.perf_counter()
    resp.read()
    end = time.perf_counter()
    conn.close()
    return (first - start) * 1000, (end - start) * 1000


def stats(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"median {statistics.median(values):7.2f} ms  p95 {p95:7.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    sys.path.insert(0, ROOT)
    try:
        from guard.judge import Judge
        from guard.proxy.server import _redact_body
        from guard.redactor import Redactor
        from tests.e2e.mockmodel import MockModel
    except ImportError as e:
        sys.stderr.write(f"proxy_bench: needs Guard installed with its test helpers ({e}); run "
                         "it from a clone, in the venv of `pip install -e '.[test]'`\n")
        return 2
    guard = shutil.which("guard", path=os.path.dirname(sys.executable))
    if guard is None:
        sys.stderr.write("proxy_bench: no guard script next to this Python\n")
        return 2
    work = tempfile.mkdtemp(prefix="guard-proxy-bench-")
    subprocess.run(["git", "init", "-q", work], check=True)
    with open(os.path.join(work, ".env"), "w", encoding="utf-8") as f:
        f.write(ENV)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["HOME"] = work
    with MockModel([]) as mock:
        proc = subprocess.Popen([guard, "proxy", "--upstream", f"anthropic={mock.url}",
                                 "--root", work], cwd=work, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None
            if not select.select([proc.stdout], [], [], 60)[0]:
                sys.stderr.write("proxy_bench: guard proxy did not start\n")
                return 1
            proxy_port = int(proc.stdout.readline().rsplit(":", 1)[1])
            mock_port = int(mock.url.rsplit(":", 1)[1])
            redactor = Redactor(Judge.near(work, home=work), env={"HOME": work}, large_from=1)
            print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs, "
                  f"{args.runs} runs each")
            for name, size in SIZES.items():
                data = body(size)
                for _ in range(3):  # warm up both paths and the proxy's known values
                    timed("127.0.0.1", mock_port, data)
                    timed("127.0.0.1", proxy_port, data)
                direct, proxied, own = [], [], []
                for _ in range(args.runs):
                    direct.append(timed("127.0.0.1", mock_port, data))
                    proxied.append(timed("127.0.0.1", proxy_port, data))
                    start = time.perf_counter()
                    _redact_body(data, redactor)
                    own.append((time.perf_counter() - start) * 1000)
                added = [p[1] - d[1] for p, d in zip(proxied, direct, strict=True)]
                added_first = [p[0] - d[0] for p, d in zip(proxied, direct, strict=True)]
                mb_s = len(data) / 1e6 / (statistics.median(own) / 1000)
                print(f"\n{name} request ({len(data) / 1000:.0f} KB)")
                print(f"  direct, whole answer       {stats([d[1] for d in direct])}")
                print(f"  via proxy, whole answer    {stats([p[1] for p in proxied])}")
                print(f"  added, whole answer        {stats(added)}")
                print(f"  added, first byte          {stats(added_first)}")
                print(f"  redaction in-process       {stats(own)}  ({mb_s:.1f} MB/s)")
            return 0
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
