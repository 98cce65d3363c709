"""Server-sent events cut out of a byte stream as it arrives, each kept byte for byte.

The proxy relays upstream bytes untouched; this module only finds where one event ends, so
the usage tap and the retrieve loop can read an event without changing what the client gets.
Joining every `SseEvent.raw` (and the `rest()` at the end) gives back the input exactly.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from typing import Any

# One event bigger than this (no blank line in sight) is passed on unread rather than held.
MAX_EVENT_BYTES = 16 * 1024 * 1024
_ENDINGS = (b"\r\n\r\n", b"\n\n", b"\r\r")


@dataclass(frozen=True)
class SseEvent:
    """One event as it came (`raw`, blank line included), its `event:` name and `data:` text."""

    raw: bytes
    name: str
    data: str

    def json(self) -> dict[str, Any] | None:
        """The data as a JSON object, or None (`[DONE]`, a comment, anything not an object)."""
        if not self.data.startswith("{"):
            return None
        try:
            value = json.loads(self.data)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None


def parse_event(raw: bytes) -> SseEvent:
    """The `event:` name and joined `data:` lines of one raw event (per the SSE spec: one
    optional space after the colon is dropped)."""
    name = ""
    data: list[str] = []
    for line in raw.decode("utf-8", errors="replace").splitlines():
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "event":
            name = value
        elif field == "data":
            data.append(value)
    return SseEvent(raw, name, "\n".join(data))


class SseSplitter:
    """Feed chunks as they arrive; get back the events they complete."""

    def __init__(self) -> None:
        self._buffer = b""

    def feed(self, chunk: bytes) -> list[bytes]:
        self._buffer += chunk
        events = []
        while True:
            cut = _first_end(self._buffer)
            if cut < 0:
                break
            events.append(self._buffer[:cut])
            self._buffer = self._buffer[cut:]
        if len(self._buffer) > MAX_EVENT_BYTES:
            events.append(self._buffer)
            self._buffer = b""
        return events

    def rest(self) -> bytes:
        """What is left when the stream ends without a closing blank line."""
        rest, self._buffer = self._buffer, b""
        return rest


def _first_end(buffer: bytes) -> int:
    best = -1
    for ending in _ENDINGS:
        at = buffer.find(ending)
        if at >= 0 and (best < 0 or at + len(ending) < best):
            best = at + len(ending)
    return best


async def sse_events(chunks: AsyncIterable[bytes]) -> AsyncIterator[SseEvent]:
    """The events of a byte stream, each as soon as its blank line arrives."""
    splitter = SseSplitter()
    async for chunk in chunks:
        for raw in splitter.feed(chunk):
            yield parse_event(raw)
    rest = splitter.rest()
    if rest:
        yield parse_event(rest)


def format_event(name: str, data: dict[str, Any]) -> bytes:
    """An event written the way the vendors write theirs: `event:` line, one `data:` line."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (f"event: {name}\n" if name else "").encode() + f"data: {text}\n\n".encode()
