"""Exact character spans of records inside JSON text, so retrieval can return original bytes.

`json.loads` forgets positions; here we walk the text with `JSONDecoder.raw_decode`, which
parses one value from an offset and says where it ended.
"""

from __future__ import annotations

import json
import re

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _skip_ws(text: str, pos: int) -> int:
    match = _WS.match(text, pos)
    return match.end() if match else pos


def _value_end(text: str, pos: int) -> int:
    return int(_DECODER.raw_decode(text, pos)[1])


def value_start(text: str, parts: tuple[str | int, ...]) -> int:
    """Offset where the value at `parts` begins. Raises ValueError if the path is not there."""
    pos = _skip_ws(text, 0)
    for part in parts:
        if isinstance(part, int):
            spans = element_spans(text, pos)
            pos = spans[part][0]
        else:
            for key, start, _ in member_spans(text, pos):
                if key == part:
                    pos = start
                    break
            else:
                raise ValueError(f"no key {part!r}")
    return pos


def element_spans(text: str, pos: int) -> list[tuple[int, int]]:
    """(start, end) of each element of the array starting at `pos`."""
    if text[pos] != "[":
        raise ValueError("not an array")
    spans: list[tuple[int, int]] = []
    pos = _skip_ws(text, pos + 1)
    if text[pos] == "]":
        return spans
    while True:
        end = _value_end(text, pos)
        spans.append((pos, end))
        pos = _skip_ws(text, end)
        if text[pos] == "]":
            return spans
        if text[pos] != ",":
            raise ValueError(f"expected , at {pos}")
        pos = _skip_ws(text, pos + 1)


def member_spans(text: str, pos: int) -> list[tuple[str, int, int]]:
    """(key, start, end) of each member value of the object starting at `pos`."""
    if text[pos] != "{":
        raise ValueError("not an object")
    members: list[tuple[str, int, int]] = []
    pos = _skip_ws(text, pos + 1)
    if text[pos] == "}":
        return members
    while True:
        key, pos = _DECODER.raw_decode(text, pos)
        pos = _skip_ws(text, pos)
        if text[pos] != ":":
            raise ValueError(f"expected : at {pos}")
        pos = _skip_ws(text, pos + 1)
        end = _value_end(text, pos)
        members.append((str(key), pos, end))
        pos = _skip_ws(text, end)
        if text[pos] == "}":
            return members
        if text[pos] != ",":
            raise ValueError(f"expected , at {pos}")
        pos = _skip_ws(text, pos + 1)
