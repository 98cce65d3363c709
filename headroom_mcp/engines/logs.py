"""Logs engine: failures first, then the lines that matter, verbatim and in time order.

A line that looks like a log line (log_lines: a timestamp or level in its head, or the log's
own prefix shape such as a numeric id) opens an event; lines that do not (stack traces,
wrapped messages) belong to the event above. Events are grouped by template: the message
with numbers, ids, IPs and hex masked.

Shown verbatim, by priority while the budget lasts:
1. failure blocks (failure_blocks: tracebacks, `Caused by:` chains, compiler errors), whole
   or shortened around the headline and innermost frame, with the log line that opened them;
   the same block again is a count ("the same traceback 4 more times, lines ...");
2. error-level events: the first of each template with the line before it (the same message
   again is a count);
3. query matches; the first event with error words of each family; every other distinct
   error-level message; the first and last events; rare templates.
So an error line that fits the budget is never left out. The header gives the time range
and counts, saying how many error-level events and distinct failures the body shows; the
footer lists the most frequent templates with their counts in whatever room is left.

Budget: the one given, else default_budget: DEFAULT_BUDGET_SHARE of the input's tokens
(QUERY_BUDGET_SHARE with a query), clamped to MIN_BUDGET_TOKENS..MAX_DEFAULT_BUDGET_TOKENS,
raised to what the failures and the first error line of each template need, at most twice
that and never above the cap.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from headroom_mcp.engines.base import MARKER_PREFIX, EngineResult, cut_long_line, query_terms
from headroom_mcp.engines.failure_blocks import FailureBlock, find_failure_blocks, strip_ansi
from headroom_mcp.engines.log_failures import (
    MAX_EVENT_LINES,
    Unit,
    block_units,
    error_units,
    failure_key,
)
from headroom_mcp.engines.log_lines import (
    SEVERE_LEVEL_RE,
    SHARE_SAMPLE_LINES,
    dominant_shape,
    log_line_share,
    looks_like_log_line,
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
    blocks: list[FailureBlock] = field(default_factory=list)  # found in the ANSI-stripped lines
    inside: set[int] = field(default_factory=set)  # rows of a block after its first


def block_interior(blocks: list[FailureBlock]) -> set[int]:
    """Rows inside failure blocks after their first: frames, causes, a dump's goroutines."""
    return {r for b in blocks for r in range(b.first + 1, b.last + 1)}


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
    """Cut lines into events and group them by template.

    A line opens an event when it looks like a log line (log_lines.looks_like_log_line: a
    timestamp or level in its head, or the log's own prefix shape) and is not indented or
    part of a stack trace; any other line continues the event above.
    """
    clean = [strip_ansi(line) for line in lines] if any("\x1b" in x for x in lines) else lines
    blocks = find_failure_blocks(clean)
    inside = block_interior(blocks)
    error_rows = set(error_candidate_rows(lines))
    severe_rows = _severe_rows(lines)
    sample = [x for i, x in enumerate(lines) if i not in inside]
    shape = dominant_shape(sample[:: max(1, len(sample) // SHARE_SAMPLE_LINES)])
    events: list[Event] = []
    for i, line in enumerate(lines):
        if events and (
            i in inside
            or line[:1].isspace()
            or not line.strip()
            or _TRACE_RE.match(line)
            or not looks_like_log_line(line, shape)
        ):
            events[-1].last = i
            if i in error_rows and ERROR_RE.search(line):
                events[-1].error_words = True
            continue
        events.append(
            Event(i, i, template_of(message_of(line)), i in severe_rows,
                  i in error_rows and bool(ERROR_RE.search(line)))
        )  # fmt: skip
    mined = Mined(events, blocks=blocks, inside=inside)
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
    """Rows whose head carries an error level, or (an access log) a 4xx/5xx status after the
    request line, found by one scan of the joined text."""
    joined = "\n".join(line[:200] for line in lines)
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + min(len(line), 200) + 1)
    rows = {bisect.bisect_right(starts, m.start()) - 1 for m in SEVERE_LEVEL_RE.finditer(joined)}
    rows |= {bisect.bisect_right(starts, m.start()) - 1 for m in _HTTP_ERROR_RE.finditer(joined)}
    return rows


# An access log's request line and a 4xx/5xx status: the web server's own error level.
_HTTP_ERROR_RE = re.compile(
    r'"(?:GET|POST|PUT|DELETE|HEAD|PATCH|OPTIONS|CONNECT|TRACE|PROPFIND) [^"\n]*" [45]\d\d '
)


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


def _query_units(lines: list[str], mined: Mined, query: str | None) -> list[Unit]:
    units = []
    for n in _query_events(lines, mined, query):
        event = mined.events[n]
        units.append(Unit(list(range(event.first, min(event.last, event.first + 20) + 1))))
    return units


def _event_unit(mined: Mined, n: int, with_context: bool = False) -> Unit:
    event = mined.events[n]
    rows = list(range(event.first, min(event.last, event.first + MAX_EVENT_LINES) + 1))
    if with_context and n > 0:
        rows.insert(0, mined.events[n - 1].first)
    return Unit(rows, {}, Unit([event.first]) if len(rows) > 1 else None)


def _later_units(mined: Mined) -> tuple[list[Unit], list[Unit]]:
    """After failures and query matches: the first and last events; the first event with
    error words of each family of templates (with the line before); every event of a rare
    family, then of a rare template; then further distinct messages with error words, one
    per template per round."""
    events = mined.events
    ends = [_event_unit(mined, 0), _event_unit(mined, len(events) - 1)]
    units: list[Unit] = []
    by_template: dict[str, list[int]] = {}
    for n, event in enumerate(events):
        if event.error_words and not event.severe:
            by_template.setdefault(event.template, []).append(n)
    families_seen: set[int] = set()
    later: list[int] = []
    for ns in by_template.values():
        family = mined.family[events[ns[0]].template]
        if family in families_seen:
            later.append(ns[0])
        else:
            families_seen.add(family)
            units.append(_event_unit(mined, ns[0], with_context=True))
    firsts, units = units, ends
    units += [
        _event_unit(mined, n) for n, e in enumerate(events)
        if mined.family_counts[mined.family[e.template]] <= RARE_TEMPLATE_MAX
    ]  # fmt: skip
    units += [_event_unit(mined, n, with_context=True) for n in later]
    units += [
        _event_unit(mined, n) for n, e in enumerate(events)
        if mined.counts[e.template] <= RARE_TEMPLATE_MAX
    ]  # fmt: skip
    rounds = max((len(ns) for ns in by_template.values()), default=0)
    for r in range(1, rounds):
        units += [_event_unit(mined, ns[r]) for ns in by_template.values() if len(ns) > r]
    return firsts, units


def default_budget(tokens: int, query: str | None = None) -> int:
    """DEFAULT_BUDGET_SHARE of the input's tokens (QUERY_BUDGET_SHARE with a query, since its
    matches come first), at least MIN_BUDGET_TOKENS and at most MAX_DEFAULT_BUDGET_TOKENS."""
    share = int(tokens * (QUERY_BUDGET_SHARE if query_terms(query) else DEFAULT_BUDGET_SHARE))
    return max(MIN_BUDGET_TOKENS, min(MAX_DEFAULT_BUDGET_TOKENS, share))


@dataclass
class _Plan:
    """What the engine found, and the units it shows in priority order."""

    lines: list[str]
    mined: Mined
    blocks: list[FailureBlock]
    must: list[Unit]  # failure blocks and error-level events
    rest: list[Unit]  # query matches, first and last, error words, rare events


def _plan(lines: list[str], mined: Mined, query: str | None) -> _Plan:
    clean = [strip_ansi(line) for line in lines] if any("\x1b" in x for x in lines) else lines
    blocks = mined.blocks
    starts = [e.first for e in mined.events]
    opener, event_end = {}, {}
    for block in blocks:
        n = bisect.bisect_right(starts, block.first) - 1
        if n >= 0:
            opener[block.first] = starts[n]
            event_end[block.first] = mined.events[n].last
    covered = {r for b in blocks for r in range(b.first, max(b.last, event_end[b.first]) + 1)
               if b.first in event_end}  # fmt: skip
    covered.update(r for b in blocks for r in range(b.first, b.last + 1))
    covered.update(opener.values())
    severe = [(e.first, e.last, e.template) for e in mined.events if e.severe]
    before = dict(zip(starts[1:], starts, strict=False))
    firsts, others = error_units(lines, severe, covered, before)
    words_first, later = _later_units(mined)
    must = [*block_units(clean, blocks, opener, before, event_end), *firsts]
    rest = [*_query_units(lines, mined, query), *words_first, *others, *later]
    return _Plan(lines, mined, blocks, must, rest)


def compress_logs(content: str, query: str | None, budget: int | None) -> EngineResult:
    """Header, the events that matter in time order, and the most frequent templates.

    Failure blocks and error-level lines are placed first, so one that fits the budget is
    never left out; the footer's templates only get what room is left.
    """
    lines, mined = mine_text(content)
    outside = [x for i, x in enumerate(lines) if i not in mined.inside]  # traces are no test
    if len(mined.events) < 2 or log_line_share(outside) < MIN_EVENT_START_SHARE:
        return compress_text(content, query, budget)
    plan = _plan(lines, mined, query)
    limit = budget if budget is not None else default_budget(estimate_tokens(content), query)
    if budget is None:  # let the failures in, up to the cap, when the share is too small
        need = sum(_cost(lines, u.rows, u.notes) for u in plan.must) + HEADER_TOKENS
        least = sum(_cost(lines, u.rows, u.notes) for u in map(_shortest, plan.must))
        grown = max(2 * limit, least + HEADER_TOKENS)  # every headline, whatever the share
        limit = max(limit, min(need, grown, MAX_DEFAULT_BUDGET_TOKENS))
    room = limit - HEADER_TOKENS
    chosen = _select(lines, [*plan.must, *plan.rest], room)
    text, shown = _finish(plan, chosen, limit)
    while chosen and count_tokens(text) > limit:
        chosen.pop()
        text, shown = _finish(plan, chosen, limit)
    omitted = len(lines) - shown
    return EngineResult(
        text,
        (f"logs:events:{len(mined.events)}", f"logs:templates:{len(mined.counts)}",
         f"logs:failures:{len(plan.blocks)}", f"logs:lines:{shown}/{len(lines)}"),
        omitted=f"{omitted} of {len(lines)} lines omitted" if omitted else None,
    )  # fmt: skip


HEADER_TOKENS = 120  # room kept for the header line


def _shortest(unit: Unit) -> Unit:
    while unit.fallback is not None:
        unit = unit.fallback
    return unit


GAP_TOKENS = 10  # a "[headroom: lines a-b omitted]" line before a run of rows


def _cost(lines: list[str], rows: list[int], notes: dict[int, str]) -> int:
    text = sum(count_tokens(cut_long_line(lines[r].rstrip("\r"))) + 1 for r in rows)
    runs = sum(1 for k, r in enumerate(rows) if k == 0 or r != rows[k - 1] + 1)
    return text + sum(count_tokens(n) + 1 for n in notes.values()) + 2 + GAP_TOKENS * runs


def _select(lines: list[str], units: list[Unit], room: int) -> list[Unit]:
    """Units to show, in priority order, within `room` tokens; a unit that does not fit is
    tried again as its fallback (a shortened trace, the event's first line)."""
    chosen: list[Unit] = []
    taken: set[int] = set()
    spent = 0
    for unit in units:
        option: Unit | None = unit
        while option is not None:
            new = [r for r in option.rows if r not in taken]
            cost = _cost(lines, new, option.notes) if new else 0
            if spent + cost <= room:
                break
            option = option.fallback
        if option is None:
            continue
        new = [r for r in option.rows if r not in taken]
        if not new:
            continue
        chosen.append(option)
        taken.update(new)
        spent += _cost(lines, new, option.notes)
    return chosen


def _finish(plan: _Plan, chosen: list[Unit], limit: int) -> tuple[str, int]:
    """Header, body and as much of the footer as fits; the number of input lines shown."""
    lines, mined = plan.lines, plan.mined
    rows = sorted({r for u in chosen for r in u.rows})
    notes: dict[int, list[str]] = {}
    for unit in chosen:
        for row, text in unit.notes.items():
            if row in set(unit.rows) and text not in notes.get(row, []):
                notes.setdefault(row, []).append(text)
    shown_rows = set(rows)
    in_blocks = {r for b in plan.blocks for r in range(b.first, b.last + 1)}
    for n, event in enumerate(mined.events):  # counts under single-line ordinary events
        count = mined.counts[event.template]
        if (event.first == event.last and count > 1 and mined.first_of[event.template] == n
                and event.first in shown_rows and not event.severe
                and event.first not in in_blocks):  # fmt: skip
            notes.setdefault(event.first, []).append(
                f"{MARKER_PREFIX}: x{count} lines like the one above]"
            )
    body = _render(lines, rows, notes)
    header = _header(plan, shown_rows)
    text = "\n".join(part for part in (header, body) if part)
    footer = _footer(mined, limit - count_tokens(text) - 2)
    return "\n".join(part for part in (text, footer) if part), len(rows)


def _render(lines: list[str], rows: list[int], notes: dict[int, list[str]]) -> str:
    out: list[str] = []
    prev = -1
    for i in rows:
        if i > prev + 1:
            count = i - prev - 1
            where = f"line {prev + 2}" if count == 1 else f"lines {prev + 2}-{i}"
            out.append(f"{MARKER_PREFIX}: {where} omitted]")
        out.append(cut_long_line(lines[i].rstrip("\r")))
        out += notes.get(i, [])
        prev = i
    if prev < len(lines) - 1:
        out.append(f"{MARKER_PREFIX}: lines {prev + 2}-{len(lines)} omitted]")
    return "\n".join(out)


def _header(plan: _Plan, shown: set[int]) -> str:
    """Time range and counts; every "shown" count is counted from the rows shown."""
    lines, mined = plan.lines, plan.mined
    first = timestamp_of(lines[mined.events[0].first]) or "?"
    last = timestamp_of(lines[mined.events[-1].first]) or "?"
    severe = [e for e in mined.events if e.severe]
    severe_shown = sum(1 for e in severe if e.first in shown)
    kinds = {failure_key(b) for b in plan.blocks}
    kinds_shown = {failure_key(b) for b in plan.blocks if b.first in shown}
    failures = (
        f", {len(plan.blocks)} failure blocks ({len(kinds)} distinct, {len(kinds_shown)} shown)"
        if plan.blocks
        else ""
    )
    return (
        f"{MARKER_PREFIX} logs: {len(lines)} lines, {len(mined.events)} events from {first} to "
        f"{last}, {len(mined.counts)} templates, {len(severe)} error-level events "
        f"({severe_shown} shown){failures}. Shown verbatim while the budget lasted: failures "
        "and error-level events first, then query matches, first and last events, error words "
        "and rare events]"
    )


def _footer(mined: Mined, room: int) -> str:
    """The most frequent templates with their counts, as many as fit in `room` tokens."""
    top = [(t, n) for t, n in mined.counts.most_common(SUMMARY_TEMPLATES) if n > 1]
    rows = [f"{MARKER_PREFIX}: most frequent templates (<*> = masked numbers, ids, IPs)]"]
    spent = count_tokens(rows[0]) + 1
    for template, n in top:
        row = f"{MARKER_PREFIX}: x{n} {cut_long_line(template, 160)}]"
        cost = count_tokens(row) + 1
        if spent + cost > room:
            break
        rows.append(row)
        spent += cost
    return "\n".join(rows) if len(rows) > 1 else ""
