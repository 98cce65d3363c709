"""Logs engine: template mining, then the lines that matter, verbatim and in time order.

A line starting with a timestamp opens an event; lines that do not (stack traces, wrapped
messages) belong to the event above. Events are grouped by template: the message with numbers,
ids, IPs and hex masked. Shown verbatim, by priority while the budget lasts: events matching
the query; error-level events and events with error words (each template's first occurrence,
with its whole stack trace and the line before it for context); the first occurrence of every
rare template; the first and last events. A header gives the time range and counts; a footer
lists the most frequent templates with their counts. Everything we add is a marked line.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from headroom_mcp.engines.base import MARKER_PREFIX, EngineResult, cut_long_line, query_terms
from headroom_mcp.engines.log_lines import (
    SEVERE_LEVEL_RE,
    TIMESTAMP_RE,
    message_of,
    template_of,
    timestamp_of,
)
from headroom_mcp.engines.text import ERROR_RE, compress_text, error_candidate_rows
from headroom_mcp.tokens import count_tokens, estimate_tokens

RARE_TEMPLATE_MAX = 2  # templates seen at most this often are "rare"
MAX_QUERY_EVENTS = 12
QUERY_SHARE_OF_BEST = 0.6
SUMMARY_TEMPLATES = 12
DEFAULT_BUDGET_SHARE = 0.12
QUERY_BUDGET_SHARE = 0.05
MIN_BUDGET_TOKENS = 400
MAX_DEFAULT_BUDGET_TOKENS = 16_000
MIN_EVENT_START_SHARE = 0.3  # fewer timestamped lines than this share: not a log, text engine
_WORD_RE = re.compile(r"[a-z0-9_]+")


_TRACE_RE = re.compile(
    r"^(Traceback |Caused by|\s*at |\s*\.\.\. \d+ more|[\w.$]+(Exception|Error)\b)"
)


@dataclass
class Event:
    first: int  # line index of the event's first line
    last: int  # line index of its last line (stack trace included)
    template: str
    severe: bool
    error_words: bool


@dataclass
class Mined:
    events: list[Event]
    counts: Counter[str] = field(default_factory=Counter)
    first_of: dict[str, int] = field(default_factory=dict)  # template -> event index
    family: dict[str, int] = field(default_factory=dict)  # template -> family id
    family_counts: Counter[int] = field(default_factory=Counter)


FAMILY_SIMILARITY = 0.7  # share of equal tokens for two templates to be one family


def _lead_word(tokens: list[str]) -> str:
    """The first word of the message proper: after a `host proc[pid]:` style header if there
    is one in the first tokens ("Accepted" in "LabSZ sshd[<*>]: Accepted password ...")."""
    for i, token in enumerate(tokens[:6]):
        if token.endswith(":") and i + 1 < len(tokens):
            return tokens[i + 1]
    return tokens[0] if tokens else ""


def group_families(templates: list[str]) -> dict[str, int]:
    """Drain-style: templates of equal length that start their message with the same word and
    whose tokens mostly agree form one family, so "Failed password for invalid user admin" and
    "... user root" count as one kind of event, but "Accepted password ..." does not."""
    families: dict[tuple[int, str], list[tuple[list[str], int]]] = {}
    out: dict[str, int] = {}
    next_id = 0
    for template in templates:
        tokens = template.split()
        candidates = families.setdefault((len(tokens), _lead_word(tokens)), [])
        for pattern, family_id in candidates:
            same = sum(1 for a, b in zip(pattern, tokens, strict=True) if a == b)
            if same >= FAMILY_SIMILARITY * len(tokens):
                out[template] = family_id
                break
        else:
            out[template] = next_id
            candidates.append((tokens, next_id))
            next_id += 1
    return out


def mine(lines: list[str]) -> Mined:
    """Cut lines into events and group them by template."""
    error_rows = set(error_candidate_rows(lines))
    severe_rows = _severe_rows(lines)
    events: list[Event] = []
    for i, line in enumerate(lines):
        stamp = TIMESTAMP_RE.match(line)
        if (
            stamp is None
            and events
            and (line[:1].isspace() or not line.strip() or _TRACE_RE.match(line))
        ):
            events[-1].last = i
            if i in error_rows and ERROR_RE.search(line):
                events[-1].error_words = True
            continue
        message = line[stamp.end() :] if stamp else line
        events.append(
            Event(i, i, template_of(message), i in severe_rows,
                  i in error_rows and bool(ERROR_RE.search(line)))
        )  # fmt: skip
    mined = Mined(events)
    for n, event in enumerate(events):
        mined.counts[event.template] += 1
        mined.first_of.setdefault(event.template, n)
    mined.family = group_families(list(mined.counts))
    for template, count in mined.counts.items():
        mined.family_counts[mined.family[template]] += count
    return mined


@functools.lru_cache(maxsize=1)
def mine_text(content: str) -> tuple[list[str], Mined]:
    """Lines and mined events of `content`, cached for the one call that follows: the store's
    unit splitter and the engine both need them for the same content, one after the other.
    Lines keep any trailing \r (callers strip it for display); a final newline adds no line.
    """
    lines = content.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines, mine(lines)


def _severe_rows(lines: list[str]) -> set[int]:
    """Rows whose head carries an error level, found by one scan of the joined text."""
    joined = "\n".join(line[:200] for line in lines)
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + min(len(line), 200) + 1)
    return {bisect.bisect_right(starts, m.start()) - 1 for m in SEVERE_LEVEL_RE.finditer(joined)}


def _query_events(lines: list[str], mined: Mined, query: str | None) -> list[int]:
    terms = set(query_terms(query))
    if not terms:
        return []
    hits: dict[int, set[str]] = {}
    df: Counter[str] = Counter()
    for n, event in enumerate(mined.events):
        text = " ".join(lines[event.first : event.last + 1]).lower()
        found = terms.intersection(_WORD_RE.findall(text))
        if found:
            hits[n] = found
            df.update(found)
    total = len(mined.events)
    scores = {n: sum(math.log(1 + total / df[t]) for t in found) for n, found in hits.items()}
    if not scores:
        return []
    best = max(scores.values())
    ranked = sorted((n for n in scores if scores[n] >= QUERY_SHARE_OF_BEST * best),
                    key=lambda n: (-scores[n], n))  # fmt: skip
    picked, templates = [], set()
    for n in ranked:  # one event per template, so a flood of one line does not crowd others out
        if mined.events[n].template not in templates:
            templates.add(mined.events[n].template)
            picked.append(n)
        if len(picked) >= MAX_QUERY_EVENTS:
            break
    return picked


def _priorities(lines: list[str], mined: Mined, query: str | None) -> list[tuple[int, bool]]:
    """(event index, with context line) in the order events earn their place.

    Query matches; the first and last events; the first error-level event of each family of
    templates, then the first with error words (each with the line before, and any stack
    trace); every event of a rare family (truly one-off events), then of a rare template; then
    further distinct error messages, one per template per round, so a flood of one error
    cannot crowd out the others.
    """
    events = mined.events
    order: list[tuple[int, bool]] = [(n, False) for n in _query_events(lines, mined, query)]
    order += [(0, False), (len(events) - 1, False)]
    by_template: dict[str, list[int]] = {}
    seen_messages: set[str] = set()
    for n, event in enumerate(events):
        if event.severe or event.error_words:
            message = message_of(lines[event.first]).strip()
            if message not in seen_messages:
                seen_messages.add(message)
                by_template.setdefault(event.template, []).append(n)
    groups = sorted(by_template.values(), key=lambda ns: (not events[ns[0]].severe, ns[0]))
    families_seen: set[int] = set()
    later: list[list[int]] = []
    for ns in groups:
        family = mined.family[events[ns[0]].template]
        if family in families_seen:
            later.append(ns)
        else:
            families_seen.add(family)
            order.append((ns[0], True))
    rare_family = [
        n for n, e in enumerate(events)
        if mined.family_counts[mined.family[e.template]] <= RARE_TEMPLATE_MAX
    ]  # fmt: skip
    order += [(n, False) for n in rare_family]
    order += [(ns[0], True) for ns in later]
    order += [
        (n, False) for n, e in enumerate(events) if mined.counts[e.template] <= RARE_TEMPLATE_MAX
    ]
    rounds = max((len(ns) for ns in groups), default=0)
    for r in range(1, rounds):
        order += [(ns[r], False) for ns in groups if len(ns) > r]
    return order


def default_budget(tokens: int, query: str | None = None) -> int:
    """A share of the input; smaller with a query, since its matches come first."""
    share = int(tokens * (QUERY_BUDGET_SHARE if query_terms(query) else DEFAULT_BUDGET_SHARE))
    return max(MIN_BUDGET_TOKENS, min(MAX_DEFAULT_BUDGET_TOKENS, share))


def compress_logs(content: str, query: str | None, budget: int | None) -> EngineResult:
    """Header, the events that matter in time order, and the most frequent templates."""
    lines, mined = mine_text(content)
    stamped = sum(1 for e in mined.events if TIMESTAMP_RE.match(lines[e.first]))
    if stamped < MIN_EVENT_START_SHARE * len(lines) or len(mined.events) < 2:
        return compress_text(content, query, budget)
    limit = budget if budget is not None else default_budget(estimate_tokens(content), query)
    header = _header(lines, mined)
    footer = _footer(mined)
    room = limit - count_tokens(header) - count_tokens(footer) - 2
    if room < 0:
        footer, room = "", limit - count_tokens(header) - 1
    keep = _select(lines, mined, query, room)
    body, shown = _render(lines, mined, keep)
    text = "\n".join(part for part in (header, body, footer) if part)
    while keep and count_tokens(text) > limit:
        keep.pop()
        body, shown = _render(lines, mined, keep)
        text = "\n".join(part for part in (header, body, footer) if part)
    omitted = len(lines) - shown
    return EngineResult(
        text,
        (f"logs:events:{len(mined.events)}", f"logs:templates:{len(mined.counts)}",
         f"logs:lines:{shown}/{len(lines)}"),
        omitted=f"{omitted} of {len(lines)} lines omitted" if omitted else None,
    )  # fmt: skip


def _select(lines: list[str], mined: Mined, query: str | None, room: int) -> list[int]:
    """Line indexes to show, in priority order, within `room` tokens (gap markers included)."""
    chosen: list[int] = []
    taken: set[int] = set()
    spent = 0
    for n, with_context in _priorities(lines, mined, query):
        event = mined.events[n]
        rows = list(range(event.first, event.last + 1))
        if with_context and event.first > 0:
            rows.insert(0, mined.events[n - 1].first if n > 0 else event.first - 1)
        new = [r for r in rows if r not in taken]
        if not new:
            continue
        cost = sum(count_tokens(cut_long_line(lines[r].rstrip("\r"))) + 1 for r in new) + 12
        if spent + cost > room:
            continue
        chosen.extend(new)
        taken.update(new)
        spent += cost
    return chosen


def _render(lines: list[str], mined: Mined, keep: list[int]) -> tuple[str, int]:
    out: list[str] = []
    prev = -1
    shown = 0
    starts = {e.first: n for n, e in enumerate(mined.events)}
    for i in sorted(set(keep)):
        if i > prev + 1:
            count = i - prev - 1
            where = f"line {prev + 2}" if count == 1 else f"lines {prev + 2}-{i}"
            out.append(f"{MARKER_PREFIX}: {where} omitted]")
        out.append(cut_long_line(lines[i].rstrip("\r")))
        shown += 1
        n = starts.get(i)
        if n is not None:
            template = mined.events[n].template
            if mined.counts[template] > 1 and mined.first_of[template] == n:
                out.append(f"{MARKER_PREFIX}: x{mined.counts[template]} lines like the one above]")
        prev = i
    if prev < len(lines) - 1:
        out.append(f"{MARKER_PREFIX}: lines {prev + 2}-{len(lines)} omitted]")
    return "\n".join(out), shown


def _header(lines: list[str], mined: Mined) -> str:
    first = timestamp_of(lines[mined.events[0].first]) or "?"
    last = timestamp_of(lines[mined.events[-1].first]) or "?"
    severe = sum(1 for e in mined.events if e.severe)
    return (
        f"{MARKER_PREFIX} logs: {len(lines)} lines, {len(mined.events)} events from {first} to "
        f"{last}, {len(mined.counts)} templates, {severe} error-level events. Shown verbatim: "
        "query matches, errors and exceptions (first of each kind, with the line before), "
        "rare events, first and last]"
    )


def _footer(mined: Mined) -> str:
    top = mined.counts.most_common(SUMMARY_TEMPLATES)
    if not top or top[0][1] < 2:
        return ""
    rows = [f"{MARKER_PREFIX}: most frequent templates (<*> = masked numbers, ids, IPs)]"]
    rows += [f"{MARKER_PREFIX}: x{n} {cut_long_line(t, 160)}]" for t, n in top if n > 1]
    return "\n".join(rows)
