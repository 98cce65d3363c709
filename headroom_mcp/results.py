"""Result types of the public API: frozen dataclasses holding numbers, formatted only when shown.

The MCP tools show them as text (headroom_mcp.presenting) or, with format="json", as their
fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CompressResult:
    """What headroom_compress returns.

    `compressed` is what the model reads. When anything was left out it ends with a marker line
    naming what, and the headroom_retrieve call that gets it back. `hash` names the stored
    original; `transforms` lists what was done (e.g. "router:json", "json:select:27/200").
    """

    compressed: str
    hash: str
    kind: str
    original_tokens: int
    compressed_tokens: int
    savings_percent: float
    transforms: list[str]


@dataclass(frozen=True)
class ReadResult(CompressResult):
    """What headroom_read returns: a compressed file, with the path and line range read."""

    path: str = ""
    lines_read: str = ""


@dataclass(frozen=True)
class RunResult(CompressResult):
    """What headroom_run returns: the command's compressed output and how it ended."""

    command: list[str] | None = None
    exit_code: int | None = None
    output_truncated: bool = False


@dataclass(frozen=True)
class RetrievedPart:
    """One returned unit of an original: where it is, and its character offsets."""

    location: str
    start_char: int
    end_char: int


@dataclass(frozen=True)
class OriginalMatch:
    """A stored original that matches a query searched across the whole store."""

    hash: str
    kind: str
    tokens: int
    stored_at: str
    location: str


@dataclass(frozen=True)
class RetrieveResult:
    """What headroom_retrieve returns.

    Without a query, `content` is the original byte for byte (`complete` is true), or one page
    of it: the characters from `offset` on, with `next_offset` where the next page starts (None
    on the last), so joining the pages gives the original exactly. With a query,
    `content` holds only the matching parts, in original order, each under a
    `[headroom: location]` line; `parts` lists them and `search` says how they were found.
    With a query and no hash, `originals` lists the stored originals that match, best first,
    and `content` shows each one's best snippet under its hash.
    """

    hash: str | None
    kind: str
    content: str
    complete: bool
    query: str | None
    search: str
    parts: list[RetrievedPart]
    matched_units: int
    total_units: int
    original_tokens: int
    returned_tokens: int
    originals: list[OriginalMatch] = field(default_factory=list)
    offset: int = 0
    next_offset: int | None = None
    original_chars: int = 0


@dataclass(frozen=True)
class KindStats:
    compressions: int
    tokens_before: int
    tokens_after: int
    tokens_saved: int
    savings_percent: float


@dataclass(frozen=True)
class EventSummary:
    at: str
    op: str
    kind: str | None
    hash: str | None
    tokens_before: int
    tokens_after: int
    client: str | None


@dataclass(frozen=True)
class StoreSummary:
    path: str
    originals: int
    original_bytes: int
    file_bytes: int
    vectors: int = 0
    pending_embeddings: int = 0
    embedding_model: str = "off"


@dataclass(frozen=True)
class StatsResult:
    """Totals over every process that shares the store, since it was created.

    `net_tokens_saved` is what compression saved less what retrieval read back; the cost
    estimate is taken on it.
    """

    compressions: int
    retrievals: int
    tokens_before: int
    tokens_after: int
    tokens_saved: int
    savings_percent: float
    tokens_retrieved: int
    net_tokens_saved: int
    estimated_cost_saved_usd: float
    price_per_million_tokens_usd: float
    by_kind: dict[str, KindStats]
    by_client: dict[str, KindStats]
    recent: list[EventSummary]
    store: StoreSummary
    run_sandbox: str = ""  # headroom_run's confinement: "bwrap", "none (...)" or "off (...)"
