"""Token usage as the upstream reports it, read from JSON bodies and from SSE bytes in passing.

Fields follow Anthropic's names. `input_tokens` is input that was neither read from nor written
to the prompt cache; OpenAI reports its total (`prompt_tokens`, Responses `input_tokens`) with
the cached part inside it, so its cached part is moved to `cache_read_input_tokens` and taken
out of `input_tokens`. OpenAI reports no cache writes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from headroom_mcp.proxy.sse import SseSplitter, parse_event


@dataclass
class Usage:
    input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cache_creation_input_tokens: int = 0
    output_tokens: int = 0

    def add(self, other: Usage) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def any(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def usage_from(usage: Mapping[str, Any]) -> Usage:
    """One `usage` object, in either vendor's shape, as Usage."""
    if "prompt_tokens" in usage:  # OpenAI Chat Completions
        details = usage.get("prompt_tokens_details") or {}
        cached = _int(details.get("cached_tokens")) if isinstance(details, Mapping) else 0
        return Usage(
            input_tokens=max(0, _int(usage.get("prompt_tokens")) - cached),
            cache_read_input_tokens=cached,
            output_tokens=_int(usage.get("completion_tokens")),
        )
    details = usage.get("input_tokens_details")
    if isinstance(details, Mapping):  # OpenAI Responses
        cached = _int(details.get("cached_tokens"))
        return Usage(
            input_tokens=max(0, _int(usage.get("input_tokens")) - cached),
            cache_read_input_tokens=cached,
            output_tokens=_int(usage.get("output_tokens")),
        )
    return Usage(
        input_tokens=_int(usage.get("input_tokens")),
        cache_read_input_tokens=_int(usage.get("cache_read_input_tokens")),
        cache_creation_input_tokens=_int(usage.get("cache_creation_input_tokens")),
        output_tokens=_int(usage.get("output_tokens")),
    )


def usage_of_body(body: Mapping[str, Any]) -> Usage:
    """The usage of a whole (non-streaming) response body; zeros when it names none."""
    usage = body.get("usage")
    if not isinstance(usage, Mapping):
        response = body.get("response")  # a Responses event carries the response inside
        usage = response.get("usage") if isinstance(response, Mapping) else None
    return usage_from(usage) if isinstance(usage, Mapping) else Usage()


class UsageTap:
    """Reads usage out of an SSE stream that passes by; never holds or changes a byte.

    Anthropic: `message_start` carries the input side, `message_delta` the running totals (its
    counts are cumulative, and an input count of 0 there means "not repeated", so the larger
    value wins). OpenAI Chat: the last chunk's `usage` (with stream_options.include_usage).
    Responses: `response.completed`'s `response.usage`.
    """

    def __init__(self) -> None:
        self.usage = Usage()
        self._splitter = SseSplitter()

    def feed(self, chunk: bytes) -> None:
        for raw in self._splitter.feed(chunk):
            self._read(raw)

    def close(self) -> Usage:
        rest = self._splitter.rest()
        if rest:
            self._read(rest)
        return self.usage

    def _read(self, raw: bytes) -> None:
        # Most events carry no usage (or "usage":null in every OpenAI chunk): skip their JSON.
        if b'"usage"' not in raw or (b'"usage":{' not in raw and b'"usage": {' not in raw):
            return
        data = parse_event(raw).json()
        if data is None:
            return
        message = data.get("message")
        usage = message.get("usage") if isinstance(message, Mapping) else data.get("usage")
        if not isinstance(usage, Mapping):
            response = data.get("response")
            usage = response.get("usage") if isinstance(response, Mapping) else None
        if isinstance(usage, Mapping):
            self._merge(usage_from(usage))

    def _merge(self, seen: Usage) -> None:
        for f in fields(seen):
            setattr(self.usage, f.name, max(getattr(self.usage, f.name), getattr(seen, f.name)))


# A JSON response bigger than this is relayed without reading its usage.
MAX_JSON_TAP_BYTES = 8 * 1024 * 1024


class JsonBodyTap:
    """Keeps a copy of a non-streaming JSON body as it passes, to read its usage at the end."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._size = 0

    def feed(self, chunk: bytes) -> None:
        if self._size <= MAX_JSON_TAP_BYTES:
            self._parts.append(chunk)
            self._size += len(chunk)

    def close(self) -> Usage:
        if self._size > MAX_JSON_TAP_BYTES:
            return Usage()
        try:
            body = json.loads(b"".join(self._parts))
        except ValueError:
            return Usage()
        return usage_of_body(body) if isinstance(body, dict) else Usage()


def tap_for(content_type: str, content_encoding: str) -> UsageTap | JsonBodyTap | None:
    """The tap that can read this response's usage; None for compressed or other bodies."""
    if content_encoding.strip().lower() not in ("", "identity"):
        return None
    kind = content_type.split(";")[0].strip().lower()
    if kind == "text/event-stream":
        return UsageTap()
    if kind == "application/json":
        return JsonBodyTap()
    return None
