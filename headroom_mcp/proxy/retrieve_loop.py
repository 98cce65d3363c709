"""The retrieve loop (`--inject-retrieve`): the proxy answers headroom_retrieve itself.

The rewriter offers the model a `headroom_retrieve` tool. When a turn stops to call that tool
and nothing else (Anthropic: stop_reason "tool_use", every tool_use block named
headroom_retrieve; OpenAI Chat: finish_reason "tool_calls", every call named so), the proxy
reads the answer from the store, as the MCP tool would, appends the assistant's turn and the
tool results to the request, and sends it on, up to `MAX_ROUNDS` times: the client sees one
turn. A turn that also calls a client tool reaches the client unchanged. Responses API turns
are not looped.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import anyio
import httpx2

from headroom_mcp.proxy.config import ApiName
from headroom_mcp.proxy.retrieve_relay import (
    RETRIEVE_TOOL,
    AnthropicRelay,
    ChatRelay,
    RetrieveCall,
    parse_arguments,
)
from headroom_mcp.proxy.routing import Vendor, unreachable_body
from headroom_mcp.proxy.sse import format_event, sse_events
from headroom_mcp.proxy.usage_tap import Usage, UsageTap, usage_of_body

if TYPE_CHECKING:
    from headroom_mcp.proxy.app import Upstream

logger = logging.getLogger(__name__)

LOOPED_APIS: tuple[ApiName, ...] = ("anthropic", "openai_chat")
MAX_ROUNDS = 3


@dataclass(frozen=True)
class LoopHooks:
    """Where the loop reports what it did (the proxy's stats)."""

    record_usage: Callable[[Usage], None]
    record_calls: Callable[[int], None]
    client: str = "proxy"
    max_rounds: int = MAX_ROUNDS


@dataclass(frozen=True)
class LoopResult:
    """What the client gets for a non-streaming turn: headers None means the first
    response's headers."""

    status: int
    body: bytes
    headers: list[tuple[bytes, bytes]] | None = None


def _typed(arguments: dict[str, Any]) -> tuple[str | None, str | None, int | None, int] | None:
    hash_, query = arguments.get("hash"), arguments.get("query")
    max_tokens, offset = arguments.get("max_tokens"), arguments.get("offset")
    if not isinstance(hash_, str | None) or not isinstance(query, str | None):
        return None
    if not isinstance(max_tokens, int | None) or not isinstance(offset, int | None):
        return None
    return hash_, query, max_tokens, offset or 0


async def answer(call: RetrieveCall, client: str) -> tuple[str, bool]:
    """The text the model reads for one call, as the MCP tool renders it, and whether it is
    an error (an unknown hash, bad arguments: the message says what to send instead)."""
    from headroom_mcp import api
    from headroom_mcp.errors import HeadroomMcpError
    from headroom_mcp.presenting import retrieve_text

    typed = _typed(call.arguments) if call.arguments is not None else None
    if typed is None:
        return (
            f"{RETRIEVE_TOOL} takes a JSON object: hash (string), query (string), max_tokens "
            'and offset (whole numbers). Send e.g. headroom_retrieve(hash="3f9a2c1e5b7d", '
            'query="what you need").',
            True,
        )
    hash_, query, max_tokens, offset = typed
    try:
        result = await anyio.to_thread.run_sync(
            lambda: api.retrieve(hash_, query, max_tokens, offset=offset, client=client)
        )
    except HeadroomMcpError as exc:
        return str(exc), True
    return retrieve_text(result), False


async def _answer_all(calls: list[RetrieveCall], hooks: LoopHooks) -> list[tuple[str, bool]]:
    answers = [await answer(call, hooks.client) for call in calls]
    hooks.record_calls(len(calls))
    return answers


def continue_anthropic(
    body: dict[str, Any],
    content: list[dict[str, Any]],
    calls: list[RetrieveCall],
    answers: list[tuple[str, bool]],
) -> dict[str, Any]:
    """The request that continues the turn: the assistant's content, then the tool results."""
    results = [
        {"type": "tool_result", "tool_use_id": call.id, "content": text}
        | ({"is_error": True} if error else {})
        for call, (text, error) in zip(calls, answers, strict=True)
    ]
    messages = [
        *(body.get("messages") or []),
        {"role": "assistant", "content": content},
        {"role": "user", "content": results},
    ]
    return {**body, "messages": messages}


def continue_chat(
    body: dict[str, Any],
    message: dict[str, Any],
    calls: list[RetrieveCall],
    answers: list[tuple[str, bool]],
) -> dict[str, Any]:
    results = [
        {"role": "tool", "tool_call_id": call.id, "content": text}
        for call, (text, _) in zip(calls, answers, strict=True)
    ]
    return {**body, "messages": [*(body.get("messages") or []), message, *results]}


def anthropic_calls(message: dict[str, Any]) -> list[RetrieveCall] | None:
    """The headroom_retrieve calls of a message that stopped for them alone, else None."""
    if message.get("stop_reason") != "tool_use":
        return None
    uses = [
        b
        for b in message.get("content") or []
        if isinstance(b, dict) and b.get("type") == "tool_use"
    ]
    if not uses or any(b.get("name") != RETRIEVE_TOOL for b in uses):
        return None
    return [
        RetrieveCall(str(b.get("id", "")), b["input"] if isinstance(b.get("input"), dict) else None)
        for b in uses
    ]


def chat_calls(completion: dict[str, Any]) -> list[RetrieveCall] | None:
    choices = completion.get("choices") or []
    if len(choices) != 1 or choices[0].get("finish_reason") != "tool_calls":
        return None
    calls = (choices[0].get("message") or {}).get("tool_calls") or []
    if not calls or any((c.get("function") or {}).get("name") != RETRIEVE_TOOL for c in calls):
        return None
    return [
        RetrieveCall(str(c.get("id", "")), parse_arguments(c["function"].get("arguments")))
        for c in calls
    ]


def _merge(api: ApiName, earlier: list[dict[str, Any]], final: dict[str, Any]) -> dict[str, Any]:
    """The final message with what the client did not see from earlier rounds (their text)."""
    if api == "anthropic":
        kept = [
            block
            for message in earlier
            for block in message.get("content") or []
            if not (block.get("type") == "tool_use" and block.get("name") == RETRIEVE_TOOL)
        ]
        return {**final, "content": [*kept, *(final.get("content") or [])]} if kept else final
    texts = [(m.get("choices") or [{}])[0].get("message", {}).get("content") or "" for m in earlier]
    choices = final.get("choices") or []
    if not any(texts) or len(choices) != 1:
        return final
    message = dict(choices[0].get("message") or {})
    message["content"] = "".join(texts) + (message.get("content") or "")
    return {**final, "choices": [{**choices[0], "message": message}]}


def _vendor(api: ApiName) -> Vendor:
    return "anthropic" if api == "anthropic" else "openai"


async def complete_turn(
    api: ApiName,
    first: dict[str, Any],
    body: dict[str, Any],
    upstream: Upstream,
    hooks: LoopHooks,
) -> LoopResult | dict[str, Any]:
    """A non-streaming turn, continued while the model calls only headroom_retrieve. Returns
    the message for the client (`first` itself when the loop did not run), or the upstream's
    error when a continuation failed."""
    find = anthropic_calls if api == "anthropic" else chat_calls
    current, earlier = first, []
    for _ in range(hooks.max_rounds):
        calls = find(current)
        if calls is None:
            break
        answers = await _answer_all(calls, hooks)
        if api == "anthropic":
            body = continue_anthropic(body, current.get("content") or [], calls, answers)
        else:
            message = (current.get("choices") or [{}])[0].get("message") or {}
            body = continue_chat(body, message, calls, answers)
        earlier.append(current)
        try:
            response = await upstream.open(json.dumps(body, ensure_ascii=False).encode())
        except httpx2.TransportError as exc:
            return LoopResult(502, unreachable_body(_vendor(api), upstream.url, type(exc).__name__))
        raw = await response.aread()
        await response.aclose()
        parsed = _parse(raw)
        if response.status_code != 200 or parsed is None:
            headers = [
                (k.lower().encode("latin-1"), v.encode("latin-1"))
                for k, v in response.headers.multi_items()
                if k.lower() not in ("content-length", "transfer-encoding", "connection")
            ]
            return LoopResult(response.status_code, raw, headers)
        hooks.record_usage(usage_of_body(parsed))
        current = parsed
    return _merge(api, earlier, current) if earlier else current


def _parse(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _error_event(api: ApiName, status: int, raw: bytes) -> bytes:
    """An upstream failure in the middle of a turn, as the vendor's own stream error event."""
    parsed = _parse(raw)
    if api == "anthropic":
        if parsed is None or parsed.get("type") != "error":
            parsed = {
                "type": "error",
                "error": {"type": "api_error", "message": raw.decode("utf-8", "replace")[:2000]},
            }
        return format_event("error", parsed)
    if parsed is None or "error" not in parsed:
        parsed = {"error": {"message": raw.decode("utf-8", "replace")[:2000], "code": status}}
    return format_event("", parsed)


async def stream_turn(
    api: ApiName,
    first: httpx2.Response,
    body: dict[str, Any],
    upstream: Upstream,
    hooks: LoopHooks,
) -> AsyncIterator[bytes]:
    """A streaming turn: upstream events as they arrive, continued while the model calls only
    headroom_retrieve (the module docstring; retrieve_relay for how events are held)."""
    response, emitted = first, 0
    for round_ in range(hooks.max_rounds + 1):
        relay: AnthropicRelay | ChatRelay = (
            AnthropicRelay(emitted, first=round_ == 0)
            if api == "anthropic"
            else ChatRelay(emitted, first=round_ == 0)
        )
        tap = UsageTap()
        try:
            async for event in sse_events(response.aiter_raw()):
                for out in relay.feed(event):
                    yield out
                tap.feed(event.raw)
        except httpx2.TransportError as exc:
            logger.warning("upstream broke off mid-stream: %s", type(exc).__name__)
            relay.errored = True
        finally:
            await response.aclose()
            hooks.record_usage(tap.close())
        if round_ == hooks.max_rounds or not relay.retrieve_only():
            for out in relay.release():
                yield out
            return
        for out in relay.carry_over():
            yield out
        calls = relay.calls()
        answers = await _answer_all(calls, hooks)
        if isinstance(relay, AnthropicRelay):
            body = continue_anthropic(body, relay.assistant_content(), calls, answers)
        else:
            body = continue_chat(body, relay.assistant_message(), calls, answers)
        try:
            response = await upstream.open(json.dumps(body, ensure_ascii=False).encode())
        except httpx2.TransportError as exc:
            yield _error_event(
                api, 502, unreachable_body(_vendor(api), upstream.url, type(exc).__name__)
            )
            return
        if response.status_code != 200:
            raw = await response.aread()
            await response.aclose()
            yield _error_event(api, response.status_code, raw)
            return
        emitted = relay.next_index
