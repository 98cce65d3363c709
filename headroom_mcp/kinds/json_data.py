"""JSON: a document or NDJSON that parses; records selected by the query, the rest counted.

Units: one per record of each collection (located by JSON path), one per NDJSON line.
"""

from __future__ import annotations

from headroom_mcp.engines.base import EngineResult
from headroom_mcp.kinds.base import KindDeclined, Options, Sample
from headroom_mcp.store import Unit
from headroom_mcp.units import line_of, line_starts, line_windows

NAME = "json"


def score(sample: Sample) -> float:
    """Certain when the whole content parses as JSON (or as lines of JSON)."""
    from headroom_mcp.engines.json_records import parse_json_document

    text = sample.content.lstrip()
    if not text or (text[0] not in "[{" and not text.startswith("==> ")):
        return 0.0
    try:
        parse_json_document(sample.content)
    except ValueError:
        return 0.0
    return 1.0


def compress(content: str, query: str | None, budget: int | None, options: Options) -> EngineResult:
    from headroom_mcp.engines.json_records import compress_json

    try:
        return compress_json(content, query, budget, options.field_rules)
    except (ValueError, RecursionError) as exc:
        raise KindDeclined(f"not JSON: {exc}") from exc


BIG_RECORD_CHARS = 4000  # a record longer than this is cut into its fields for retrieval


def units(content: str, options: Options) -> list[Unit]:
    starts = line_starts(content)
    try:
        return json_record_units(content, starts)
    except (ValueError, IndexError, RecursionError):
        return line_windows(content, starts)


def json_record_units(content: str, starts: list[int]) -> list[Unit]:
    """One unit per record of each collection, plus line windows for anything else."""
    from headroom_mcp.engines.json_records import find_collections, parse_json_document
    from headroom_mcp.engines.json_shape import path_text
    from headroom_mcp.json_spans import element_spans, member_spans, value_start

    doc, ndjson = parse_json_document(content)
    units: list[Unit] = []
    if ndjson:
        for i, start in enumerate(starts):
            end = starts[i + 1] - 1 if i + 1 < len(starts) else len(content)
            if content[start:end].strip():
                units.append(Unit(start, end, f"line {i + 1}"))
        return units

    def add(parts: tuple[str | int, ...], start: int, end: int) -> None:
        if end - start > BIG_RECORD_CHARS and content[start] == "{":
            # A big record (fifty hashes and a version) is cut into its fields, each named
            # by its path: a question about the version finds that line, not 2,000 tokens.
            fields = member_spans(content, start)
            if len(fields) > 1:
                for key, f_start, f_end in fields:
                    where = path_text((*parts, key))
                    units.append(Unit(f_start, f_end, f"{where} (line {line_of(starts, f_start)})"))
                return
        units.append(Unit(start, end, f"{path_text(parts)} (line {line_of(starts, start)})"))

    for col in find_collections(doc):
        pos = value_start(content, col.parts)
        if col.keys is None:
            for i, (start, end) in enumerate(element_spans(content, pos)):
                add((*col.parts, i), start, end)
        else:
            for key, start, end in member_spans(content, pos):
                add((*col.parts, key), start, end)
    return units or line_windows(content, starts)
