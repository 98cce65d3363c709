"""How one JSON value is shown: nulls and empties dropped, long strings and arrays shortened.

Every shortening leaves a marker inside the value that starts with "[headroom", so nothing the
model reads looks like data that was not in the input.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
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

    Fields for which `skip(key, value)` is true are left out; past MAX_SCHEMA_FIELDS the
    line counts the rest.
    """
    types: dict[str, dict[str, None]] = {}
    for record in records:
        if isinstance(record, dict):
            for key, value in record.items():
                if skip is not None and skip(str(key), value):
                    continue
                types.setdefault(str(key), {}).setdefault(_type_name(value), None)
    shown = [f"{key}:{'|'.join(kinds)}" for key, kinds in types.items()]
    if len(shown) > MAX_SCHEMA_FIELDS:  # a stats object's 75 counters: the records show them
        shown = [*shown[:MAX_SCHEMA_FIELDS], f"+{len(shown) - MAX_SCHEMA_FIELDS} more"]
    return ", ".join(shown)


MAX_SCHEMA_FIELDS = 24


@dataclass(frozen=True)
class Style:
    """How the input spells its JSON: separators after keys and between items, and whether it
    escapes <, > and & as \\u003c, \\u003e and \\u0026 (Go's encoding/json does)."""

    item_sep: str = ","
    key_sep: str = ":"
    html_escaped: bool = False

    def dumps(self, value: Any, spaced: bool = False) -> str:
        """`value` minified, or with the input's separators when `spaced`; escaped like it."""
        if spaced:
            text = json.dumps(value, ensure_ascii=False, separators=(self.item_sep, self.key_sep))
        else:
            text = dumps_compact(value)
        return self.escape(text)

    def escape(self, text: str) -> str:
        if not self.html_escaped:
            return text
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_KEY_SEP_RE = re.compile(r'(?<!\\)"([ \t]*):([ \t]*)(?=["\[{0-9tfn-])')
_ITEM_SEP_RE = re.compile(r',(\s*)(?=["\[{0-9tfn-])')
_STYLE_SAMPLE_CHARS = 20_000


def detect_style(content: str) -> Style:
    """The separators and escaping the input uses (sampled from its start)."""
    head = content[:_STYLE_SAMPLE_CHARS]
    seps = Counter(
        (" " if before else "") + ":" + (" " if after else "")
        for before, after in _KEY_SEP_RE.findall(head)
    )
    key_sep = seps.most_common(1)[0][0] if seps else ":"
    gaps = _ITEM_SEP_RE.findall(head)
    item_sep = ", " if sum(1 for gap in gaps if gap) > len(gaps) // 2 else ","
    escaped = any(e in content for e in ("\\u003c", "\\u003e", "\\u0026")) and not any(
        c in content for c in "<>&"
    )
    return Style(item_sep, key_sep, escaped)
