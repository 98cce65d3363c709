"""Cut an original into retrievable units, following its kind.

JSON collections give one unit per record (located by JSON path), NDJSON one per line, and
everything else windows of lines. A unit is a slice of the original, so what retrieval shows
is the original text itself.
"""

from __future__ import annotations

import bisect
import logging

from headroom_mcp.store import Unit

logger = logging.getLogger(__name__)

WINDOW_LINES = 10
WINDOW_MAX_CHARS = 4000
MAX_EVENT_UNIT_CHARS = 8 * 1024**2  # bigger logs get line windows: a unit per line is too many


def line_starts(content: str) -> list[int]:
    starts = [0]
    pos = content.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = content.find("\n", pos + 1)
    return starts


def line_windows(content: str, starts: list[int] | None = None) -> list[Unit]:
    """Windows of WINDOW_LINES lines; a window is cut early at WINDOW_MAX_CHARS."""
    starts = starts if starts is not None else line_starts(content)
    units: list[Unit] = []
    n = len(starts)

    def line_end(i: int) -> int:
        return starts[i + 1] if i + 1 < n else len(content)

    first = 0
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
        where = f"line {first + 1}" if first == last else f"lines {first + 1}-{last + 1}"
        # A single huge line becomes several units of WINDOW_MAX_CHARS each.
        units.extend(
            Unit(piece, min(end, piece + WINDOW_MAX_CHARS), where)
            for piece in range(start, end, WINDOW_MAX_CHARS)
        )
        first = last + 1
    return units


def json_record_units(content: str, starts: list[int]) -> list[Unit]:
    """One unit per record of each collection, plus line windows for anything else."""
    from headroom_mcp.engines.json_records import find_collections, parse_json_document
    from headroom_mcp.engines.json_shape import path_text
    from headroom_mcp.json_spans import element_spans, member_spans, value_start

    doc, ndjson = parse_json_document(content)
    if ndjson:
        units = []
        for i, start in enumerate(starts):
            end = starts[i + 1] - 1 if i + 1 < len(starts) else len(content)
            if content[start:end].strip():
                units.append(Unit(start, end, f"line {i + 1}"))
        return units
    units = []
    for col in find_collections(doc):
        pos = value_start(content, col.parts)
        if col.keys is None:
            for i, (start, end) in enumerate(element_spans(content, pos)):
                where = path_text((*col.parts, i))
                units.append(Unit(start, end, f"{where} (line {_line_of(starts, start)})"))
        else:
            for key, start, end in member_spans(content, pos):
                where = path_text((*col.parts, key))
                units.append(Unit(start, end, f"{where} (line {_line_of(starts, start)})"))
    return units or line_windows(content, starts)


def _line_of(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset)


ERROR_TAGS = "error errors failure failures failed exception exceptions problem"
RARE_TAGS = "unusual rare event events"


def log_event_units(content: str, starts: list[int]) -> list[Unit]:
    """One unit per log event (its continuation lines included), tagged when the logs engine
    would call it an error or a rare event."""
    from headroom_mcp.engines.logs import RARE_TEMPLATE_MAX, mine_text

    _, mined = mine_text(content)
    units = []
    for event in mined.events:
        start = starts[event.first]
        end = starts[event.last + 1] - 1 if event.last + 1 < len(starts) else len(content)
        if end <= start:
            continue
        tags = []
        if event.severe or event.error_words:
            tags.append(ERROR_TAGS)
        family = mined.family[event.template]
        if mined.family_counts[family] <= RARE_TEMPLATE_MAX:
            tags.append(RARE_TAGS)
        where = (
            f"line {event.first + 1}"
            if event.first == event.last
            else f"lines {event.first + 1}-{event.last + 1}"
        )
        units.append(Unit(start, end, where, " ".join(tags)))
    return units


def split_units(content: str, kind: str) -> list[Unit]:
    """Retrievable units of `content`, in original order."""
    starts = line_starts(content)
    if kind == "logs" and len(content) <= MAX_EVENT_UNIT_CHARS:
        return log_event_units(content, starts)
    if kind == "json":
        try:
            return json_record_units(content, starts)
        except (ValueError, IndexError, RecursionError):
            logger.info("json units fell back to line windows")
    return line_windows(content, starts)
