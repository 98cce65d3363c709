"""Opening the SQLite database: the one module that picks the sqlite3 implementation.

We need FTS5 with `contentless_delete` (SQLite 3.43+) and, later, loadable extensions
(sqlite-vec). The stdlib module is used when its SQLite is new enough and can load extensions;
otherwise sqlean.py, a drop-in with a current SQLite. Moving to apsw touches only this file.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from headroom_mcp.errors import StoreError

MIN_SQLITE = (3, 43, 0)
BUSY_TIMEOUT_MS = 30_000
WAL_SWITCH_SECONDS = 30


@functools.cache
def driver() -> ModuleType:
    """The DB-API module to use; chosen on first use so start-up does not load SQLite."""
    if sqlite3.sqlite_version_info >= MIN_SQLITE and hasattr(
        sqlite3.Connection, "enable_load_extension"
    ):
        return sqlite3
    import sqlean

    module: ModuleType = sqlean
    return module


def is_busy(exc: BaseException) -> bool:
    """True for the lock errors that a retry can outlast."""
    text = str(exc)
    return isinstance(exc, driver().OperationalError) and ("locked" in text or "busy" in text)


def _use_wal(conn: Any) -> None:
    """Switch to WAL once; it persists in the file.

    The switch needs an exclusive lock and SQLite fails it at once, without the busy handler,
    when another process holds the file, as happens when several servers create the store
    together. So check first, and retry the switch itself for up to WAL_SWITCH_SECONDS.
    """
    deadline = time.monotonic() + WAL_SWITCH_SECONDS
    delay = 0.01
    while True:
        try:
            if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except driver().OperationalError as exc:
            if not is_busy(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def load_vector_extension(conn: Any) -> bool:
    """Load sqlite-vec into the connection; False (lexical search only) when it cannot be."""
    try:
        import sqlite_vec
    except ImportError:
        return False
    try:
        conn.enable_load_extension(True)
        sqlite_vec.load(conn)
        conn.enable_load_extension(False)
    except (AttributeError, driver().Error):
        return False
    return True


def has_vector_extension(conn: Any) -> bool:
    try:
        conn.execute("SELECT vec_version()")
    except driver().OperationalError:
        return False
    return True


def _make_private(folder: Path) -> None:
    """The store folder is the user's alone (0700), however it was created."""
    mode = folder.stat().st_mode & 0o777
    if mode & 0o077:
        try:
            folder.chmod(0o700)
        except OSError as exc:
            raise StoreError(
                f"The store folder {folder} has mode {mode:o}, open to other users, and cannot "
                f"be made private ({exc.strerror}). Run chmod 700 on it, or point "
                "HEADROOM_MCP_HOME at a folder you own."
            ) from None


def connect(path: Path) -> Any:
    """An autocommit connection in WAL mode; the file and its folder private to the user.

    Autocommit (isolation_level=None) because we issue BEGIN IMMEDIATE ourselves: the
    implicit transactions of the default mode start as readers and fail to upgrade under
    concurrent writers instead of waiting for the lock.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _make_private(path.parent)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        conn = driver().connect(
            str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _use_wal(conn)
        conn.execute("PRAGMA synchronous = NORMAL")
        load_vector_extension(conn)
        conn.execute("PRAGMA foreign_keys = ON")
    except (OSError, driver().Error) as exc:
        raise StoreError(
            f"Cannot open the store at {path}: {exc}. Check that the folder is writable, "
            "or point HEADROOM_MCP_HOME at another folder."
        ) from exc
    return conn
