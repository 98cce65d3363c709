"""Event streams: collections whose records carry a status or level, and which of them to show.

Test runs (`go test -json`, jest, mocha, pytest-reportlog), CI steps, Kubernetes events, audit
and application logs, Spark listener events. A record's status comes from a field such as
status, state, result, outcome, conclusion, level, severity, Action, type or reason (one level
of nesting is looked into, for Spark's "Job Result"), from an exit code or an HTTP status, or
from a non-empty error field (err, error, failureMessages). Values are matched by stem and
synonym: failed/failure/error/errored/broken mean fail; passed/ok/success/succeeded mean pass.

The query picks the statuses to show ("which tests failed" -> fail); without one, failing and
warning events come first. A failing event that belongs to a test (Package+Test, nodeid, ...)
brings the other informative events of that test, e.g. the `output` events of `go test -json`
that hold the failure message and file:line.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from headroom_mcp.engines.base import words
from headroom_mcp.engines.json_shape import dumps_compact

FAIL, WARN, SKIP, PASS, INFO = "fail", "warn", "skip", "pass", "info"
MIN_STATUS_FIELD_SHARE = 0.6  # the status field must be in this share of the records
MAX_SHOWN_GROUPS = 60  # failing events (with their tests' output) shown at most
MAX_GROUP_EVENTS = 40  # events shown per test: the first few and the last ones
GROUP_HEAD_EVENTS = 8

_SYNONYMS = {
    FAIL: """fail failed failure failures failing error errors errored err broken fatal critical
        crit panic panicked emerg emergency alert exception crashed crash timedout timeout
        jobfailed exceptionfailure taskkilled killed""",
    WARN: "warn warning warnings",
    SKIP: "skip skipped skipping pending todo disabled ignored xfail xfailed",
    PASS: "pass passed passing ok success succeeded successful jobsucceeded xpassed",
    INFO: "info information debug trace notice normal verbose",
}
VALUE_STATUS = {word: status for status, text in _SYNONYMS.items() for word in text.split()}
_QUERY_STATUS = {w: s for w, s in VALUE_STATUS.items() if s != INFO and w not in ("ok", "err")}
_STATUS_KEY_ENDINGS = (
    "status",
    "state",
    "result",
    "outcome",
    "conclusion",
    "level",
    "levelname",
    "severity",
    "action",
    "type",
    "reason",
)
_EXIT_KEYS = frozenset({"exitcode", "exit_code", "returncode", "exitstatus", "exit_status"})
_HTTP_KEYS = frozenset({"status", "statuscode", "status_code", "http_status", "httpstatus"})
_ERROR_KEYS = frozenset(
    {"err", "error", "errors", "exception", "failuremessages", "failuremessage", "traceback"}
)
_GROUP_KEYS = (("package", "test"), ("nodeid",), ("test",), ("testname",), ("test_name",))
TIME_KEY_RE = re.compile(r"time|timestamp|^ts$|^elapsed$|^duration$", re.IGNORECASE)
_NON_ALNUM_RE = re.compile(r"[^a-z0-9]")


def _norm(text: str) -> str:
    return _NON_ALNUM_RE.sub("", text.lower())


@functools.lru_cache(maxsize=4096)
def _is_status_key(key: str) -> bool:
    return _norm(key).endswith(_STATUS_KEY_ENDINGS)


@functools.lru_cache(maxsize=4096)
def _is_candidate_key(key: str) -> bool:
    lowered = key.lower()
    return _is_status_key(key) or lowered in _EXIT_KEYS or lowered in _HTTP_KEYS


@functools.lru_cache(maxsize=4096)
def _string_status(value: str) -> str | None:
    return VALUE_STATUS.get(_norm(value))


def _value_status(key: str, value: Any) -> str | None:
    if not _is_candidate_key(key):
        return None
    lowered = key.lower()
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if lowered in _EXIT_KEYS:
            return PASS if value == 0 else FAIL
        if lowered in _HTTP_KEYS and 100 <= value <= 599:
            return FAIL if value >= 400 else PASS
        return None
    if isinstance(value, str) and len(value) <= 40 and _is_status_key(key):
        return _string_status(value)
    if isinstance(value, dict) and _is_status_key(key):
        for sub_key, sub in value.items():  # Spark: "Job Result": {"Result": "JobFailed"}
            if isinstance(sub, str) and _is_status_key(sub_key):
                return VALUE_STATUS.get(_norm(sub))
    return None


def _has_error(key: str, value: Any) -> bool:
    return key.lower() in _ERROR_KEYS and value not in (None, False, "", [], {}, 0)


def record_status(record: Any) -> tuple[str, str | None] | None:
    """(status, the field it came from) of one record, or None when it carries none.

    A non-empty error field makes the record fail whatever its status field says.
    """
    if not isinstance(record, dict):
        return None
    found: tuple[str, str | None] | None = None
    for key, value in record.items():
        key = str(key)
        if _has_error(key, value):
            return FAIL, None
        status = _value_status(key, value)
        if status is not None and (found is None or _rank(status) < _rank(found[0])):
            found = (status, key)
    return found


def _group_key(record: dict[str, Any], fields: tuple[str, ...]) -> tuple[Any, ...]:
    """The values of the grouping fields, made hashable (a field may hold an object)."""
    return tuple(
        json.dumps(v, sort_keys=True) if isinstance(v, dict | list) else v
        for v in (record.get(k) for k in fields)
    )


def _rank(status: str) -> int:
    return (FAIL, WARN, SKIP, PASS, INFO).index(status)


def query_statuses(query: str | None) -> list[str]:
    """Statuses the query asks about, by stem and synonym ("failing tests" -> [fail])."""
    out: list[str] = []
    for word in words(query or ""):
        status = _QUERY_STATUS.get(word)
        if status and status not in out:
            out.append(status)
    return out


def status_field(records: list[Any]) -> str | None:
    """The key that holds the status in most records, if the collection is an event stream."""
    present: Counter[str] = Counter()
    recognised: Counter[str] = Counter()
    errors = 0
    for record in records:
        if not isinstance(record, dict):
            continue
        for key, value in record.items():
            key = str(key)
            if _is_candidate_key(key):
                present[key] += 1
                if _value_status(key, value) is not None:
                    recognised[key] += 1
            if key.lower() in _ERROR_KEYS:
                present[key] += 1
                errors += _has_error(key, value)
    n = len(records)
    best = [
        (recognised[k], k)
        for k, c in present.items()
        if c >= MIN_STATUS_FIELD_SHARE * n and (recognised[k] >= 2 or k.lower() in _ERROR_KEYS)
    ]
    if not best:
        return None
    best.sort(reverse=True)
    key = best[0][1]
    if key.lower() in _ERROR_KEYS and not errors:
        return None
    return key


def group_fields(records: list[Any]) -> tuple[str, ...]:
    """The keys naming the test an event belongs to (Package+Test, nodeid, ...), if any."""
    keys: dict[str, str] = {}
    for record in records[:200]:
        if isinstance(record, dict):
            for key in record:
                keys.setdefault(str(key).lower(), str(key))
    for names in _GROUP_KEYS:
        if all(name in keys for name in names):
            return tuple(keys[name] for name in names)
    return ()


@dataclass
class Grouping:
    """Which test (or other entity) each event belongs to, and the name to show for it.

    Either by fields every event of a test repeats (`go test -json`: Package and Test), or by a
    reference to another event's object: dart's `error` and `testDone` events carry `testID`,
    the test's name is in the `testStart` event's `test: {"id": 5, "name": ...}`.
    """

    fields: tuple[str, ...] = ()  # left out of the events shown under their group's note
    ref: str = ""  # the referencing field, e.g. testID
    entity: str = ""  # the field holding the referenced object, e.g. test
    names: dict[Any, str] = field(default_factory=dict)  # entity id -> its name

    def key_of(self, record: Any) -> tuple[Any, ...] | None:
        if not isinstance(record, dict):
            return None
        if self.ref:
            if self.ref in record:
                return _hashable(record[self.ref])
            entity = record.get(self.entity)
            if isinstance(entity, dict) and "id" in entity:
                return _hashable(entity["id"])
            return None
        if self.fields:
            return _group_key(record, self.fields)
        return None

    def label_of(self, record: Any) -> str:
        if self.ref:
            key = self.key_of(record)
            ident = key[0] if key else None
            name = self.names.get(ident)
            named = f" {dumps_compact(name)}" if name else ""
            return f"{self.entity} {dumps_compact(ident)}{named}"
        names = ",".join(
            f"{dumps_compact(k)}:{dumps_compact(record.get(k))}"
            for k in self.fields
            if isinstance(record, dict) and record.get(k) is not None
        )
        return names or "(no test)"


def _hashable(value: Any) -> tuple[Any, ...]:
    return (json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value,)


_REF_RE = re.compile(r"^(.+?)[_]?id$", re.IGNORECASE)
_NAME_KEYS = ("name", "title", "fullname", "full_name", "path", "label", "description")


def grouping(records: list[Any]) -> Grouping:
    """How the events group: by a reference to another event's object (testID -> test.id)
    when the stream has one, else by the test fields of `group_fields`."""
    ref_counts: Counter[str] = Counter()
    entities: dict[str, str] = {}  # lower-cased name -> field holding objects with an id
    for record in records[:2000]:
        if not isinstance(record, dict):
            continue
        for key, value in record.items():
            key = str(key)
            if isinstance(value, dict) and "id" in value:
                entities.setdefault(key.lower(), key)
            elif isinstance(value, str | int) and not isinstance(value, bool):
                ref_counts[key] += 1
    for ref, _ in ref_counts.most_common():
        match = _REF_RE.match(ref)
        if match and match.group(1).lower() in entities:
            entity = entities[match.group(1).lower()]
            names = {}
            for record in records:
                obj = record.get(entity) if isinstance(record, dict) else None
                if isinstance(obj, dict) and "id" in obj:
                    name = next((obj[k] for k in _NAME_KEYS if isinstance(obj.get(k), str)), None)
                    if name:
                        names[_hashable(obj["id"])[0]] = name
            return Grouping(fields=(ref,), ref=ref, entity=entity, names=names)
    return Grouping(fields=group_fields(records))


@dataclass
class EventSelection:
    """Kept events in display order: each shown event index, and marker text for groups."""

    order: list[int] = field(default_factory=list)
    group_notes: dict[int, str] = field(default_factory=dict)
    members: set[int] = field(default_factory=set)  # indexes shown under their group's note
    anchors: set[int] = field(default_factory=set)  # the events a group is shown for
    counts: Counter[str] = field(default_factory=Counter)
    status_key: str = ""
    focus: list[str] = field(default_factory=list)
    focus_total: int = 0
    focus_shown: int = 0
    group_by: tuple[str, ...] = ()


def select_events(
    records: list[Any],
    key: str,
    query: str | None,
    others: list[int],
    query_hits: list[int] | None = None,
) -> EventSelection:
    """Events to show: those with the statuses the query asks about (failing and warning ones
    without such a query) with their tests' events, then the events whose text the query names
    (`query_hits`, e.g. a data race report in a test that passed) with theirs, then `others`
    (json_select's choice: query matches, standouts, first and last) in their order."""
    statuses = [record_status(r) for r in records]
    sel = EventSelection(status_key=key)
    for record in records:
        value = record.get(key) if isinstance(record, dict) else None
        sel.counts[_count_label(value)] += 1
    sel.focus = query_statuses(query) or [FAIL, WARN]
    groups_of = grouping(records)
    sel.group_by = groups_of.fields
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    keys: list[tuple[Any, ...] | None] = [groups_of.key_of(r) for r in records]
    for i, group_key in enumerate(keys):
        if group_key is not None:
            groups[group_key].append(i)
    seen: set[int] = set()
    focus_set = set(sel.focus)
    ranked = [
        (_rank(s[0]), i) for i, s in enumerate(statuses) if s is not None and s[0] in focus_set
    ]
    focused = [i for _, i in sorted(ranked)]
    sel.focus_total = len(focused)
    hits = [i for i in (query_hits or []) if i not in set(focused)]
    for n, i in enumerate(focused + hits):
        if i in seen:
            continue
        is_focus = n < len(focused)
        if is_focus:
            if sel.focus_shown >= MAX_SHOWN_GROUPS:
                continue
            sel.focus_shown += 1
        sel.anchors.add(i)
        group_key = keys[i]
        members = [i]
        if group_key is not None:
            members = _informative(records, groups[group_key], sel, key, i)
        if len(members) > 1:
            shown = _head_and_tail(members, i)
            status = statuses[i]
            what = status[0] if is_focus and status is not None else "query match in"
            label = f"{what} {groups_of.label_of(records[i])}"
            more = len(members) - len(shown)
            tail = f", {more} of them omitted" if more else ""
            sel.group_notes[shown[0]] = (
                f"{label}: {len(members)} events{tail} (below without those fields but on "
                "its status event; times only on that one)"
            )
            for j in shown:
                if j not in seen:
                    seen.add(j)
                    sel.order.append(j)
                    sel.members.add(j)
        else:
            seen.add(i)
            sel.order.append(i)
    for i in others:
        if i not in seen:
            seen.add(i)
            sel.order.append(i)
    return sel


def _count_label(value: Any) -> str:
    if isinstance(value, dict):
        for sub in value.values():
            if isinstance(sub, str):
                return sub
        return "(object)"
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "(non-empty)" if value else "(empty)"
    return str(value)


def _informative(
    records: list[Any], members: list[int], sel: EventSelection, key: str, anchor: int
) -> list[int]:
    """Members of a test worth showing: the anchor, and events with more than ids and times."""
    out = []
    skip = {*sel.group_by, key}
    for j in members:
        record = records[j]
        if j == anchor or any(k not in skip and not TIME_KEY_RE.search(str(k)) for k in record):
            out.append(j)
    return out or [anchor]


def _head_and_tail(members: list[int], anchor: int) -> list[int]:
    if len(members) <= MAX_GROUP_EVENTS:
        return members
    tail = MAX_GROUP_EVENTS - GROUP_HEAD_EVENTS
    shown = members[:GROUP_HEAD_EVENTS] + members[-tail:]
    if anchor not in shown:
        shown.append(anchor)
    return sorted(shown)


def member_view(record: Any, group_by: tuple[str, ...], anchor: bool = False) -> Any:
    """An event as shown under its test's note: without the test's fields (unless it is the
    event the group is shown for), and without times unless it carries the status."""
    if not isinstance(record, dict):
        return record
    if anchor:
        return record
    keep_times = record_status(record) is not None
    return {
        k: v
        for k, v in record.items()
        if k not in group_by and (keep_times or not TIME_KEY_RE.search(str(k)))
    }
