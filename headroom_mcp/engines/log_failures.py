"""The failures of a log, as units the logs engine shows before anything else.

A unit is a run of rows to show together plus the marker notes that go with it. Failure
blocks (stack traces, compiler errors, test reports, from failure_blocks) come whole, or
shortened by shorten_block when one would not fit, and with the log line that opened them;
a block seen again (same signature and the same headline, so the same exception type with
a different message counts as different) is shown once, with a note giving how many more
times and where. Error-level events outside any block follow: every distinct message, one
template at a time; the same message again becomes a count in a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from headroom_mcp.engines.base import MARKER_PREFIX
from headroom_mcp.engines.failure_blocks import FailureBlock, headline_rows, shorten_block
from headroom_mcp.engines.log_lines import message_of

MAX_BLOCK_LINES = 80  # a longer failure block is shortened (headline, innermost frame first)
MIN_BLOCK_LINES = 8  # the shortest a block gets when even MAX_BLOCK_LINES does not fit
MAX_EVENT_LINES = 30  # continuation lines shown under an error event outside any block
MAX_TAIL_LINES = 5  # lines of the event after a block (an exception's unindented message)
MAX_LISTED_LINES = 8  # line numbers a repeat note lists before "…"


@dataclass
class Unit:
    """Rows to show together (sorted), the notes to print after some of them, and a
    shorter fallback to try when the unit does not fit."""

    rows: list[int]
    notes: dict[int, str] = field(default_factory=dict)
    fallback: Unit | None = None


def line_list(rows: Sequence[int]) -> str:
    """ "lines 12, 40, 77" (1-based), at most MAX_LISTED_LINES of them, then an ellipsis."""
    shown = ", ".join(str(r + 1) for r in rows[:MAX_LISTED_LINES])
    more = ", …" if len(rows) > MAX_LISTED_LINES else ""
    return f"line {shown}" if len(rows) == 1 else f"lines {shown}{more}"


def note(text: str) -> str:
    return f"{MARKER_PREFIX}: {text}]"


def failure_key(block: FailureBlock) -> tuple[str, str]:
    """Blocks with equal keys are one failure seen again: the same signature and the same
    headline, its log line's timestamp aside."""
    return block.signature, message_of(block.headline).strip()


def block_units(
    lines: Sequence[str],
    blocks: Sequence[FailureBlock],
    opener: dict[int, int],
    before: dict[int, int],
    event_end: dict[int, int],
) -> list[Unit]:
    """One unit per distinct failure block, in order of first sight. `opener` maps a block's
    first row to the row of the log line that opened it (the ERROR line above a traceback);
    `before` maps an event's first row to the first row of the event before it (context);
    `event_end` maps a block's first row to the last row of the event holding it, so that a
    message the recogniser did not claim (unindented lines under the exception) comes too."""
    groups: dict[tuple[str, str], list[FailureBlock]] = {}
    for block in blocks:
        groups.setdefault(failure_key(block), []).append(block)
    units = []
    # the rarest failures first: the one odd exception outranks the twentieth of another
    for same in sorted(groups.values(), key=len):
        block = same[0]
        head = opener.get(block.first)
        extra = [head] if head is not None and head < block.first else []
        if extra and extra[0] in before:
            extra.insert(0, before[extra[0]])
        repeat = ""
        if len(same) > 1:
            where = line_list([b.first for b in same[1:]])
            kind = "traceback" if block.flavor in ("python", "java") else "failure"
            repeat = note(f"the same {kind} {len(same) - 1} more times, {where}")
        end = event_end.get(block.first, block.last)
        tail = list(range(block.last + 1, min(end, block.last + MAX_TAIL_LINES) + 1))
        options = [
            extra + shorten_block(lines, block, MAX_BLOCK_LINES) + tail,
            extra + shorten_block(lines, block, MIN_BLOCK_LINES) + tail,
            extra + sorted(set(block.important)),
            extra + headline_rows(lines, block),
        ]
        unit: Unit | None = None
        for rows in reversed(options):
            if unit is None or rows != unit.rows:
                unit = Unit(rows, {rows[-1]: repeat} if repeat else {}, unit)
        assert unit is not None
        units.append(unit)
    return units


def error_units(
    lines: Sequence[str],
    events: Sequence[tuple[int, int, str]],
    covered: set[int],
    before: dict[int, int],
) -> tuple[list[Unit], list[Unit]]:
    """Units for error-level events (first row, last row, template) outside failure blocks:
    the first event of each template (with the line before it), then the other distinct
    messages, one per template per round. Repeats of a message become a note after it."""
    by_template: dict[str, dict[str, list[tuple[int, int]]]] = {}
    for first, last, template in events:
        if first in covered:
            continue
        message = message_of(lines[first]).strip()
        by_template.setdefault(template, {}).setdefault(message, []).append((first, last))
    firsts: list[Unit] = []
    rounds: list[list[Unit]] = []
    for messages in by_template.values():
        for k, spans in enumerate(messages.values()):
            first, last = spans[0]
            rows = list(range(first, min(last, first + MAX_EVENT_LINES) + 1))
            rows = [r for r in rows if r not in covered]
            if k == 0 and first in before:
                rows.insert(0, before[first])
            notes = {}
            if len(spans) > 1:
                where = line_list([s[0] for s in spans[1:]])
                notes[rows[-1]] = note(f"the same line {len(spans) - 1} more times, {where}")
            fallback = Unit([first], {first: notes[rows[-1]]} if notes else {})
            unit = Unit(rows, notes, fallback if len(rows) > 1 else None)
            if k == 0:
                firsts.append(unit)
            else:
                while len(rounds) < k:
                    rounds.append([])
                rounds[k - 1].append(unit)
    return firsts, [unit for units in rounds for unit in units]
