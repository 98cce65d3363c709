"""Usage totals, read from the events table that every process sharing the store writes."""

from __future__ import annotations

import datetime as dt
import os

from headroom_mcp.results import EventSummary, KindStats, StatsResult, StoreSummary
from headroom_mcp.store import CcrStore

RECENT_EVENTS = 10


def _percent(saved: int, before: int) -> float:
    return round(100.0 * saved / before, 1) if before else 0.0


def _kind_stats(count: int, before: int, after: int) -> KindStats:
    return KindStats(count, before, after, before - after, _percent(before - after, before))


def _grouped(store: CcrStore, column: str) -> dict[str, KindStats]:
    rows = store.query(
        f"SELECT COALESCE({column}, 'unknown'), COUNT(*), SUM(tokens_before), SUM(tokens_after) "
        f"FROM events WHERE op = 'compress' GROUP BY 1 ORDER BY 3 DESC"
    )
    return {str(r[0]): _kind_stats(int(r[1]), int(r[2]), int(r[3])) for r in rows}


def collect_stats(
    store: CcrStore, price_per_million: float, embedding_model: str = "off"
) -> StatsResult:
    totals = {
        r[0]: (int(r[1]), int(r[2] or 0), int(r[3] or 0))
        for r in store.query(
            "SELECT op, COUNT(*), SUM(tokens_before), SUM(tokens_after) FROM events GROUP BY op"
        )
    }
    compressions, before, after = totals.get("compress", (0, 0, 0))
    retrievals, _, retrieved = totals.get("retrieve", (0, 0, 0))
    saved = before - after
    recent = [
        EventSummary(
            at=dt.datetime.fromtimestamp(r[0], dt.UTC).isoformat(timespec="seconds"),
            op=r[1],
            kind=r[2],
            hash=r[3][:12] if r[3] else None,
            tokens_before=r[4],
            tokens_after=r[5],
            client=r[6],
        )
        for r in store.query(
            "SELECT ts, op, kind, digest, tokens_before, tokens_after, client FROM events "
            "ORDER BY id DESC LIMIT ?",
            (RECENT_EVENTS,),
        )
    ]
    originals, original_bytes = store.query(
        "SELECT COUNT(*), COALESCE(SUM(size_bytes), 0) FROM originals"
    )[0]
    file_bytes = sum(
        os.path.getsize(p)
        for p in (store.path, store.path.with_name(store.path.name + "-wal"))
        if p.exists()
    )
    return StatsResult(
        compressions=compressions,
        retrievals=retrievals,
        tokens_before=before,
        tokens_after=after,
        tokens_saved=saved,
        savings_percent=_percent(saved, before),
        tokens_retrieved=retrieved,
        net_tokens_saved=saved - retrieved,
        estimated_cost_saved_usd=round((saved - retrieved) * price_per_million / 1_000_000, 4),
        price_per_million_tokens_usd=price_per_million,
        by_kind=_grouped(store, "kind"),
        by_client=_grouped(store, "client"),
        recent=recent,
        store=StoreSummary(
            str(store.path),
            int(originals),
            int(original_bytes),
            file_bytes,
            vectors=store.vector_count(),
            pending_embeddings=store.pending_embeddings(),
            embedding_model=embedding_model,
        ),
    )
