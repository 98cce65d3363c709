"""--inject-retrieve: a turn that calls only headroom_retrieve is answered by the proxy from the
store and continued upstream, so the client sees one turn; any other turn reaches it as it came."""

from __future__ import annotations

import json

import anyio
import httpx2
import pytest

from headroom_mcp import api
from headroom_mcp.proxy.app import build_proxy_app
from headroom_mcp.proxy.config import ProxyConfig
from headroom_mcp.proxy.sse import SseSplitter, parse_event
from tests.conftest import sample
from tests.proxy_servers import WAIT_SECONDS, FakeUpstream, Reply, ShorteningRewriter, transcript

pytestmark = pytest.mark.anyio

HEADERS = {"x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01"}


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def stored_hash() -> str:
    return api.compress(sample("logs/dpkg.log"), "errors").hash


def looping_proxy(upstream: FakeUpstream):
    config = ProxyConfig(
        anthropic_upstream="http://upstream.test",
        openai_upstream="http://upstream.test",
        inject_retrieve=True,
    )
    return build_proxy_app(
        config,
        ShorteningRewriter(inject_retrieve=True),
        transport=httpx2.ASGITransport(app=upstream.app),
    )


async def post(app, path: str, body: dict, headers: dict | None = None) -> httpx2.Response:
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        with anyio.fail_after(WAIT_SECONDS):
            response = await client.post(path, json=body, headers=headers or HEADERS)
            response.stats = (await client.get("/stats")).json()
            return response


def events(data: bytes) -> list[dict]:
    splitter = SseSplitter()
    return [
        parse_event(raw).json() or {"data": parse_event(raw).data} for raw in splitter.feed(data)
    ]


def anthropic_turn(stream: bool) -> dict:
    return {
        "model": "claude-sonnet-4-5-20250929",
        "max_tokens": 1024,
        "stream": stream,
        "messages": [{"role": "user", "content": "Which version of libsystemd0 was installed?"}],
    }


async def test_a_streamed_retrieve_call_is_answered_from_the_store_and_the_turn_continues(
    stored_hash,
):
    first = transcript("anthropic_retrieve_call.sse", HASH=stored_hash)
    upstream = FakeUpstream(Reply.sse(first), Reply.sse(transcript("anthropic_continuation.sse")))
    response = await post(looping_proxy(upstream), "/v1/messages", anthropic_turn(stream=True))

    before_the_call = first.split(
        b'event: content_block_start\ndata: {"type":"content_block_start","index":1'
    )[0]
    assert response.content.startswith(before_the_call)
    seen = events(response.content)
    assert [e["type"] for e in seen].count("message_start") == 1
    assert "headroom_retrieve" not in response.text
    starts = [e for e in seen if e["type"] == "content_block_start"]
    assert [e["index"] for e in starts] == [0, 1]
    assert seen[-2]["delta"]["stop_reason"] == "end_turn"
    assert seen[-1]["type"] == "message_stop"
    assert "252.38-1~deb12u1" in response.text

    continued = json.loads(upstream.received[1].body)
    assistant, results = continued["messages"][-2:]
    assert assistant["content"][1] == {
        "type": "tool_use",
        "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
        "name": "headroom_retrieve",
        "input": {"hash": stored_hash, "query": "libsystemd0 upgrade"},
    }
    [result] = results["content"]
    assert result["tool_use_id"] == "toolu_01T1x1fJ34qAmk2tNTrN7Up6"
    assert "upgrade libsystemd0:amd64 252.36-1~deb12u1 252.38-1~deb12u1" in result["content"]
    assert "is_error" not in result
    assert continued["stream"] is True
    assert response.stats["retrieve_calls_answered"] == 1
    assert response.stats["totals"]["upstream"]["cache_read_input_tokens"] == 2048 * 2


async def test_a_retrieve_call_mixed_with_a_client_tool_reaches_the_client_unchanged(stored_hash):
    mixed = transcript("anthropic_mixed_tools.sse", HASH=stored_hash)
    upstream = FakeUpstream(Reply.sse(mixed))
    response = await post(looping_proxy(upstream), "/v1/messages", anthropic_turn(stream=True))
    assert response.content == mixed
    assert len(upstream.received) == 1
    assert response.stats["retrieve_calls_answered"] == 0


async def test_a_plain_streamed_turn_passes_unchanged_when_retrieve_is_injected():
    text = transcript("anthropic_text.sse")
    upstream = FakeUpstream(Reply.sse(text))
    response = await post(looping_proxy(upstream), "/v1/messages", anthropic_turn(stream=True))
    assert response.content == text
    assert json.loads(upstream.received[0].body)["tools"] == [{"name": "headroom_retrieve"}]


async def test_a_non_streamed_retrieve_call_is_answered_and_the_text_before_it_kept(stored_hash):
    upstream = FakeUpstream(
        Reply.json(transcript("anthropic_retrieve_call.json", HASH=stored_hash)),
        Reply.json(transcript("anthropic_message.json")),
    )
    response = await post(looping_proxy(upstream), "/v1/messages", anthropic_turn(stream=False))
    message = response.json()
    assert [b["type"] for b in message["content"]] == ["text", "text"]
    assert message["content"][0]["text"] == "Let me read what was left out."
    assert message["stop_reason"] == "end_turn"
    assert int(response.headers["content-length"]) == len(response.content)
    tool_result = json.loads(upstream.received[1].body)["messages"][-1]["content"][0]
    assert "252.38-1~deb12u1" in tool_result["content"]


async def test_a_retrieve_call_for_an_unknown_hash_gets_an_error_result_that_says_what_to_do():
    upstream = FakeUpstream(
        Reply.json(transcript("anthropic_retrieve_call.json", HASH="0badc0ffee00")),
        Reply.json(transcript("anthropic_message.json")),
    )
    await post(looping_proxy(upstream), "/v1/messages", anthropic_turn(stream=False))
    tool_result = json.loads(upstream.received[1].body)["messages"][-1]["content"][0]
    assert tool_result["is_error"] is True
    assert "0badc0ffee00" in tool_result["content"]
    assert "headroom_retrieve" in tool_result["content"]


async def test_a_failed_continuation_reaches_the_client_as_the_vendors_error(stored_hash):
    upstream = FakeUpstream(
        Reply.sse(transcript("anthropic_retrieve_call.sse", HASH=stored_hash)),
        Reply.json(transcript("anthropic_rate_limited.json"), 429, headers={"retry-after": "9"}),
    )
    response = await post(looping_proxy(upstream), "/v1/messages", anthropic_turn(stream=True))
    last = events(response.content)[-1]
    assert last["type"] == "error"
    assert last["error"]["type"] == "rate_limit_error"


async def test_an_openai_chat_stream_retrieve_call_is_answered_and_the_turn_continues(stored_hash):
    upstream = FakeUpstream(
        Reply.sse(transcript("openai_chat_retrieve_call.sse", HASH=stored_hash)),
        Reply.sse(transcript("openai_chat.sse")),
    )
    body = {"model": "gpt-4.1", "stream": True, "messages": [{"role": "user", "content": "hi"}]}
    response = await post(looping_proxy(upstream), "/v1/chat/completions", body, {})
    assert response.content == transcript("openai_chat.sse")
    continued = json.loads(upstream.received[1].body)["messages"]
    assert continued[1]["tool_calls"][0]["function"] == {
        "name": "headroom_retrieve",
        "arguments": json.dumps(
            {"hash": stored_hash, "query": "libsystemd0 upgrade"}, separators=(",", ":")
        ),
    }
    assert continued[2]["role"] == "tool"
    assert continued[2]["tool_call_id"] == "call_Qw3rTy8uIoPaSdFgHjKl"
    assert "252.38-1~deb12u1" in continued[2]["content"]


async def test_an_openai_chat_retrieve_call_mixed_with_a_client_tool_reaches_the_client_unchanged(
    stored_hash,
):
    mixed = transcript("openai_chat_mixed_tools.sse", HASH=stored_hash)
    upstream = FakeUpstream(Reply.sse(mixed))
    body = {"model": "gpt-4.1", "stream": True, "messages": [{"role": "user", "content": "hi"}]}
    response = await post(looping_proxy(upstream), "/v1/chat/completions", body, {})
    assert response.content == mixed
    assert len(upstream.received) == 1
