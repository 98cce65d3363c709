"""Kompress: LLMLingua-2-style token classification, keeping the words a model rates highest.

A BERT-like token-classification checkpoint (label 1 = keep) scores every word piece; a word
scores the mean of its pieces. Words are kept best first until the target share of the input
is reached, and always kept whatever the model says: query terms, numbers, names
(capitalised words), `code spans` and URLs. Long input is cut into windows the model can read,
scored in batches on the CPU. The model loads once, lazily, from a local folder: no package ships
a Kompress checkpoint and hubs are out of reach, so without one this engine is unavailable and
the extractive prose engine is used. Unlike the other engines its output drops words inside
sentences; it says so in its note.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from headroom_mcp.engines.base import MARKER_PREFIX, EngineResult, query_terms

DEFAULT_KEEP_RATIO = 0.5
WINDOW_WORDS = 300  # about 400 word pieces: inside a 512-piece BERT window
BATCH_WINDOWS = 8
_WORD_RE = re.compile(r"\S+")
_NUMBER_RE = re.compile(r"\d")
_URL_RE = re.compile(r"^(https?://|www\.)", re.I)
_NAME_RE = re.compile(r"^[\"'(\[]*[A-Z][a-z]+")
_load_lock = threading.Lock()


class KompressUnavailable(ValueError):
    """No checkpoint at the configured path."""


@dataclass
class Word:
    text: str
    start: int
    forced: bool
    score: float = 0.0


@functools.cache
def _model(path: str) -> tuple[Any, Any]:
    with _load_lock:
        if not (Path(path) / "config.json").exists():
            raise KompressUnavailable(f"no Kompress checkpoint at {path} (config.json missing)")
        import torch
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        torch.set_num_threads(max(1, torch.get_num_threads()))
        tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModelForTokenClassification.from_pretrained(path)
        model.eval()
        return tokenizer, model


def split_words(content: str, query: str | None) -> list[Word]:
    terms = set(query_terms(query))
    words, in_code = [], False
    for match in _WORD_RE.finditer(content):
        text = match.group(0)
        ticks = text.count("`")
        bare = re.sub(r"[^\w]", "", text).lower()
        forced = (
            in_code
            or ticks > 0
            or bool(_NUMBER_RE.search(text))
            or bool(_URL_RE.match(text))
            or bool(_NAME_RE.match(text))
            or (bare in terms)
        )
        if ticks % 2:
            in_code = not in_code
        words.append(Word(text, match.start(), forced))
    return words


def score_words(words: list[Word], path: str) -> None:
    """Keep-probability of each word: the mean over its word pieces, window by window."""
    import torch

    tokenizer, model = _model(path)
    windows = [words[i : i + WINDOW_WORDS] for i in range(0, len(words), WINDOW_WORDS)]
    for b in range(0, len(windows), BATCH_WINDOWS):
        batch = windows[b : b + BATCH_WINDOWS]
        encoded = tokenizer(
            [[w.text for w in window] for window in batch],
            is_split_into_words=True,
            truncation=True,
            max_length=512,
            padding=True,
            return_tensors="pt",
        )
        with torch.no_grad():
            logits = model(**encoded).logits
        keep = torch.softmax(logits, dim=-1)[..., 1]
        for row, window in enumerate(batch):
            sums: dict[int, list[float]] = {}
            for piece, word_id in enumerate(encoded.word_ids(row)):
                if word_id is not None:
                    sums.setdefault(word_id, []).append(float(keep[row, piece]))
            for word_id, values in sums.items():
                window[word_id].score = sum(values) / len(values)


def compress_kompress(
    content: str,
    query: str | None,
    budget: int | None,
    *,
    model_path: str,
    ratio: float | None = None,
) -> EngineResult:
    """The words the model keeps, plus every forced word, in original order."""
    words = split_words(content, query)
    if not words:
        return EngineResult(content, ("kompress:empty",))
    score_words(words, model_path)
    share = ratio if ratio is not None else DEFAULT_KEEP_RATIO
    if budget is not None:
        from headroom_mcp.tokens import count_tokens

        share = min(share, budget / max(1, count_tokens(content)))
    target = max(1, int(len(words) * share))
    keep = {i for i, w in enumerate(words) if w.forced}
    for i in sorted(range(len(words)), key=lambda i: -words[i].score):
        if len(keep) >= target:
            break
        keep.add(i)
    kept = [words[i].text for i in sorted(keep)]
    note = (
        f"{MARKER_PREFIX} kompress: {len(kept)} of {len(words)} words kept by a token-"
        "classification model; words inside sentences were dropped]"
    )
    return EngineResult(
        f"{note}\n{' '.join(kept)}",
        (f"kompress:words:{len(kept)}/{len(words)}",),
        omitted=f"{len(words) - len(kept)} of {len(words)} words",
    )
