"""Which fields of a collection's records a reader needs: derivable fields out, constants once.

REST payloads (GitHub, GitLab, Stripe, Kubernetes lists, npm) repeat per record many fields a
reader can rebuild from others: API URLs and URL templates built from an id, `*_url` fields,
avatars, `node_id`, `_links`, etags. `project_record` drops those everywhere in a record. For
collections of wide records it also leaves out fields whose value is the same in every record
(shown once in a header instead), shows nested objects and list items by their identifying field
(`user` as its `login`, `labels` as their `name`), and cuts long text to its first sentence.
Every elision is named by `FieldPlan.notes()` or marked inside the value; no value is invented.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from headroom_mcp.engines.base import MARKER_PREFIX
from headroom_mcp.engines.json_shape import dumps_compact

WIDE_RECORD_LEAVES = 20  # records with at least this many scalar fields on average are "wide"
MIN_CONSTANT_RECORDS = 8  # a field counts as constant only across at least this many records
MAX_CONSTANT_SHOWN_CHARS = 300  # constants longer than this are named, not shown
FIRST_SENTENCE_MIN_CHARS = 120  # text longer than this is cut to its first sentence
FIRST_SENTENCE_MAX_CHARS = 200

_DERIVABLE_KEYS = frozenset({"node_id", "gravatar_id", "_links", "links", "etag", "avatar_url"})
_URL_TEMPLATE_RE = re.compile(r"\{[/?&]?[A-Za-z_,]+\}")
_API_URL_RE = re.compile(r"^https?://(api\.|[^/]+/api/|[^/]+/apis?/v\d)")
_SELF_LINK_KEYS = frozenset({"url", "html_url", "node_id", "self", "selflink", "href", "_links"})
_IDENT_KEYS = ("name", "login", "username", "title", "key", "id")
_DOWNLOAD_RE = re.compile(
    r"^https?://\S+\.(tar\.gz|tgz|tar\.bz2|tar\.xz|zip|whl|egg|jar|nupkg|gem|crate|deb|rpm)$"
)
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s|\n")


def is_derivable(key: str, value: Any) -> bool:
    """True for a field a reader can rebuild from the record's other fields or does not need.

    A link to a file to download (a package's archive, a release asset) is never derivable:
    it is often what the reader came for."""
    lowered = key.lower()
    if isinstance(value, str) and _DOWNLOAD_RE.search(value):
        return False
    if lowered in _DERIVABLE_KEYS or lowered.endswith(("_url", "_links")):
        return True
    if isinstance(value, str):
        if _URL_TEMPLATE_RE.search(value) and value.startswith("http"):
            return True
        if lowered in ("url", "self", "selflink", "href") and _API_URL_RE.match(value):
            return True
    return False


def leaf_count(value: Any) -> int:
    """How many scalar values a record holds (list items counted)."""
    if isinstance(value, dict):
        return sum(leaf_count(v) for v in value.values())
    if isinstance(value, list):
        return sum(leaf_count(v) for v in value)
    return 1


def _dict_paths(value: Any, prefix: tuple[str, ...] = ()) -> Iterable[tuple[tuple[str, ...], Any]]:
    """(path, value) for every field reachable through objects only (not through lists)."""
    if isinstance(value, dict):
        for key, item in value.items():
            path = (*prefix, str(key))
            yield path, item
            yield from _dict_paths(item, path)


@dataclass
class FieldPlan:
    """How to show the records of one collection."""

    wide: bool = False
    constants: dict[tuple[str, ...], Any] = field(default_factory=dict)
    dropped: set[str] = field(default_factory=set)
    reduced: set[str] = field(default_factory=set)
    cut_text: bool = False
    keep: frozenset[str] = frozenset()  # shown even when derivable (a project rule)

    def notes(self) -> list[str]:
        """Marker lines naming what the record lines leave out."""
        out = []
        if self.dropped:
            names = ", ".join(sorted(self.dropped)[:12])
            more = f" and {len(self.dropped) - 12} more" if len(self.dropped) > 12 else ""
            out.append(
                f"{MARKER_PREFIX} json: left out as derivable (API URLs, URL templates, avatars, "
                f"node ids): {names}{more}]"
            )
        if self.constants:
            shown = []
            named = []
            for path, value in self.constants.items():
                text = dumps_compact(value)
                if len(text) <= MAX_CONSTANT_SHOWN_CHARS:
                    shown.append(f"{dumps_compact('.'.join(path))}:{text}")
                else:
                    named.append(".".join(path))
            if shown:
                out.append(f"{MARKER_PREFIX} json: the same in every record: {', '.join(shown)}]")
            if named:
                out.append(
                    f"{MARKER_PREFIX} json: the same in every record (long, left out): "
                    f"{', '.join(named)}]"
                )
        if self.reduced:
            out.append(
                f"{MARKER_PREFIX} json: {', '.join(sorted(self.reduced))} shown by their "
                "identifying field only]"
            )
        if self.cut_text:
            out.append(
                f"{MARKER_PREFIX} json: long text cut to its first sentence; "
                "headroom_retrieve gives any record whole]"
            )
        return out


def plan_fields(records: list[Any]) -> FieldPlan:
    """Decide which fields to show for a collection's records."""
    dicts = [r for r in records if isinstance(r, dict)]
    plan = FieldPlan()
    if len(dicts) < MIN_CONSTANT_RECORDS or len(dicts) < len(records):
        return plan
    sample = dicts[:: max(1, len(dicts) // 200)]
    plan.wide = sum(leaf_count(r) for r in sample) / len(sample) >= WIDE_RECORD_LEAVES
    if not plan.wide:
        return plan
    plan.cut_text = True
    first = dict(_dict_paths(dicts[0]))
    candidates = {p: v for p, v in first.items() if not isinstance(v, dict)}
    for record in dicts[1:]:
        if not candidates:
            break
        paths = dict(_dict_paths(record))
        candidates = {p: v for p, v in candidates.items() if p in paths and paths[p] == v}
    plan.constants = {
        p: v
        for p, v in candidates.items()
        if v not in (None, "", [], {}) and not is_derivable(p[-1], v) and _keep_constant(p)
    }
    return plan


def _keep_constant(path: tuple[str, ...]) -> bool:
    """Identifying fields stay in every line even when they do not vary."""
    return path[-1].lower() not in ("id", "number", "name", "title")


def project_record(record: Any, plan: FieldPlan, full: bool = False) -> Any:
    """The record as shown: derivable fields dropped; for wide records (unless `full`) constants
    left out, embedded entities shown by their identifying field and long text cut."""
    return _project(record, (), plan, 0, compact=plan.wide and not full)


def _project(value: Any, path: tuple[str, ...], plan: FieldPlan, depth: int, compact: bool) -> Any:
    if isinstance(value, dict):
        out = {}
        had_derivable = False
        for key, item in value.items():
            if str(key) not in plan.keep and is_derivable(str(key), item):
                plan.dropped.add(str(key))
                had_derivable = had_derivable or str(key).lower() in _SELF_LINK_KEYS
                continue
            sub = (*path, str(key))
            if compact and sub in plan.constants:
                continue
            out[key] = _project(item, sub, plan, depth + 1, compact)
        if compact and depth > 0 and had_derivable and len(out) > 1:
            # An embedded entity (a user, a label): it has its own API URL, so its
            # identifying field is enough here.
            ident = _identifying_key(out)
            if ident is not None:
                plan.reduced.add(".".join(p for p in path if p) or "records")
                return {ident: out[ident]}
        return out
    if isinstance(value, list):
        if len(value) > OPAQUE_LIST_ITEMS and all(_opaque(item) for item in value):
            # 40 sha256 hashes say no more than two and a count; each is one retrieve away
            more = f"{MARKER_PREFIX}: +{len(value) - OPAQUE_SHOWN} more like these]"
            return [*value[:OPAQUE_SHOWN], more]
        return [_project(item, path, plan, depth + 1, compact) for item in value]
    if compact and isinstance(value, str):
        return first_sentence(value)
    return value


OPAQUE_LIST_ITEMS = 6  # a longer list of opaque strings (hashes, ids) is shown by its head
OPAQUE_SHOWN = 2
_OPAQUE_RE = re.compile(r"^(?:[\w.+-]*:)?[A-Za-z0-9+/=_-]{20,}$")  # `sha256:…`, base64, hex


def _opaque(item: Any) -> bool:
    return isinstance(item, str) and _OPAQUE_RE.match(item) is not None and " " not in item


def _identifying_key(value: dict[str, Any]) -> str | None:
    for key in _IDENT_KEYS:
        if key in value and isinstance(value[key], str | int) and not isinstance(value[key], bool):
            return key
    return None


def first_sentence(text: str) -> str:
    """Text up to the end of its first sentence (or line), with a marker for the rest."""
    if len(text) <= FIRST_SENTENCE_MIN_CHARS:
        return text
    head = text[:FIRST_SENTENCE_MAX_CHARS]
    match = _SENTENCE_END_RE.search(head, 20)
    cut = match.start() if match else len(head)
    kept = text[:cut].rstrip()
    return f"{kept}…{MARKER_PREFIX}: +{len(text) - len(kept):,} chars]"
