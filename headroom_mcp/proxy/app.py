"""The proxy's Starlette app: routes, the streaming relay, /livez, /stats and /metrics.

A request to a rewritten API (proxy.routing) has its JSON body rewritten by the Rewriter in a
worker thread, then goes upstream; every other request goes upstream as it came. The upstream's
answer comes back as it arrives, byte for byte: status, headers (hop-by-hop ones aside) and
body, SSE events included, whatever their type. Usage is read from those bytes in passing.
Rewriting never breaks a request: if it fails, the original body goes upstream.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import socket
import time
from collections.abc import AsyncIterator, Mapping
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any, Protocol

import anyio
import httpx2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from headroom_mcp.errors import ConfigError
from headroom_mcp.proxy import retrieve_loop
from headroom_mcp.proxy.config import ApiName, ProxyConfig
from headroom_mcp.proxy.routing import (
    request_headers,
    response_headers,
    rewritten_api,
    unauthorized_body,
    unreachable_body,
    upstream_url,
    vendor_for,
)
from headroom_mcp.proxy.stats import UNKNOWN, ProxyStats, RequestOutcome
from headroom_mcp.proxy.usage_tap import tap_for, usage_of_body
from headroom_mcp.transports import is_loopback

logger = logging.getLogger(__name__)

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
# Model turns can think for minutes before the first byte; a stream pings far more often.
UPSTREAM_TIMEOUT = httpx2.Timeout(connect=30.0, read=600.0, write=600.0, pool=60.0)
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


class RewriteLike(Protocol):
    """What a rewrite returns (headroom_mcp.proxy.rewrite.Rewrite)."""

    @property
    def body(self) -> dict[str, Any]: ...
    @property
    def session(self) -> str: ...
    @property
    def client(self) -> str: ...
    @property
    def tokens_before(self) -> int: ...
    @property
    def tokens_after(self) -> int: ...
    @property
    def compressed(self) -> int: ...
    @property
    def replayed(self) -> int: ...


class RewriterLike(Protocol):
    """headroom_mcp.proxy.rewrite.Rewriter's shape: blocking, CPU-bound, no HTTP."""

    def rewrite(
        self, api: ApiName, body: Mapping[str, Any], headers: Mapping[str, str]
    ) -> RewriteLike: ...


def build_proxy_app(
    config: ProxyConfig,
    rewriter: RewriterLike | None = None,
    *,
    transport: httpx2.AsyncBaseTransport | None = None,
) -> Starlette:
    """The ASGI app of one proxy. `transport` replaces the network (tests).

    Raises:
        ConfigError: the host is not loopback and no token is set.
    """
    if not is_loopback(config.host) and not config.token:
        raise ConfigError(
            f"Refusing to listen on {config.host} without a token: anyone who can reach it "
            "could spend through it and read its stats. Pass --token-file (or set "
            "HEADROOM_MCP_TOKEN_FILE or HEADROOM_MCP_TOKEN), or bind 127.0.0.1."
        )
    if rewriter is None:
        # Imported here: the rewriter (and the engines behind it) load only when a proxy is built.
        from headroom_mcp.proxy.rewrite import Rewriter

        rewriter = Rewriter(config)
    proxy = Proxy(config, rewriter, transport)
    app = Starlette(
        routes=[
            Route("/livez", livez, methods=["GET", "HEAD"]),
            Route("/stats", proxy.stats_json, methods=["GET"]),
            Route("/metrics", proxy.metrics, methods=["GET"]),
            Route("/{path:path}", proxy.forward, methods=METHODS),
        ],
        lifespan=proxy.lifespan,
    )
    app.state.proxy = proxy
    return app


async def livez(request: Request) -> Response:
    return PlainTextResponse("ok")


def _json_object(body: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class Proxy:
    """State of one proxy app: config, rewriter, the upstream client and the stats."""

    def __init__(
        self,
        config: ProxyConfig,
        rewriter: RewriterLike,
        transport: httpx2.AsyncBaseTransport | None,
    ) -> None:
        self.config = config
        self.rewriter = rewriter
        self.stats = ProxyStats()
        self._transport = transport
        self._client: httpx2.AsyncClient | None = None

    @property
    def client(self) -> httpx2.AsyncClient:
        if self._client is None:
            # Cookies an upstream sets are for its client, not for us to keep or resend.
            jar = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
            limits = httpx2.Limits(max_connections=256, max_keepalive_connections=32)
            # TCP_NODELAY: a request goes out as headers then body; with Nagle on, the body
            # waits for the upstream's delayed ACK of the headers (40 ms on Linux).
            transport = self._transport or httpx2.AsyncHTTPTransport(
                limits=limits,
                socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
            )
            self._client = httpx2.AsyncClient(
                transport=transport,
                timeout=UPSTREAM_TIMEOUT,
                follow_redirects=False,
                cookies=jar,
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await self.aclose()

    # --- guards -------------------------------------------------------------------------

    def _host_allowed(self, request: Request) -> bool:
        """On loopback, only requests addressed to a loopback name: a web page that rebinds
        its own DNS name to 127.0.0.1 cannot read /stats through the user's browser."""
        if self.config.token or not is_loopback(self.config.host):
            return True
        host = request.headers.get("host", "")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name.lower() in LOOPBACK_NAMES | {self.config.host.lower()}

    def _token_ok(self, request: Request, *, bearer: bool) -> bool:
        if not self.config.token:
            return True
        expected = self.config.token.encode()
        given = request.headers.get("x-headroom-token", "").encode()
        if hmac.compare_digest(given, expected):
            return True
        if bearer:
            auth = request.headers.get("authorization", "").encode()
            return hmac.compare_digest(auth, b"Bearer " + expected)
        return False

    def _refused(self, request: Request, *, bearer: bool) -> Response | None:
        if not self._host_allowed(request):
            return PlainTextResponse(
                "headroom-mcp proxy answers only to loopback host names on this listener.",
                status_code=421,
            )
        if not self._token_ok(request, bearer=bearer):
            return PlainTextResponse(
                "headroom-mcp proxy: send the token as Authorization: Bearer <token> or "
                "x-headroom-token.",
                status_code=401,
                headers={"www-authenticate": 'Bearer realm="headroom-mcp"'},
            )
        return None

    # --- observability ------------------------------------------------------------------

    async def stats_json(self, request: Request) -> Response:
        refused = self._refused(request, bearer=True)
        if refused is not None:
            return refused
        return Response(json.dumps(self.stats.as_json(), indent=2), media_type="application/json")

    async def metrics(self, request: Request) -> Response:
        refused = self._refused(request, bearer=True)
        if refused is not None:
            return refused
        from prometheus_client import CONTENT_TYPE_LATEST

        return Response(self.stats.prometheus_text(), media_type=CONTENT_TYPE_LATEST)

    # --- the relay ----------------------------------------------------------------------

    async def forward(self, request: Request) -> Response:
        path = request.url.path
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
        vendor = vendor_for(path, headers)
        refused = self._refused(request, bearer=False)
        if refused is not None and refused.status_code == 401:
            return Response(unauthorized_body(vendor), 401, media_type="application/json")
        if refused is not None:
            return refused
        body = await request.body()
        api = rewritten_api(request.method, path)
        url = upstream_url(self.config, vendor, path, request.url.query)
        outcome = RequestOutcome(api=api or "other", status=0)
        forwarded, parsed = body, None
        if api is not None:
            parsed = _json_object(body)
            if parsed is not None:
                forwarded, parsed, outcome = await self._rewrite(api, parsed, headers, body)
        upstream = Upstream(self.client, request.method, url, request_headers(headers))
        try:
            response = await upstream.open(forwarded)
        except httpx2.TransportError as exc:
            logger.warning("upstream %s unreachable: %s", url, type(exc).__name__)
            self.stats.record_unreachable()
            self.stats.record_request(_with_status(outcome, 502))
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            return Response(
                unreachable_body(vendor, url, reason), 502, media_type="application/json"
            )
        self.stats.record_request(_with_status(outcome, response.status_code))
        if (
            self.config.inject_retrieve
            and parsed is not None
            and api in retrieve_loop.LOOPED_APIS
            and response.status_code == 200
        ):
            return await self._looped(api, response, parsed, upstream, outcome)
        tap = tap_for(
            response.headers.get("content-type", ""), response.headers.get("content-encoding", "")
        )
        relayed = StreamingResponse(
            self._relay(response, tap, outcome), status_code=response.status_code
        )
        relayed.raw_headers = response_headers(response.headers.multi_items(), keep_length=True)
        return relayed

    async def _rewrite(
        self, api: ApiName, parsed: dict[str, Any], headers: list[tuple[str, str]], body: bytes
    ) -> tuple[bytes, dict[str, Any], RequestOutcome]:
        """The body to send, as bytes and as JSON, and the outcome so far. The original bytes
        go upstream untouched when rewriting changes nothing or fails."""
        lowered = {k.lower(): v for k, v in headers}
        started = time.perf_counter()
        try:
            result = await anyio.to_thread.run_sync(
                lambda: self.rewriter.rewrite(api, parsed, lowered)
            )
        except Exception:  # a failed rewrite must never fail the request
            logger.exception("rewriting a %s request failed; forwarding it unchanged", api)
            self.stats.record_rewrite_failure()
            return body, parsed, RequestOutcome(api=api, status=0)
        self.stats.observe_rewrite(time.perf_counter() - started)
        outcome = RequestOutcome(
            api=api,
            status=0,
            session=result.session or UNKNOWN,
            client=result.client or UNKNOWN,
            tokens_before=result.tokens_before,
            tokens_after=result.tokens_after,
            compressed=result.compressed,
            replayed=result.replayed,
        )
        if result.body == parsed:
            return body, parsed, outcome
        text = json.dumps(result.body, ensure_ascii=False, separators=(",", ":"))
        return text.encode(), result.body, outcome

    async def _relay(
        self, response: httpx2.Response, tap: Any, outcome: RequestOutcome
    ) -> AsyncIterator[bytes]:
        """The upstream body as it arrives; each chunk goes out before the tap reads it."""
        try:
            async for chunk in response.aiter_raw():
                yield chunk
                if tap is not None:
                    tap.feed(chunk)
        except httpx2.TransportError as exc:
            logger.warning("upstream broke off mid-response: %s", type(exc).__name__)
        finally:
            await response.aclose()
            if tap is not None:
                self.stats.record_usage(outcome.session, outcome.client, tap.close())

    async def _looped(
        self,
        api: ApiName,
        response: httpx2.Response,
        body: dict[str, Any],
        upstream: Upstream,
        outcome: RequestOutcome,
    ) -> Response:
        """A turn the proxy may continue itself when the model calls only headroom_retrieve."""
        hooks = retrieve_loop.LoopHooks(
            record_usage=lambda usage: self.stats.record_usage(
                outcome.session, outcome.client, usage
            ),
            record_calls=self.stats.record_retrieve_round,
            client=outcome.client,
        )
        headers = response_headers(response.headers.multi_items(), keep_length=False)
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "text/event-stream":
            streamed = StreamingResponse(
                retrieve_loop.stream_turn(api, response, body, upstream, hooks),
                status_code=200,
            )
            streamed.raw_headers = headers
            return streamed
        raw = await response.aread()
        await response.aclose()
        first = _json_object(raw)
        if first is None:
            answer = Response(raw, 200)
            answer.raw_headers = [*headers, (b"content-length", str(len(raw)).encode())]
            return answer
        hooks.record_usage(usage_of_body(first))
        final = await retrieve_loop.complete_turn(api, first, body, upstream, hooks)
        status = 200
        if isinstance(final, retrieve_loop.LoopResult):
            status, content, headers = final.status, final.body, final.headers or headers
        else:
            content = raw if final is first else json.dumps(final, ensure_ascii=False).encode()
        answer = Response(content, status)
        answer.raw_headers = [*headers, (b"content-length", str(len(content)).encode())]
        return answer


class Upstream:
    """One upstream endpoint with the client's headers: opens a streamed response per body."""

    def __init__(
        self, client: httpx2.AsyncClient, method: str, url: str, headers: list[tuple[str, str]]
    ) -> None:
        self.client = client
        self.method = method
        self.url = url
        self.headers = headers

    async def open(self, content: bytes) -> httpx2.Response:
        """Send `content`; the response's body is still to be read (aiter_raw / aread).

        Raises:
            httpx2.TransportError: the upstream cannot be reached.
        """
        request = httpx2.Request(self.method, self.url, headers=self.headers, content=content)
        return await self.client.send(request, stream=True)


def _with_status(outcome: RequestOutcome, status: int) -> RequestOutcome:
    from dataclasses import replace

    return replace(outcome, status=status)


__all__ = ["RewriteLike", "RewriterLike", "Upstream", "build_proxy_app"]
