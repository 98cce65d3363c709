"""Project field rules for the JSON engine: fields to drop, fields to keep.

A rule names a field (`body_html`) or a dotted path ending at one (`user.avatar_url`),
matched at any depth of the document. A dropped field is left out everywhere, with a marker
naming it; a kept field is shown even where the engine would leave it out as derivable. A
field the query names is never dropped: retrieval asked for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from headroom_mcp.engines.base import MARKER_PREFIX

_WORD_RE = re.compile(r"[a-z0-9_]+")


@dataclass(frozen=True)
class FieldRules:
    """Fields to drop and to keep (keep wins); names or dotted paths."""

    drop: frozenset[str] = frozenset()
    keep: frozenset[str] = frozenset()

    def keeps(self, key: str) -> bool:
        return key in self.keep


def _matches(rule: str, path: tuple[str, ...]) -> bool:
    parts = tuple(rule.split("."))
    return len(parts) <= len(path) and path[-len(parts) :] == parts


def _named_by(query: str | None) -> set[str]:
    if not query:
        return set()
    lowered = query.lower()
    return {*_WORD_RE.findall(lowered), lowered}


def drop_fields(doc: Any, rules: FieldRules, query: str | None) -> tuple[Any, list[str]]:
    """`doc` without the fields the rules drop, and the names of those it dropped."""
    named = _named_by(query)
    dropped: dict[str, None] = {}

    def spared(key: str) -> bool:
        low = key.lower()
        return (
            key in rules.keep
            or low in named
            or ("_" in low and any(low.replace("_", " ") in n for n in named))
        )

    def walk(value: Any, path: tuple[str, ...]) -> Any:
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                sub = (*path, str(key))
                if not spared(str(key)) and any(_matches(r, sub) for r in rules.drop):
                    dropped.setdefault(".".join(sub[-1:]), None)
                    continue
                out[key] = walk(item, sub)
            return out
        if isinstance(value, list):
            return [walk(item, path) for item in value]
        return value

    if not rules.drop:
        return doc, []
    return walk(doc, ()), sorted(dropped)


def dropped_note(names: list[str]) -> str:
    return (
        f"{MARKER_PREFIX} json: left out by the project's rules (.headroom-mcp.toml): "
        f"{', '.join(names)}; headroom_retrieve gives any record whole]"
    )
