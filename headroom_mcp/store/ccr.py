"""CcrStore: content-addressed originals with TTL and size-cap eviction, FTS5 units, events.

Every write is one BEGIN IMMEDIATE transaction, so several processes can share the file: a
writer waits for the lock (busy timeout) instead of failing, and an original is never visible
without its units. Connections are per thread, since the server compresses in worker threads.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from headroom_mcp.errors import StoreError, UnknownHash
from headroom_mcp.store import db
from headroom_mcp.store.eviction import evict, has_vector_table
from headroom_mcp.store.schema import migrate

logger = logging.getLogger(__name__)

SHORT_HASH_CHARS = 12
MIN_HASH_PREFIX = 6
MAX_SEARCH_HITS = 200
WRITE_RETRIES = 5
CLAIM_EXPIRY_SECONDS = 300
SHARED_ORIGIN = ""  # origins.path of content a client passed in: every client may see it


@dataclass(frozen=True)
class Unit:
    """A retrievable part of an original: a character slice and where it sits.

    `tags` are extra words indexed with the unit but never shown (e.g. "error" on a log event
    the logs engine flags), so a plain-words query can reach what the text does not spell out.
    """

    start: int
    end: int
    location: str
    tags: str = ""


@dataclass(frozen=True)
class UnitHit:
    seq: int
    start: int
    end: int
    location: str
    score: float


@dataclass(frozen=True)
class StoredOriginal:
    digest: str
    short: str
    kind: str
    size_bytes: int
    tokens: int
    created_at: float
    content: str | None = None


def digest_of(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


class CcrStore:
    """The store at `path`, with its retention settings."""

    def __init__(self, path: Path, *, ttl_seconds: int, max_bytes: int) -> None:
        self.path = path
        self.ttl_seconds = ttl_seconds
        self.max_bytes = max_bytes
        self._local = threading.local()
        self._migrated = False
        self._migrate_lock = threading.Lock()

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = db.connect(self.path)
            with self._migrate_lock:
                if not self._migrated:
                    self._retry(lambda: migrate(conn))
                    self._migrated = True
            self._local.conn = conn
        return conn

    def _retry(self, fn: Any) -> Any:
        # busy_timeout covers most contention; a lock error can still surface when a WAL
        # checkpoint or schema change races us, and one more try then succeeds.
        for attempt in range(WRITE_RETRIES):
            try:
                return fn()
            except db.driver().OperationalError as exc:
                if not db.is_busy(exc):
                    raise StoreError(f"Store error at {self.path}: {exc}") from exc
                if attempt == WRITE_RETRIES - 1:
                    raise StoreError(
                        f"The store at {self.path} stayed locked by another process. "
                        "Try again; if it persists, check for a stuck headroom-mcp process."
                    ) from exc
                time.sleep(0.05 * 2**attempt)
        raise AssertionError("unreachable")

    @contextmanager
    def _write(self) -> Iterator[Any]:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- originals ---------------------------------------------------------------------------

    def put(
        self,
        content: str,
        *,
        kind: str,
        tokens: int,
        units: Sequence[Unit],
        embed: bool = True,
        origin: str = SHARED_ORIGIN,
    ) -> StoredOriginal:
        """Store `content` once (deduplicated by digest) with its units; evict what is due.

        `embed` queues the units for the embedding worker (not when embeddings are off).
        `origin` is the path the content was read from (headroom_read, headroom_run), which
        limits who may retrieve it, or SHARED_ORIGIN for content a client passed in."""
        digest = digest_of(content)
        data = content.encode("utf-8")

        def write() -> StoredOriginal:
            now = time.time()
            with self._write() as conn:
                row = conn.execute(
                    "SELECT short, kind, created_at FROM originals WHERE digest = ?", (digest,)
                ).fetchone()
                if row is not None:
                    conn.execute(
                        "UPDATE originals SET last_used_at = ? WHERE digest = ?", (now, digest)
                    )
                    conn.execute("INSERT OR IGNORE INTO origins VALUES (?, ?)", (digest, origin))
                    return StoredOriginal(digest, row[0], row[1], len(data), tokens, row[2])
                short = self._free_short(conn, digest)
                conn.execute(
                    "INSERT INTO originals VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (digest, short, kind, data, len(data), tokens, now, now),
                )
                self._index_units(conn, digest, content, units, embed)
                conn.execute("INSERT OR IGNORE INTO origins VALUES (?, ?)", (digest, origin))
                evict(
                    conn,
                    keep=digest,
                    expire_before=now - self.ttl_seconds,
                    max_bytes=self.max_bytes,
                )
                return StoredOriginal(digest, short, kind, len(data), tokens, now)

        stored: StoredOriginal = self._retry(write)
        logger.info(
            "stored %s kind=%s bytes=%d units=%d", stored.short, kind, len(data), len(units)
        )
        return stored

    @staticmethod
    def _free_short(conn: Any, digest: str) -> str:
        length = SHORT_HASH_CHARS
        while conn.execute(
            "SELECT 1 FROM originals WHERE short = ?", (digest[:length],)
        ).fetchone():
            length += 4  # another digest shares this prefix: show more of ours
        return digest[:length]

    @staticmethod
    def _index_units(
        conn: Any, digest: str, content: str, units: Sequence[Unit], embed: bool
    ) -> None:
        """Units, their full-text rows and their queue entries, in three bulk inserts. Ids are
        assigned here: the caller's BEGIN IMMEDIATE keeps every other writer out meanwhile.
        A unit's location is indexed with its text: a JSON record's key (`$.default.grpcio`)
        or a symbol's name is often outside the span, and it is what a question names."""
        scope = scope_token(digest)
        first_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM units").fetchone()[0]
        ids = range(first_id, first_id + len(units))
        conn.executemany(
            "INSERT INTO units (id, digest, seq, start_char, end_char, location) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (uid, digest, seq, u.start, u.end, u.location)
                for seq, (uid, u) in enumerate(zip(ids, units, strict=True))
            ],
        )
        conn.executemany(
            "INSERT INTO unit_fts (rowid, text, scope) VALUES (?, ?, ?)",
            [
                (uid, f"{u.location}\n{content[u.start : u.end]}\n{u.tags}", scope)
                for uid, u in zip(ids, units, strict=True)
            ],
        )
        if embed:
            conn.executemany(
                "INSERT INTO embed_queue (unit_id) VALUES (?)", [(uid,) for uid in ids]
            )

    def touch(self, digest: str) -> bool:
        """Restart the original's TTL now; False when it is gone (evicted meanwhile)."""

        def write() -> bool:
            with self._write() as conn:
                cursor = conn.execute(
                    "UPDATE originals SET last_used_at = ? WHERE digest = ?", (time.time(), digest)
                )
                return bool(cursor.rowcount)

        touched: bool = self._retry(write)
        return touched

    def is_visible(self, digest: str, roots: Sequence[Path] | None) -> bool:
        """Whether a caller confined to `roots` (None: not confined) may see the original: it
        was passed in by a client, or read from a path inside one of the roots."""
        if roots is None:
            return True
        paths = [
            str(r[0])
            for r in self._conn().execute("SELECT path FROM origins WHERE digest = ?", (digest,))
        ]
        if not paths or SHARED_ORIGIN in paths:
            return True
        return any(Path(p) == root or Path(p).is_relative_to(root) for p in paths for root in roots)

    @contextmanager
    def limited_to(self, roots: Sequence[Path] | None) -> Iterator[None]:
        """Within the block, searches across the store in this thread (search_all,
        nearest_anywhere, list_originals) skip originals `roots` may not see."""
        previous = getattr(self._local, "roots", None)
        self._local.roots = None if roots is None else tuple(roots)
        try:
            yield
        finally:
            self._local.roots = previous

    def _visible_here(self, digest: str) -> bool:
        return self.is_visible(digest, getattr(self._local, "roots", None))

    def resolve(self, hash_text: str) -> str:
        """The full digest for a short hash or any unique prefix of six or more hex digits."""
        conn = self._conn()
        rows = conn.execute(
            "SELECT digest, last_used_at FROM originals WHERE short = ? OR digest = ?",
            (hash_text, hash_text),
        ).fetchall()
        if not rows and len(hash_text) >= MIN_HASH_PREFIX:
            rows = conn.execute(
                "SELECT digest, last_used_at FROM originals WHERE digest >= ? AND digest < ? "
                "LIMIT 2",
                (hash_text, hash_text + "g"),
            ).fetchall()
        if len(rows) > 1:
            raise UnknownHash(
                f'The hash prefix "{hash_text}" matches more than one original. '
                "Pass the full hash from the headroom_compress result."
            )
        if not rows or rows[0][1] < time.time() - self.ttl_seconds:
            raise UnknownHash(self.missing_message(hash_text))
        return str(rows[0][0])

    def missing_message(self, hash_text: str) -> str:
        days = self.ttl_seconds / 86400
        return (
            f'No original is stored under hash "{hash_text}": it was never stored in this '
            f"store ({self.path}) or it expired (originals are kept {days:g} days after last "
            "use). Call headroom_retrieve(query=...) without a hash to search what is stored, "
            "or compress the content again."
        )

    def get(self, digest: str) -> StoredOriginal:
        """The original with its content; marks it used, which restarts its TTL."""

        def touch() -> Any:
            with self._write() as conn:
                conn.execute(
                    "UPDATE originals SET last_used_at = ? WHERE digest = ?", (time.time(), digest)
                )
                return conn.execute(
                    "SELECT digest, short, kind, size_bytes, tokens, created_at, content "
                    "FROM originals WHERE digest = ?",
                    (digest,),
                ).fetchone()

        row = self._retry(touch)
        if row is None:
            raise UnknownHash(self.missing_message(digest[:SHORT_HASH_CHARS]))
        digest_, short, kind, size, tokens, created, data = row
        return StoredOriginal(
            digest_, short, kind, size, tokens, created, content=bytes(data).decode("utf-8")
        )

    def forget(self, digest: str) -> None:
        """Delete one original with its units, vectors and queue entries."""
        from headroom_mcp.store.eviction import delete_original

        def write() -> None:
            with self._write() as conn:
                delete_original(conn, digest)

        self._retry(write)
        logger.info("forgot %s", digest[:12])

    def unit_count(self, digest: str) -> int:
        row = self._conn().execute("SELECT COUNT(*) FROM units WHERE digest = ?", (digest,))
        return int(row.fetchone()[0])

    def search_units(self, digest: str, match: str, limit: int = MAX_SEARCH_HITS) -> list[UnitHit]:
        """Units of one original matching the FTS5 expression `match`, best BM25 first."""
        if not match:
            return []
        expression = f'scope:"{scope_token(digest)}" AND ({match})'
        try:
            rows = (
                self._conn()
                .execute(
                    "SELECT u.seq, u.start_char, u.end_char, u.location, "
                    "bm25(unit_fts, 1.0, 0.0) FROM unit_fts JOIN units u ON u.id = unit_fts.rowid "
                    "WHERE unit_fts MATCH ? ORDER BY rank LIMIT ?",
                    (expression, limit),
                )
                .fetchall()
            )
        except db.driver().OperationalError as exc:  # an expression FTS5 cannot parse
            logger.info("unit search failed: %s", exc)
            return []
        return [UnitHit(r[0], r[1], r[2], r[3], -float(r[4])) for r in rows]

    def stored_by(self, digest: str) -> str | None:
        """The client that first stored this original (from the events table), if known."""
        row = (
            self._conn()
            .execute(
                "SELECT client FROM events WHERE digest = ? AND op = 'compress' "
                "AND client IS NOT NULL ORDER BY id LIMIT 1",
                (digest,),
            )
            .fetchone()
        )
        return str(row[0]) if row else None

    def all_units(self, digest: str) -> list[UnitHit]:
        """Every unit of one original, in order (score 0): the pool for weak matches."""
        rows = (
            self._conn()
            .execute(
                "SELECT seq, start_char, end_char, location FROM units WHERE digest = ? "
                "ORDER BY seq",
                (digest,),
            )
            .fetchall()
        )
        return [UnitHit(r[0], r[1], r[2], r[3], 0.0) for r in rows]

    def units_without_vectors(self, digest: str, seqs: Sequence[int]) -> list[tuple[int, int]]:
        """(unit id, seq) of the given units of one original still waiting for a vector (in
        the embedding queue); a lookup by id in the vector table would scan all of it."""
        if not seqs:
            return []
        marks = ",".join("?" * len(seqs))
        rows = (
            self._conn()
            .execute(
                f"SELECT u.id, u.seq FROM units u JOIN embed_queue q ON q.unit_id = u.id "
                f"WHERE u.digest = ? AND u.seq IN ({marks})",
                (digest, *seqs),
            )
            .fetchall()
        )
        return [(int(r[0]), int(r[1])) for r in rows]

    def search_all(self, match: str, limit: int) -> list[tuple[StoredOriginal, UnitHit]]:
        """The best-matching unit of each original matching the FTS5 expression, best first."""
        if not match:
            return []
        expire_before = time.time() - self.ttl_seconds
        rows = (
            self._conn()
            .execute(
                "SELECT o.digest, o.short, o.kind, o.size_bytes, o.tokens, o.created_at, "
                "u.seq, u.start_char, u.end_char, u.location, bm25(unit_fts, 1.0, 0.0) AS score "
                "FROM unit_fts JOIN units u ON u.id = unit_fts.rowid "
                "JOIN originals o ON o.digest = u.digest "
                "WHERE unit_fts MATCH ? AND o.last_used_at >= ? ORDER BY rank LIMIT ?",
                (f"text: ({match})", expire_before, MAX_SEARCH_HITS * 5),
            )
            .fetchall()
        )
        best: dict[str, tuple[StoredOriginal, UnitHit]] = {}
        for r in rows:
            if r[0] not in best and self._visible_here(r[0]):
                best[r[0]] = (
                    StoredOriginal(r[0], r[1], r[2], r[3], r[4], r[5]),
                    UnitHit(r[6], r[7], r[8], r[9], -float(r[10])),
                )
        return list(best.values())[:limit]

    def slice_of(self, digest: str, start: int, end: int) -> str:
        """Characters start:end of an original (decoded), without marking it used."""
        row = (
            self._conn()
            .execute("SELECT content FROM originals WHERE digest = ?", (digest,))
            .fetchone()
        )
        return bytes(row[0]).decode("utf-8")[start:end] if row else ""

    def list_originals(self, limit: int) -> list[StoredOriginal]:
        """Originals still within their TTL, most recently used first."""
        rows = (
            self._conn()
            .execute(
                "SELECT digest, short, kind, size_bytes, tokens, created_at FROM originals "
                "WHERE last_used_at >= ? ORDER BY last_used_at DESC LIMIT ?",
                (time.time() - self.ttl_seconds, limit),
            )
            .fetchall()
        )
        return [StoredOriginal(*r) for r in rows if self._visible_here(r[0])]

    # -- embeddings ---------------------------------------------------------------------------

    def vectors_available(self) -> bool:
        return db.has_vector_extension(self._conn())

    def claim_for_embedding(self, limit: int) -> list[tuple[int, str, str]]:
        """Claim up to `limit` queued units: (unit id, digest, text). A claim older than
        CLAIM_EXPIRY_SECONDS (its worker died) is taken over, so each unit is embedded once."""

        def claim() -> list[tuple[int, str, str]]:
            now = time.time()
            with self._write() as conn:
                claimers = [r[0] for r in conn.execute(
                    "SELECT DISTINCT claimer FROM embed_queue WHERE claimer IS NOT NULL"
                )]  # fmt: skip
                gone = [pid for pid in claimers if pid != os.getpid() and not _alive(pid)]
                if gone:  # a killed worker's claims are free again at once
                    conn.execute(
                        "UPDATE embed_queue SET claimed_at = NULL, claimer = NULL "
                        f"WHERE claimer IN ({','.join('?' * len(gone))})",
                        gone,
                    )
                ids = [
                    r[0]
                    for r in conn.execute(
                        "SELECT unit_id FROM embed_queue WHERE claimed_at IS NULL "
                        "OR claimed_at < ? LIMIT ?",
                        (now - CLAIM_EXPIRY_SECONDS, limit),
                    )
                ]
                if not ids:
                    return []
                marks = ",".join("?" * len(ids))
                conn.execute(
                    "UPDATE embed_queue SET claimed_at = ?, claimer = ? "
                    f"WHERE unit_id IN ({marks})",
                    (now, os.getpid(), *ids),
                )
                rows = conn.execute(
                    "SELECT u.id, u.digest, u.start_char, u.end_char, o.content FROM units u "
                    f"JOIN originals o ON o.digest = u.digest WHERE u.id IN ({marks})",
                    ids,
                ).fetchall()
            texts: dict[str, str] = {}
            out = []
            for unit_id, digest, start, end, data in rows:
                text = texts.setdefault(digest, bytes(data).decode("utf-8"))
                out.append((unit_id, digest, text[start:end]))
            return out

        claimed: list[tuple[int, str, str]] = self._retry(claim)
        return claimed

    def save_vectors(self, rows: Sequence[tuple[int, str, bytes]], dimension: int) -> None:
        """Store embeddings (unit id, digest, float32 blob) and take the units off the queue."""

        def write() -> None:
            with self._write() as conn:
                conn.execute(
                    "CREATE VIRTUAL TABLE IF NOT EXISTS unit_vec USING vec0("
                    f"unit_id INTEGER PRIMARY KEY, digest TEXT PARTITION KEY, "
                    f"embedding FLOAT[{dimension}])"
                )
                for unit_id, digest, blob in rows:
                    # The unit may have been evicted while it was being embedded.
                    if conn.execute("SELECT 1 FROM units WHERE id = ?", (unit_id,)).fetchone():
                        conn.execute("DELETE FROM unit_vec WHERE unit_id = ?", (unit_id,))
                        conn.execute(
                            "INSERT INTO unit_vec (unit_id, digest, embedding) VALUES (?, ?, ?)",
                            (unit_id, digest, blob),
                        )
                    conn.execute("DELETE FROM embed_queue WHERE unit_id = ?", (unit_id,))

        self._retry(write)

    def pending_embeddings(self, digest: str | None = None) -> int:
        if digest is None:
            row = self._conn().execute("SELECT COUNT(*) FROM embed_queue").fetchone()
        else:
            row = (
                self._conn()
                .execute(
                    "SELECT COUNT(*) FROM embed_queue q JOIN units u ON u.id = q.unit_id "
                    "WHERE u.digest = ?",
                    (digest,),
                )
                .fetchone()
            )
        return int(row[0])

    def vector_count(self) -> int:
        conn = self._conn()
        if not has_vector_table(conn):
            return 0
        return int(conn.execute("SELECT COUNT(*) FROM unit_vec").fetchone()[0])

    def nearest_anywhere(self, query_vector: bytes, k: int) -> list[tuple[StoredOriginal, UnitHit]]:
        """The k units nearest to the query vector across every live original, nearest first."""
        conn = self._conn()
        if not has_vector_table(conn):
            return []
        rows = conn.execute(
            "SELECT o.digest, o.short, o.kind, o.size_bytes, o.tokens, o.created_at, "
            "u.seq, u.start_char, u.end_char, u.location, v.distance FROM unit_vec v "
            "JOIN units u ON u.id = v.unit_id JOIN originals o ON o.digest = u.digest "
            "WHERE v.embedding MATCH ? AND v.k = ? AND o.last_used_at >= ? ORDER BY v.distance",
            (query_vector, k, time.time() - self.ttl_seconds),
        ).fetchall()
        return [
            (StoredOriginal(*r[:6]), UnitHit(r[6], r[7], r[8], r[9], -float(r[10])))
            for r in rows
            if self._visible_here(r[0])
        ]

    def nearest_units(self, digest: str, query_vector: bytes, k: int) -> list[UnitHit]:
        """The k units of one original nearest to the query vector, nearest first."""
        conn = self._conn()
        if not has_vector_table(conn):
            return []
        rows = conn.execute(
            "SELECT u.seq, u.start_char, u.end_char, u.location, v.distance FROM unit_vec v "
            "JOIN units u ON u.id = v.unit_id WHERE v.embedding MATCH ? AND v.k = ? "
            "AND v.digest = ? ORDER BY v.distance",
            (query_vector, k, digest),
        ).fetchall()
        return [UnitHit(r[0], r[1], r[2], r[3], -float(r[4])) for r in rows]

    # -- events and stats --------------------------------------------------------------------

    def record_event(
        self,
        op: str,
        *,
        kind: str | None,
        digest: str | None,
        tokens_before: int,
        tokens_after: int,
        client: str | None = None,
    ) -> None:
        def write() -> None:
            with self._write() as conn:
                conn.execute(
                    "INSERT INTO events (ts, op, kind, digest, tokens_before, tokens_after, "
                    "client, pid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        time.time(),
                        op,
                        kind,
                        digest,
                        tokens_before,
                        tokens_after,
                        client,
                        os.getpid(),
                    ),
                )

        self._retry(write)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Read-only SQL for the stats module."""
        return list(self._conn().execute(sql, params).fetchall())


def _alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (the store is a local file)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


def scope_token(digest: str) -> str:
    """The FTS token that confines a search to one original's units."""
    return "d" + digest[:24]
