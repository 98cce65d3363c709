"""Cutting an original into retrievable units: the pieces every kind's cutter shares.

A unit is a slice of the original (character offsets), so what retrieval shows is the
original text itself. Each kind module cuts its own units (records, events, symbols, hunks,
hits, paragraphs); line windows cover whatever has no structure.
"""

from __future__ import annotations

import bisect
import re

from headroom_mcp.store import Unit

ERROR_TAGS = "error errors failure failures failed fail failing exception exceptions problem"
WARNING_TAGS = "warning warnings"
_ERROR_TEXT_RE = re.compile(
    r"\b(ERROR|FATAL|CRITICAL|SEVERE|Traceback|Exception|panic)\b|\b[Ee]rror:|\bfail(ed|ure)?\b"
    r"|\b\w+(Error|Exception)\b|\bfailures?:|^\s*[\u2715\u2716\u00d7\u2717\u25cf] |race detected",
    re.M,
)
_WARNING_TEXT_RE = re.compile(r"\b(WARN|WARNING|[Ww]arning:)")
WINDOW_LINES = 10
WINDOW_MAX_CHARS = 4000
MAX_STRUCTURED_UNIT_CHARS = 8 * 1024**2  # bigger content gets line windows: units stay few


def line_starts(content: str) -> list[int]:
    starts = [0]
    pos = content.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = content.find("\n", pos + 1)
    return starts


def line_windows(
    content: str,
    starts: list[int] | None = None,
    first_row: int = 0,
    last_row: int | None = None,
    *,
    skip_blank: bool = False,
) -> list[Unit]:
    """Windows of WINDOW_LINES lines over rows first_row..last_row (inclusive; default all);
    a window is cut early at WINDOW_MAX_CHARS, and one huge line becomes several units.
    `skip_blank` leaves out windows holding only whitespace."""
    starts = starts if starts is not None else line_starts(content)
    units: list[Unit] = []
    n = len(starts) if last_row is None else min(len(starts), last_row + 1)

    def line_end(i: int) -> int:
        return starts[i + 1] if i + 1 < len(starts) else len(content)

    first = first_row
    while first < n and starts[first] < len(content):
        last = first
        while (
            last + 1 < n
            and last + 1 - first < WINDOW_LINES
            and starts[last + 1] < len(content)
            and line_end(last + 1) - starts[first] <= WINDOW_MAX_CHARS
        ):
            last += 1
        start, end = starts[first], line_end(last)
        if skip_blank and not content[start:end].strip():
            first = last + 1
            continue
        where = f"line {first + 1}" if first == last else f"lines {first + 1}-{last + 1}"
        tags = window_tags(content, start, end)
        # A single huge line becomes several units of WINDOW_MAX_CHARS each.
        units.extend(
            Unit(piece, min(end, piece + WINDOW_MAX_CHARS), where, tags)
            for piece in range(start, end, WINDOW_MAX_CHARS)
        )
        first = last + 1
    return units


def window_tags(content: str, start: int, end: int) -> str:
    """Index-only words for a window that holds an error or a warning, so a question about
    errors finds it in content with no structure of its own."""
    tags = []
    if _ERROR_TEXT_RE.search(content, start, end):
        tags.append(ERROR_TAGS)
    if _WARNING_TEXT_RE.search(content, start, end):
        tags.append(WARNING_TAGS)
    return " ".join(tags)


def line_of(starts: list[int], offset: int) -> int:
    """The 1-based line number of a character offset."""
    return bisect.bisect_right(starts, offset)


def row_span(content: str, starts: list[int], first: int, last: int) -> tuple[int, int]:
    """Character offsets of rows first..last (inclusive), without the final newline."""
    end = starts[last + 1] - 1 if last + 1 < len(starts) else len(content)
    return starts[first], max(starts[first], end)


def windows_between(content: str, starts: list[int], first: int, last: int) -> list[Unit]:
    """Line windows over rows first..last (inclusive), for text between structured units."""
    return line_windows(content, starts, first, last, skip_blank=True)


def words_of(name: str) -> str:
    """An identifier's parts as words, so "raw_decode" or "rawDecode" match "raw decode"."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name).replace("_", " ")
    return f"{name} {spaced}".strip()
