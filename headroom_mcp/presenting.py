"""What a tool result looks like to the model: plain text by default, fields on request.

Clients put a result's text blocks in the model's context, and some (Claude Code) show the
model `JSON.stringify(structuredContent)` instead whenever a result carries structured content.
So the default result is text only: the compressed text itself with its one-line footer, the
retrieved parts, or a short stats summary. `format="json"` is for programs: the result's
fields as JSON text and as structured content.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, Literal

from mcp.types import CallToolResult, TextContent

from headroom_mcp.engines.base import MARKER_PREFIX
from headroom_mcp.results import (
    CompressResult,
    RetrieveResult,
    RunResult,
    StatsResult,
)

Format = Literal["text", "json"]
FORMATS: tuple[Format, ...] = ("text", "json")


def as_tool_result(result: Any, format: str = "text") -> CallToolResult:
    """The MCP result for `result`: its text for the model, or its fields with format="json"."""
    if format == "json":
        fields = asdict(result)
        return CallToolResult(
            content=[TextContent(type="text", text=json.dumps(fields, ensure_ascii=False))],
            structured_content=fields,
        )
    return CallToolResult(content=[TextContent(type="text", text=text_of(result))])


def text_of(result: Any) -> str:
    """The text the model reads for a library result."""
    if isinstance(result, RunResult):
        return run_text(result)
    if isinstance(result, CompressResult):
        return result.compressed
    if isinstance(result, RetrieveResult):
        return retrieve_text(result)
    if isinstance(result, StatsResult):
        return stats_text(result)
    raise TypeError(f"no text form for {type(result).__name__}")


def run_text(result: RunResult) -> str:
    """The command's compressed output under one line saying how it ended."""
    command = " ".join(result.command or [])
    ending = f"exited with code {result.exit_code}"
    if result.output_truncated:
        ending += "; output cut at the size cap (HEADROOM_MCP_RUN_MAX_OUTPUT_BYTES)"
    return f"{MARKER_PREFIX} run: `{command}` {ending}]\n{result.compressed}"


def retrieve_text(result: RetrieveResult) -> str:
    """The retrieved text, and when an original is paged, where the next page starts (a
    retrieve with a query says how to page its parts in its own last line)."""
    if result.next_offset is None or result.query:
        return result.content
    end = result.offset + len(result.content)
    return (
        f"{result.content.rstrip(chr(10))}\n{MARKER_PREFIX}: characters {result.offset:,}-{end:,} "
        f"of {result.original_chars:,} shown · next page: "
        f'headroom_retrieve(hash="{result.hash}", offset={result.next_offset})]'
    )


def stats_text(result: StatsResult) -> str:
    """A few lines a person or a model can read at a glance."""
    store = result.store
    lines = [
        f"{result.compressions} compressions, {result.retrievals} retrievals",
        f"tokens: {result.tokens_before:,} → {result.tokens_after:,} "
        f"({result.tokens_saved:,} saved, {result.savings_percent:.1f}%); "
        f"{result.tokens_retrieved:,} read back by retrieval; net {result.net_tokens_saved:,} "
        "saved",
        f"estimated cost saved (net): ${result.estimated_cost_saved_usd:.4f} "
        f"at ${result.price_per_million_tokens_usd:.2f} per million input tokens",
        f"store: {store.originals} originals, {store.original_bytes:,} bytes at {store.path}",
        f"embeddings: {store.embedding_model}; {store.vectors:,} vectors, "
        f"{store.pending_embeddings:,} units waiting",
        f"headroom_run sandbox: {result.run_sandbox}",
    ]
    lines += [
        f"  {kind:8} {k.compressions:5} calls  {k.tokens_saved:>10,} saved "
        f"({k.savings_percent:.1f}%)"
        for kind, k in result.by_kind.items()
    ]
    return "\n".join(lines)
