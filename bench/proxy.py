"""The proxy on a replayed 30-turn tool-heavy Claude Code session, against a fake upstream.

    PYTHONPATH=. python bench/proxy.py [--turns 30] [--repeat 5]

What it measures (issue #15's targets in brackets):
- input tokens: each request as received vs as forwarded (system, tools and messages, counted
  with the same tokenizer as the reported counts), on tool-heavy turns (turns that append
  ≥ 2,000 tokens of tool results) and over all turns [≥ 60% fewer on tool-heavy turns];
- broken requests: a non-200 answer or a stream that does not end with `message_stop` [0];
- cache prefix: at turn k the messages forwarded at turn k-1 come back identical, cache_control
  aside [100% of turns];
- overhead beyond compression: the session is replayed again (every tool result is then
  served from the session's memory, so no engine runs) and each request's latency through the
  proxy is set against the same request sent straight to the upstream [p50 ≤ 10 ms], and the
  same for the time to the first streamed byte [within 5 ms].

The upstream is a real HTTP server on 127.0.0.1 (tests/proxy_servers.py) answering every
request with a recorded Anthropic stream; the proxy is the real app with the real rewriter,
under uvicorn in its own process, with a store in a temporary HEADROOM_MCP_HOME.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.proxy_session import build_session  # noqa: E402
from headroom_mcp.proxy.sessions import strip_cache_control  # noqa: E402
from headroom_mcp.tokens import count_tokens  # noqa: E402
from tests.proxy_servers import FakeUpstream, Reply, serving, transcript  # noqa: E402

TOOL_HEAVY_TOKENS = 2000
HEADERS = {
    "x-api-key": "sk-ant-bench-not-a-key",
    "anthropic-version": "2023-06-01",
    "anthropic-beta": "prompt-caching-2024-07-31",
    "content-type": "application/json",
    "user-agent": "claude-cli/2.1.0 (external, cli)",
    "x-claude-code-session-id": "bench-session",
}
PROXY = """
import socket, sys, uvicorn
from headroom_mcp.proxy.app import build_proxy_app
from headroom_mcp.proxy.config import ProxyConfig
app = build_proxy_app(ProxyConfig(anthropic_upstream=sys.argv[1]))
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP); sock.bind(("127.0.0.1", 0)); sock.listen(64)
print(sock.getsockname()[1], flush=True)
uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="none", access_log=False,
                              lifespan="on")).run(sockets=[sock])
"""


class RecordingUpstream(FakeUpstream):
    """Answers every request with the recorded Anthropic text stream; keeps every body."""

    def __init__(self) -> None:
        super().__init__()
        self.stream = transcript("anthropic_text.sse")

    async def answer(self, request: Any) -> Any:
        self.replies.append(Reply.sse(self.stream))
        return await super().answer(request)


def input_tokens(body: dict[str, Any]) -> int:
    """What the upstream bills as input, near enough: system, tools and messages as JSON."""
    parts = [body.get("system", ""), body.get("tools", []), body.get("messages", [])]
    return sum(count_tokens(json.dumps(part, ensure_ascii=False)) for part in parts)


def new_tool_tokens(previous: dict[str, Any] | None, body: dict[str, Any]) -> int:
    """Tokens of the tool results this request appends to the previous one."""
    start = len(previous["messages"]) if previous else 0
    total = 0
    for message in body["messages"][start:]:
        content = message.get("content")
        if not isinstance(content, list):
            continue
        for block in content:
            if isinstance(block, dict) and block.get("type") == "tool_result":
                total += count_tokens(json.dumps(block.get("content"), ensure_ascii=False))
    return total


def send(client: httpx2.Client, base: str, body: dict[str, Any]) -> tuple[float, float, bool]:
    """(total ms, first byte ms, whole and well-formed) for one streamed request."""
    payload = json.dumps(body).encode()
    start = time.perf_counter()
    first = None
    data = b""
    with client.stream("POST", base + "/v1/messages", content=payload, headers=HEADERS) as reply:
        for chunk in reply.iter_raw():
            if first is None:
                first = time.perf_counter()
            data += chunk
        ok = reply.status_code == 200 and b"event: message_stop" in data
    end = time.perf_counter()
    return (end - start) * 1000, ((first or end) - start) * 1000, ok


def p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5, help="replays for the overhead figures")
    args = parser.parse_args()
    bodies = build_session(args.turns)
    upstream = RecordingUpstream()
    home = tempfile.mkdtemp(prefix="headroom-proxy-bench-")
    env = {**os.environ, "HEADROOM_MCP_HOME": home, "PYTHONPATH": str(ROOT)}
    # Nagle off, as Node's and Python's async HTTP clients have it: a sync client writing
    # headers and body apart would otherwise wait 40 ms for delayed ACKs on every request.
    nodelay = httpx2.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    with serving(upstream.app) as up, httpx2.Client(timeout=120, transport=nodelay) as client:
        proxy = subprocess.Popen(
            [sys.executable, "-c", PROXY, up], stdout=subprocess.PIPE, text=True, env=env
        )
        assert proxy.stdout is not None
        via = f"http://127.0.0.1:{proxy.stdout.readline().strip()}"
        try:
            first_pass = [send(client, via, body) for body in bodies]
            forwarded = [json.loads(r.body) for r in upstream.received]
            replays = [[send(client, via, body) for body in bodies] for _ in range(args.repeat)]
            direct = [[send(client, up, body) for body in bodies] for _ in range(args.repeat)]
        finally:
            proxy.terminate()
            proxy.wait(timeout=10)
            proxy.stdout.close()
    report(bodies, forwarded, first_pass, replays, direct)


def report(
    bodies: list[dict[str, Any]],
    forwarded: list[dict[str, Any]],
    first_pass: list[tuple[float, float, bool]],
    replays: list[list[tuple[float, float, bool]]],
    direct: list[list[tuple[float, float, bool]]],
) -> None:
    broken = sum(not ok for *_, ok in first_pass) + sum(not ok for run in replays for *_, ok in run)
    heavy_in = heavy_out = all_in = all_out = heavy_turns = 0
    for k, (sent, fwd) in enumerate(zip(bodies, forwarded, strict=True)):
        received, out = input_tokens(sent), input_tokens(fwd)
        all_in, all_out = all_in + received, all_out + out
        if new_tool_tokens(bodies[k - 1] if k else None, sent) >= TOOL_HEAVY_TOKENS:
            heavy_in, heavy_out, heavy_turns = heavy_in + received, heavy_out + out, heavy_turns + 1
    same_prefix = sum(
        strip_cache_control(forwarded[k]["messages"][: len(forwarded[k - 1]["messages"])])
        == strip_cache_control(forwarded[k - 1]["messages"])
        for k in range(1, len(forwarded))
    )
    overhead = [
        via[0] - straight[0]
        for run, base in zip(replays, direct, strict=True)
        for via, straight in zip(run, base, strict=True)
    ]
    first_byte = [
        via[1] - straight[1]
        for run, base in zip(replays, direct, strict=True)
        for via, straight in zip(run, base, strict=True)
    ]
    compress_ms = [total for total, _, _ in first_pass]
    rows = [
        ("turns (requests)", f"{len(bodies)}"),
        ("tool-heavy turns (≥ 2,000 new tool-result tokens)", f"{heavy_turns}"),
        (
            "input tokens, tool-heavy turns: received → forwarded",
            f"{heavy_in:,} → {heavy_out:,} ({100 * (1 - heavy_out / max(heavy_in, 1)):.1f}% fewer)",
        ),
        (
            "input tokens, all turns: received → forwarded",
            f"{all_in:,} → {all_out:,} ({100 * (1 - all_out / max(all_in, 1)):.1f}% fewer)",
        ),
        ("requests broken", f"{broken} of {len(first_pass) + sum(map(len, replays))}"),
        (
            "cache prefix identical turn over turn",
            f"{same_prefix} of {len(forwarded) - 1} ({100 * same_prefix / max(len(forwarded) - 1, 1):.0f}%)",
        ),
        (
            "first pass (compressing) latency p50 / max",
            f"{p(compress_ms, 50):.1f} / {max(compress_ms):.1f} ms",
        ),
        (
            "overhead beyond compression p50 / p90",
            f"{p(overhead, 50):.2f} / {p(overhead, 90):.2f} ms",
        ),
        (
            "time to first byte vs upstream p50 / p90",
            f"+{p(first_byte, 50):.2f} / +{p(first_byte, 90):.2f} ms",
        ),
        (
            "direct to upstream latency p50",
            f"{p([r[0] for run in direct for r in run], 50):.1f} ms",
        ),
    ]
    print("| measure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
