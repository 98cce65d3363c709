"""Relaying one upstream stream of a turn the proxy may continue (see retrieve_loop).

Events go to the client as they arrive until the model starts a headroom_retrieve call; from
there they are held. At the end of the stream the loop either releases what was held, byte
for byte (a client tool was called too, or the turn ended otherwise), or drops the retrieve
call and continues the turn upstream. A continuation's events follow on from what the client
has seen: its message_start is dropped and its content block indexes are renumbered.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from headroom_mcp.proxy.sse import SseEvent, format_event

RETRIEVE_TOOL = "headroom_retrieve"


@dataclass(frozen=True)
class RetrieveCall:
    """One headroom_retrieve call; `arguments` is None when they were not a JSON object."""

    id: str
    arguments: dict[str, Any] | None


def parse_arguments(text: str | None) -> dict[str, Any] | None:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class AnthropicRelay:
    """One Messages stream: what to send now, what was held, and the assistant turn it made."""

    def __init__(self, emitted_blocks: int, *, first: bool) -> None:
        self.next_index = emitted_blocks
        self.first = first
        self.held: list[SseEvent] | None = None
        self.stop_reason: str | None = None
        self.client_tools = False
        self.errored = False
        self.blocks: dict[int, dict[str, Any]] = {}
        self.partial_json: dict[int, list[str]] = {}
        self.retrieve_blocks: set[int] = set()
        self._out_index: dict[int, int] = {}

    def feed(self, event: SseEvent) -> list[bytes]:
        data = event.json()
        kind = str(data.get("type", event.name)) if data else event.name
        self._observe(kind, data or {})
        if self.held is None and kind == "content_block_start" and self._starts_retrieve(data):
            self.held = []
        if self.held is not None:
            self.held.append(event)
            return []
        return self._emit(event, kind, data)

    def _starts_retrieve(self, data: dict[str, Any] | None) -> bool:
        block = (data or {}).get("content_block") or {}
        return block.get("type") == "tool_use" and block.get("name") == RETRIEVE_TOOL

    def _observe(self, kind: str, data: dict[str, Any]) -> None:
        index = data.get("index")
        if kind == "content_block_start" and isinstance(index, int):
            block = dict(data.get("content_block") or {})
            self.blocks[index] = block
            if block.get("type") == "tool_use":
                if block.get("name") == RETRIEVE_TOOL:
                    self.retrieve_blocks.add(index)
                else:
                    self.client_tools = True
        elif kind == "content_block_delta" and isinstance(index, int) and index in self.blocks:
            _apply_delta(self.blocks[index], self.partial_json.setdefault(index, []), data)
        elif kind == "message_delta":
            self.stop_reason = (data.get("delta") or {}).get("stop_reason") or self.stop_reason
        elif kind == "error":
            self.errored = True

    def _emit(self, event: SseEvent, kind: str, data: dict[str, Any] | None) -> list[bytes]:
        if kind == "message_start" and not self.first:
            return []
        index = (data or {}).get("index")
        if data is None or not kind.startswith("content_block") or not isinstance(index, int):
            return [event.raw]
        if kind == "content_block_start":
            self._out_index[index] = self.next_index
            self.next_index += 1
        out = self._out_index.get(index, index)
        if out == index:
            return [event.raw]
        return [format_event(event.name or kind, {**data, "index": out})]

    def retrieve_only(self) -> bool:
        """The turn stopped to call headroom_retrieve and nothing else."""
        return (
            self.held is not None
            and self.stop_reason == "tool_use"
            and not self.client_tools
            and not self.errored
            and bool(self.retrieve_blocks)
        )

    def release(self) -> list[bytes]:
        """Everything held, for the client (as it came, bar renumbering in a continuation)."""
        out: list[bytes] = []
        for event in self.held or []:
            data = event.json()
            kind = str(data.get("type", event.name)) if data else event.name
            out += self._emit(event, kind, data)
        return out

    def carry_over(self) -> list[bytes]:
        """What the client still gets when the loop goes on: blocks other than the retrieve
        calls that came while events were held (the message's end is the continuation's)."""
        out: list[bytes] = []
        for event in self.held or []:
            data = event.json()
            kind = str(data.get("type", event.name)) if data else event.name
            index = (data or {}).get("index")
            if kind.startswith("content_block") and index not in self.retrieve_blocks:
                out += self._emit(event, kind, data)
        return out

    def assistant_content(self) -> list[dict[str, Any]]:
        """The assistant's content blocks as the API takes them back in `messages`."""
        content = []
        for index in sorted(self.blocks):
            block = dict(self.blocks[index])
            if block.get("type") in ("tool_use", "server_tool_use"):
                parts = self.partial_json.get(index)
                parsed = parse_arguments("".join(parts)) if parts else block.get("input")
                block["input"] = parsed if isinstance(parsed, dict) else {}
            content.append(block)
        return content

    def calls(self) -> list[RetrieveCall]:
        calls = []
        for index in sorted(self.retrieve_blocks):
            parts = self.partial_json.get(index)
            block = self.blocks[index]
            arguments = parse_arguments("".join(parts)) if parts else block.get("input")
            calls.append(
                RetrieveCall(
                    str(block.get("id", "")), arguments if isinstance(arguments, dict) else None
                )
            )
        return calls


def _apply_delta(block: dict[str, Any], partial_json: list[str], data: dict[str, Any]) -> None:
    delta = data.get("delta") or {}
    kind = delta.get("type")
    if kind == "text_delta":
        block["text"] = block.get("text", "") + str(delta.get("text", ""))
    elif kind == "input_json_delta":
        partial_json.append(str(delta.get("partial_json", "")))
    elif kind == "thinking_delta":
        block["thinking"] = block.get("thinking", "") + str(delta.get("thinking", ""))
    elif kind == "signature_delta":
        block["signature"] = delta.get("signature", "")
    elif kind == "citations_delta":
        block.setdefault("citations", []).append(delta.get("citation"))


@dataclass
class _ChatCall:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


class ChatRelay:
    """One Chat Completions stream: chunks pass until a headroom_retrieve tool call starts."""

    def __init__(self, emitted_blocks: int = 0, *, first: bool) -> None:
        self.next_index = emitted_blocks
        self.first = first
        self.held: list[SseEvent] | None = None
        self.finish_reason: str | None = None
        self.client_tools = False
        self.errored = False
        self.text: list[str] = []
        self.tool_calls: dict[int, _ChatCall] = {}

    def feed(self, event: SseEvent) -> list[bytes]:
        data = event.json()
        starts = self._observe(data) if data is not None else False
        if self.held is None and starts:
            self.held = []
        if self.held is not None:
            self.held.append(event)
            return []
        return [event.raw]

    def _observe(self, data: dict[str, Any]) -> bool:
        """Read one chunk; True when it starts a headroom_retrieve call."""
        if "error" in data:
            self.errored = True
        starts = False
        for choice in data.get("choices") or []:
            if choice.get("index", 0) != 0:
                self.client_tools = True  # n > 1: not a turn we continue
            delta = choice.get("delta") or {}
            if isinstance(delta.get("content"), str):
                self.text.append(delta["content"])
            for piece in delta.get("tool_calls") or []:
                call = self.tool_calls.setdefault(int(piece.get("index", 0)), _ChatCall())
                call.id = piece.get("id") or call.id
                function = piece.get("function") or {}
                if function.get("name"):
                    call.name = function["name"]
                    if call.name == RETRIEVE_TOOL:
                        starts = True
                    else:
                        self.client_tools = True
                if function.get("arguments"):
                    call.arguments.append(function["arguments"])
            self.finish_reason = choice.get("finish_reason") or self.finish_reason
        return starts

    def retrieve_only(self) -> bool:
        return (
            self.held is not None
            and self.finish_reason == "tool_calls"
            and not self.client_tools
            and not self.errored
            and bool(self.tool_calls)
            and all(c.name == RETRIEVE_TOOL for c in self.tool_calls.values())
        )

    def release(self) -> list[bytes]:
        return [event.raw for event in self.held or []]

    def carry_over(self) -> list[bytes]:
        """Nothing: the held chunks are the retrieve calls, the finish and [DONE]."""
        return []

    def assistant_message(self) -> dict[str, Any]:
        return {
            "role": "assistant",
            "content": "".join(self.text) or None,
            "tool_calls": [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.name, "arguments": "".join(call.arguments)},
                }
                for _, call in sorted(self.tool_calls.items())
            ],
        }

    def calls(self) -> list[RetrieveCall]:
        return [
            RetrieveCall(call.id, parse_arguments("".join(call.arguments)))
            for _, call in sorted(self.tool_calls.items())
        ]
