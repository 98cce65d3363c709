"""The proxy between a client and real (fake) upstream HTTP servers on loopback: what goes up,
what comes back, how fast the first event arrives, and what the stats see."""

from __future__ import annotations

import json
import socket
import threading

import anyio
import httpx2
import pytest

from headroom_mcp.errors import ConfigError
from headroom_mcp.proxy.app import build_proxy_app
from headroom_mcp.proxy.config import ProxyConfig
from tests.proxy_servers import (
    WAIT_SECONDS,
    FakeUpstream,
    Reply,
    ShorteningRewriter,
    serving,
    transcript,
)

pytestmark = pytest.mark.anyio

LONG_RESULT = (
    "2025-06-24 14:36:25 upgrade libsystemd0:amd64 252.36-1~deb12u1 252.38-1~deb12u1\n" * 3
)
ANTHROPIC_HEADERS = {
    "x-api-key": "sk-ant-api03-test-key",
    "anthropic-version": "2023-06-01",
    "anthropic-beta": "prompt-caching-2024-07-31,interleaved-thinking-2025-05-14",
    "user-agent": "claude-cli/2.0.0 (external, cli)",
    "x-claude-code-session-id": "session-1",
}


@pytest.fixture
def anyio_backend():
    return "asyncio"


def anthropic_request(stream: bool = True) -> dict:
    return {
        "model": "claude-sonnet-4-5-20250929",
        "max_tokens": 1024,
        "stream": stream,
        "messages": [
            {"role": "user", "content": "Why did the build fail?"},
            {
                "role": "assistant",
                "content": [{"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {}}],
            },
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_1", "content": LONG_RESULT}
                ],
            },
        ],
    }


def proxy_over(upstream_url: str, rewriter=None, **options) -> tuple:
    config = ProxyConfig(anthropic_upstream=upstream_url, openai_upstream=upstream_url, **options)
    rewriter = rewriter or ShorteningRewriter()
    return build_proxy_app(config, rewriter), rewriter


async def test_an_anthropic_stream_comes_back_byte_for_byte_with_key_headers_and_query_passed_up():
    sse = transcript("anthropic_text.sse")
    upstream = FakeUpstream(Reply.sse(sse, headers={"request-id": "req_011CPMsLhaJwf2izoCdiKbnt"}))
    with serving(upstream.app) as up:
        app, rewriter = proxy_over(up)
        with serving(app) as proxy:
            async with httpx2.AsyncClient(base_url=proxy) as client:
                with anyio.fail_after(WAIT_SECONDS):
                    response = await client.post(
                        "/v1/messages?beta=true",
                        json=anthropic_request(),
                        headers=ANTHROPIC_HEADERS,
                    )
    assert response.status_code == 200
    assert response.content == sse
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["request-id"] == "req_011CPMsLhaJwf2izoCdiKbnt"
    [seen] = upstream.received
    assert (seen.method, seen.path, seen.query) == ("POST", "/v1/messages", "beta=true")
    for name, value in ANTHROPIC_HEADERS.items():
        assert seen.header(name) == value
    assert seen.header("accept-encoding") == "identity"
    forwarded = json.loads(seen.body)
    assert (
        forwarded["messages"][2]["content"][0]["content"] == f"[headroom: {len(LONG_RESULT)} chars]"
    )
    assert forwarded["stream"] is True
    assert rewriter.calls[0][0] == "anthropic"


async def test_the_first_event_reaches_the_client_before_the_upstream_has_finished():
    gate = threading.Event()
    sse = transcript("anthropic_text.sse")
    upstream = FakeUpstream(Reply.sse(sse, gate=gate))
    with serving(upstream.app) as up:
        app, _ = proxy_over(up)
        with serving(app) as proxy:
            async with httpx2.AsyncClient(base_url=proxy) as client:
                with anyio.fail_after(WAIT_SECONDS):
                    async with client.stream(
                        "POST", "/v1/messages", json=anthropic_request(), headers=ANTHROPIC_HEADERS
                    ) as response:
                        chunks = response.aiter_raw()
                        first = await chunks.__anext__()
                        assert first.startswith(b"event: message_start")
                        assert not upstream.finished.is_set()
                        gate.set()
                        rest = b"".join([chunk async for chunk in chunks])
    assert first + rest == sse
    assert upstream.finished.is_set()


@pytest.mark.parametrize(
    ("path", "name"),
    [("/v1/chat/completions", "openai_chat.sse"), ("/v1/responses", "openai_responses.sse")],
)
async def test_openai_streams_come_back_byte_for_byte(path, name):
    sse = transcript(name)
    upstream = FakeUpstream(Reply.sse(sse))
    with serving(upstream.app) as up:
        app, rewriter = proxy_over(up)
        with serving(app) as proxy:
            async with httpx2.AsyncClient(base_url=proxy) as client:
                with anyio.fail_after(WAIT_SECONDS):
                    response = await client.post(
                        path,
                        json={"model": "gpt-4.1", "stream": True, "messages": []},
                        headers={"authorization": "Bearer sk-proj-test"},
                    )
    assert response.content == sse
    assert upstream.received[0].header("authorization") == "Bearer sk-proj-test"
    assert rewriter.calls[0][0] == ("openai_chat" if "chat" in path else "openai_responses")


async def test_a_429_reaches_the_client_with_its_retry_after_and_body():
    body = transcript("anthropic_rate_limited.json")
    upstream = FakeUpstream(Reply.json(body, 429, headers={"retry-after": "17"}))
    transport = httpx2.ASGITransport(app=upstream.app)
    app = build_proxy_app(
        ProxyConfig(anthropic_upstream="http://upstream.test"),
        ShorteningRewriter(),
        transport=transport,
    )
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://127.0.0.1"
    ) as client:
        response = await client.post(
            "/v1/messages", json=anthropic_request(False), headers=ANTHROPIC_HEADERS
        )
    assert response.status_code == 429
    assert response.headers["retry-after"] == "17"
    assert response.content == body


async def test_a_500_and_a_mid_stream_error_event_reach_the_client_unchanged():
    broken = transcript("anthropic_overloaded_midstream.sse")
    upstream = FakeUpstream(
        Reply.json(
            b'{"type":"error","error":{"type":"api_error","message":"Internal server error"}}', 500
        ),
        Reply.sse(broken),
    )
    app = build_proxy_app(
        ProxyConfig(anthropic_upstream="http://upstream.test"),
        ShorteningRewriter(),
        transport=httpx2.ASGITransport(app=upstream.app),
    )
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://127.0.0.1"
    ) as client:
        failed = await client.post(
            "/v1/messages", json=anthropic_request(False), headers=ANTHROPIC_HEADERS
        )
        streamed = await client.post(
            "/v1/messages", json=anthropic_request(), headers=ANTHROPIC_HEADERS
        )
    assert failed.status_code == 500
    assert failed.json()["error"]["type"] == "api_error"
    assert streamed.content == broken


async def test_other_paths_and_methods_go_to_the_right_upstream_unchanged():
    anthropic = FakeUpstream(Reply.json(b'{"data": []}'), Reply.json(b'{"input_tokens": 12}'))
    openai = FakeUpstream(
        Reply.json(b'{"object": "list", "data": []}'), Reply.json(b'{"deleted": true}')
    )
    with serving(anthropic.app) as a_url, serving(openai.app) as o_url:
        rewriter = ShorteningRewriter()
        app = build_proxy_app(
            ProxyConfig(anthropic_upstream=a_url, openai_upstream=o_url), rewriter
        )
        with serving(app) as proxy:
            async with httpx2.AsyncClient(base_url=proxy) as client:
                with anyio.fail_after(WAIT_SECONDS):
                    await client.get(
                        "/v1/models?limit=5",
                        headers={"x-api-key": "k", "anthropic-version": "2023-06-01"},
                    )
                    count_body = json.dumps(anthropic_request(False)).encode()
                    counted = await client.post(
                        "/v1/messages/count_tokens", content=count_body, headers=ANTHROPIC_HEADERS
                    )
                    await client.get("/v1/models", headers={"authorization": "Bearer sk-proj"})
                    await client.delete(
                        "/v1/files/file-abc123", headers={"authorization": "Bearer sk-proj"}
                    )
    assert [(r.method, r.path, r.query) for r in anthropic.received] == [
        ("GET", "/v1/models", "limit=5"),
        ("POST", "/v1/messages/count_tokens", ""),
    ]
    assert anthropic.received[1].body == count_body
    assert counted.json() == {"input_tokens": 12}
    assert [(r.method, r.path) for r in openai.received] == [
        ("GET", "/v1/models"),
        ("DELETE", "/v1/files/file-abc123"),
    ]
    assert rewriter.calls == []


async def test_a_body_not_json_or_failing_to_rewrite_goes_up_unchanged_and_failures_are_counted():
    upstream = FakeUpstream(
        Reply.json(b"{}", 400), Reply.json(transcript("anthropic_message.json"))
    )
    rewriter = ShorteningRewriter(fail=True)
    app = build_proxy_app(
        ProxyConfig(anthropic_upstream="http://upstream.test"),
        rewriter,
        transport=httpx2.ASGITransport(app=upstream.app),
    )
    original = json.dumps(anthropic_request(False), indent=1).encode()
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://127.0.0.1"
    ) as client:
        await client.post("/v1/messages", content=b"not json {", headers=ANTHROPIC_HEADERS)
        answered = await client.post("/v1/messages", content=original, headers=ANTHROPIC_HEADERS)
        stats = (await client.get("/stats")).json()
    assert [r.body for r in upstream.received] == [b"not json {", original]
    assert answered.status_code == 200
    assert len(rewriter.calls) == 1
    assert stats["rewrite_failures"] == 1


async def test_an_unreachable_upstream_gives_a_502_in_the_vendor_error_shape_naming_the_url():
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}"
    app = build_proxy_app(
        ProxyConfig(anthropic_upstream=dead, openai_upstream=dead), ShorteningRewriter()
    )
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://127.0.0.1"
    ) as client:
        with anyio.fail_after(WAIT_SECONDS):
            anthropic = await client.post(
                "/v1/messages", json=anthropic_request(), headers=ANTHROPIC_HEADERS
            )
            openai = await client.post("/v1/chat/completions", json={"messages": []})
        stats = (await client.get("/stats")).json()
        await app.state.proxy.aclose()
    assert anthropic.status_code == openai.status_code == 502
    message = anthropic.json()["error"]["message"]
    assert anthropic.json()["type"] == "error"
    assert f"{dead}/v1/messages" in message
    assert "--anthropic-upstream" in message
    assert openai.json()["error"]["code"] == "upstream_unreachable"
    assert "--openai-upstream" in openai.json()["error"]["message"]
    assert stats["upstream_unreachable"] == 2


def test_a_listener_off_loopback_is_refused_without_a_token():
    with pytest.raises(ConfigError, match="--token-file"):
        build_proxy_app(ProxyConfig(host="0.0.0.0"), ShorteningRewriter())


async def test_off_loopback_the_token_guards_api_routes_stats_and_metrics_but_not_livez():
    upstream = FakeUpstream(Reply.json(transcript("anthropic_message.json")))
    app = build_proxy_app(
        ProxyConfig(host="0.0.0.0", token="s3cret", anthropic_upstream="http://upstream.test"),
        ShorteningRewriter(),
        transport=httpx2.ASGITransport(app=upstream.app),
    )
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app, client=("10.0.0.5", 5000)),
        base_url="http://10.0.0.2:8787",
    ) as client:
        refused = await client.post(
            "/v1/messages", json=anthropic_request(False), headers=ANTHROPIC_HEADERS
        )
        bearer_is_the_vendors = await client.post(
            "/v1/messages", json=anthropic_request(False),
            headers={**ANTHROPIC_HEADERS, "authorization": "Bearer s3cret"},
        )  # fmt: skip
        allowed = await client.post(
            "/v1/messages", json=anthropic_request(False),
            headers={**ANTHROPIC_HEADERS, "x-headroom-token": "s3cret"},
        )  # fmt: skip
        stats_refused = await client.get("/stats")
        stats = await client.get("/stats", headers={"authorization": "Bearer s3cret"})
        metrics = await client.get("/metrics", headers={"x-headroom-token": "s3cret"})
        livez = await client.get("/livez")
    assert refused.status_code == bearer_is_the_vendors.status_code == 401
    assert refused.json()["error"]["type"] == "authentication_error"
    assert "x-headroom-token" in refused.json()["error"]["message"]
    assert allowed.status_code == 200
    [seen] = upstream.received
    assert seen.header("x-headroom-token") is None
    assert seen.header("x-api-key") == ANTHROPIC_HEADERS["x-api-key"]
    assert stats_refused.status_code == 401
    assert (stats.status_code, metrics.status_code, livez.text) == (200, 200, "ok")


async def test_on_loopback_a_request_for_another_host_name_is_refused():
    app = build_proxy_app(ProxyConfig(), ShorteningRewriter())
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://evil.example:8787"
    ) as client:
        rebound = await client.get("/stats")
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://localhost:8787"
    ) as client:
        local = await client.get("/stats")
    assert rebound.status_code == 421
    assert local.status_code == 200


async def test_stats_and_metrics_show_tokens_per_session_and_client_and_the_upstreams_usage():
    upstream = FakeUpstream(
        Reply.sse(transcript("anthropic_text.sse")),
        Reply.json(transcript("openai_chat.json")),
        Reply.sse(transcript("openai_responses.sse")),
    )
    app = build_proxy_app(
        ProxyConfig(
            anthropic_upstream="http://upstream.test", openai_upstream="http://upstream.test"
        ),
        ShorteningRewriter(),
        transport=httpx2.ASGITransport(app=upstream.app),
    )
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://127.0.0.1"
    ) as client:
        await client.post("/v1/messages", json=anthropic_request(), headers=ANTHROPIC_HEADERS)
        codex = {"user-agent": "codex_cli_rs/0.40", "x-claude-code-session-id": "s-codex"}
        await client.post("/v1/chat/completions", json={"messages": []}, headers=codex)
        await client.post("/v1/responses", json={"input": "hi", "stream": True}, headers=codex)
        stats = (await client.get("/stats")).json()
        metrics = (await client.get("/metrics")).text
    session = stats["sessions"]["session-1"]
    assert session["requests"] == 1
    assert session["tokens_before"] == len(LONG_RESULT) // 4
    assert session["compressed"] == 1
    assert session["upstream"] == {
        "input_tokens": 25,
        "cache_read_input_tokens": 18877,
        "cache_creation_input_tokens": 1204,
        "output_tokens": 15,
    }
    codex_usage = stats["clients"]["codex_cli_rs/0.40"]["upstream"]
    assert codex_usage["cache_read_input_tokens"] == 4096 + 3072
    assert codex_usage["input_tokens"] == (5120 - 4096) + (3300 - 3072)
    assert stats["requests"] == 3
    assert (
        'headroom_proxy_upstream_tokens_total{client="claude-cli/2.0.0 (external, cli)",'
        'kind="cache_read_input_tokens"} 18877.0'
    ) in metrics
    assert 'headroom_proxy_requests_total{api="openai_responses",status="200"} 1.0' in metrics


async def test_livez_says_ok():
    app = build_proxy_app(ProxyConfig(), ShorteningRewriter())
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url="http://127.0.0.1"
    ) as client:
        response = await client.get("/livez")
    assert (response.status_code, response.text) == (200, "ok")
