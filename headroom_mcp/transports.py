"""The SSE and streamable-HTTP transports, with bearer-token auth.

Off loopback a token is required, so a server bound to 0.0.0.0 is never open to the network;
requests without `Authorization: Bearer <token>` get 401. Imported only by `serve --transport
sse|http`, so the stdio path never loads the HTTP stack.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
from pathlib import Path
from typing import Any

from mcp.server.mcpserver import MCPServer

from headroom_mcp.errors import ConfigError

logger = logging.getLogger(__name__)

TRANSPORTS = ("sse", "http")
REQUEST_OVERHEAD_BYTES = 64 * 1024


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class BearerAuth:
    """ASGI middleware: every HTTP request must carry the bearer token."""

    def __init__(self, app: Any, token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not hmac.compare_digest(given, self.expected):
                body = json.dumps(
                    {"error": "unauthorized", "detail": "send Authorization: Bearer <token>"}
                ).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"www-authenticate", b'Bearer realm="headroom-mcp"'),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def loopback_security(host: str, port: int) -> Any:
    """Host and Origin checks against DNS rebinding, for any loopback address (the SDK turns
    them on only for 127.0.0.1, localhost and ::1): the names this server answers to, on its
    port, and nothing else."""
    from mcp.server.transport_security import TransportSecuritySettings

    bare = host.strip("[]")
    shown = f"[{bare}]" if ":" in bare else bare
    names = sorted({shown, "127.0.0.1", "localhost", "[::1]"})
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[f"{n}:{port}" for n in names],
        allowed_origins=[f"http://{n}:{port}" for n in names],
    )


def build_app(app: MCPServer, transport: str, host: str, token: str | None, port: int) -> Any:
    """The ASGI app for `transport`: Host/Origin checked on loopback, BearerAuth when a token
    is set (required off loopback)."""
    if transport not in TRANSPORTS:
        raise ConfigError(f"Unknown transport {transport!r}: use stdio, sse or http.")
    loopback = is_loopback(host)
    if not loopback and not token:
        raise ConfigError(
            f"Refusing to serve on {host} without a token: anyone who can reach it could read "
            "your stored originals. Pass --token-file (or set HEADROOM_MCP_TOKEN_FILE or "
            "HEADROOM_MCP_TOKEN), or bind 127.0.0.1."
        )
    from headroom_mcp.config import load_settings

    security = loopback_security(host, port) if loopback else None
    # A request carries the content JSON-escaped (up to 2 bytes a byte for quotes and
    # backslashes, more for control characters): take what HEADROOM_MCP_MAX_CONTENT_BYTES
    # promises, escaped, with room for the rest of the request.
    body_limit = 2 * load_settings().max_content_bytes + REQUEST_OVERHEAD_BYTES
    if transport == "sse":
        asgi = app.sse_app(host=host, transport_security=security, max_request_body_size=body_limit)
    else:
        asgi = app.streamable_http_app(
            host=host, transport_security=security, max_request_body_size=body_limit
        )
    return BearerAuth(asgi, token) if token else asgi


def read_token_file(path: str) -> str:
    """The token in `path`, stripped; ConfigError when it cannot be read or is empty."""
    try:
        token = Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"Cannot read the token file {path}: {exc.strerror}.") from None
    if not token:
        raise ConfigError(f"The token file {path} is empty. Put the bearer token in it.")
    return token


def serve_http(app: MCPServer, transport: str, host: str, port: int, token: str | None) -> None:
    import uvicorn

    asgi = build_app(app, transport, host, token, port)
    path = "/sse" if transport == "sse" else "/mcp"
    logger.info("serving %s on http://%s:%d%s (auth=%s)", transport, host, port, path, bool(token))
    uvicorn.run(asgi, host=host, port=port, log_level="warning", lifespan="on")
