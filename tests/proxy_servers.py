"""Real HTTP servers on 127.0.0.1 for the proxy's tests: a fake upstream that records what it
receives and answers with recorded transcripts, the proxy itself under uvicorn, and a fake
rewriter with the Rewriter's interface."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

TRANSCRIPTS = Path(__file__).parent / "data" / "proxy"
WAIT_SECONDS = 5.0


def transcript(name: str, **replace: str) -> bytes:
    text = (TRANSCRIPTS / name).read_bytes()
    for key, value in replace.items():
        text = text.replace(f"@{key}@".encode(), value.encode())
    return text


def events_of(data: bytes) -> list[bytes]:
    """A transcript cut into its events (each with its blank line), as an upstream sends them."""
    return [part + b"\n\n" for part in data.split(b"\n\n") if part]


@dataclass
class Reply:
    """One programmed answer. With `gate`, the body stops after its first chunk until the test
    sets the gate (or WAIT_SECONDS pass, and the upstream then breaks off)."""

    status: int = 200
    chunks: list[bytes] = field(default_factory=list)
    content_type: str = "text/event-stream; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    gate: threading.Event | None = None

    @classmethod
    def sse(cls, data: bytes, **kwargs: Any) -> Reply:
        return cls(chunks=events_of(data), **kwargs)

    @classmethod
    def json(cls, data: bytes, status: int = 200, **kwargs: Any) -> Reply:
        return cls(status=status, chunks=[data], content_type="application/json", **kwargs)


@dataclass
class Received:
    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k == name]
        return values[0] if values else None


class FakeUpstream:
    """Answers each request with the next programmed Reply, and records the request."""

    def __init__(self, *replies: Reply) -> None:
        self.replies: deque[Reply] = deque(replies)
        self.received: list[Received] = []
        self.finished = threading.Event()
        self.app = Starlette(
            routes=[Route("/{path:path}", self.answer, methods=["GET", "POST", "DELETE"])]
        )

    async def answer(self, request: Request) -> Response:
        body = await request.body()
        headers = [(k.decode(), v.decode()) for k, v in request.headers.raw]
        self.received.append(
            Received(request.method, request.url.path, request.url.query, headers, body)
        )
        if not self.replies:
            return Response(b'{"error": "no reply programmed"}', 500)
        reply = self.replies.popleft()

        async def chunks() -> Any:
            for number, chunk in enumerate(reply.chunks):
                yield chunk
                if number == 0 and reply.gate is not None:
                    opened = await anyio.to_thread.run_sync(reply.gate.wait, WAIT_SECONDS)
                    if not opened:
                        return
            self.finished.set()

        return StreamingResponse(
            chunks(),
            status_code=reply.status,
            headers={**reply.headers, "content-type": reply.content_type},
        )


@contextlib.contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve `app` with uvicorn in a thread on a free loopback port; yield its base URL.
    The socket listens before the thread starts, so no wait is needed."""
    sock = socket.socket(
        socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP
    )  # TCP_NODELAY, as asyncio sets it on its own sockets
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    config = uvicorn.Config(app, log_level="warning", ws="none", http="h11", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(WAIT_SECONDS)
        sock.close()


@dataclass(frozen=True)
class FakeRewrite:
    body: dict[str, Any]
    session: str
    client: str
    tokens_before: int
    tokens_after: int
    compressed: int
    replayed: int


class ShorteningRewriter:
    """Rewriter-shaped fake: each string tool result longer than 40 characters becomes
    "[headroom: N chars]" (tokens counted as characters / 4), and with inject_retrieve the
    headroom_retrieve tool is offered. Records every call; `fail` makes it raise."""

    def __init__(self, *, fail: bool = False, inject_retrieve: bool = False) -> None:
        self.fail = fail
        self.inject_retrieve = inject_retrieve
        self.calls: list[tuple[str, dict[str, str]]] = []

    def rewrite(self, api: str, body: Mapping[str, Any], headers: Mapping[str, str]) -> FakeRewrite:
        self.calls.append((api, dict(headers)))
        if self.fail:
            raise RuntimeError("engine crashed")
        before = after = compressed = 0
        messages = []
        for message in body.get("messages", []):
            content = message.get("content")
            if isinstance(content, list):
                blocks = []
                for block in content:
                    text = block.get("content") if block.get("type") == "tool_result" else None
                    if isinstance(text, str) and len(text) > 40:
                        before += len(text) // 4
                        block = {**block, "content": f"[headroom: {len(text)} chars]"}
                        after += len(block["content"]) // 4
                        compressed += 1
                    blocks.append(block)
                message = {**message, "content": blocks}
            messages.append(message)
        new = {**body, "messages": messages}
        if self.inject_retrieve:
            new["tools"] = [*body.get("tools", []), {"name": "headroom_retrieve"}]
        session = headers.get("x-claude-code-session-id", "s-default")
        return FakeRewrite(
            new, session, headers.get("user-agent", "?"), before, after, compressed, 0
        )
