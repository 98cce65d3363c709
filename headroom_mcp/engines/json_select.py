"""Which records of a JSON collection to keep: query matches, records that stand out, ends.

A record matches the query when one of its values appears in the query as a whole phrase
("whose Title is 88 Minutes"), weighted by how rare that value is among the records, so the
one record with both "Japan" and "2000" beats the many with only one of them. Records stand
out when they carry an error, an HTTP status of 400 or more, a success flag that is false where
most are true, a rare value of an enum-like field, or a numeric outlier.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from headroom_mcp.engines.base import words
from headroom_mcp.engines.json_events import VALUE_STATUS
from headroom_mcp.engines.json_query import QueryTerms, telling_terms, term_scores

FIRST_RECORDS = 3
LAST_RECORDS = 2
MAX_QUERY_MATCHES = 10
MAX_STANDOUTS = 6
MAX_QUERY_NGRAM = 12
MATCH_SHARE_OF_BEST = 0.5  # a record matching at least this share of the best score is kept
MIN_ENUM_RECORDS = 20
OUTLIER_SCORE = 6.0  # robust z-score (median / MAD) above which a number stands out
FLATTEN_DEPTH = 3
QUERY_FLATTEN_DEPTH = 8  # how deep the query's values and field names are looked for
EVENT_TERM_SHARE = 0.02  # in an event stream a query word must be this rare to pick events

_ERROR_KEY_RE = re.compile(r"error|exception|fail|fault|traceback", re.IGNORECASE)
_STATUS_KEYS = frozenset({"status", "status_code", "statuscode", "http_status", "code"})
_FLAG_KEYS = frozenset({"success", "ok", "passed", "succeeded"})
_STATUS_WORDS = frozenset(VALUE_STATUS)  # "failed" picks events by status, not by their text


@dataclass
class Selection:
    """Kept record indexes with why each was kept, and how many records matched the query."""

    reasons: dict[int, str] = field(default_factory=dict)
    query_matches: int = 0

    def add(self, index: int, reason: str) -> None:
        self.reasons.setdefault(index, reason)


def flatten(
    value: Any, prefix: str = "", depth: int = 0, limit: int = FLATTEN_DEPTH
) -> Iterator[tuple[str, Any]]:
    """(path, scalar) pairs of a record down to `limit` levels; list positions collapse to
    [*]."""
    if isinstance(value, dict):
        if depth >= limit:
            return
        for key, item in value.items():
            yield from flatten(item, f"{prefix}.{key}" if prefix else str(key), depth + 1, limit)
    elif isinstance(value, list):
        if depth >= limit:
            return
        for item in value:
            yield from flatten(item, f"{prefix}[*]", depth + 1, limit)
    else:
        yield prefix, value


def _norm_scalar(value: Any) -> str | None:
    """The value as the query would spell it: lower-case words joined by single spaces."""
    if value is None or isinstance(value, bool):
        return None
    text = " ".join(words(str(value)))
    if len(text) < 2:
        return None
    return text


def _query_ngrams(query: str) -> set[str]:
    tokens = words(query)
    grams = set()
    for n in range(1, MAX_QUERY_NGRAM + 1):
        for i in range(len(tokens) - n + 1):
            grams.add(" ".join(tokens[i : i + n]))
    return grams


def score_query_matches(
    flat: list[list[tuple[str, Any]]], query: str, max_df: int | None = None
) -> dict[int, float]:
    """Score each record by the rare values it shares, as whole phrases, with the query
    (values held by more than `max_df` records count 0)."""
    grams = _query_ngrams(query)
    if not grams:
        return {}
    per_record: list[set[str]] = []
    df: Counter[str] = Counter()
    for pairs in flat:
        hits = {v for _, value in pairs if (v := _norm_scalar(value)) is not None and v in grams}
        per_record.append(hits)
        df.update(hits)
    n = len(flat)
    scores = {}
    for i, hits in enumerate(per_record):
        if max_df is not None:
            hits = {v for v in hits if df[v] <= max_df}
        if hits:
            scores[i] = sum(math.log(1 + n / df[v]) * (1 + 0.5 * v.count(" ")) for v in hits)
    return scores


def _is_truthy_error(value: Any) -> bool:
    return value not in (None, False, 0, "", [], {}) and str(value).lower() not in ("none", "null")


def _standouts(flat: list[list[tuple[str, Any]]]) -> list[tuple[int, str]]:
    """(index, reason) for records that differ from the rest, strongest reasons first."""
    n = len(flat)
    errors, statuses, flags = [], [], []
    by_field: dict[str, list[tuple[int, Any]]] = defaultdict(list)
    flag_values: dict[str, Counter[bool]] = defaultdict(Counter)
    for i, pairs in enumerate(flat):
        for path, value in pairs:
            key = path.rsplit(".", 1)[-1].replace("[*]", "").lower()
            if _ERROR_KEY_RE.search(key) and _is_truthy_error(value):
                errors.append(i)
            elif (
                key in _STATUS_KEYS
                and isinstance(value, int)
                and not isinstance(value, bool)
                and 400 <= value <= 599
            ):
                statuses.append(i)
            elif key in _FLAG_KEYS and isinstance(value, bool):
                flag_values[path][value] += 1
                if not value:
                    flags.append((i, path))
            if "[*]" not in path:
                by_field[path].append((i, value))
    found: list[tuple[int, str]] = []
    error_set = sorted(set(errors))
    if error_set and len(error_set) <= n // 2:
        found += [(i, "error") for i in error_set]
    found += [(i, "status>=400") for i in sorted(set(statuses))]
    found += [(i, "flag false") for i, path in flags if flag_values[path][True] > n // 2]
    found += _rare_enum_values(by_field, n)
    found += _numeric_outliers(by_field)
    return found


def _rare_enum_values(by_field: dict[str, list[tuple[int, Any]]], n: int) -> list[tuple[int, str]]:
    found = []
    for path, pairs in by_field.items():
        strings = [(i, v) for i, v in pairs if isinstance(v, str)]
        if len(strings) < MIN_ENUM_RECORDS:
            continue
        counts = Counter(v for _, v in strings)
        if len(counts) > max(5, len(strings) // 10) or len(counts) < 2:
            continue
        rare_limit = max(1, len(strings) // 50)
        seen: set[str] = set()
        for i, v in strings:
            if counts[v] <= rare_limit and v not in seen:
                seen.add(v)
                found.append((i, f"rare {path}"))
    return found


def _numeric_outliers(by_field: dict[str, list[tuple[int, Any]]]) -> list[tuple[int, str]]:
    found = []
    for path, pairs in by_field.items():
        nums = [
            (i, float(v))
            for i, v in pairs
            if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
        ]
        if len(nums) < MIN_ENUM_RECORDS:
            continue
        values = [v for _, v in nums]
        median = statistics.median(values)
        mad = statistics.median(abs(v - median) for v in values)
        if mad == 0:
            continue
        scored = sorted(((abs(v - median) / (1.4826 * mad), i) for i, v in nums), reverse=True)
        found += [(i, f"outlier {path}") for z, i in scored[:2] if z > OUTLIER_SCORE]
    return found


def query_scores(
    flat: list[list[tuple[str, Any]]],
    query: str,
    keys: list[str] | None = None,
    events: bool = False,
    held: list[set[str]] | None = None,
) -> dict[int, float]:
    """Whole values the query spells out, plus the exact tokens and words it names (json_query).

    In an event stream the status words of the query ("failed") choose events by their status
    (json_events), so they are not searched for in the events' text."""
    max_df = max(2, int(len(flat) * EVENT_TERM_SHARE)) if events else None
    scores = score_query_matches(flat, query, max_df)
    terms = QueryTerms.of(query, ignore=_STATUS_WORDS if events else frozenset())
    if terms:
        per_record = [
            terms.terms_of(pairs, keys[i] if keys is not None else None)
            for i, pairs in enumerate(flat)
        ]
        share = EVENT_TERM_SHARE if events else 0.5
        if held is not None:  # each record's telling terms, for the caller
            telling = telling_terms(per_record, share)
            held.extend(terms & telling for terms in per_record)
        for i, score in term_scores(per_record, share).items():
            scores[i] = scores.get(i, 0.0) + score
    return scores


def _best_per_term(held: list[set[str]], scores: dict[int, float], chosen: set[int]) -> list[int]:
    """For each telling term of the query that no chosen record holds, the best record that
    holds it: a query naming several things ("a privileged or host-network pod, a NodePort")
    gets one record of each, not only the records of the rarest."""
    covered = {term for i in chosen if i < len(held) for term in held[i]}
    extra: list[int] = []
    for i in sorted(scores, key=lambda i: (-scores[i], i)):
        terms = held[i] if i < len(held) else set()
        # "host" is covered by a record holding "hostnetwork", the name the query spelled
        new = {t for t in terms - covered if not any(t.split(":", 1)[1] in c for c in covered)}
        if new and i not in chosen:
            extra.append(i)
            covered |= new
    return extra


def select_records(
    records: list[Any], query: str | None, keys: list[str] | None = None, events: bool = False
) -> Selection:
    """Choose records to show: query matches first, then standouts, then the first and last.

    `keys` are the members' names when the records came from an object ({"0.1.7": [...]}):
    the query selects members by name as well as by content."""
    flat = [list(flatten(r)) for r in records]
    selection = Selection()
    if query:
        # What the query names may sit deep in a record (a pod's
        # spec.containers[*].securityContext.privileged); standouts stay near the top.
        deep = [list(flatten(r, limit=QUERY_FLATTEN_DEPTH)) for r in records]
        held: list[set[str]] = []
        scores = query_scores(deep, query, keys, events, held)
        if scores:
            best = max(scores.values())
            ranked = sorted(
                (i for i, s in scores.items() if s >= MATCH_SHARE_OF_BEST * best),
                key=lambda i: (-scores[i], i),
            )
            ranked += _best_per_term(held, scores, set(ranked))
            selection.query_matches = len(ranked)
            for i in ranked[:MAX_QUERY_MATCHES]:
                selection.add(i, "query")
    shown = 0
    for i, reason in _standouts(flat):
        if shown >= MAX_STANDOUTS:
            break
        if i not in selection.reasons:
            selection.add(i, reason)
            shown += 1
    for i in range(min(FIRST_RECORDS, len(records))):
        selection.add(i, "first")
    for i in range(max(0, len(records) - LAST_RECORDS), len(records)):
        selection.add(i, "last")
    return selection
