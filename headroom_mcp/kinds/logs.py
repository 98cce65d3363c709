"""Logs: timestamped or levelled lines, mined into template families; errors, traces and
one-off events shown whole, frequent families counted.

Units: one per log event (its continuation lines included), tagged when it is an error or a
rare event, so a question about errors finds them.
"""

from __future__ import annotations

import re
from collections import Counter

from headroom_mcp.engines.base import EngineResult
from headroom_mcp.engines.log_lines import LEVEL_RE, TIMESTAMP_RE
from headroom_mcp.kinds.base import Options, Sample
from headroom_mcp.store import Unit
from headroom_mcp.units import ERROR_TAGS, MAX_STRUCTURED_UNIT_CHARS, line_starts, line_windows

NAME = "logs"
RARE_TAGS = "unusual rare event events"
MAX_EVENT_LINES = 200  # a longer "event" (longer than a deep Java trace) is cut into windows
RARE_SHARE_OF_FAMILY = 0.1  # one-off templates are odd ones out only in a family mostly not


# A date-time near the start of a line, after a prefix such as a file name, a numeric id or a
# thread name ("nova-api.log.1 2017-05-16 00:00:00.008", "12 2026-01-02T10:00:00").
_NEAR_START_TS_RE = re.compile(
    r"\d{4}[-/]\d{2}[-/]\d{2}[T _]\d{2}:\d{2}:\d{2}|\b\d{2}:\d{2}:\d{2}[.,]\d{3}"
    r"|\[\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2}"
)
# Lines that continue an event: stack frames, "Caused by:", indented detail, "#0 /path(12)".
_CONTINUATION_RE = re.compile(
    r"^(\s|#\d+ |at |Caused by|Traceback|\.\.\. \d+ more|\[stacktrace\]|During handling"
    r"|The above exception|[}\])\"]|[A-Za-z_][\w.$]*(Error|Exception|Warning)\b)"
)
NEAR_START_CHARS = 80


def _near_start(line: str) -> bool:
    return bool(_NEAR_START_TS_RE.search(line[:NEAR_START_CHARS]))


def score(sample: Sample) -> float:
    """Most lines start with a timestamp (or carry one right after a short prefix); or some
    do and the rest continue their events (traces, indented detail); or lines carry a level
    with some timestamps; or carry a level (weakly: prose and code outrank that alone). A log
    outranks grep output and prose, whose lines can look alike."""
    timestamps = sample.share(lambda s: bool(TIMESTAMP_RE.match(s)))
    if timestamps >= 0.5:
        return 0.8
    near = sample.share(_near_start)
    if near >= 0.5:
        return 0.8
    continued = sample.share(lambda s: not _near_start(s) and bool(_CONTINUATION_RE.match(s)))
    if near >= 0.05 and max(near + continued, near + sample.failure_share) >= 0.6:
        return 0.75
    levels = sample.share(lambda s: bool(LEVEL_RE.search(s[:120])))
    if levels >= 0.5 and timestamps >= 0.2:
        return 0.65
    if levels >= 0.5:
        return 0.45
    return 0.0


def compress(content: str, query: str | None, budget: int | None, options: Options) -> EngineResult:
    from headroom_mcp.engines.logs import compress_logs

    return compress_logs(content, query, budget)


def units(content: str, options: Options) -> list[Unit]:
    starts = line_starts(content)
    if len(content) > MAX_STRUCTURED_UNIT_CHARS:
        return line_windows(content, starts)
    return log_event_units(content, starts)


def log_event_units(content: str, starts: list[int]) -> list[Unit]:
    """One unit per log event (its continuation lines included), tagged when the logs engine
    would call it an error or a rare event."""
    from headroom_mcp.engines.logs import RARE_TEMPLATE_MAX, mine_text

    _, mined = mine_text(content)
    in_rare: Counter[int] = Counter()  # per family, its events in rare templates
    for template, count in mined.counts.items():
        if count <= RARE_TEMPLATE_MAX:
            in_rare[mined.family[template]] += count
    units: list[Unit] = []
    for event in mined.events:
        start = starts[event.first]
        end = starts[event.last + 1] - 1 if event.last + 1 < len(starts) else len(content)
        if end <= start:
            continue
        if event.last - event.first >= MAX_EVENT_LINES:
            # Not one event but text the miner could not cut (output with few log lines):
            # windows, so that a question gets the lines that answer it, not all of them.
            units += line_windows(content, starts, event.first, event.last, skip_blank=True)
            continue
        tags = []
        if event.severe or event.error_words:
            tags.append(ERROR_TAGS)
        family = mined.family[event.template]
        # A one-off wording inside a big family of frequent ones ("disconnected by user"
        # among hundreds of "Bye Bye [preauth]") is as rare as a family of its own; in a
        # family of one-offs (a package name in every dpkg line) none of them stands out.
        rare_family = mined.family_counts[family] <= RARE_TEMPLATE_MAX
        odd_one = (
            mined.counts[event.template] <= RARE_TEMPLATE_MAX
            and in_rare[family] <= RARE_SHARE_OF_FAMILY * mined.family_counts[family]
        )
        if rare_family or odd_one:
            tags.append(RARE_TAGS)
        where = (
            f"line {event.first + 1}"
            if event.first == event.last
            else f"lines {event.first + 1}-{event.last + 1}"
        )
        units.append(Unit(start, end, where, " ".join(tags)))
    return units
