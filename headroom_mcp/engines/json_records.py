"""JSON engine: query-aware selection of records from the collections inside a JSON document.

A collection is an array of eight or more values (or of two or more sizeable objects), an
object mapping sixteen or more keys to objects, or an object keyed by ids or versions
(`{"0.1.6": [...], "0.1.7": [...]}`), found anywhere in the document (NDJSON counts as one
array). For each collection the output shows a schema line and the chosen records (see
json_select), one record per line prefixed with its JSON path, with a marker for each omitted
run. Records the query names are shown whole, with the input's own separators; when the query
names some, the first and last records are shown by their first fields only. Identical records
are shown once with their count. Everything outside the collections is shown minified with null
and empty fields dropped. Content that is not JSON raises ValueError (the router sends such
content elsewhere).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from headroom_mcp.engines.base import MARKER_PREFIX, EngineResult, omission_line
from headroom_mcp.engines.json_events import (
    EventSelection,
    member_view,
    select_events,
    status_field,
)
from headroom_mcp.engines.json_fields import (
    FieldPlan,
    is_derivable,
    leaf_count,
    plan_fields,
    project_record,
)
from headroom_mcp.engines.json_query import QueryTerms
from headroom_mcp.engines.json_rules import FieldRules, drop_fields, dropped_note
from headroom_mcp.engines.json_select import select_records
from headroom_mcp.engines.json_shape import (
    Style,
    clean,
    detect_style,
    dumps_compact,
    path_text,
    schema_line,
)
from headroom_mcp.tokens import count_tokens

MIN_ARRAY_ITEMS = 8
MIN_MAP_KEYS = 16
MIN_ALIKE_MAP_KEYS = 4
MIN_RECORD_LEAVES = 10  # two or more objects this big (on average) make a collection
MAX_ID_KEY_CHARS = 40
BRIEF_FIELDS = 6
BRIEF_STRING_CHARS = 80
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


FILE_HEADER_RE = re.compile(r"^==> .+ <==$")  # `tail`/`head` over several files


def parse_json_document(content: str) -> tuple[Any, bool]:
    """The parsed document and whether it was NDJSON (lines of JSON, possibly several files'
    worth under `==> name <==` headers, which are skipped). Raises ValueError if it is
    neither."""
    text = content.strip()
    headed = bool(text) and bool(FILE_HEADER_RE.match(text.split("\n", 1)[0]))
    if not text or (text[0] not in "[{" and not headed):
        raise ValueError("not JSON: does not start with { or [")
    first_error: Exception = ValueError("not JSON")
    if not headed:
        try:
            return json.loads(text), False
        except RecursionError:
            raise ValueError("JSON nested too deeply to parse") from None
        except json.JSONDecodeError as exc:
            first_error = exc
    lines = [line for line in text.splitlines() if line.strip() and not FILE_HEADER_RE.match(line)]
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
        if _is_record_array(doc):
            yield Collection(parts, doc)
            return
        for i, item in enumerate(doc):
            yield from find_collections(item, (*parts, i), depth + 1)
    elif isinstance(doc, dict):
        if _is_keyed_map(doc):
            yield Collection(parts, list(doc.values()), keys=[str(k) for k in doc])
            return
        for key, item in doc.items():
            yield from find_collections(item, (*parts, str(key)), depth + 1)


def _is_record_array(doc: list[Any]) -> bool:
    if len(doc) >= MIN_ARRAY_ITEMS:
        return True
    return (
        len(doc) >= 2
        and all(isinstance(v, dict) for v in doc)
        and sum(leaf_count(v) for v in doc) >= MIN_RECORD_LEAVES * len(doc)
    )


def _is_id_key(key: str) -> bool:
    """A member name that is an id or a version ("10100", "0.1.7", "v2"), not a field name."""
    return len(key) <= MAX_ID_KEY_CHARS and any(c.isdigit() for c in key) and " " not in key


def _alike_objects(values: list[Any]) -> bool:
    """Objects that share most of their field names (each has at least half of its fields
    among those all of them have)."""
    if not all(isinstance(v, dict) and v and not _holds_records(v) for v in values):
        return False  # (records of records, a coverage map's files, are walked into instead)
    shared = set.intersection(*(set(v) for v in values))
    return all(2 * len(shared) >= len(v) for v in values)


def _holds_records(record: dict[str, Any]) -> bool:
    """Whether a field of `record` is itself a list or map of objects."""
    for value in record.values():
        if not isinstance(value, dict | list) or len(value) < 2:
            continue
        items = value.values() if isinstance(value, dict) else value
        if all(isinstance(item, dict) for item in items):
            return True
    return False


def _is_keyed_map(doc: dict[str, Any]) -> bool:
    """An object whose members are records: many objects, or records keyed by ids/versions."""
    values = list(doc.values())
    if len(doc) >= MIN_MAP_KEYS and all(isinstance(v, dict) for v in values):
        return True
    if len(doc) >= MIN_ALIKE_MAP_KEYS and _alike_objects(values):
        return True  # a few records of one shape keyed by name: a lock file's packages
    if len(doc) < 2 or not all(_is_id_key(str(k)) for k in doc):
        return False
    if all(isinstance(v, dict) and v for v in values):
        return True
    return all(isinstance(v, list) for v in values) and any(
        v and all(isinstance(x, dict) for x in v) for v in values
    )


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


def _skeleton(
    doc: Any, collections: list[Collection], query: str | None, style: Style
) -> str | None:
    """The document outside its collections, each collection shown as `[…N records]`; minified,
    or with the input's separators when the query names one of its values."""
    if len(collections) == 1 and not collections[0].parts:
        return None
    for n, col in enumerate(collections):
        doc = _replace_at(doc, col.parts, _PLACEHOLDER.format(n))
    shown = clean(doc)
    text = style.dumps(shown)
    token_re = QueryTerms.of(query).token_re if query else None
    if token_re is not None and token_re.search(text):
        text = style.dumps(shown, spaced=True)
    for n, col in enumerate(collections):
        quoted = json.dumps(_PLACEHOLDER.format(n), ensure_ascii=False)
        text = text.replace(quoted, f"[…{len(col.records)} records]")
    return f"$ {text}"


@dataclass
class _Shown:
    """One collection's kept records, as lines ready to print.

    `lines` holds the record lines in priority order (the budget drops from the end). For an
    event stream `events` is set: lines are printed in its display order, grouped per test.
    """

    collection: Collection
    lines: dict[int, str]
    query_matches: int
    plan: FieldPlan
    events: EventSelection | None = None
    named: frozenset[int] = frozenset()  # records the query names: dropped last for the budget


def _record_lines(
    col: Collection, query: str | None, style: Style, keep: frozenset[str] = frozenset()
) -> _Shown:
    """The kept records of one collection, as lines in priority order."""
    plan = plan_fields(col.records)
    plan.keep = keep
    key = status_field(col.records)
    selection = select_records(col.records, query, col.keys, events=key is not None)
    events = None
    if key is not None:
        hits = [i for i, why in selection.reasons.items() if why == "query"]
        events = select_events(col.records, key, query, list(selection.reasons), hits)
        order = events.order
    else:
        order = list(selection.reasons)  # insertion order is priority order
    full = {i for i, why in selection.reasons.items() if why == "query"}
    brief_ends = events is None and bool(full)
    lines: dict[int, str] = {}
    seen: dict[str, int] = {}
    # Identity is judged on the raw record: json.dumps runs in C, cleaning every record would not.
    copies = Counter(dumps_compact(r) for r in col.records)
    for i in order:
        record = col.records[i]
        if events is not None and i in events.members:
            record = member_view(record, events.group_by, anchor=i in events.anchors)
        shown = clean(project_record(record, plan, full=i in full))
        brief = brief_ends and selection.reasons[i] in ("first", "last")
        canon = _brief_text(shown, style) if brief else style.dumps(shown, spaced=i in full)
        if canon in seen and (events is None or i not in events.members):
            continue
        seen[canon] = i
        member = events is not None and i in events.members
        count = 0 if member else copies[dumps_compact(col.records[i])]
        extra = f" (x{count} identical)" if count > 1 else ""
        if brief and isinstance(shown, dict) and len(shown) > BRIEF_FIELDS:
            extra += f" (first {BRIEF_FIELDS} of {len(shown)} fields)"
        lines[i] = f"{col.record_path(i)}{extra} {canon}"
    return _Shown(col, lines, selection.query_matches, plan, events, frozenset(full))


def _brief_text(shown: Any, style: Style) -> str:
    """A record not named by the query, by its first scalar fields (short strings cut)."""
    if isinstance(shown, dict):
        head: dict[str, Any] = {}
        for key, value in shown.items():
            if len(head) >= BRIEF_FIELDS:
                break
            if isinstance(value, str) and len(value) > BRIEF_STRING_CHARS:
                cut = len(value) - BRIEF_STRING_CHARS
                value = f"{value[:BRIEF_STRING_CHARS]}…{MARKER_PREFIX}: +{cut} chars]"
            if not isinstance(value, dict | list):
                head[key] = value
        return style.dumps(head)
    if isinstance(shown, list):
        return f"{MARKER_PREFIX}: {len(shown)} items]"
    return style.dumps(shown)


def _render(shown: list[_Shown], skeleton: str | None, terse: bool = False) -> tuple[str, int, int]:
    """Full text, total records, kept records; `terse` leaves out field lists and notes."""
    total = sum(len(s.collection.records) for s in shown)
    kept = sum(len(s.lines) for s in shown)
    head = [_summary(shown, total, kept)]
    if skeleton:
        head.append(skeleton)
    body = []
    for s in shown:
        col = s.collection
        base = path_text(col.parts)
        fields = "" if terse else schema_line(col.records, skip=is_derivable)
        if fields:
            body.append(f"{base}[*] fields: {fields}")
        if not terse:
            body.extend(s.plan.notes())
        if s.events is not None:
            body.extend(_event_lines(s, s.events))
            continue
        prev = -1
        for i in sorted(s.lines):
            if i > prev + 1:
                body.append(_gap(col, prev + 1, i - 1))
            body.append(s.lines[i])
            prev = i
        if prev < len(col.records) - 1:
            body.append(_gap(col, prev + 1, len(col.records) - 1))
    return "\n".join(head + body), total, kept


def _event_lines(s: _Shown, events: EventSelection) -> list[str]:
    """An event stream's lines in display order: each test's note, then its events."""
    out = []
    for i in events.order:
        if i not in s.lines:
            continue
        note = events.group_notes.get(i)
        if note:
            out.append(omission_line(f"json: {note}"))
        out.append(s.lines[i])
    left = len(s.collection.records) - len(s.lines)
    if left:
        out.append(
            omission_line(
                f"{left} other events of {path_text(s.collection.parts)} omitted; "
                "headroom_retrieve(query=...) finds any of them"
            )
        )
    return out


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
        if s.events is not None:
            parts.append(f"{where} has {len(s.collection.records):,} events{_event_counts(s)}")
        else:
            parts.append(f"{where} has {len(s.collection.records):,} records{matched}")
    kinds = "records"
    why = "query matches, records that stand out, first and last"
    if all(s.events is not None for s in shown):
        kinds = "events"
        focus = "/".join(s for s in shown[0].events.focus) if shown[0].events else "fail"
        why = f"the {focus} events with their tests' events, query matches, first and last"
    return (
        f"{MARKER_PREFIX} json: {'; '.join(parts)}. Showing {kept:,} of {total:,} {kinds} "
        f"({why}), one per line after its path; null and empty fields dropped]"
    )


def _event_counts(s: _Shown) -> str:
    events = s.events
    if events is None:
        return ""
    counts = ", ".join(f"{n:,} {value}" for value, n in events.counts.most_common(12))
    more = len(events.counts) - 12
    if more > 0:
        counts += f" and {more} other values"
    shown = ""
    if events.focus_total > events.focus_shown:
        shown = f"; showing {events.focus_shown} of the {events.focus_total} {events.focus[0]}"
    return f" ({events.status_key}: {counts}){shown}"


def compress_json(
    content: str, query: str | None, budget: int | None, rules: FieldRules | None = None
) -> EngineResult:
    """Show a JSON document with its collections reduced to the records that matter; with
    `rules` (from the project's .headroom-mcp.toml), without the fields they drop."""
    doc, ndjson = parse_json_document(content)
    dropped: list[str] = []
    if rules is not None:
        doc, dropped = drop_fields(doc, rules, query)
    collections = list(find_collections(doc))
    style = detect_style(content)
    ruled = (f"json:rules:dropped:{len(dropped)}",) if dropped else ()
    if not collections:
        text = style.dumps(clean(doc))
        if dropped:
            text = f"{dropped_note(dropped)}\n{text}"
        return EngineResult(text, ("json:minify", *ruled))
    keep = rules.keep if rules is not None else frozenset()
    shown = [_record_lines(col, query, style, keep) for col in collections]
    skeleton = _skeleton(doc, collections, query, style)
    terse = False
    if budget is not None:
        skeleton, terse = _fit_budget(shown, skeleton, budget)
    text, total, kept = _render(shown, skeleton, terse)
    if dropped:
        head, _, rest = text.partition("\n")
        text = f"{head}\n{dropped_note(dropped)}" + (f"\n{rest}" if rest else "")
    if budget is not None:
        text = cut_to_tokens(text, budget)
    mode = "ndjson" if ndjson else "json"
    return EngineResult(
        text,
        (f"{mode}:select:{kept}/{total}", *ruled),
        omitted=f"{total - kept} of {total} records omitted" if kept < total else None,
    )


def _fit_budget(shown: list[_Shown], skeleton: str | None, budget: int) -> tuple[str | None, bool]:
    """Drop the lowest-priority record lines until the rendered text fits `budget` tokens,
    keeping the most important one (a record the query names goes last); then leave out the
    field lists and notes, then shorten the skeleton. Returns the skeleton and `terse`."""
    terse = False
    while True:
        text, _, kept = _render(shown, skeleton)
        if count_tokens(text) <= budget or kept <= 1:
            break
        # Lines were inserted in priority order, so the last one inserted matters least.
        unnamed = [s for s in shown if s.lines and next(reversed(s.lines)) not in s.named]
        fullest = max(unnamed or shown, key=lambda s: len(s.lines))
        fullest.lines.pop(next(reversed(fullest.lines)))
    if count_tokens(text) > budget:
        terse = True
        text, _, _ = _render(shown, skeleton, terse)
    if skeleton is not None and count_tokens(text) > budget:
        room = max(0, budget - (count_tokens(text) - count_tokens(skeleton)))
        skeleton = cut_to_tokens(skeleton, room, "the document around its collections")
    return skeleton, terse


def cut_to_tokens(text: str, budget: int, what: str = "the rest") -> str:
    """`text` cut (at a line end where it can) to `budget` tokens, marker included."""
    marker = f"\n{MARKER_PREFIX}: {what} cut here to fit the token budget]"
    if count_tokens(text) <= budget:
        return text
    room = budget - count_tokens(marker)
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits
        mid = (low + high + 1) // 2
        if count_tokens(text[:mid]) <= room:
            low = mid
        else:
            high = mid - 1
    head = text[:low]
    line_end = head.rfind("\n")
    if line_end > len(head) // 2:
        head = head[:line_end]
    return head + marker
