"""Numbered migrations; PRAGMA user_version holds the number of the last one applied.

Each migration runs once, in its own transaction, so a store written by an older version is
brought forward in place. Never edit a released migration: add the next one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from headroom_mcp.errors import StoreError


def m001_create_tables(conn: Any) -> None:
    conn.execute(
        """CREATE TABLE originals (
            digest TEXT PRIMARY KEY,          -- sha256 of the UTF-8 content, hex
            short TEXT NOT NULL UNIQUE,       -- the hash shown to users: a digest prefix
            kind TEXT NOT NULL,
            content BLOB NOT NULL,            -- UTF-8 bytes, exactly as given
            size_bytes INTEGER NOT NULL,
            tokens INTEGER NOT NULL,
            created_at REAL NOT NULL,
            last_used_at REAL NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX originals_last_used ON originals(last_used_at)")
    conn.execute(
        """CREATE TABLE units (
            id INTEGER PRIMARY KEY,
            digest TEXT NOT NULL REFERENCES originals(digest) ON DELETE CASCADE,
            seq INTEGER NOT NULL,             -- position among the original's units
            start_char INTEGER NOT NULL,      -- slice of the decoded original
            end_char INTEGER NOT NULL,
            location TEXT NOT NULL            -- e.g. "$.items[37]" or "lines 120-139"
        )"""
    )
    conn.execute("CREATE INDEX units_digest ON units(digest, seq)")
    # Contentless: the text lives once, in originals; FTS keeps only the index.
    conn.execute(
        """CREATE VIRTUAL TABLE unit_fts USING fts5(
            text, scope, content='', contentless_delete=1,
            tokenize="unicode61 remove_diacritics 2"
        )"""
    )
    conn.execute(
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            ts REAL NOT NULL,
            op TEXT NOT NULL,                 -- 'compress' | 'retrieve'
            kind TEXT,
            digest TEXT,
            tokens_before INTEGER NOT NULL,
            tokens_after INTEGER NOT NULL,
            client TEXT,
            pid INTEGER NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX events_ts ON events(ts)")


def m002_embedding_queue(conn: Any) -> None:
    """Units waiting for an embedding. A store written before embeddings existed gets every
    unit queued, so it is indexed forward in place."""
    conn.execute(
        """CREATE TABLE embed_queue (
            unit_id INTEGER PRIMARY KEY,      -- units.id
            claimed_at REAL,                  -- set while a worker embeds it; stale claims expire
            claimer INTEGER                   -- pid of that worker
        )"""
    )
    conn.execute("INSERT INTO embed_queue (unit_id) SELECT id FROM units")


def m003_origins(conn: Any) -> None:
    """Where each original came from: '' for content a client passed to compress (visible to
    every client of the store), else the file or folder headroom_read/headroom_run took it
    from (visible only to servers whose roots contain that path). Existing originals all came
    through compress or were stored before roots were tracked: they stay visible to all."""
    conn.execute(
        """CREATE TABLE origins (
            digest TEXT NOT NULL REFERENCES originals(digest) ON DELETE CASCADE,
            path TEXT NOT NULL,               -- '' (shared) or an absolute, resolved path
            PRIMARY KEY (digest, path)
        )"""
    )
    conn.execute("INSERT INTO origins (digest, path) SELECT digest, '' FROM originals")


MIGRATIONS: list[Callable[[Any], None]] = [m001_create_tables, m002_embedding_queue, m003_origins]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: Any) -> None:
    """Apply every migration the database has not seen yet."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"The store has schema version {version}, newer than this headroom-mcp "
                f"understands ({SCHEMA_VERSION}). Upgrade headroom-mcp, or point "
                "HEADROOM_MCP_HOME at another folder."
            )
        for number in range(version, SCHEMA_VERSION):
            MIGRATIONS[number](conn)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
