"""Proxy overhead on loopback: latency and time to first byte, direct to a fake upstream vs
through the proxy (fake rewriter that shortens one tool result), p50 and p90 over N requests.

    PYTHONPATH=. python bench/proxy_overhead.py [N]

The upstream and the proxy each run in their own process (uvicorn, one worker), so the
client, the proxy and the upstream do not share a GIL.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time

import httpx2

UPSTREAM = """
import socket, sys, uvicorn
from tests.proxy_servers import FakeUpstream, Reply, transcript
class Always(FakeUpstream):
    async def answer(self, request):
        self.replies.append(Reply.sse(transcript("anthropic_text.sse")) if b'"stream":true' in (await request.body()).replace(b" ", b"") else Reply.json(transcript("anthropic_message.json")))
        self.received.clear()
        return await super().answer(request)
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP); sock.bind(("127.0.0.1", 0)); sock.listen(256)
print(sock.getsockname()[1], flush=True)
uvicorn.Server(uvicorn.Config(Always().app, log_level="warning", ws="none", access_log=False)).run(sockets=[sock])
"""
PROXY = """
import socket, sys, uvicorn
from headroom_mcp.proxy.app import build_proxy_app
from headroom_mcp.proxy.config import ProxyConfig
from tests.proxy_servers import ShorteningRewriter
app = build_proxy_app(ProxyConfig(anthropic_upstream=sys.argv[1]), ShorteningRewriter())
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP); sock.bind(("127.0.0.1", 0)); sock.listen(256)
print(sock.getsockname()[1], flush=True)
uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="none", access_log=False, lifespan="on")).run(sockets=[sock])
"""
RESULT = "2025-06-24 14:36:25 upgrade libsystemd0:amd64 252.36-1~deb12u1\n" * 40


def body(stream: bool) -> bytes:
    return json.dumps(
        {
            "model": "claude-sonnet-4-5-20250929",
            "max_tokens": 1024,
            "stream": stream,
            "messages": [
                {"role": "user", "content": "Why did the build fail?"},
                {
                    "role": "assistant",
                    "content": [{"type": "tool_use", "id": "t1", "name": "Bash", "input": {}}],
                },
                {
                    "role": "user",
                    "content": [{"type": "tool_result", "tool_use_id": "t1", "content": RESULT}],
                },
            ],
        }
    ).encode()


def measure(
    client: httpx2.Client, url: str, stream: bool, n: int
) -> tuple[list[float], list[float]]:
    totals, firsts = [], []
    payload = body(stream)
    headers = {
        "x-api-key": "k",
        "anthropic-version": "2023-06-01",
        "content-type": "application/json",
    }
    for _ in range(n):
        start = time.perf_counter()
        with client.stream(
            "POST", url + "/v1/messages", content=payload, headers=headers
        ) as response:
            first = None
            for _chunk in response.iter_raw():
                if first is None:
                    first = time.perf_counter()
        end = time.perf_counter()
        totals.append((end - start) * 1000)
        firsts.append(((first or end) - start) * 1000)
    return totals, firsts


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    upstream = subprocess.Popen([sys.executable, "-c", UPSTREAM], stdout=subprocess.PIPE, text=True)
    up = f"http://127.0.0.1:{upstream.stdout.readline().strip()}"
    proxy = subprocess.Popen([sys.executable, "-c", PROXY, up], stdout=subprocess.PIPE, text=True)
    via = f"http://127.0.0.1:{proxy.stdout.readline().strip()}"
    try:
        with httpx2.Client(timeout=10) as client:
            for stream in (False, True):
                measure(client, up, stream, 20)
                measure(client, via, stream, 20)  # warm-up
                direct_total, direct_first = measure(client, up, stream, n)
                proxy_total, proxy_first = measure(client, via, stream, n)
                label = "stream" if stream else "json"
                print(
                    f"{label:6} direct p50 {pct(direct_total, 50):.2f} ms (ttfb {pct(direct_first, 50):.2f}) · "
                    f"proxy p50 {pct(proxy_total, 50):.2f} ms (ttfb {pct(proxy_first, 50):.2f}) · "
                    f"overhead p50 {pct(proxy_total, 50) - pct(direct_total, 50):.2f} ms, "
                    f"ttfb +{pct(proxy_first, 50) - pct(direct_first, 50):.2f} ms; "
                    f"p90 overhead {pct(proxy_total, 90) - pct(direct_total, 90):.2f} ms"
                )
    finally:
        for process in (proxy, upstream):
            process.terminate()
            process.wait(timeout=10)
            process.stdout.close()


if __name__ == "__main__":
    main()
