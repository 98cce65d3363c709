"""Prose engine: query-aware extractive compression of documents, READMEs and articles.

The text is cut into Markdown blocks (headings, fenced code, list items, paragraphs) and
paragraphs into sentences. Sentences, items and code blocks are scored by the query words they
share (rarer words weigh more, and two query words in a row more still), plus a little for
opening a paragraph; without a query, by position and by density of numbers and names.
The best are kept up to the budget, whole and unaltered, in original order. Headings are always
kept, so the outline survives. Inside a paragraph `[…]` stands where sentences were dropped; a
run of dropped blocks becomes one `[headroom: lines a-b omitted]` line.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from headroom_mcp.engines.base import MARKER_PREFIX, EngineResult, query_terms, words
from headroom_mcp.tokens import count_tokens, estimate_tokens

DEFAULT_BUDGET_SHARE = 0.25
MIN_BUDGET_TOKENS = 200
MAX_DEFAULT_BUDGET_TOKENS = 8000
LEAD_BONUS = 0.3
PHRASE_WEIGHT = 1.5
PIECE_OVERHEAD_TOKENS = 6
RERANK_CANDIDATES = 16
STRONG_MATCH_TERMS = 2
RERANK_CHARS = 300  # the opening of a long block says what it is about
SEMANTIC_WEIGHT = 1.0
ELISION = "[…]"
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9\"'(\[`*_])")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_LIST_ITEM = re.compile(r"^\s*([-*+]|\d+[.)])\s+")
_FENCE = re.compile(r"^\s*(```|~~~)")
_DENSE = re.compile(r"\d|\b[A-Z][a-z]+")


@dataclass
class Piece:
    """A sentence, list item or code block: a slice of the content that is kept or dropped."""

    start: int
    end: int
    block: int
    lead: bool
    score: float = 0.0
    hits: int = 0  # distinct query words it contains


@dataclass
class Block:
    kind: str  # heading | code | item | paragraph
    first_line: int
    last_line: int
    pieces: list[int]


def split_blocks(content: str) -> tuple[list[Block], list[Piece]]:
    lines = content.split("\n")
    offsets = [0]
    for line in lines[:-1]:
        offsets.append(offsets[-1] + len(line) + 1)
    blocks: list[Block] = []
    pieces: list[Piece] = []

    def add(kind: str, first: int, last: int, spans: list[tuple[int, int]]) -> None:
        ids = []
        for n, (s, e) in enumerate(spans):
            pieces.append(Piece(s, e, len(blocks), n == 0))
            ids.append(len(pieces) - 1)
        blocks.append(Block(kind, first, last, ids))

    row = 0
    while row < len(lines):
        line = lines[row]
        start = offsets[row]
        if not line.strip():
            row += 1
        elif _FENCE.match(line):
            last = row + 1
            while last < len(lines) and not _FENCE.match(lines[last]):
                last += 1
            last = min(last, len(lines) - 1)
            add("code", row, last, [(start, offsets[last] + len(lines[last]))])
            row = last + 1
        elif _HEADING.match(line):
            add("heading", row, row, [(start, start + len(line))])
            row += 1
        else:
            kind = "item" if _LIST_ITEM.match(line) else "paragraph"
            last = row
            while (
                last + 1 < len(lines)
                and lines[last + 1].strip()
                and not _HEADING.match(lines[last + 1])
                and not _FENCE.match(lines[last + 1])
                and not _LIST_ITEM.match(lines[last + 1])
            ):
                last += 1
            end = offsets[last] + len(lines[last])
            add(
                kind,
                row,
                last,
                _sentences(content, start, end) if kind == "paragraph" else [(start, end)],
            )
            row = last + 1
    return blocks, pieces


def _sentences(content: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, cursor = [], start
    for match in _SENTENCE_END.finditer(content, start, end):
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, end))
    return [(s, e) for s, e in spans if content[s:e].strip()]


def score_pieces(content: str, pieces: list[Piece], query: str | None) -> None:
    terms = query_terms(query)
    texts = [words(content[p.start : p.end]) for p in pieces]
    if terms:
        wanted = set(terms)
        pairs = {f"{a} {b}" for a, b in itertools.pairwise(terms)}
        df = Counter(t for ws in texts for t in set(ws) & wanted)
        n = len(pieces) or 1
        for piece, ws in zip(pieces, texts, strict=True):
            present = set(ws) & wanted
            piece.hits = len(present)
            score = sum(math.log(1 + n / df[t]) for t in present)
            bigrams = {f"{a} {b}" for a, b in itertools.pairwise(ws)} & pairs
            score += PHRASE_WEIGHT * len(bigrams)
            piece.score = score + (LEAD_BONUS if piece.lead and score else 0.0)
    else:
        for piece, ws in zip(pieces, texts, strict=True):
            dense = len(_DENSE.findall(content[piece.start : piece.end])) / (len(ws) or 1)
            piece.score = (1.0 if piece.lead else 0.0) + dense


Embed = Callable[[Sequence[str]], list[list[float]]]


def rerank_semantically(content: str, pieces: list[Piece], query: str, embed: Embed) -> None:
    """Add cosine similarity to the query for the best lexical candidates (or, when no keyword
    matched, the paragraph openers): embedding every sentence would take seconds."""
    ranked = sorted(range(len(pieces)), key=lambda i: -pieces[i].score)
    candidates = [i for i in ranked if pieces[i].score > 0][:RERANK_CANDIDATES]
    if not candidates:
        candidates = [i for i, p in enumerate(pieces) if p.lead][:RERANK_CANDIDATES]
    if not candidates:
        return
    texts = [content[pieces[i].start : pieces[i].end][:RERANK_CHARS] for i in candidates]
    vectors = embed([query, *texts])
    top = max((pieces[i].score for i in candidates), default=0.0) or 1.0
    for i, vector in zip(candidates, vectors[1:], strict=True):
        cosine = sum(a * b for a, b in zip(vectors[0], vector, strict=True))
        pieces[i].score += SEMANTIC_WEIGHT * top * max(0.0, cosine)


def compress_prose(
    content: str, query: str | None, budget: int | None, embed: Embed | None = None
) -> EngineResult:
    """Headings and the most relevant sentences, unaltered and in order, within the budget.
    With `embed` (a loaded sentence-embedding model), the best candidates are reranked by
    meaning as well as by words."""
    blocks, pieces = split_blocks(content)
    if not pieces:
        return EngineResult(content, ("prose:empty",))
    score_pieces(content, pieces, query)
    terms = query_terms(query)
    # Meaning matters when the words do not match: a paraphrased question. When some sentence
    # holds two of the query's words, keywords suffice and the call stays fast.
    strong = max((p.hits for p in pieces), default=0) >= min(STRONG_MATCH_TERMS, len(terms))
    semantic = bool(embed and terms and not strong)
    if semantic:
        assert embed is not None and query is not None
        rerank_semantically(content, pieces, query, embed)
    limit = budget if budget is not None else _default_budget(content)
    keep: set[int] = {i for b in blocks if b.kind == "heading" for i in b.pieces}
    spent = sum(count_tokens(content[pieces[i].start : pieces[i].end]) + 1 for i in keep)
    for i in sorted(range(len(pieces)), key=lambda i: (-pieces[i].score, i)):
        if i in keep or pieces[i].score <= 0:
            continue
        # + room for the "[…]" and separators a kept sentence may bring along
        cost = count_tokens(content[pieces[i].start : pieces[i].end]) + PIECE_OVERHEAD_TOKENS
        if spent + cost > limit:
            continue
        keep.add(i)
        spent += cost
    text = render(content, blocks, pieces, keep)
    while (excess := count_tokens(text) - limit) > 0 and len(keep) > 1:
        # Drop the weakest pieces that together cover the excess, then measure again.
        headings = {i for b in blocks if b.kind == "heading" for i in b.pieces}
        for i in sorted(keep, key=lambda i: (i in headings, pieces[i].score, -i)):
            if excess <= 0 or len(keep) <= 1:
                break
            keep.discard(i)
            excess -= count_tokens(content[pieces[i].start : pieces[i].end]) + 1
        text = render(content, blocks, pieces, keep)
    dropped = len(pieces) - len(keep)
    return EngineResult(
        text,
        (
            f"prose:sentences:{len(keep)}/{len(pieces)}",
            "prose:lexical+semantic" if semantic else "prose:lexical",
        ),
        omitted=f"{dropped} of {len(pieces)} sentences and blocks omitted ({ELISION} marks "
        "dropped sentences)"
        if dropped
        else None,
    )


def render(content: str, blocks: list[Block], pieces: list[Piece], keep: set[int]) -> str:
    out: list[str] = []
    gap_from: int | None = None
    for block in blocks:
        kept = [i for i in block.pieces if i in keep]
        if not kept:
            if gap_from is None:
                gap_from = block.first_line
            gap_to = block.last_line
            continue
        if gap_from is not None:
            out.append(_gap(gap_from, gap_to))
            gap_from = None
        if len(kept) == len(block.pieces):
            first, last = pieces[block.pieces[0]], pieces[block.pieces[-1]]
            out.append(content[first.start : last.end])
            continue
        # Runs of neighbouring kept sentences are one original slice, spacing and all.
        runs: list[list[int]] = []
        for i in kept:
            if runs and i == runs[-1][-1] + 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        parts = [ELISION] if kept[0] != block.pieces[0] else []
        for n, run in enumerate(runs):
            if n:
                parts.append(ELISION)
            parts.append(content[pieces[run[0]].start : pieces[run[-1]].end])
        if kept[-1] != block.pieces[-1]:
            parts.append(ELISION)
        out.append(" ".join(parts))
    if gap_from is not None:
        out.append(_gap(gap_from, gap_to))
    return "\n\n".join(out)


def _gap(first: int, last: int) -> str:
    if first == last:
        return f"{MARKER_PREFIX}: line {first + 1} omitted]"
    return f"{MARKER_PREFIX}: lines {first + 1}-{last + 1} omitted]"


def _default_budget(content: str) -> int:
    share = int(estimate_tokens(content) * DEFAULT_BUDGET_SHARE)
    return max(MIN_BUDGET_TOKENS, min(MAX_DEFAULT_BUDGET_TOKENS, share))
