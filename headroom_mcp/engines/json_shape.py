"""How one JSON value is shown: nulls and empties dropped, long strings and arrays shortened.

Every shortening leaves a marker inside the value that starts with "[headroom", so nothing the
model reads looks like data that was not in the input.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

MAX_STRING_CHARS = 500
NESTED_ARRAY_HEAD = 5
NESTED_ARRAY_TAIL = 2
_IDENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_EMPTY: tuple[Any, ...] = (None, "", [], {})


def clean(value: Any) -> Any:
    """Drop null/empty fields, cut long strings, sample long nested arrays (with markers)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            shown = clean(item)
            if not _is_empty(shown):
                out[key] = shown
        return out
    if isinstance(value, list):
        items = [clean(v) for v in value]
        limit = NESTED_ARRAY_HEAD + NESTED_ARRAY_TAIL
        if len(items) > limit + 1:
            hidden = len(items) - limit
            marker = f"[headroom: {hidden} more items]"
            return [*items[:NESTED_ARRAY_HEAD], marker, *items[-NESTED_ARRAY_TAIL:]]
        return items
    if isinstance(value, str) and len(value) > MAX_STRING_CHARS:
        return f"{value[:MAX_STRING_CHARS]}…[headroom: +{len(value) - MAX_STRING_CHARS} chars]"
    return value


def _is_empty(value: Any) -> bool:
    return any(value is e or (type(value) is type(e) and value == e) for e in _EMPTY)


def dumps_compact(value: Any) -> str:
    """Minified JSON, non-ASCII kept as is (fewer tokens than \\u escapes)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def path_text(parts: tuple[str | int, ...]) -> str:
    """JSONPath-style text for a location: $.items[3].name, $["US Gross"]."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENT_RE.match(part):
            out += f".{part}"
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
    return out


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        return "list"
    return "object"


def schema_line(records: list[Any], skip: Callable[[str, Any], bool] | None = None) -> str:
    """Field names in first-seen order with their types, e.g. `Title:str, Budget:int|null`.

    Fields for which `skip(key, value)` is true are left out.
    """
    types: dict[str, dict[str, None]] = {}
    for record in records:
        if isinstance(record, dict):
            for key, value in record.items():
                if skip is not None and skip(str(key), value):
                    continue
                types.setdefault(str(key), {}).setdefault(_type_name(value), None)
    return ", ".join(f"{key}:{'|'.join(kinds)}" for key, kinds in types.items())
