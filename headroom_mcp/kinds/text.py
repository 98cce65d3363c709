"""Anything else: head, tail, query matches and error lines. Always answers, with the lowest
score, so it is the last candidate for every input.

Units: line windows.
"""

from __future__ import annotations

from headroom_mcp.engines.base import EngineResult
from headroom_mcp.kinds.base import Options, Sample
from headroom_mcp.store import Unit
from headroom_mcp.units import line_windows

NAME = "text"
FALLBACK_SCORE = 0.05


def score(sample: Sample) -> float:
    return FALLBACK_SCORE


def compress(content: str, query: str | None, budget: int | None, options: Options) -> EngineResult:
    from headroom_mcp.engines.text import compress_text

    return compress_text(content, query, budget)


def units(content: str, options: Options) -> list[Unit]:
    return line_windows(content)
