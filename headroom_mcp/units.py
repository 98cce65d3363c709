"""Cut an original into retrievable units, following its kind.

JSON collections give one unit per record (located by JSON path), NDJSON one per line, and
everything else windows of lines. A unit is a slice of the original, so what retrieval shows
is the original text itself.
"""

from __future__ import annotations

import bisect
import logging
import re

from headroom_mcp.store import Unit

logger = logging.getLogger(__name__)

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


def _row_span(content: str, starts: list[int], first: int, last: int) -> tuple[int, int]:
    end = starts[last + 1] - 1 if last + 1 < len(starts) else len(content)
    return starts[first], max(starts[first], end)


def _windows_between(content: str, starts: list[int], first: int, last: int) -> list[Unit]:
    """Line windows over rows first..last (inclusive), for text between structured units."""
    return line_windows(content, starts, first, last, skip_blank=True)


def _words_of(name: str) -> str:
    """An identifier's parts as words, so "raw_decode" or "rawDecode" match "raw decode"."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name).replace("_", " ")
    return f"{name} {spaced}".strip()


def code_symbol_units(content: str, starts: list[int], name: str | None) -> list[Unit]:
    """One unit per function or method (with its doc comment), windows for the code between."""
    from headroom_mcp.engines.code import parse_outline
    from headroom_mcp.engines.code_languages import language_from_name

    parsed = parse_outline(content, language_from_name(name) if name else None)
    units: list[Unit] = []
    row = 0
    for symbol in sorted(parsed.outline.symbols, key=lambda s: s.start):
        first = symbol.doc_start if symbol.doc_start is not None else symbol.start
        first = max(first, row)
        units += _windows_between(content, starts, row, first - 1)
        start, end = _row_span(content, starts, first, symbol.end)
        where = f"{symbol.name or 'function'} (lines {first + 1}-{symbol.end + 1})"
        units.append(Unit(start, end, where, _words_of(symbol.name)))
        row = symbol.end + 1
    units += _windows_between(content, starts, row, len(starts) - 1)
    return units


def diff_hunk_units(content: str, starts: list[int]) -> list[Unit]:
    """One unit per hunk, its file path indexed with it; headers and messages as windows."""
    lines = content.split("\n")
    units: list[Unit] = []
    path = ""
    hunk_start: int | None = None
    pending = 0  # first row not yet in a unit

    def close(row: int) -> None:
        nonlocal hunk_start, pending
        if hunk_start is not None:
            start, end = _row_span(content, starts, hunk_start, row - 1)
            units.append(Unit(start, end, f"{path} {lines[hunk_start].split(' @@')[0]} @@",
                              f"{path} {_words_of(path.rsplit('/', 1)[-1])}"))  # fmt: skip
            hunk_start = None
            pending = row

    for row, line in enumerate(lines):
        if line.startswith(("diff --git ", "commit ")):
            close(row)
            if line.startswith("diff --git "):
                path = line.split(" b/", 1)[-1]
        elif line.startswith("@@ "):
            close(row)
            units += _windows_between(content, starts, pending, row - 1)
            hunk_start = row
    close(len(lines))
    units += _windows_between(content, starts, pending, len(lines) - 1)
    return sorted(units, key=lambda u: u.start)


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
        start, end = _row_span(content, starts, row, last)
        if content[start:end].strip():
            where = f"{path} (lines {row + 1}-{last + 1})" if path else f"line {row + 1}"
            units.append(Unit(start, end, where, path or ""))
        row = last + 1
    return units


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
        start, end = _row_span(content, starts, row, last)
        if end - start > WINDOW_MAX_CHARS:
            units += _windows_between(content, starts, row, last)
        else:
            where = f"paragraph at line {row + 1}" if row == last else f"lines {row + 1}-{last + 1}"
            units.append(Unit(start, end, where))
        row = last + 1
    return units


def split_units(content: str, kind: str, name: str | None = None) -> list[Unit]:
    """Retrievable units of `content`, in original order, cut the way its kind is built."""
    starts = line_starts(content)
    structured = {
        "logs": lambda: log_event_units(content, starts),
        "code": lambda: code_symbol_units(content, starts, name),
        "diff": lambda: diff_hunk_units(content, starts),
        "search": lambda: search_file_units(content, starts),
        "prose": lambda: paragraph_units(content, starts),
    }
    if kind in structured and len(content) <= MAX_STRUCTURED_UNIT_CHARS:
        try:
            return structured[kind]()
        except (ValueError, IndexError, RecursionError):
            logger.info("%s units fell back to line windows", kind)
    if kind == "json":
        try:
            return json_record_units(content, starts)
        except (ValueError, IndexError, RecursionError):
            logger.info("json units fell back to line windows")
    return line_windows(content, starts)
