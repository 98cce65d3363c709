"""grep / rg / git grep output: input lines verbatim; the hits matching the query, then the
files it names, then a sample per file; a marker per file for the rest.

Units: one per run of hits from the same file.
"""

from __future__ import annotations

import re

from headroom_mcp.engines.base import EngineResult
from headroom_mcp.kinds.base import Options, Sample
from headroom_mcp.store import Unit
from headroom_mcp.units import (
    MAX_STRUCTURED_UNIT_CHARS,
    WINDOW_MAX_CHARS,
    line_starts,
    line_windows,
    row_span,
)

NAME = "search"
# path:line:text (match) or path-line-text (context); the path has a letter and no spaces,
# which tells it from a timestamp such as 2015-07-29 or "Dec 10 06:55:46".
_SEARCH_LINE_RE = re.compile(
    r"^(?:[0-9a-f]{7,40}:)?(?=[^\s:]*[A-Za-z])([^\s:]{1,300})(:\d+:|-\d+-)"  # git grep REV:
)
_HEADING_HIT_RE = re.compile(r"^\d+[:-](?!\d)")
MIN_DISTINCT_HITS = 0.5  # grep hits name (mostly) different lines; a log prefix repeats one


def score(sample: Sample) -> float:
    """Most lines are path:line:text with varied line numbers (a log whose lines start with
    `name.log.2017-05-16_13:53:08` looks alike, but repeats one "line number"), or ripgrep's
    --heading layout."""
    hits = [m for m in map(_SEARCH_LINE_RE.match, sample.lines) if m]
    if hits and len(hits) >= 0.6 * len(sample.lines):
        distinct = len({(m.group(1), m.group(2)) for m in hits}) / len(hits)
        if distinct >= MIN_DISTINCT_HITS or len(hits) < 4:
            return 0.7
    if sample.matching(_HEADING_HIT_RE) >= 0.6:
        return 0.7
    return 0.0


def compress(content: str, query: str | None, budget: int | None, options: Options) -> EngineResult:
    from headroom_mcp.engines.search import compress_search

    return compress_search(content, query, budget)


def units(content: str, options: Options) -> list[Unit]:
    starts = line_starts(content)
    if len(content) > MAX_STRUCTURED_UNIT_CHARS:
        return line_windows(content, starts)
    return search_file_units(content, starts)


def search_file_units(content: str, starts: list[int]) -> list[Unit]:
    """One unit per run of hits from the same file (cut at WINDOW_MAX_CHARS)."""
    from headroom_mcp.engines.search import HIT_RE

    lines = content.split("\n")
    units: list[Unit] = []
    row = 0
    while row < len(lines):
        match = HIT_RE.match(lines[row])
        path = match["path"] if match else None
        last = row
        while last + 1 < len(lines):
            nxt = HIT_RE.match(lines[last + 1])
            if (nxt["path"] if nxt else None) != path or path is None:
                break
            if starts[last + 2 if last + 2 < len(starts) else -1] - starts[row] > WINDOW_MAX_CHARS:
                break
            last += 1
        start, end = row_span(content, starts, row, last)
        if content[start:end].strip():
            where = f"{path} (lines {row + 1}-{last + 1})" if path else f"line {row + 1}"
            units.append(Unit(start, end, where, path or ""))
        row = last + 1
    return units
