"""Removing originals: past their TTL, then least recently used while over the size cap.

The entry just written is never evicted, even when it alone exceeds the cap: the caller has
been handed its hash and must be able to use it.
"""

from __future__ import annotations

import logging
from typing import Any

from headroom_mcp.store.db import has_vector_extension

logger = logging.getLogger(__name__)


def has_vector_table(conn: Any) -> bool:
    """The vector table exists and this connection can use it (sqlite-vec loaded)."""
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'unit_vec'").fetchone()
    return bool(exists) and has_vector_extension(conn)


def delete_original(conn: Any, digest: str) -> None:
    """Remove an original, its units, their full-text rows, queue entries and vectors."""
    conn.execute(
        "DELETE FROM unit_fts WHERE rowid IN (SELECT id FROM units WHERE digest = ?)", (digest,)
    )
    conn.execute(
        "DELETE FROM embed_queue WHERE unit_id IN (SELECT id FROM units WHERE digest = ?)",
        (digest,),
    )
    if has_vector_table(conn):
        conn.execute("DELETE FROM unit_vec WHERE digest = ?", (digest,))
    conn.execute("DELETE FROM units WHERE digest = ?", (digest,))
    conn.execute("DELETE FROM origins WHERE digest = ?", (digest,))
    conn.execute("DELETE FROM originals WHERE digest = ?", (digest,))


def evict(conn: Any, *, keep: str, expire_before: float, max_bytes: int) -> int:
    """Evict inside the caller's transaction; returns how many originals went."""
    doomed = [
        row[0]
        for row in conn.execute(
            "SELECT digest FROM originals WHERE last_used_at < ? AND digest != ?",
            (expire_before, keep),
        )
    ]
    total = conn.execute("SELECT COALESCE(SUM(size_bytes), 0) FROM originals").fetchone()[0]
    total -= sum(
        conn.execute("SELECT size_bytes FROM originals WHERE digest = ?", (d,)).fetchone()[0]
        for d in doomed
    )
    if total > max_bytes:
        for digest, size in conn.execute(
            "SELECT digest, size_bytes FROM originals WHERE digest != ? AND last_used_at >= ? "
            "ORDER BY last_used_at",
            (keep, expire_before),
        ).fetchall():
            if total <= max_bytes:
                break
            doomed.append(digest)
            total -= size
    for digest in doomed:
        delete_original(conn, digest)
    if doomed:
        logger.info("evicted %d originals", len(doomed))
    return len(doomed)
