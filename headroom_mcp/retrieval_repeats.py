"""Error lines repeated with one dominant value, shown once per value with a count.

A log's errors are often one line template repeated hundreds of times with one value
dominating: 277 failed logins from one address among 371. Shown instance by instance, those
copies take the budget and push the rarer errors out of the answer. For a question about
errors, each such value is shown once (its first line, verbatim) with a count line
`[headroom: 277 lines like this with 183.62.140.253]`; instances whose values do not repeat
(each connection id, each hex code once) are all kept, since any of them may be the answer.

Only the message's variable parts count: the values in a syslog-style header
(`host proc[pid]: `) say where a line came from, not what happened.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from headroom_mcp.engines.base import MARKER_PREFIX
from headroom_mcp.engines.log_lines import message_of, template_of

MIN_LINES = 5  # a template this common among the matching lines may have a dominant value
MIN_REPEATS = 3  # a value on this many lines of its template is shown once, with a count
DOMINANT_SHARE = 0.05  # ... when it is also on this share of them
HEADER_CHARS = 80  # a `host proc[pid]: ` header ends (at its first ": ") within this


@dataclass(frozen=True)
class Repeats:
    """What to show of a list of one-line candidates, by index in that list: `shown[i]` is
    the index of the line to show in i's place, with its count line (a candidate that is
    the best-ranked of its repeats shows the first of them, in original order); candidates
    in `hidden` are repeats already counted."""

    shown: dict[int, tuple[int, str]]
    hidden: frozenset[int]


def _slots(message: str, template: str) -> list[tuple[int, str]] | None:
    """The masked values of `message` with where each starts, from its template's pieces."""
    pieces = template.split("<*>")
    pattern = "(.+?)".join(re.escape(p) for p in pieces)
    match = re.fullmatch(pattern, message.strip(), re.S)
    if match is None:
        return None
    return [(match.start(i), match.group(i)) for i in range(1, len(pieces))]


def _header_end(message: str) -> int:
    colon = message.find(": ", 0, HEADER_CHARS)
    return colon + 1 if colon != -1 else 0


def find_repeats(lines: list[tuple[int, int, str]]) -> Repeats:
    """`lines` are (candidate index, start offset, text) of one-line candidates, best first.
    Per frequent template, the slot whose most common value covers the most lines decides:
    each of its values on at least MIN_REPEATS lines (and DOMINANT_SHARE of the template's)
    is shown once, the others stay as they are."""
    by_template: dict[str, list[tuple[int, int, str]]] = {}
    for index, start, text in lines:
        message = message_of(text.strip())
        by_template.setdefault(template_of(message), []).append((index, start, message))
    shown: dict[int, tuple[int, str]] = {}
    hidden: set[int] = set()
    for template, members in by_template.items():
        if len(members) < MIN_REPEATS:
            continue
        if "<*>" not in template:  # the same message each time
            _group(members, f"{MARKER_PREFIX}: {len(members)} lines like this]", shown, hidden)
            continue
        values: list[list[str]] = []
        for _index, _start, message in members:
            slots = _slots(message, template)
            if slots is None:
                break
            header = _header_end(message.strip())
            values.append([value if at >= header else "" for at, value in slots])
        else:
            _collapse(members, values, shown, hidden)
    return Repeats(shown, frozenset(hidden))


def _collapse(
    members: list[tuple[int, int, str]],
    values: list[list[str]],
    shown: dict[int, tuple[int, str]],
    hidden: set[int],
) -> None:
    best: tuple[int, int, int] | None = None  # (top count, slot, length of its value)
    for slot in range(len(values[0])):
        counts = Counter(v[slot] for v in values if v[slot])
        if len(counts) < 2:
            continue  # a constant (uid=0) or a header value tells nothing apart
        value, top = counts.most_common(1)[0]
        # Ties go to the longer value: an address over a count ("PAM 4 more failures").
        if best is None or (top, len(value)) > (best[0], best[2]):
            best = (top, slot, len(value))
    if best is None and len(members) >= MIN_REPEATS:
        # Every value is the same on every line (or sits in the header): the lines are one
        # event repeated.
        _group(members, f"{MARKER_PREFIX}: {len(members)} lines like this]", shown, hidden)
        return
    if best is None or len(members) < MIN_LINES:
        return
    slot = best[1]
    floor = max(MIN_REPEATS, DOMINANT_SHARE * len(members))
    counts = Counter(v[slot] for v in values if v[slot])
    for value, count in counts.items():
        if count < floor:
            continue
        group = [m for m, v in zip(members, values, strict=True) if v[slot] == value]
        _group(group, f"{MARKER_PREFIX}: {count} lines like this with {value}]", shown, hidden)


def _group(
    group: list[tuple[int, int, str]],
    note: str,
    shown: dict[int, tuple[int, str]],
    hidden: set[int],
) -> None:
    """Show the first of `group` (in the original) where its best-ranked member stands."""
    first = min(group, key=lambda m: m[1])
    best_ranked = group[0]
    shown[best_ranked[0]] = (first[0], note)
    hidden.update(m[0] for m in group if m[0] != best_ranked[0])
