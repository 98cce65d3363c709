"""Plain-text fallback engine: head, tail, query-matching lines and error-like lines.

Kept lines are shown verbatim and in original order (lines over MAX_LINE_CHARS are cut with a
marker). Every gap is a marker line naming the line numbers left out, so the model can ask for
exactly that range back. Repeated error lines that differ only in numbers are shown once.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter

from headroom_mcp.engines.base import (
    MAX_LINE_CHARS,
    EngineResult,
    cut_long_line,
    omission_line,
    query_terms,
)
from headroom_mcp.engines.failure_blocks import strip_ansi
from headroom_mcp.engines.text_structure import TextShape, line_stems, query_stems, text_shape
from headroom_mcp.tokens import count_tokens, estimate_tokens

HEAD_LINES = 8
TAIL_LINES = 5
MIN_BUDGET_TOKENS = 200
MAX_DEFAULT_BUDGET_TOKENS = 3000
DEFAULT_BUDGET_SHARE = 0.15  # of the input's tokens, when no max_tokens is given

ERROR_RE = re.compile(
    r"\b(error|errors|exception|traceback|fatal|critical|panic|fail|failed|failure|failing"
    r"|denied|refused|timeout|timed out|segfault|abort|aborted|unhandled|crash|crashed)\b",
    re.IGNORECASE,
)
_DIGITS_RE = re.compile(r"\d+")


def default_budget(total_tokens: int) -> int:
    """Output budget when the caller gives none: a share of the input, within fixed bounds."""
    share = int(total_tokens * DEFAULT_BUDGET_SHARE)
    return max(MIN_BUDGET_TOKENS, min(MAX_DEFAULT_BUDGET_TOKENS, share))


def _query_scores(lines: list[str], terms: list[str]) -> dict[int, float]:
    """Score lines by the IDF-weighted query stems they contain (a line's identifiers count
    whole and by their parts: `instance_class` answers "instance class")."""
    if not terms:
        return {}
    wanted = set(terms)
    hits: dict[int, set[str]] = {}
    df: Counter[str] = Counter()
    for i, line in enumerate(lines):
        lowered = line.lower()
        if not any(term in lowered for term in wanted):
            continue  # (a stem is the head of its word: a line without the text has no match)
        found = wanted.intersection(line_stems(line))
        if found:
            hits[i] = found
            df.update(found)
    n = len(lines)
    idf = {t: math.log(1 + n / df[t]) for t in df}
    return {i: sum(idf[t] for t in found) for i, found in hits.items()}


_ERROR_STEMS = (
    "error",
    "exception",
    "traceback",
    "fatal",
    "critical",
    "panic",
    "fail",
    "denied",
    "refused",
    "timeout",
    "timed out",
    "segfault",
    "abort",
    "unhandled",
    "crash",
)


def error_candidate_rows(lines: list[str]) -> list[int]:
    """Indexes of lines holding an error stem; str.find in C beats a big regex ~20x."""
    joined = "\n".join(lines).lower()
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    found: set[int] = set()
    for stem in _ERROR_STEMS:
        pos = joined.find(stem)
        while pos != -1:
            i = bisect.bisect_right(starts, pos) - 1
            found.add(i)
            nxt = starts[i + 1] if i + 1 < len(starts) else len(joined)
            pos = joined.find(stem, nxt)  # one hit per line is enough
    return sorted(found)


def _error_lines(lines: list[str]) -> list[int]:
    """Indexes of error-like lines, the first of each shape (numbers masked)."""
    seen: set[str] = set()
    picked: list[int] = []
    for i in error_candidate_rows(lines):
        if not ERROR_RE.search(lines[i]):
            continue  # a stem inside a longer word, e.g. "errorless"
        shape = _DIGITS_RE.sub("0", lines[i].strip())
        if shape not in seen:
            seen.add(shape)
            picked.append(i)
    return picked


GAP_MARKER_TOKENS = 14  # a "[headroom: lines a-b omitted (n lines)]" line


CONTEXT_BELOW = 4  # first lines of the block a matching or error line opens
OUTLINE_LEVELS = 2  # indentation levels shown as the outline when budget is left
STRONG_SHARE = 0.5  # of the best match's score: a strong match's block comes before weak ones
REPEATS_SHOWN = 2  # lines of one shape (numbers aside) shown before the others of that shape


def select_lines(lines: list[str], query: str | None, budget: int) -> list[int]:
    """Line indexes in priority order, chosen until the token budget is spent.

    In order: the head and tail; lines matching the query strongly, best first and
    REPEATS_SHOWN of each shape before any repeat, each with the headers above it (its
    indentation ancestors) and the first lines of the block it opens (a query's result rows),
    else with its headers alone; the weaker matches with their headers, then their blocks;
    distinct error lines with their headers, then their blocks; the outline (the least
    indented lines) when the text nests; then the repeats. Each line's cost includes the
    omission marker it may open, so the rendered text lands near the budget; `compress_text`
    trims the last few if the estimate was short.
    """
    n = len(lines)
    shape = text_shape(lines)
    scores = _query_scores(lines, query_stems(query_terms(query)))
    ranked = sorted(scores, key=lambda i: (-scores[i], i))
    distinct, repeats = _split_repeats(ranked, shape.shapes)
    errors = _error_lines(lines)
    groups: list[list[int]] = [[i] for i in range(min(HEAD_LINES, n))]
    groups += [[i] for i in range(max(0, n - TAIL_LINES), n)]
    best = scores[ranked[0]] if ranked else 0.0
    strong = [i for i in distinct if scores[i] >= STRONG_SHARE * best]
    weak = [i for i in distinct if scores[i] < STRONG_SHARE * best]
    entries = {i for i in ranked if scores[i] >= STRONG_SHARE * best}  # end a paragraph
    for i in strong:  # each with its headers and what answers it, else with its headers
        with_headers = [i, *_headers(shape, i)]
        groups.append([*with_headers, *shape.block_below(i, CONTEXT_BELOW, entries)])
        groups.append(with_headers)
    groups += [[i, *_headers(shape, i)] for i in weak]
    groups += [shape.block_below(i, CONTEXT_BELOW, entries) for i in weak]
    groups += [[i, *_headers(shape, i)] for i in errors]
    groups += [shape.block_below(i, CONTEXT_BELOW, entries) for i in errors]
    groups += [[i] for i in _outline(shape)]
    groups += [[i] for i in repeats]
    chosen: list[int] = []
    taken: set[int] = set()
    spent = GAP_MARKER_TOKENS
    line_cost: dict[int, int] = {}
    for group in groups:
        if budget - spent < MIN_LINE_COST:
            break  # full: no line fits any more
        for part in (group, group[:1]):  # the whole group, else its first line alone
            rows = [i for i in dict.fromkeys(part) if i not in taken]
            cost = _cost(lines, rows, taken, line_cost)
            if rows and spent + cost <= budget:
                chosen += rows
                taken.update(rows)
                spent += cost
                break
    return chosen


MIN_LINE_COST = 2  # a one-token line and its line break


def _headers(shape: TextShape, row: int) -> list[int]:
    """The lines that say where `row` is: its indentation ancestors and, in a list of
    records, the line opening its record and the record's title."""
    head = shape.record_head(row)
    if head is None:
        return shape.ancestors(row)
    title = shape.record_title(head, row)
    return [*shape.ancestors(row), head, *([title] if title is not None else [])]


def _cost(lines: list[str], rows: list[int], taken: set[int], line_cost: dict[int, int]) -> int:
    """Tokens the rows add: their text, and a gap marker for each that opens a new run
    (`line_cost` remembers each line's count: a header comes up with every line under it)."""
    cost = 0
    added: set[int] = set()
    for i in sorted(rows):
        if i not in line_cost:
            line_cost[i] = count_tokens(cut_long_line(lines[i])) + 1
        cost += line_cost[i]
        if i - 1 not in taken and i - 1 not in added:
            cost += GAP_MARKER_TOKENS
        added.add(i)
    return cost


def _split_repeats(ranked: list[int], shapes: list[str]) -> tuple[list[int], list[int]]:
    """Ranked rows split into the first REPEATS_SHOWN of each shape and the rest, both in
    rank order: a hundred `Sending build context ... 12.3MB` lines take two places, not all."""
    seen: Counter[str] = Counter()
    first: list[int] = []
    rest: list[int] = []
    for i in ranked:
        seen[shapes[i]] += 1
        (first if seen[shapes[i]] <= REPEATS_SHOWN else rest).append(i)
    return first, rest


def _outline(shape: TextShape) -> list[int]:
    """Rows at the OUTLINE_LEVELS smallest indentations, the top level first, each level in
    order, when the text nests at all (flat text has no outline: its lines are all alike)."""
    levels = sorted({indent for indent in shape.indents if indent is not None})
    if len(levels) < 2:
        return []
    rows: list[int] = []
    for level in levels[:OUTLINE_LEVELS]:  # the whole top level first, then the next
        rows += [i for i, indent in enumerate(shape.indents) if indent == level]
    return rows if len(rows) < len(shape.indents) else []


SHOW_LONE_GAP_CHARS = 120  # a single omitted line this short costs no more than its marker


def render_lines(lines: list[str], keep: list[int], noun: str = "lines") -> tuple[str, int]:
    """Kept lines in order, with a marker naming each omitted range (1-based line numbers).

    A single short line between two kept ones is shown instead of a marker for it. Returns the
    text and how many input lines it shows.
    """
    out: list[str] = []
    shown = len(keep)
    prev = -1
    for i in keep:
        if i == prev + 2 and len(lines[prev + 1]) <= SHOW_LONE_GAP_CHARS:
            out.append(lines[prev + 1])
            shown += 1
        elif i > prev + 1:
            out.append(_gap(prev + 1, i - 1, noun))
        out.append(cut_long_line(lines[i]))
        prev = i
    if prev < len(lines) - 1:
        out.append(_gap(prev + 1, len(lines) - 1, noun))
    return "\n".join(out), shown


def _gap(first: int, last: int, noun: str) -> str:
    count = last - first + 1
    if count == 1:
        return omission_line(f"line {first + 1} omitted")
    return omission_line(f"{noun} {first + 1}-{last + 1} omitted ({count} {noun})")


def compress_text(content: str, query: str | None, budget: int | None) -> EngineResult:
    """Keep head, tail, query matches and distinct error lines within `budget` tokens."""
    lines = content.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [line.rstrip("\r") for line in lines]
    notes: tuple[str, ...] = ()
    if "\x1b" in content:  # colours cost tokens and say nothing; the original keeps them
        lines = [strip_ansi(line) for line in lines]
        notes = ("text:ansi-stripped",)
    limit = budget if budget is not None else default_budget(estimate_tokens(content))
    chosen = select_lines(lines, query, limit)
    if len(chosen) == len(lines) and all(len(line) <= MAX_LINE_CHARS for line in lines):
        return EngineResult(content, ("text:unchanged",))
    text, shown = render_lines(lines, sorted(chosen))
    while chosen and count_tokens(text) > limit:
        chosen.pop()  # the lowest-priority line goes first
        text, shown = render_lines(lines, sorted(chosen))
    omitted = len(lines) - shown
    return EngineResult(
        text,
        (f"text:lines:{shown}/{len(lines)}", *notes),
        omitted=f"{omitted} of {len(lines)} lines omitted" if omitted else "long lines cut",
    )
