"""Prose and Markdown: headings and the sentences that answer the query, unaltered; through
a Kompress checkpoint instead when one is configured.

Units: one per paragraph, long ones as windows.
"""

from __future__ import annotations

import logging
import re

from headroom_mcp.engines.base import EngineResult
from headroom_mcp.kinds.base import KindDeclined, Options, Sample
from headroom_mcp.kinds.code import outside_fences
from headroom_mcp.store import Unit
from headroom_mcp.units import (
    MAX_STRUCTURED_UNIT_CHARS,
    WINDOW_MAX_CHARS,
    line_starts,
    line_windows,
    row_span,
    windows_between,
)

logger = logging.getLogger(__name__)
NAME = "prose"
_NOT_LETTER_RE = re.compile(r"[^\w ]|[\d_]")  # what is neither a letter nor a space
_SENTENCE_END_RE = re.compile(r"[.!?:)\"']\s*$")


def score(sample: Sample) -> float:
    """Long sentence lines, or hard-wrapped text made almost only of words."""
    lines = outside_fences(sample.lines) or sample.lines
    if not lines:
        return 0.0
    words_per_line = sum(len(s.split()) for s in lines) / len(lines)
    sentences = sample.share(lambda s: bool(_SENTENCE_END_RE.search(s)), lines)
    joined = " ".join(lines)
    letters = len(_NOT_LETTER_RE.sub("", joined)) / max(1, len(joined))
    if words_per_line >= 8 and (sentences >= 0.3 or words_per_line >= 30):
        return 0.5
    if words_per_line >= 5 and letters >= 0.9:
        return 0.5
    return 0.0


MAX_PROSE_CHARS = 8 * 1024**2  # beyond this, sentence objects cost too much memory: text


def compress(content: str, query: str | None, budget: int | None, options: Options) -> EngineResult:
    from headroom_mcp.engines.prose import compress_prose

    if len(content) > MAX_PROSE_CHARS:
        raise KindDeclined(
            f"{len(content):,} characters of prose is over {MAX_PROSE_CHARS:,}: the text kind "
            "reads it line by line in bounded memory"
        )
    if options.kompress_model:
        from headroom_mcp.engines.kompress import KompressUnavailable, compress_kompress

        try:
            return compress_kompress(content, query, budget, model_path=options.kompress_model)
        except KompressUnavailable as exc:
            logger.warning("Kompress unavailable (%s); using the extractive prose engine", exc)
            fallback = compress_prose(content, query, budget, options.embed)
            return EngineResult(
                fallback.text, ("kompress:unavailable", *fallback.transforms), fallback.omitted
            )
    return compress_prose(content, query, budget, options.embed)


def units(content: str, options: Options) -> list[Unit]:
    starts = line_starts(content)
    if len(content) > MAX_STRUCTURED_UNIT_CHARS:
        return line_windows(content, starts)
    return paragraph_units(content, starts)


def paragraph_units(content: str, starts: list[int]) -> list[Unit]:
    """One unit per paragraph (text between blank lines), long ones as windows."""
    lines = content.split("\n")
    units: list[Unit] = []
    row = 0
    while row < len(lines):
        if not lines[row].strip():
            row += 1
            continue
        last = row
        while last + 1 < len(lines) and lines[last + 1].strip():
            last += 1
        start, end = row_span(content, starts, row, last)
        if end - start > WINDOW_MAX_CHARS:
            units += windows_between(content, starts, row, last)
        else:
            where = f"paragraph at line {row + 1}" if row == last else f"lines {row + 1}-{last + 1}"
            units.append(Unit(start, end, where))
        row = last + 1
    return units
