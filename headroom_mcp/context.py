"""The library's state: one store, and one embedding worker, per store path, made on first use.

Settings are read on every call (tests and users change HEADROOM_MCP_* between calls); the
store and its worker are cached by path, so every call in a process shares one connection pool
and one background indexer.
"""

from __future__ import annotations

import atexit
import threading

from headroom_mcp.config import Settings, load_settings
from headroom_mcp.store import CcrStore
from headroom_mcp.store.embedder import EmbeddingWorker

STORES: dict[tuple[str, int, int], CcrStore] = {}


WORKERS: dict[tuple[str, str], EmbeddingWorker | None] = {}


_LOCK = threading.Lock()


_BACKGROUND = {"embedding": True}


def one_shot() -> None:
    """This process runs one command and exits (the CLI): start no embedding worker, so it
    never loads the model. Stored units stay queued for a server to embed."""
    _BACKGROUND["embedding"] = False


def background_embedding() -> bool:
    return _BACKGROUND["embedding"]


def current() -> tuple[Settings, CcrStore]:
    settings = load_settings()
    key = (str(settings.db_path), settings.ttl_seconds, settings.max_store_bytes)
    with _LOCK:
        store = STORES.get(key)
        if store is None:
            store = CcrStore(
                settings.db_path,
                ttl_seconds=settings.ttl_seconds,
                max_bytes=settings.max_store_bytes,
            )
            STORES[key] = store
    return settings, store


def worker_for(settings: Settings, store: CcrStore) -> EmbeddingWorker | None:
    """The store's embedding worker, started on first use; None when embeddings are off or
    sqlite-vec is missing (retrieval is then lexical)."""
    key = (str(store.path), settings.embed_model)
    if not _BACKGROUND["embedding"]:
        return None
    with _LOCK:
        if key in WORKERS:
            return WORKERS[key]
        from headroom_mcp.store.embedder import EmbeddingWorker, embedder_for

        embedder = embedder_for(settings.embed_model)
        worker = None
        if embedder is not None and store.vectors_available():
            worker = EmbeddingWorker(store, embedder)
            worker.start()
            if not WORKERS:
                # A daemon thread still inside torch when the interpreter exits aborts the
                # process; stop workers first (a claimed batch is picked up next time).
                atexit.register(stop_workers)
        WORKERS[key] = worker
        return worker


def wait_for_embeddings(timeout: float = 30.0) -> bool:
    """Block until the embedding queue is empty (for tests and benchmarks); False on timeout."""
    import time

    settings, store = current()
    worker = worker_for(settings, store)
    if worker is None:
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        worker.wake()
        if worker.idle.wait(max(0.0, deadline - time.monotonic())) and (
            store.pending_embeddings() == 0
        ):
            return True
    return False


def stop_workers() -> None:
    """Stop every embedding worker this process started (tests, shutdown)."""
    with _LOCK:
        workers = [w for w in WORKERS.values() if w is not None]
        WORKERS.clear()
    for worker in workers:
        worker.stop()
