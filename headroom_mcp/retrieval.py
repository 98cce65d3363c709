"""Finding the parts of stored originals that answer a query, and showing them.

Keyword ranking (FTS5 BM25) is fused with embedding neighbours by reciprocal rank when the
semantic index has them; every result says which search it used. Parts come back in original
order, each under a `[headroom: location]` line, neighbouring parts as one block.
"""

from __future__ import annotations

import datetime as dt

from headroom_mcp.config import Settings, load_settings
from headroom_mcp.context import worker_for
from headroom_mcp.engines.base import MARKER_PREFIX, query_terms
from headroom_mcp.engines.log_lines import template_of
from headroom_mcp.errors import InvalidArgument
from headroom_mcp.results import OriginalMatch, RetrievedPart, RetrieveResult
from headroom_mcp.store import CcrStore, StoredOriginal, UnitHit
from headroom_mcp.tokens import count_tokens

DEFAULT_RETRIEVE_TOKENS = 2000


MAX_RETRIEVE_PARTS = 40


RETRIEVE_SHARE_OF_BEST = 0.5  # parts scoring under this share of the best match are left out


RRF_K = 60  # reciprocal-rank fusion constant (Cormack et al.)


VECTOR_CANDIDATES = 50


MAX_ORIGINALS_FOUND = 10


SNIPPET_CHARS = 600


def find_everywhere(
    store: CcrStore, query: str
) -> tuple[list[tuple[StoredOriginal, UnitHit]], str]:
    """Best unit per original across the store: BM25 and nearest neighbours fused by rank."""
    lexical = store.search_all(query_terms(query), MAX_ORIGINALS_FOUND * 3)
    worker = worker_for(load_settings(), store)
    vector = worker.embed_query(query) if worker is not None else None
    if vector is None:
        return lexical[:MAX_ORIGINALS_FOUND], "lexical"
    nearest: list[tuple[StoredOriginal, UnitHit]] = []
    seen: set[str] = set()
    for original, hit in store.nearest_anywhere(vector, VECTOR_CANDIDATES):
        if original.digest not in seen:
            seen.add(original.digest)
            nearest.append((original, hit))
    fused: dict[str, tuple[float, StoredOriginal, UnitHit]] = {}
    for ranking in (lexical, nearest):
        for rank, (original, hit) in enumerate(ranking):
            score, _, best = fused.get(original.digest, (0.0, original, hit))
            fused[original.digest] = (score + 1.0 / (RRF_K + rank + 1), original, best)
    ordered = sorted(fused.values(), key=lambda item: -item[0])
    return [(o, h) for _, o, h in ordered][:MAX_ORIGINALS_FOUND], "hybrid (keywords + embeddings)"


def search_everything(
    store: CcrStore, query: str, max_tokens: int | None, client: str | None
) -> RetrieveResult:
    """Originals matching `query` across the whole store (every agent's, every session's)."""
    budget = max_tokens or DEFAULT_RETRIEVE_TOKENS
    found, how = find_everywhere(store, query)
    blocks: list[str] = []
    matches: list[OriginalMatch] = []
    spent = 0
    for original, hit in found:
        stored = dt.datetime.fromtimestamp(original.created_at, dt.UTC)
        snippet = store.slice_of(original.digest, hit.start, hit.end)
        if len(snippet) > SNIPPET_CHARS:
            snippet = snippet[:SNIPPET_CHARS] + f"…{MARKER_PREFIX}: part cut]"
        block = (
            f'{MARKER_PREFIX}: hash="{original.short}" · {original.kind} · {original.tokens:,} '
            f"tokens · stored {stored:%Y-%m-%d %H:%M} UTC · {hit.location}]\n{snippet}"
        )
        cost = count_tokens(block)
        if matches and spent + cost > budget:
            break
        blocks.append(block)
        spent += cost
        matches.append(
            OriginalMatch(original.short, original.kind, original.tokens,
                          stored.isoformat(timespec="seconds"), hit.location)
        )  # fmt: skip
    if not matches:
        text = (
            f'{MARKER_PREFIX}: nothing stored matches "{query}" by keyword. Rephrase with words '
            "the content would contain.]"
        )
    else:
        text = "\n".join(blocks)
    store.record_event("retrieve", kind=None, digest=None, tokens_before=0,
                       tokens_after=count_tokens(text), client=client)  # fmt: skip
    return RetrieveResult(
        None, "search", text, False, query, how, [], len(found), 0, 0,
        count_tokens(text), matches,
    )  # fmt: skip


PAGE_MAX_CHARS = 80_000  # a page, doubled (JSON text and structured content) and escaped,
# stays under the 1 MiB message limit of MCP clients
PAGE_FOOTER_TOKENS = 60  # room left in a page for the line that names the next call


def whole_original(
    short: str, kind: str, content: str, tokens: int, total_units: int, max_tokens: int | None
) -> RetrieveResult:
    if max_tokens is None or tokens <= max_tokens:
        return RetrieveResult(
            short, kind, content, True, None, "none", [], 0, total_units, tokens, tokens,
            original_chars=len(content),
        )  # fmt: skip
    return page_of_original(short, kind, content, tokens, total_units, 0, max_tokens)


def page_of_original(
    short: str,
    kind: str,
    content: str,
    tokens: int,
    total_units: int,
    offset: int,
    page_tokens: int,
) -> RetrieveResult:
    """The characters of the original from `offset` on, at most `page_tokens` tokens (and
    PAGE_MAX_CHARS), ending at a line end when one is near; `next_offset` is where the next
    page starts, None on the last. Pages are exact slices, so they join to the original."""
    if offset > len(content):
        raise InvalidArgument(
            f"offset={offset} is past the end of {short}, which has {len(content):,} "
            f'characters. Start again at headroom_retrieve(hash="{short}", offset=0).'
        )
    end = _page_end(content, offset, max(1, page_tokens - PAGE_FOOTER_TOKENS))
    page = content[offset:end]
    next_offset = end if end < len(content) else None
    return RetrieveResult(
        short, kind, page, offset == 0 and next_offset is None, None, "none", [], 0,
        total_units, tokens, count_tokens(page), offset=offset, next_offset=next_offset,
        original_chars=len(content),
    )  # fmt: skip


def _page_end(content: str, offset: int, page_tokens: int) -> int:
    end = min(len(content), offset + PAGE_MAX_CHARS)
    if count_tokens(content[offset:end]) > page_tokens:
        low, high = offset + 1, end  # the largest end whose slice fits: token counts grow
        while low < high:
            mid = (low + high + 1) // 2
            if count_tokens(content[offset:mid]) <= page_tokens:
                low = mid
            else:
                high = mid - 1
        end = low
    if end < len(content):
        newline = content.rfind("\n", offset + (end - offset) // 2, end)
        if newline != -1:
            end = newline + 1
    return max(end, offset + 1)


def head_within(content: str, room: int) -> str:
    lines = content.split("\n")
    kept = []
    for line in lines:
        cost = count_tokens(line) + 1
        if cost > room:
            break
        kept.append(line)
        room -= cost
    return "\n".join(kept)


def matching_parts(
    short: str,
    kind: str,
    content: str,
    tokens: int,
    query: str,
    hits: list[UnitHit],
    total_units: int,
    max_tokens: int | None,
    how: str = "lexical",
) -> RetrieveResult:
    budget = max_tokens or DEFAULT_RETRIEVE_TOKENS
    if not hits:
        note = (
            f'{MARKER_PREFIX}: no part of {short} contains the words of "{query}" '
            f"(searched {total_units} parts by keyword). Rephrase with words that appear in "
            f'the content, or call headroom_retrieve(hash="{short}") for all of it]'
        )
        return RetrieveResult(
            short,
            kind,
            note,
            False,
            query,
            how,
            [],
            0,
            total_units,
            tokens,
            count_tokens(note),
        )
    best = hits[0].score
    chosen: list[UnitHit] = []
    shapes: set[str] = set()
    spent = 0
    for hit in hits:
        if len(chosen) >= MAX_RETRIEVE_PARTS or hit.score < RETRIEVE_SHARE_OF_BEST * best:
            break
        text = content[hit.start : hit.end]
        shape = template_of(text)  # the same line again with other numbers or ids adds little
        if shape in shapes:
            continue
        cost = count_tokens(text) + 12
        if spent + cost > budget and chosen:
            continue
        chosen.append(hit)
        shapes.add(shape)
        spent += cost
    chosen.sort(key=lambda h: h.seq)
    blocks = [
        f"{MARKER_PREFIX}: {where}]\n{content[start:end]}"
        for where, start, end in merge_adjacent(chosen)
    ]
    if len(chosen) == 1 and count_tokens(blocks[0]) > budget:
        blocks = [
            head_within(blocks[0], budget) + f"\n{MARKER_PREFIX}: part cut at {budget} tokens]"
        ]
    text = "\n".join(blocks)
    parts = [RetrievedPart(h.location, h.start, h.end) for h in chosen]
    return RetrieveResult(
        short,
        kind,
        text,
        False,
        query,
        how,
        parts,
        len(hits),
        total_units,
        tokens,
        count_tokens(text),
    )


def find_parts(
    settings: Settings, store: CcrStore, digest: str, query: str
) -> tuple[list[UnitHit], str]:
    """Units matching `query`: BM25 and embedding neighbours fused by reciprocal rank, or BM25
    alone while embeddings are off, loading or pending; the label says which."""
    lexical = store.search_units(digest, query_terms(query))
    worker = worker_for(settings, store)
    if worker is None:
        return lexical, "lexical"
    vector = worker.embed_query(query)
    if vector is None:
        return lexical, "lexical (the embedding model is still loading)"
    nearest = store.nearest_units(digest, vector, VECTOR_CANDIDATES)
    pending = store.pending_embeddings(digest)
    if not nearest:
        return lexical, f"lexical ({pending} parts not embedded yet)"
    fused: dict[int, tuple[float, UnitHit]] = {}
    for ranking in (lexical, nearest):
        for rank, hit in enumerate(ranking):
            score, _ = fused.get(hit.seq, (0.0, hit))
            fused[hit.seq] = (score + 1.0 / (RRF_K + rank + 1), hit)
    hits = [
        UnitHit(h.seq, h.start, h.end, h.location, score)
        for score, h in sorted(fused.values(), key=lambda p: -p[0])
    ]
    label = "hybrid (keywords + embeddings)"
    return hits, label + (f"; {pending} parts not embedded yet" if pending else "")


def merge_adjacent(hits: list[UnitHit]) -> list[tuple[str, int, int]]:
    """(location, start, end) blocks; neighbouring units become one block of original text, so
    what lies between them (a blank line, a closing fence) is shown as it was."""
    blocks: list[tuple[str, int, int]] = []
    prev: UnitHit | None = None
    for hit in hits:
        if prev is not None and hit.seq == prev.seq + 1 and blocks:
            where, start, _ = blocks[-1]
            first = where.split(" … ")[0]
            blocks[-1] = (f"{first} … {hit.location}", start, hit.end)
        else:
            blocks.append((hit.location, hit.start, hit.end))
        prev = hit
    return blocks
