"""Which upstream a request goes to, which headers cross the proxy, and the 502 we answer when
the upstream cannot be reached.

The routing rule (docs/proxy.md):
  1. `/v1/messages` and everything under it goes to Anthropic;
  2. `/v1/chat/...` and `/v1/responses...` go to OpenAI;
  3. any other path goes to Anthropic when the request carries `x-api-key` or an
     `anthropic-*` header (what Anthropic's SDKs send), and to OpenAI otherwise.
Only POST /v1/messages, /v1/chat/completions and /v1/responses are rewritten; every other
path and method is forwarded unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Literal

from headroom_mcp.proxy.config import ApiName, ProxyConfig

Vendor = Literal["anthropic", "openai"]

REWRITTEN: dict[str, ApiName] = {
    "/v1/messages": "anthropic",
    "/v1/chat/completions": "openai_chat",
    "/v1/responses": "openai_responses",
}
# Hop-by-hop headers (RFC 9110 7.6.1) and those the HTTP client sets itself. `accept-encoding`
# is replaced by identity upstream: the relay then passes plain bytes it can read usage from,
# and a body is never decoded twice.
_DROP_REQUEST = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "accept-encoding",
        "x-headroom-token",
    }
)
_DROP_RESPONSE = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)


def rewritten_api(method: str, path: str) -> ApiName | None:
    """The API whose request body the rewriter handles, or None to forward as it is."""
    return REWRITTEN.get(path.rstrip("/")) if method == "POST" else None


def vendor_for(path: str, headers: Iterable[tuple[str, str]]) -> Vendor:
    """The upstream for `path` (rule in the module docstring)."""
    if path == "/v1/messages" or path.startswith("/v1/messages/"):
        return "anthropic"
    if path.startswith(("/v1/chat/", "/v1/responses")):
        return "openai"
    for name, _ in headers:
        lowered = name.lower()
        if lowered == "x-api-key" or lowered.startswith("anthropic-"):
            return "anthropic"
    return "openai"


def upstream_url(config: ProxyConfig, vendor: Vendor, path: str, query: str) -> str:
    """The upstream URL for a request path. A base that already ends in /v1 (an
    OpenAI-compatible gateway such as https://example.com/api/v1) takes the path without its
    own /v1, so the version is not doubled."""
    base = config.anthropic_upstream if vendor == "anthropic" else config.openai_upstream
    base = base.rstrip("/")
    if base.endswith("/v1") and (path == "/v1" or path.startswith("/v1/")):
        path = path[3:]
    return f"{base}{path}" + (f"?{query}" if query else "")


def _named_in_connection(headers: Iterable[tuple[str, str]]) -> set[str]:
    named: set[str] = set()
    for name, value in headers:
        if name.lower() == "connection":
            named.update(part.strip().lower() for part in value.split(","))
    return named


def request_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The client's headers for the upstream: keys, OAuth tokens and every `anthropic-*` header
    unchanged; hop-by-hop ones and our own token dropped; identity asked for."""
    drop = _DROP_REQUEST | _named_in_connection(headers)
    kept = [(n, v) for n, v in headers if n.lower() not in drop]
    return [*kept, ("accept-encoding", "identity")]


def response_headers(
    headers: list[tuple[str, str]], *, keep_length: bool
) -> list[tuple[bytes, bytes]]:
    """The upstream's response headers for the client (retry-after, request ids, rate-limit
    headers all kept). `content-length` stays only when the body is relayed unchanged."""
    drop = _DROP_RESPONSE | _named_in_connection(headers)
    if not keep_length:
        drop = drop | {"content-length"}
    return [
        (n.lower().encode("latin-1"), v.encode("latin-1"))
        for n, v in headers
        if n.lower() not in drop
    ]


def _vendor_option(vendor: Vendor) -> str:
    return (
        "--anthropic-upstream / HEADROOM_MCP_ANTHROPIC_UPSTREAM"
        if vendor == "anthropic"
        else "--openai-upstream / HEADROOM_MCP_OPENAI_UPSTREAM"
    )


def unreachable_body(vendor: Vendor, url: str, reason: str) -> bytes:
    """A 502 body in the vendor's own error shape, so the client's SDK shows the message."""
    message = (
        f"headroom-mcp proxy could not reach the upstream {url} ({reason}). Check the network "
        f"and that the upstream URL is right ({_vendor_option(vendor)})."
    )
    if vendor == "anthropic":
        body: dict[str, object] = {
            "type": "error",
            "error": {"type": "api_error", "message": message},
        }
    else:
        body = {
            "error": {
                "message": message,
                "type": "server_error",
                "param": None,
                "code": "upstream_unreachable",
            }
        }
    return json.dumps(body).encode()


def unauthorized_body(vendor: Vendor) -> bytes:
    """The 401 for a request without our token, in the vendor's shape."""
    message = (
        "headroom-mcp proxy: this listener requires its token. Send it in the "
        "x-headroom-token header (Authorization is passed to the upstream)."
    )
    if vendor == "anthropic":
        return json.dumps(
            {"type": "error", "error": {"type": "authentication_error", "message": message}}
        ).encode()
    return json.dumps(
        {"error": {"message": message, "type": "invalid_request_error", "param": None,
                   "code": "headroom_token_required"}}
    ).encode()  # fmt: skip
