"""The MCP server: three thin tools over `api`, run in worker threads, on stdio, SSE or HTTP.

Importing this module loads the MCP SDK and nothing heavy: engines, the tokenizer and SQLite
load on the first tool call, so `list_tools` answers right after spawn.
"""

from __future__ import annotations

import logging
import time
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

import anyio
import anyio.to_thread
from mcp import MCPDeprecationWarning
from mcp import MCPError as McpError
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp.types import ListResourcesResult, PaginatedRequestParams, ToolAnnotations
from mcp.types import Resource as MCPResource

from headroom_mcp import api, sources
from headroom_mcp.errors import HeadroomMcpError, InvalidArgument, UnknownHash
from headroom_mcp.results import (
    CompressResult,
    ReadResult,
    RetrieveResult,
    RunResult,
    StatsResult,
)

logger = logging.getLogger(__name__)
ROOTS_TIMEOUT_SECONDS = 3

INSTRUCTIONS = """\
headroom keeps your context small. When a tool result, file, log, JSON payload, search output
or diff is large (more than a few hundred lines), pass it to headroom_compress with a `query`
saying what you are looking for: you get back a much shorter version that keeps what matters
for that query (matching records, errors, outliers, head and tail) plus a hash.
Nothing is lost: the full original is stored locally. Every compressed result ends with a
"[headroom: ...]" line naming what was left out; call headroom_retrieve(hash=..., query=...)
to get back just the parts you need, or headroom_retrieve(hash=...) for the exact original.
Better still, fetch content through headroom so the full text never enters your context:
headroom_read(path, query) instead of reading a large file, and headroom_run(argv, query) for
commands such as rg, grep, git diff or pytest when the user has enabled them.
Lines starting with "[headroom" are notes from headroom, not part of the content.
headroom_stats reports tokens saved."""


class HeadroomServer(MCPServer):
    """MCPServer whose resource list also names the stored originals the caller may see."""

    async def _handle_list_resources(
        self, ctx: Any, params: PaginatedRequestParams | None
    ) -> ListResourcesResult:
        # The SDK's list_resources() gets no request context; the caller's roots need one.
        context = Context(request_context=ctx, mcp_server=self, subscriptions=self._subscriptions)
        return ListResourcesResult(resources=await self.list_resources(context))

    async def list_resources(self, ctx: Context | None = None) -> list[MCPResource]:
        listed = await super().list_resources()
        roots = await _caller_roots(ctx)
        originals = await anyio.to_thread.run_sync(lambda: api.list_originals(roots=roots))
        now = time.time()
        for short, kind, size, tokens, created in originals:
            age_hours = (now - created) / 3600
            listed.append(
                MCPResource(
                    uri=f"{ORIGINAL_URI_PREFIX}{short}",
                    name=f"{kind} original {short}",
                    description=f"{kind}, {size:,} bytes, {tokens:,} tokens, stored "
                    f"{age_hours:.1f} h ago",
                    mime_type="application/json" if kind == "json" else "text/plain",
                    size=size,
                )
            )
        return listed


ORIGINAL_URI_PREFIX = "headroom://original/"
app = HeadroomServer("headroom", instructions=INSTRUCTIONS, version="0.1.0")
READ_ONLY = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)
STORES = ToolAnnotations(read_only_hint=False, idempotent_hint=True, open_world_hint=False)
RUNS_COMMANDS = ToolAnnotations(read_only_hint=False, idempotent_hint=False, open_world_hint=False)


def _client_name(ctx: Context | None) -> str | None:
    try:
        params = ctx.session.client_params if ctx is not None else None
    except (AttributeError, LookupError, ValueError):
        return None
    info = getattr(params, "client_info", None)
    return getattr(info, "name", None)


async def _call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a library call in a worker thread; anticipated errors become tool errors."""
    try:
        return await anyio.to_thread.run_sync(lambda: fn(*args, **kwargs))
    except HeadroomMcpError as exc:
        raise ToolError(str(exc)) from exc


@app.tool(annotations=STORES)
async def headroom_compress(
    content: str,
    query: str | None = None,
    kind: str = "auto",
    max_tokens: int | None = None,
    ctx: Context | None = None,
) -> CompressResult:
    """Compress large text (JSON, logs, code, search results, diffs, prose) before you read it.

    Pass what you are looking for as `query` ("failed orders", "why did the build fail") so
    the matching parts are kept. `kind` forces a content type (json, code, logs, search, diff,
    prose, text) instead of detecting it; `max_tokens` caps the output. Short content comes
    back unchanged. The result's `compressed` ends with a "[headroom: ...]" line when anything
    was left out: call headroom_retrieve with the returned `hash` (and a `query`) to get it back.
    """
    result: CompressResult = await _call(
        api.compress, content, query, kind, max_tokens, client=_client_name(ctx)
    )
    return result


@app.tool(annotations=READ_ONLY)
async def headroom_retrieve(
    hash: str | None = None,
    query: str | None = None,
    max_tokens: int | None = None,
    ctx: Context | None = None,
) -> RetrieveResult:
    """Get back what headroom_compress left out.

    With only `hash`: the exact original. With `query` ("record with id 42", "stack trace of
    the timeout"): only the parts of the original that match, in original order, each after a
    "[headroom: location]" line. With `query` and no hash: search everything stored, by every
    agent and session, and get the matching originals' hashes with their best snippets.
    `max_tokens` caps the answer.
    """
    result: RetrieveResult = await _call(
        api.retrieve, hash, query, max_tokens, client=_client_name(ctx),
        roots=await _caller_roots(ctx),
    )  # fmt: skip
    return result


@app.tool(annotations=READ_ONLY)
async def headroom_read(
    path: str,
    query: str | None = None,
    max_tokens: int | None = None,
    lines: str | None = None,
    ctx: Context | None = None,
) -> ReadResult:
    """Read a file already compressed, instead of reading it whole and compressing it after.

    Use it in place of a plain file read for anything large (source files, logs, JSON, docs):
    only the compressed view enters your context, and the whole file stays retrievable with
    headroom_retrieve. `query` says what you need ("how is the token refreshed"); `lines`
    ("120-200") reads a range. Works inside the allowed roots only; secrets (.env, keys) and
    binary files are refused.
    """
    roots = await _client_roots(ctx)
    result: ReadResult = await _call(
        sources.read, path, query, max_tokens, lines, roots=roots, client=_client_name(ctx)
    )
    return result


@app.tool(annotations=RUNS_COMMANDS)
async def headroom_run(
    argv: list[str],
    query: str | None = None,
    max_tokens: int | None = None,
    cwd: str | None = None,
    ctx: Context | None = None,
) -> RunResult:
    """Run an allowlisted command (e.g. ["rg", "-n", "TODO"], ["git", "diff"], ["pytest", "-q"])
    and get its output compressed: grep output as search results, diffs as diffs, test runs as
    logs. No shell; runs inside the allowed roots with a time limit. `exit_code` tells how it
    ended. Off unless the user set HEADROOM_MCP_RUN_ALLOW.
    """
    roots = await _client_roots(ctx)
    result: RunResult = await _call(
        sources.run, argv, query, max_tokens, cwd, roots=roots, client=_client_name(ctx)
    )
    return result


async def _client_roots(ctx: Context | None) -> list[Path] | None:
    """The client's MCP roots as local paths, when it declares the capability; else None."""
    try:
        session = ctx.session if ctx is not None else None
        capabilities = session.client_capabilities if session is not None else None
    except (AttributeError, LookupError, ValueError):
        return None
    if session is None or capabilities is None or getattr(capabilities, "roots", None) is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MCPDeprecationWarning)  # roots: deprecated 2026-07-28
            with anyio.fail_after(ROOTS_TIMEOUT_SECONDS):
                listed = await session.list_roots()
    except (TimeoutError, McpError) as exc:
        logger.info("client roots unavailable: %s", type(exc).__name__)
        return None
    paths = []
    for root in listed.roots:
        parsed = urlparse(str(root.uri))
        if parsed.scheme == "file":
            paths.append(Path(url2pathname(unquote(parsed.path))))
    return paths or None


async def _caller_roots(ctx: Context | None) -> list[Path]:
    """The roots this caller's originals from read/run must lie in to be returned to it: the
    client's, else HEADROOM_MCP_ROOTS, else the project working directory (none: only what
    clients passed to compress)."""
    from headroom_mcp.access import effective_roots
    from headroom_mcp.config import load_settings

    return effective_roots(await _client_roots(ctx), load_settings().roots)


@app.tool(annotations=READ_ONLY)
async def headroom_stats() -> StatsResult:
    """Tokens and estimated cost saved so far, per content kind and client, with recent calls."""
    result: StatsResult = await _call(api.stats)
    return result


@app.resource(
    ORIGINAL_URI_PREFIX + "{hash}",
    name="original",
    description="The exact original stored under a hash returned by headroom_compress.",
    mime_type="text/plain",
)
async def original_resource(hash: str, ctx: Context) -> str:
    roots = await _caller_roots(ctx)
    try:
        result: RetrieveResult = await anyio.to_thread.run_sync(
            lambda: api.retrieve(hash, roots=roots)
        )
    except (UnknownHash, InvalidArgument) as exc:
        raise ResourceNotFoundError(str(exc)) from exc
    return result.content


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr only: on stdio, stdout carries the protocol."""
    import sys

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("headroom_mcp")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def serve(
    transport: str = "stdio",
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
) -> None:
    """Run the server until it is stopped."""
    if transport == "stdio":
        from headroom_mcp.stdio import run_stdio

        anyio.run(run_stdio, app)
        return
    from headroom_mcp.transports import serve_http

    serve_http(app, transport, host, port, token)
