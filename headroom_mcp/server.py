"""The MCP server: five thin tools over `api`, run in worker threads, on stdio, SSE or HTTP.

Every tool answers text for the model by default (headroom_mcp.presenting) and its fields with
format="json". Importing this module loads the MCP SDK and nothing heavy: engines, the
tokenizer and SQLite load on the first tool call, so `list_tools` answers right after spawn.
"""

from __future__ import annotations

import json
import logging
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

import anyio
import anyio.from_thread
import anyio.to_thread
from mcp import MCPDeprecationWarning
from mcp import MCPError as McpError
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp.types import CallToolResult, ListResourcesResult, PaginatedRequestParams, ToolAnnotations
from mcp.types import Resource as MCPResource
from pydantic import BeforeValidator, ValidationError

from headroom_mcp import api, sources
from headroom_mcp.errors import HeadroomMcpError, InvalidArgument, UnknownHash
from headroom_mcp.presenting import as_tool_result
from headroom_mcp.results import RetrieveResult

logger = logging.getLogger(__name__)
ROOTS_TIMEOUT_SECONDS = 3

INSTRUCTIONS = """\
headroom keeps your context small. When a tool result, file, log, JSON payload, search output
or diff is large (more than a few hundred lines), pass it to headroom_compress with a `query`
saying what you are looking for: you get back a much shorter version that keeps what matters
for that query (matching records, errors, outliers, head and tail) plus a hash.
Nothing is lost: the full original is stored locally. Every compressed result ends with a
"[headroom: ...]" line naming what was left out; call headroom_retrieve(hash=..., query=...)
to get back just the parts you need, or headroom_retrieve(hash=...) for the exact original
(in pages: each page names the call for the next).
Better still, fetch content through headroom so the full text never enters your context:
headroom_read(path, query) instead of reading a large file, and headroom_run(argv, query) for
commands such as rg, grep, git diff or pytest when the user has enabled them.
Lines starting with "[headroom" are notes from headroom, not part of the content.
headroom_stats reports tokens saved."""


class HeadroomServer(MCPServer):
    """MCPServer whose resource list also names the stored originals the caller may see, and
    whose argument errors say what was wrong and what to send instead."""

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context | None = None
    ) -> Any:
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            if isinstance(exc.__cause__, ValidationError):
                raise ToolError(explain_arguments(name, exc.__cause__)) from exc.__cause__
            raise

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


JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "true/false",
              int: "a number", float: "a number", type(None): "null"}  # fmt: skip
EXAMPLE_CALLS = {
    "headroom_compress": 'headroom_compress(content="<the text>", query="what you look for")',
    "headroom_retrieve": 'headroom_retrieve(hash="3f9a2c1e5b7d", query="what you need")',
    "headroom_read": 'headroom_read(path="src/app.py", query="what you need")',
    "headroom_run": 'headroom_run(argv=["rg", "-n", "TODO"], query="what you need")',
    "headroom_stats": "headroom_stats()",
}


def explain_arguments(tool: str, error: ValidationError) -> str:
    """One sentence per rejected argument (its name, what it must be, what came), then the
    shape of a good call. Values are not echoed: they are the caller's data."""
    registered = app._tool_manager.get_tool(tool)
    schema = registered.parameters.get("properties", {}) if registered else {}
    problems = []
    for err in error.errors():
        field = ".".join(str(part) for part in err["loc"]) or "arguments"
        if err["type"] == "missing":
            problems.append(f"`{field}` is required")
            continue
        wanted = schema.get(str(err["loc"][0]), {}) if err["loc"] else {}
        expected = _expected(wanted) or err["msg"].lower()
        got = JSON_TYPES.get(type(err.get("input")), type(err.get("input")).__name__)
        problems.append(f"`{field}` must be {expected}, not {got}")
    example = EXAMPLE_CALLS.get(tool, "")
    return "; ".join(problems) + (f". Send e.g. {example}." if example else ".")


def _expected(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return "one of " + ", ".join(json.dumps(v) for v in schema["enum"])
    kinds = [s.get("type") for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    names = {"string": "a string", "integer": "a whole number", "array": "an array of strings",
             "number": "a number", "boolean": "true or false", "object": "an object"}  # fmt: skip
    return " or ".join(names.get(str(k), str(k)) for k in kinds if k)


def _as_text(value: Any) -> Any:
    """Content sent as a JSON object or array (some clients parse JSON-looking arguments) is
    compressed as its JSON text; a string is kept byte for byte."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, indent=1)
    return value


# Annotated[str, ...] keeps the SDK from json.loads-ing JSON-looking strings first (it does so
# for any parameter whose type is not plain `str`), so a JSON string is stored as sent.
Content = Annotated[str, BeforeValidator(_as_text)]
OutputFormat = Literal["text", "json"]
PROGRESS_MIN_CHARS = 2 * 1024**2  # report progress on content this large


def _progress(ctx: Context | None, size: int) -> Callable[[float, str], None] | None:
    """A callback a worker thread calls to send MCP progress notifications (a no-op unless
    the client sent a progress token), for content large enough to take seconds."""
    if ctx is None or size < PROGRESS_MIN_CHARS:
        return None

    def report(fraction: float, message: str) -> None:
        try:
            anyio.from_thread.run(ctx.report_progress, round(fraction * 100, 1), 100.0, message)
        except (RuntimeError, ValueError, AttributeError, LookupError):
            logger.debug("progress not sent")

    return report


@app.tool(annotations=STORES, structured_output=False)
async def headroom_compress(
    content: Content,
    query: str | None = None,
    kind: str = "auto",
    max_tokens: int | None = None,
    format: OutputFormat = "text",
    ctx: Context | None = None,
) -> CallToolResult:
    """Compress large text (JSON, logs, build output, code, search results, diffs, prose,
    HTML) before you read it.

    Pass what you are looking for as `query` ("failed orders", "why did the build fail") so
    the matching parts are kept. `kind` forces a content type instead of detecting it;
    `max_tokens` caps the output. You get the compressed text; its last line,
    "[headroom: N → M tokens · ... headroom_retrieve(hash=...)]", names what was left out and
    the call that gets it back. Short content comes back unchanged. `format="json"` returns
    the fields (hash, compressed, kind, counts, transforms) for programs.
    """
    result = await _call(
        api.compress, content, query, kind, max_tokens, client=_client_name(ctx),
        progress=_progress(ctx, len(content)),
    )  # fmt: skip
    return as_tool_result(result, format)


@app.tool(annotations=READ_ONLY, structured_output=False)
async def headroom_retrieve(
    hash: str | None = None,
    query: str | None = None,
    max_tokens: int | None = None,
    offset: int | None = None,
    format: OutputFormat = "text",
    ctx: Context | None = None,
) -> CallToolResult:
    """Get back what headroom_compress left out.

    With only `hash`: the exact original, a page at a time (a page ends with the call for the
    next one, `offset=N`). With `query` ("record with id 42", "stack trace of the timeout",
    "why did it fail"): only the parts of the original that answer it, in original order, each
    after a "[headroom: location]" line. With `query` and no hash: search everything stored,
    by every agent and session. `max_tokens` caps the answer. `format="json"` returns the
    fields (`content` is then an exact slice of the original, `next_offset` where the next
    page starts, null on the last).
    """
    result = await _call(
        api.retrieve, hash, query, max_tokens, offset=offset or 0, client=_client_name(ctx),
        roots=await _caller_roots(ctx),
    )  # fmt: skip
    return as_tool_result(result, format)


@app.tool(annotations=READ_ONLY, structured_output=False)
async def headroom_read(
    path: str,
    query: str | None = None,
    max_tokens: int | None = None,
    lines: str | None = None,
    format: OutputFormat = "text",
    ctx: Context | None = None,
) -> CallToolResult:
    """Read a file already compressed, instead of reading it whole and compressing it after.

    Use it in place of a plain file read for anything large (source files, logs, JSON, docs):
    only the compressed view enters your context, and the whole file stays retrievable with
    headroom_retrieve. `query` says what you need ("how is the token refreshed"); `lines`
    ("120-200") reads a range. Works inside the allowed roots only; secrets (.env, keys) and
    binary files are refused.
    """
    roots = await _client_roots(ctx)
    result = await _call(
        sources.read, path, query, max_tokens, lines, roots=roots, client=_client_name(ctx)
    )
    return as_tool_result(result, format)


@app.tool(annotations=RUNS_COMMANDS, structured_output=False)
async def headroom_run(
    argv: list[str],
    query: str | None = None,
    max_tokens: int | None = None,
    cwd: str | None = None,
    format: OutputFormat = "text",
    ctx: Context | None = None,
) -> CallToolResult:
    """Run an allowlisted command (e.g. ["rg", "-n", "TODO"], ["git", "diff"], ["pytest", "-q"])
    and get its output compressed: grep output as search results, diffs as diffs, test runs as
    build output. No shell; runs inside the allowed roots with a time limit. The first line
    says how it ended (its exit code). Off unless the user set HEADROOM_MCP_RUN_ALLOW.
    """
    roots = await _client_roots(ctx)
    result = await _call(
        sources.run, argv, query, max_tokens, cwd, roots=roots, client=_client_name(ctx)
    )
    return as_tool_result(result, format)


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


@app.tool(annotations=READ_ONLY, structured_output=False)
async def headroom_stats(format: OutputFormat = "text") -> CallToolResult:
    """Tokens saved so far (net of what retrieval read back), per content kind and client,
    the state of the store and its embedding index, and whether headroom_run is sandboxed.
    `format="json"` returns the fields."""
    result = await _call(api.stats)
    return as_tool_result(result, format)


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
    """Run the server until it is stopped; the embedding worker is stopped before the
    interpreter begins to shut down (a thread still importing torch then would print errors)."""
    from headroom_mcp.context import stop_workers

    try:
        if transport == "stdio":
            from headroom_mcp.stdio import run_stdio

            anyio.run(run_stdio, app)
            return
        from headroom_mcp.transports import serve_http

        serve_http(app, transport, host, port, token)
    finally:
        stop_workers()
