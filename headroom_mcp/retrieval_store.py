"""Searching everything stored (headroom_retrieve with a query and no hash): the best part of
each matching original, grouped by original, with its kind, age and the client that stored it.
"""

from __future__ import annotations

import datetime as dt

from headroom_mcp.config import load_settings
from headroom_mcp.context import worker_for
from headroom_mcp.engines.base import MARKER_PREFIX
from headroom_mcp.results import OriginalMatch, RetrieveResult
from headroom_mcp.retrieval_query import plan_query
from headroom_mcp.store import CcrStore, StoredOriginal, UnitHit
from headroom_mcp.tokens import count_tokens

RRF_K = 60  # reciprocal-rank fusion constant (Cormack et al.)
VECTOR_CANDIDATES = 50
MAX_ORIGINALS_FOUND = 10
SNIPPET_CHARS = 600


def find_everywhere(
    store: CcrStore, query: str
) -> tuple[list[tuple[StoredOriginal, UnitHit]], str]:
    """Best unit per original across the store: BM25 and nearest neighbours fused by rank."""
    plan = plan_query(query)
    lexical = store.search_all(plan.match, MAX_ORIGINALS_FOUND * 3)
    if plan.errors or plan.warnings:
        listed = {o.digest for o, _ in lexical}
        lexical += [
            (o, h) for o, h in store.search_all(plan.tag_match, MAX_ORIGINALS_FOUND * 3)
            if o.digest not in listed
        ]  # fmt: skip
    worker = worker_for(load_settings(), store)
    vector = worker.embed_query(query) if worker is not None else None
    if vector is None:
        return lexical[:MAX_ORIGINALS_FOUND], "keywords"
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
    return [(o, h) for _, o, h in ordered][:MAX_ORIGINALS_FOUND], "keywords + embeddings"


def _age(seconds: float) -> str:
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} min ago"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h ago"
    return f"{seconds / 86400:.1f} days ago"


def search_everything(
    store: CcrStore, query: str, max_tokens: int, client: str | None
) -> RetrieveResult:
    """Originals matching `query` across the whole store (every agent's, every session's),
    best first, each with its best part; when nothing matches, the most recently used
    originals as weak matches, so the answer is never empty while anything is stored."""
    import time

    budget = max_tokens
    found, how = find_everywhere(store, query)
    weak = not found
    if weak:
        found = [
            (o, UnitHit(0, 0, min(o.size_bytes, SNIPPET_CHARS), "start", 0.0))
            for o in store.list_originals(MAX_ORIGINALS_FOUND // 2)
        ]
    blocks: list[str] = []
    matches: list[OriginalMatch] = []
    spent = 0
    now = time.time()
    for original, hit in found:
        stored = dt.datetime.fromtimestamp(original.created_at, dt.UTC)
        snippet = store.slice_of(original.digest, hit.start, hit.end)
        if len(snippet) > SNIPPET_CHARS:
            snippet = snippet[:SNIPPET_CHARS] + f"…{MARKER_PREFIX}: part cut]"
        by = store.stored_by(original.digest)
        block = (
            f'{MARKER_PREFIX}: hash="{original.short}" · {original.kind} · {original.tokens:,} '
            f"tokens · stored {_age(now - original.created_at)}"
            + (f" by {by}" if by else "")
            + f" · {hit.location}]\n{snippet}"
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
        text = f"{MARKER_PREFIX}: nothing is stored yet: compress something first]"
    elif weak:
        text = "\n".join(
            [
                f'{MARKER_PREFIX}: nothing stored contains the words of "{query}"; the most '
                "recently used originals follow (weak matches). Search again with words the "
                "content would contain, or retrieve one by its hash]",
                *blocks,
            ]
        )
        how = "none matched; most recent originals"
    else:
        text = "\n".join(blocks)
    store.record_event("retrieve", kind=None, digest=None, tokens_before=0,
                       tokens_after=count_tokens(text), client=client)  # fmt: skip
    return RetrieveResult(
        None, "search", text, False, query, how, [], 0 if weak else len(found), 0, 0,
        count_tokens(text), matches,
    )  # fmt: skip
