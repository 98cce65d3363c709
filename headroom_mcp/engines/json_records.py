"""JSON engine: query-aware selection of records from the collections inside a JSON document.

A collection is an array of eight or more values, or an object mapping sixteen or more keys to
objects, found anywhere in the document (NDJSON counts as one array). For each collection the
output shows a schema line and the chosen records (see json_select), one minified record per
line prefixed with its JSON path, with a marker for each omitted run. Identical records are
shown once with their count. Everything outside the collections is shown minified with null
and empty fields dropped. Content that is not JSON raises ValueError (the router sends such
content elsewhere).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from headroom_mcp.engines.base import MARKER_PREFIX, EngineResult, omission_line
from headroom_mcp.engines.json_select import select_records
from headroom_mcp.engines.json_shape import clean, dumps_compact, path_text, schema_line
from headroom_mcp.tokens import count_tokens

MIN_ARRAY_ITEMS = 8
MIN_MAP_KEYS = 16
MAX_WALK_DEPTH = 8
_PLACEHOLDER = "\u0000headroom-collection-{}\u0000"


@dataclass
class Collection:
    """A list of records found at `parts`; `keys` is set when it came from an object map."""

    parts: tuple[str | int, ...]
    records: list[Any]
    keys: list[str] | None = None

    def record_path(self, index: int) -> str:
        if self.keys is not None:
            return path_text((*self.parts, self.keys[index]))
        return path_text((*self.parts, index))


def parse_json_document(content: str) -> tuple[Any, bool]:
    """The parsed document and whether it was NDJSON. Raises ValueError if it is neither."""
    text = content.strip()
    if not text or text[0] not in "[{":
        raise ValueError("not JSON: does not start with { or [")
    try:
        return json.loads(text), False
    except RecursionError:
        raise ValueError("JSON nested too deeply to parse") from None
    except json.JSONDecodeError as first_error:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) < 2:
            raise ValueError(f"not JSON: {first_error}") from None
        try:
            return [json.loads(line) for line in lines], True
        except (json.JSONDecodeError, RecursionError):
            raise ValueError(f"not JSON: {first_error}") from None


def find_collections(
    doc: Any, parts: tuple[str | int, ...] = (), depth: int = 0
) -> Iterator[Collection]:
    """Collections in document order; a collection's own records are not searched further."""
    if depth > MAX_WALK_DEPTH:
        return
    if isinstance(doc, list):
        if len(doc) >= MIN_ARRAY_ITEMS:
            yield Collection(parts, doc)
            return
        for i, item in enumerate(doc):
            yield from find_collections(item, (*parts, i), depth + 1)
    elif isinstance(doc, dict):
        if len(doc) >= MIN_MAP_KEYS and all(isinstance(v, dict) for v in doc.values()):
            yield Collection(parts, list(doc.values()), keys=[str(k) for k in doc])
            return
        for key, item in doc.items():
            yield from find_collections(item, (*parts, str(key)), depth + 1)


def _replace_at(doc: Any, parts: tuple[str | int, ...], value: Any) -> Any:
    """A shallow-copied document with the value at `parts` replaced."""
    if not parts:
        return value
    head, rest = parts[0], parts[1:]
    if isinstance(doc, list):
        copy_list = list(doc)
        copy_list[int(head)] = _replace_at(doc[int(head)], rest, value)
        return copy_list
    copy_dict = dict(doc)
    copy_dict[head] = _replace_at(doc[head], rest, value)
    return copy_dict


def _skeleton(doc: Any, collections: list[Collection]) -> str | None:
    """The document outside its collections, minified, each collection shown as `[…N records]`."""
    if len(collections) == 1 and not collections[0].parts:
        return None
    for n, col in enumerate(collections):
        doc = _replace_at(doc, col.parts, _PLACEHOLDER.format(n))
    text = dumps_compact(clean(doc))
    for n, col in enumerate(collections):
        quoted = json.dumps(_PLACEHOLDER.format(n), ensure_ascii=False)
        text = text.replace(quoted, f"[…{len(col.records)} records]")
    return f"$ {text}"


@dataclass
class _Shown:
    """One collection's kept records, as lines ready to print."""

    collection: Collection
    lines: dict[int, str]
    query_matches: int


def _record_lines(col: Collection, query: str | None) -> tuple[list[tuple[int, str]], int]:
    """(index, line) in priority order for one collection, and how many matched the query."""
    selection = select_records(col.records, query)
    canon = [dumps_compact(clean(r)) for r in col.records]
    copies = Counter(canon)
    out: list[tuple[int, str]] = []
    seen: set[str] = set()
    for i in selection.reasons:  # insertion order is priority order
        if canon[i] in seen:
            continue
        seen.add(canon[i])
        extra = f" (x{copies[canon[i]]} identical)" if copies[canon[i]] > 1 else ""
        out.append((i, f"{col.record_path(i)}{extra} {canon[i]}"))
    return out, selection.query_matches


def _render(shown: list[_Shown], skeleton: str | None) -> tuple[str, int, int]:
    """Full text, total records, kept records."""
    total = sum(len(s.collection.records) for s in shown)
    kept = sum(len(s.lines) for s in shown)
    head = [_summary(shown, total, kept)]
    if skeleton:
        head.append(skeleton)
    body = []
    for s in shown:
        col = s.collection
        base = path_text(col.parts)
        fields = schema_line(col.records)
        if fields:
            body.append(f"{base}[*] fields: {fields}")
        prev = -1
        for i in sorted(s.lines):
            if i > prev + 1:
                body.append(_gap(col, prev + 1, i - 1))
            body.append(s.lines[i])
            prev = i
        if prev < len(col.records) - 1:
            body.append(_gap(col, prev + 1, len(col.records) - 1))
    return "\n".join(head + body), total, kept


def _gap(col: Collection, first: int, last: int) -> str:
    count = last - first + 1
    if count == 1:
        return omission_line(f"{col.record_path(first)} omitted")
    return omission_line(
        f"{col.record_path(first)} … {col.record_path(last)} omitted ({count} records)"
    )


def _summary(shown: list[_Shown], total: int, kept: int) -> str:
    parts = []
    for s in shown:
        where = path_text(s.collection.parts)
        matched = f"; {s.query_matches} match the query" if s.query_matches else ""
        parts.append(f"{where} has {len(s.collection.records)} records{matched}")
    return (
        f"{MARKER_PREFIX} json: {'; '.join(parts)}. Showing {kept} of {total} records "
        "(query matches, records that stand out, first and last), one per line after its "
        "path; null and empty fields dropped]"
    )


def compress_json(content: str, query: str | None, budget: int | None) -> EngineResult:
    """Show a JSON document with its collections reduced to the records that matter."""
    doc, ndjson = parse_json_document(content)
    collections = list(find_collections(doc))
    if not collections:
        text = dumps_compact(clean(doc))
        return EngineResult(text, ("json:minify",))
    shown = []
    for col in collections:
        ranked, matches = _record_lines(col, query)
        shown.append(_Shown(col, dict(ranked), matches))
    skeleton = _skeleton(doc, collections)
    if budget is not None:
        _fit_budget(shown, skeleton, budget)
    text, total, kept = _render(shown, skeleton)
    mode = "ndjson" if ndjson else "json"
    return EngineResult(
        text,
        (f"{mode}:select:{kept}/{total}",),
        omitted=f"{total - kept} of {total} records omitted" if kept < total else None,
    )


def _fit_budget(shown: list[_Shown], skeleton: str | None, budget: int) -> None:
    """Drop the lowest-priority record lines until the rendered text fits `budget` tokens."""
    while True:
        text, _, kept = _render(shown, skeleton)
        if count_tokens(text) <= budget or kept == 0:
            return
        # Lines were inserted in priority order, so the last one inserted matters least.
        fullest = max(shown, key=lambda s: len(s.lines))
        fullest.lines.pop(next(reversed(fullest.lines)))
