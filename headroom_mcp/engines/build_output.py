"""Build/CI output kind: the failure, the failing step, the summary and the exit status.

Console logs of GitHub Actions, GitLab, Jenkins, Travis and Buildkite jobs, and of make,
Maven, Gradle, npm, cargo, go and pytest runs, are mostly noise around one failure. Shown, in
original order, by priority while the budget lasts:

0. the compiler or linter diagnostics (diagnostics) whose file or rule code the query names
   (`lib/veo.ts`, `TS2345`, `cast_possible_truncation`), else those whose message holds the
   most of its words, headline first, then whole;
1. the headline, chained causes and message of each distinct failure block (failure_blocks),
   blocks with the same signature shown once with a count, each distinct headline kept;
2. summary and exit-status lines (`=== 1 failed ===`, `BUILD FAILURE`, `exit code 1`), then
   each block's innermost frame of user code and its entry frame when that is user code;
3. the failing step: `##[error]`, `> Task :x FAILED`, a Maven module's FAILURE, `make: ***`,
   and the header of every step that holds a failure;
4. lines matching the query, then other error lines (one per template), then the header of
   every step (the job's outline);
5. the head of the job (command, job name) and whole failure blocks, shortened with
   shorten_block when the whole does not fit; then the last lines of the job.

Download and progress lines, `Compiling x v1`, passing tests and spinners are never shown:
marker lines count them. ANSI codes are stripped from what is shown; a line redrawn with `\\r`
is shown as the terminal left it. The default budget (no max_tokens) is DEFAULT_BUDGET_SHARE
of the input's tokens, at least MIN_BUDGET_TOKENS and at most MAX_DEFAULT_BUDGET_TOKENS.
When there are more diagnostics than the budget shows one by one, marker lines under the
header count each file's errors and warnings and its most frequent rule codes.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from headroom_mcp.engines import build_lines as bl
from headroom_mcp.engines.base import MARKER_PREFIX, EngineResult, cut_long_line, query_terms
from headroom_mcp.engines.diagnostics import Diagnostic, find_diagnostics, overview
from headroom_mcp.engines.failure_blocks import (
    FailureBlock,
    find_failure_blocks,
    headline_rows,
    ranked_important,
    shorten_block,
    summary_lines,
    user_entry_frame,
    user_frame,
)
from headroom_mcp.engines.failure_warnings import (
    Warning_,
    find_warnings,
    group_warnings,
    says_warning,
)
from headroom_mcp.engines.line_patterns import LinePattern
from headroom_mcp.engines.log_lines import template_of
from headroom_mcp.engines.query_names import Names, query_names
from headroom_mcp.tokens import count_tokens, estimate_tokens

DEFAULT_BUDGET_SHARE = 0.12
MIN_BUDGET_TOKENS = 800
MAX_DEFAULT_BUDGET_TOKENS = 6000
HEAD_LINES = 5  # the command and job name
TAIL_LINES = 5
MAX_SUMMARY_LINES = 30
FIRST_SUMMARIES = 8  # summary lines placed before any frame
MAX_QUERY_LINES = 20
MAX_ERROR_LINES = 30
MAX_STEP_HEADERS = 30
SCORE_SAMPLE_LINES = 400
_WORD_RE = re.compile(r"[a-z0-9_]+")


@dataclass
class Parsed:
    """One parse of a console log, shared by compression and retrieval units."""

    raw: list[str]
    texts: list[str]  # what is shown of each line (ANSI stripped, `\r` redraws resolved)
    bodies: list[str]  # texts without a CI timestamp prefix
    noise: list[str | None]
    blocks: list[FailureBlock]
    summaries: list[int]
    steps: list[bl.Step]
    ansi: bool
    failed: list[int]  # rows that say a step failed (FAILED_STEP_RE)
    groups: dict[str, list[FailureBlock]] = field(default_factory=dict)
    warnings: list[Warning_] = field(default_factory=list)
    warning_groups: dict[str, list[Warning_]] = field(default_factory=dict)  # by message
    diagnostics: list[Diagnostic] = field(default_factory=list)  # compiler/linter, by file


@functools.lru_cache(maxsize=1)
def parse(content: str) -> Parsed:
    """Lines, noise kinds, failure blocks, summaries and steps of `content` (cached: the unit
    splitter and the engine ask for the same content one after the other)."""
    raw = content.split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    texts = [bl.shown(line) for line in raw]
    # Output quoted with an indent (a docs page, an issue) is read, and shown, without the
    # indentation every line shares, as the terminal printed it.
    shared = min((len(t) - len(t.lstrip(" ")) for t in texts if t.strip()), default=0)
    if shared:
        texts = [t[shared:] for t in texts]
    bodies = [bl.body_of(text) for text in texts]
    blocks = find_failure_blocks(texts)
    in_block = {k for b in blocks for k in range(b.first, b.last + 1)}
    warnings = find_warnings(texts, in_block)
    said = in_block | {k for w in warnings for k in range(w.first, w.last + 1)}
    noise = [None if i in said else bl.noise_kind(raw[i], bodies[i]) for i in range(len(raw))]
    failed = [i for i, body in enumerate(bodies) if bl.FAILED_STEP_RE.search(body)]
    parsed = Parsed(raw, texts, bodies, noise, blocks, summary_lines(texts),
                    bl.find_steps(bodies), "\x1b" in content, failed)  # fmt: skip
    for block in blocks:
        parsed.groups.setdefault(block.signature, []).append(block)
    parsed.warnings = warnings
    parsed.warning_groups = group_warnings(warnings)
    go_rows = {k for b in blocks if b.flavor == "go-vet" for k in range(b.first, b.last + 1)}
    parsed.diagnostics = find_diagnostics(bodies, go_rows)
    return parsed


def default_budget(tokens: int) -> int:
    share = int(tokens * DEFAULT_BUDGET_SHARE)
    return max(MIN_BUDGET_TOKENS, min(MAX_DEFAULT_BUDGET_TOKENS, share))


def compress_build_output(content: str, query: str | None, budget: int | None) -> EngineResult:
    """A header, the lines that matter in original order, and counted markers for the rest."""
    p = parse(content)
    limit = budget if budget is not None else _default_limit(p, estimate_tokens(content))
    header = _header(p)
    if count_tokens(header) > HEADER_SHARE * limit:  # a tight cut: say what is there, briefly
        header = _header(p, brief=True)
    header += _overview(p, limit)
    groups = _priorities(p, query)
    room = limit - count_tokens(header) - 1 - GAP_TOKENS  # the one gap marker of no rows
    keep = _select(p, groups, room)
    text = _render(p, header, keep)
    whole = len(set(keep)) == len(p.raw)  # nothing left out: no header, just the lines
    if whole or (budget is None and count_tokens(text) >= estimate_tokens(content)):
        # (or a view no smaller than the input: the input itself, as the terminal showed it)
        text = "\n".join(cut_long_line(t) for t in p.texts) + ("\n" if content[-1:] == "\n" else "")
        transforms = ["build:whole"] + (["build:ansi-stripped"] if p.ansi else [])
        return EngineResult(text, tuple(transforms))
    while count_tokens(text) > limit and keep:
        keep = keep[: max(0, len(keep) - max(1, len(keep) // 10))]
        text = _render(p, header, keep)
    shown = len(set(keep))
    omitted = len(p.raw) - shown
    transforms = [f"build:failures:{len(p.blocks)}", f"build:lines:{shown}/{len(p.raw)}"]
    if p.ansi:
        transforms.append("build:ansi-stripped")
    noise = Counter(kind for kind in p.noise if kind)
    what = ", ".join(f"{n} {kind}" for kind, n in noise.most_common())
    said = f"{omitted} of {len(p.raw)} lines" + (f" ({what})" if what else "")
    return EngineResult(text, tuple(transforms), omitted=said if omitted else None)


def _default_limit(p: Parsed, tokens: int) -> int:
    """The default budget, grown to hold a runner's whole list of failed tests (as far as
    the cap): pytest's list says each failure's message, so it may take the budget; jest's
    `✕ name` list names the tests only, so it comes on top of what the messages need."""
    limit = default_budget(tokens)
    listed = [
        p.texts[i]
        for members in p.groups.values()
        if _is_failure_list(p, members[0])
        for i in range(members[0].first, members[0].last + 1)
    ]
    if listed:
        need = count_tokens("\n".join(listed)) + LIST_OVERHEAD_TOKENS
        limit = max(limit, min(MAX_DEFAULT_BUDGET_TOKENS, need))
    crossed = [p.texts[i] for i in _failed_tests(p)]
    if crossed:
        limit = min(max(limit, MAX_DEFAULT_BUDGET_TOKENS), limit + count_tokens("\n".join(crossed)))
    return limit


def _headline_row(p: Parsed, block: FailureBlock) -> int:
    return next(k for k in block.important if block.headline in p.texts[k])


HEADER_SHARE = 0.1  # of the budget, at most, for the header's list of what is shown


def _header(p: Parsed, brief: bool = False) -> str:
    distinct = len(p.groups)
    flavors = Counter(b.flavor for b in p.blocks)
    kinds = ", ".join(f"{f} x{n}" if n > 1 else f for f, n in flavors.most_common(6))
    failing = [s.title for s in _failing_steps(p)][:3]
    blocks = f"{len(p.blocks)} failure blocks ({distinct} distinct{': ' + kinds if kinds else ''})"
    parts = [f"{len(p.raw)} lines", blocks]
    if p.warnings:
        parts.append(f"{len(p.warnings)} warnings ({len(p.warning_groups)} distinct)")
    if brief:  # the failing step's own line is among what is shown, budget permitting
        return f"{MARKER_PREFIX} build: {', '.join(parts)}]"
    if failing:
        parts.append("failing step: " + "; ".join(failing))
    return (
        f"{MARKER_PREFIX} build: {', '.join(parts)}. Shown: failures, failing step, errors, "
        "warnings, summary and exit status; progress, downloads and passing tests are counted]"
    )


OVERVIEW_SHARE = 0.12  # of the budget, at most, for the count of diagnostics by file


def _overview(p: Parsed, limit: int) -> str:
    """Lines under the header counting each file's errors, warnings and rule codes, when
    there are more diagnostics than the budget shows one by one (more files when they fit)."""
    if len(p.diagnostics) * 12 <= limit:  # a dozen tokens a diagnostic: all of them fit
        return ""
    for files in (12, 8, 5, 3):
        lines = overview(p.diagnostics, files)
        text = "".join("\n" + line for line in lines)
        if count_tokens(text) <= OVERVIEW_SHARE * limit:
            return text
    return ""


def _failing_steps(p: Parsed) -> list[bl.Step]:
    bad = {b.first for b in p.blocks} | set(p.failed)
    return [s for s in p.steps if any(s.first <= i <= s.last for i in bad)]


_FAILED_ENTRY_RE = re.compile(r"^(FAILED|ERROR) \S")
# jest, vitest and mocha list each test of a file under it, a failed one after a cross
_FAILED_TEST_RE = re.compile(rf"^\s*[{bl.FAILED_TEST_MARKS}] \S")
MAX_FAILED_TESTS = 60
FAILURE_LIST_SHARE = 0.6
LIST_OVERHEAD_TOKENS = 300  # the header and the first headlines beside a failure list


def _is_failure_list(p: Parsed, block: FailureBlock) -> bool:
    rows = range(block.first, block.last + 1)
    entries = sum(1 for i in rows if _FAILED_ENTRY_RE.match(p.bodies[i]))
    return entries >= 2 and entries >= FAILURE_LIST_SHARE * len(rows)


def _failed_tests(p: Parsed) -> list[int]:
    """The rows of a runner's per-test list that mark a test failed (jest's `✕ name`),
    outside failure blocks, each distinct text once."""
    in_block = {k for b in p.blocks for k in range(b.first, b.last + 1)}
    rows = (
        i for i, body in enumerate(p.bodies) if i not in in_block and _FAILED_TEST_RE.match(body)
    )
    return _distinct(p, rows)[:MAX_FAILED_TESTS]


def _priorities(p: Parsed, query: str | None) -> list[list[int]]:
    """Groups of rows in the order they earn their place (see the module docstring)."""
    order: list[list[int]] = []
    named = _named_rows(p, query_names(query)) or _asked_rows(p, query)
    order += [[i] for i in named]  # the query names their file or rule: they come first
    order += _named_blocks(p, named)
    firsts = [members[0] for members in p.groups.values()]
    # A runner's list of failed tests (pytest's short summary: "FAILED path::test - message")
    # names every failure with its message in a line each: the densest answer, so first.
    order += [
        [i]
        for block in firsts
        if _is_failure_list(p, block)
        for i in range(block.first, block.last + 1)
    ]
    order += [[i] for i in _failed_tests(p)]  # jest's `✕ name` list says the same
    order += [[i] for i in _final_count(p)]
    intros = _intro_summaries(p)
    for block in firsts:
        order.append(
            [k for k in (intros.get(block.first), _headline_row(p, block)) if k is not None]
        )
    for members in p.groups.values():
        seen = {members[0].headline}
        for other in members[1:]:
            if other.headline not in seen:  # the same failure with another message
                seen.add(other.headline)
                order.append([_headline_row(p, other)])
    asks_warnings = bool(query and _WARN_QUERY_RE.search(query))
    by_key, by_message, whole = _warning_rows(p)
    if asks_warnings:  # each kind of warning, then each distinct message, before the rest
        order += [[i] for i in by_key]
    ranked = [ranked_important(p.texts, b) for b in firsts]
    heads = [len(headline_rows(p.texts, b)) for b in firsts]
    order += [rows[:n] for rows, n in zip(ranked, heads, strict=True)]  # every chain
    order += [[b.message] for b in firsts if b.message is not None]
    if _is_service_log(p):  # its error-level lines are the story, not CI noise
        order += [[i] for i in _error_rows(p)]
    summaries = _distinct(p, reversed(p.summaries))[:MAX_SUMMARY_LINES]
    order += [[i] for i in summaries[:FIRST_SUMMARIES]]  # short, and say what happened
    # Then where each failure happened: the frame of the user's own code nearest the error
    # and the entry frame, block after block, before any generic line (Maven prefixes every
    # line with [ERROR]).
    order += [[k] for k in (user_frame(p.texts, b) for b in firsts) if k is not None]
    order += [[k] for k in (user_entry_frame(p.texts, b) for b in firsts) if k is not None]
    order += [[i] for i in _error_rows(p)]
    order += [[s.first] for s in _failing_steps(p)]
    order += [[i] for i in p.failed]
    order += [[i] for i in _query_rows(p, query)]
    order += ranked  # the frames
    order += [[i] for i in summaries[FIRST_SUMMARIES:]]
    if asks_warnings:
        order += [[i] for i in by_message] + whole
    if not asks_warnings:
        order += [[i] for i in by_key[:MAX_WARNING_KINDS]]
    order += [[s.first] for s in p.steps[:MAX_STEP_HEADERS]]  # the job's outline
    head = [i for i, kind in enumerate(p.noise) if kind is None and p.texts[i].strip()]
    order += [head[:HEAD_LINES]]
    order += [list(range(b.first, b.last + 1)) for b in firsts]
    order += [head[-TAIL_LINES:]]
    order += [head]  # a short log: everything but the noise
    return order


# a number or a duration, not part of a version, a path or an id
_COUNT_RE = re.compile(r"(?<![\w.:/-])\d+(?:\.\d+)?(?:ms|s|m|h)?(?![\w.:/-])")


def _final_count(p: Parsed) -> list[int]:
    """The last summary line that counts something (`Tests run: 2, Failures: 2`, `=== 1
    failed in 2.1s ===`, `BUILD FAILED in 15s`, `exit code 1`), else the last summary line:
    Maven's closing `Failed to execute goal ...` says less than the count above it."""
    last = p.summaries[-1:]
    counted = [i for i in reversed(p.summaries) if _COUNT_RE.search(p.bodies[i])][:1]
    return counted or last


INTRO_GAP = 2  # blank rows allowed between a summary line and the failure it introduces


def _intro_summaries(p: Parsed) -> dict[int, int]:
    """Summary lines that open a list of failures ("There were 4 failures:", "Failing
    Scenarios:") by the first row of the block they introduce: the count goes with the first
    failure it counts, so it is shown whenever that failure's headline is."""
    firsts = {b.first for b in p.blocks}
    intros: dict[int, int] = {}
    for i in p.summaries:
        k = i + 1
        while k < len(p.texts) and k - i <= INTRO_GAP and not p.texts[k].strip():
            k += 1
        if k in firsts:
            intros[k] = i
    return intros


_WARN_QUERY_RE = re.compile(r"(?i)\bwarn|\bdeprecat|\blint")
MAX_WARNING_KINDS = 10  # warnings shown unasked: one of each kind


def _warning_rows(p: Parsed) -> tuple[list[int], list[int], list[list[int]]]:
    """The first warning of each kind (message with names masked), of each distinct message,
    and the whole block (source excerpt, caret, notes) of each distinct message."""
    firsts = [members[0] for members in p.warning_groups.values()]
    kinds: dict[str, int] = {}
    for w in firsts:
        kinds.setdefault(w.key, w.row)
    whole = [list(range(w.first, w.last + 1)) for w in firsts if w.last > w.first]
    return list(kinds.values()), [w.row for w in firsts], whole


def _distinct(p: Parsed, rows: Iterable[int]) -> list[int]:
    seen: set[str] = set()
    out = []
    for i in rows:
        key = p.texts[i].strip()
        if key not in seen:
            seen.add(key)
            out.append(i)
    return out


MAX_NAMED = 60  # diagnostics shown first because the query names their file or rule


def _named_rows(p: Parsed, names: Names) -> list[int]:
    """The rows of the diagnostics whose file or rule code the query names."""
    if not names:
        return []
    rows = [d.row for d in p.diagnostics if names.names_file(d.file) or names.names_code(d.code)]
    return rows[:MAX_NAMED]


MIN_ASKED_WORDS = 2
_SEVERITY_WORDS = frozenset("error errors warning warnings fail failed failure failures".split())


def _asked_rows(p: Parsed, query: str | None) -> list[int]:
    """The diagnostics whose message holds the most words of the query (at least
    MIN_ASKED_WORDS): "which casts may wrap around the value" asks for the ones that say so."""
    terms = set(query_terms(query)) - _SEVERITY_WORDS  # every diagnostic says those
    if not terms or not p.diagnostics:
        return []
    scored = [
        (len(terms.intersection(_WORD_RE.findall(p.texts[d.row].lower()))), d.row)
        for d in p.diagnostics
    ]
    best = max(n for n, _ in scored)
    if best < MIN_ASKED_WORDS:
        return []
    return [row for n, row in scored if n == best][:MAX_NAMED]


def _named_blocks(p: Parsed, rows: list[int]) -> list[list[int]]:
    """The whole failure block or warning (place, excerpt, notes) of each named row."""
    spans = [(b.first, b.last) for b in p.blocks] + [(w.first, w.last) for w in p.warnings]
    out = []
    for row in rows:
        span = next(((first, last) for first, last in spans if first <= row <= last), None)
        if span is not None and span[1] > span[0]:
            out.append(list(range(span[0], span[1] + 1)))
    return out


def _query_rows(p: Parsed, query: str | None) -> list[int]:
    terms = set(query_terms(query))
    names = query_names(query)
    if not terms and not names:
        return []
    scored = [  # a path or code the query names counts as much as three of its words
        (len(terms.intersection(_WORD_RE.findall(t.lower()))) + 3 * names.in_text(t), i)
        for i, t in enumerate(p.texts)
        if p.noise[i] is None
    ]
    ranked = sorted(((-n, i) for n, i in scored if n), key=lambda x: x)
    return _distinct(p, (i for _, i in ranked))[:MAX_QUERY_LINES]


SERVICE_LOG_SHARE = 0.5  # of non-blank lines with a timestamp prefix, in a log with no steps


def _is_service_log(p: Parsed) -> bool:
    """A service's log routed here for its traces (no CI steps; most lines start with a
    timestamp): its error-level lines rank with the failures' messages, where a CI log's
    generic `[ERROR]` lines (Maven prefixes every line of a failure with it) wait."""
    if p.steps:
        return False
    rows = [i for i, text in enumerate(p.texts) if text.strip()]
    stamped = sum(1 for i in rows if len(p.bodies[i]) < len(p.texts[i]))
    return bool(rows) and stamped >= SERVICE_LOG_SHARE * len(rows)


def _error_rows(p: Parsed) -> list[int]:
    in_block = {k for b in p.blocks for k in range(b.first, b.last + 1)}
    templates: set[str] = set()
    rows = []
    for i, body in enumerate(p.bodies):
        if i in in_block or p.noise[i] or not bl.ERROR_LINE_RE.search(body):
            continue
        template = template_of(body)
        if template not in templates:
            templates.add(template)
            rows.append(i)
    return rows[:MAX_ERROR_LINES]


def _select(p: Parsed, groups: list[list[int]], room: int) -> list[int]:
    """Rows to show, in priority order, within `room` tokens (gap markers counted).

    A whole block that does not fit is shortened with shorten_block to the most lines that do.
    """
    cost: dict[int, int] = {}

    def price(rows: list[int]) -> int:
        total = 0
        for r in rows:
            if r not in cost:
                cost[r] = count_tokens(cut_long_line(p.texts[r])) + 1
            total += cost[r]
        return total

    whole = {(b.first, b.last): b for b in p.blocks}
    chosen: list[int] = []
    taken: set[int] = set()
    spent = 0
    for rows in groups:
        new = [r for r in dict.fromkeys(rows) if r not in taken]
        if not new:
            continue
        block = whole.get((rows[0], rows[-1])) if len(rows) > 1 else None
        if block is None and sum(len(p.texts[r]) for r in new) > 16 * (room - spent):
            continue  # surely too big: skip counting its tokens (the "everything" group)
        extra = price(new) + _gaps(new, taken, p.texts)
        if spent + extra > room and block is not None:
            new = _shortened(p, block, taken, room - spent, price)
            extra = price(new) + _gaps(new, taken, p.texts)
        if not new or spent + extra > room:
            continue
        chosen += new
        taken.update(new)
        spent += extra
    return chosen


GAP_TOKENS = 14  # one "[headroom: lines a-b omitted: ...]" marker


def _gaps(rows: list[int], taken: set[int], texts: list[str]) -> int:
    """Tokens of the gap markers showing `rows` adds: a marker stands for each run of omitted
    rows, so a run of new rows between omitted rows splits one run in two (one more marker),
    a run touching shown rows (or the edge) on one side only shortens a run (none more), and
    one filling a gap between shown rows removes a marker. Appending line after line to a
    shown run costs no marker at all."""
    if not rows:
        return 0
    total = len(texts)
    ordered = sorted(set(rows))
    chosen = set(ordered)
    delta = 0
    for k, row in enumerate(ordered):
        if k and ordered[k - 1] == row - 1:
            continue  # inside a run of new rows: only each run's ends matter
        end = row
        while end + 1 in chosen:
            end += 1
        left = row > 0 and _omitted(texts, taken, row - 1, -1)
        right = end + 1 < total and _omitted(texts, taken, end + 1, 1)
        delta += (left and right) - (not left and not right)
    return GAP_TOKENS * delta


def _omitted(texts: list[str], taken: set[int], row: int, step: int) -> bool:
    """Whether a gap marker would stand at `row`, next to a run of shown rows: the row is not
    shown, and it is not one of a few blank rows leading to a shown row (those are shown)."""
    for k in range(row, row + step * (BLANK_GAP + 1), step):
        if k in taken:
            return False
        if not 0 <= k < len(texts) or texts[k].strip():
            return True
    return True


def _shortened(
    p: Parsed, block: FailureBlock, taken: set[int], room: int, price: Callable[[list[int]], int]
) -> list[int]:
    """The most rows of `block` (as shorten_block picks them) that fit in `room` tokens."""
    low, high, best = 1, block.last - block.first, list[int]()
    while low <= high:
        mid = (low + high) // 2
        rows = [r for r in shorten_block(p.texts, block, mid) if r not in taken]
        if price(rows) + _gaps(rows, taken, p.texts) <= room:
            best, low = rows, mid + 1
        else:
            high = mid - 1
    return best


def _render(p: Parsed, header: str, keep: list[int]) -> str:
    out = [header]
    prev = -1
    repeats = {members[0].first: members for members in p.groups.values() if len(members) > 1}
    again = {ws[0].row: ws for ws in p.warning_groups.values() if len(ws) > 1}
    for i in sorted(set(keep)):
        if i > prev + 1 and _blank(p, prev + 1, i - 1):
            out += [""] * (i - prev - 1)  # blank lines cost less than a marker for them
        elif i > prev + 1:
            out.append(_gap_marker(p, prev + 1, i - 1))
        out.append(cut_long_line(p.texts[i]))
        members = repeats.get(i)
        if members:
            where = ", ".join(str(b.first + 1) for b in members[1:6])
            more = "…" if len(members) > 6 else ""
            out.append(f"{MARKER_PREFIX}: the failure below occurs {len(members)} times; "
                       f"again at lines {where}{more}]")  # fmt: skip
        if i in again:
            out.append(_again_marker(again[i]))
        prev = i
    if prev < len(p.raw) - 1:
        out.append(_gap_marker(p, prev + 1, len(p.raw) - 1))
    return "\n".join(out)


BLANK_GAP = 2  # at most this many blank rows between two shown rows are shown, not marked


def _blank(p: Parsed, first: int, last: int) -> bool:
    """Rows first..last are a short run of blank lines (shown as they are, not marked)."""
    return last - first < BLANK_GAP and all(not p.texts[k].strip() for k in range(first, last + 1))


def _again_marker(warnings: list[Warning_]) -> str:
    places = [w.where if w.where else f"line {w.row + 1}" for w in warnings[1:]]
    shown = ", ".join(dict.fromkeys(places[:8]))
    more = "…" if len(places) > 8 else ""
    return f"{MARKER_PREFIX}: this warning occurs {len(warnings)} times; also at {shown}{more}]"


def _gap_marker(p: Parsed, first: int, last: int) -> str:
    kinds = Counter(p.noise[first : last + 1])
    other = kinds.pop(None, 0)
    parts = [f"{n} {kind}" for kind, n in kinds.most_common() if kind]
    if other and parts:
        parts.append(f"{other} other")
    where = f"line {first + 1}" if first == last else f"lines {first + 1}-{last + 1}"
    what = f": {', '.join(parts)}" if parts else ""  # only noise is worth counting by kind
    return f"{MARKER_PREFIX}: {where} omitted{what}]"


# -- detection and retrieval units ------------------------------------------------------------

_STRONG_RE = LinePattern(
    r"^\ufeff?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z |##\[(group|endgroup|error|warning)\]"
    r"|^\[Pipeline\] |section_(start|end):\d+:|travis_fold:|^Running with gitlab-runner"
    r"|^\[INFO\] (BUILD|Scanning for projects|-{20,})|^BUILD (SUCCESSFUL|FAILED|SUCCESS|FAILURE)"
    r"|^> Task :|^=+ test session starts =+$|^(Test Suites|Tests):\s+\d|^test result: "
    r"|^npm (ERR!|warn|notice) |^make(\[\d+\])?: (\*\*\*|Entering directory)|^Job succeeded"
    r"|Process completed with exit code|^(ok|FAIL)\s+\S+\s+\d[\d.]*m?s$|^--- (FAIL|PASS): "
    r"|^~~~ \S|^\^\^\^ \+\+\+$"
    # cucumber's pretty formatter: a scenario and where it is defined
    r"|^\s*Scenario( Outline)?: .*\s# \S+\.feature:\d+$"
)
_BUILD_LINE_RE = LinePattern(
    r"^\[(INFO|WARNING|ERROR)\] |^\[(info|warn|error|success)\] "
    r"|^\s*\[(javac|exec|echo|junit|mkdir|copy|delete|jar|csc|msbuild)\] "
    r"|^\s*(Compiling|Downloading|Downloaded|Finished|Running|"
    r"Installing|Collecting|Building|Resolving|Fetching|Checking|Linking) |^=== RUN "
    r"|^\$ \S|^\+ \S|^\[\s*\d+%\] |^\[\d+/\d+\] |^(PASS|FAIL|ok) |^-- (Configuring|Generating|"
    r"Build files)|^(gcc|g\+\+|cc|clang|javac|tsc|go|cargo|npm|yarn|pnpm|mvn|gradle|make) "
    r"|^added \d+ packages|^\S+\.py::\S+ (PASSED|FAILED)|^\s*[✓✔✕\u00d7] |^collected \d+ items"
    r"|::(error|warning|group|endgroup)::|^(Step|STEP) \d+/\d+ : "
    # compiler and analyser diagnostics: gcc/clang, javac, tsc, MSBuild, and their context
    r"|^\s*\S+?(:\d+(:\d+)?:|\(\d+(,\d+)*\)\s*:)\s*(fatal )?(error|warning|note)\b"
    r"|: (error|warning) [A-Z]+\d+:|^\s*In file included from |^Build (started|succeeded)"
    r"|^Project \".*\" (on node|is building)|^\s*\d+ (Warning|Error)\(s\)"
    r"|^\s*[\w/.-]+\.py [.FEsx]+\s*(\[\s*\d+%\])?$"
    # BDD runners (cucumber, behave): a step and the step definition it ran
    r"|^\s*(Given|When|Then|And|But) .*\s# \S+:\d+$"
)


def score(content: str) -> float:
    """0..1: how sure we are that `content` is build, CI or test console output, from its
    first SCORE_SAMPLE_LINES lines (and its failure blocks and summary lines there)."""
    raw = content[:200_000].split("\n")[:SCORE_SAMPLE_LINES]
    shared = min((len(r) - len(r.lstrip(" ")) for r in raw if r.strip()), default=0)
    raw = [r[shared:] for r in raw] if shared else raw  # output quoted with an indent
    sample = [bl.body_of(bl.shown(line)) for line in raw]
    lines = [line for line in sample if line.strip()]
    if len(lines) < 2:
        return 0.0
    strong = sum(1 for line in lines if _STRONG_RE.search(line))
    strong += sum(1 for line in raw if "\x1b_bk;t=" in line or "section_start:" in line)
    if strong >= 3:
        return 0.95  # nothing below can change that: skip the costlier counts
    signals = len(find_failure_blocks(sample)) + len(summary_lines(sample))
    if strong >= 1 and signals >= 1:
        return 0.95
    build = sum(1 for line in lines if _BUILD_LINE_RE.search(line) or says_warning(line))
    share = (build + 2 * strong + 2 * signals) / len(lines)
    if build + strong + signals < 3:
        return min(0.3, 0.1 * (build + strong + signals))
    return round(min(0.9, 0.3 + share), 3)


FAILURE_TAGS = "error failure failed exception traceback"
WARNING_TAGS = "warning warnings warn diagnostic compiler"
MAX_STEP_UNIT_CHARS = 4000


def build_output_units(content: str) -> list[tuple[int, int, str, str]]:
    """Retrieval units as (start_char, end_char, location, index_tags): one per failure block
    (tagged as a failure and with its flavor), one per step small enough to read whole, and
    line windows over everything outside failure blocks."""
    from headroom_mcp.units import line_starts, line_windows, row_span

    p = parse(content)
    starts = line_starts(content)

    def span(first: int, last: int) -> tuple[int, int]:
        return row_span(content, starts, first, last)

    units: list[tuple[int, int, str, str]] = []
    for b in p.blocks:
        start, end = span(b.first, b.last)
        where = f"lines {b.first + 1}-{b.last + 1}"
        units.append((start, end, where, f"{FAILURE_TAGS} {b.flavor}"))
    for s in p.steps:
        start, end = span(s.first, s.last)
        if end - start <= MAX_STEP_UNIT_CHARS:
            units.append((start, end, f"lines {s.first + 1}-{s.last + 1} (step {s.title})", "step"))
    for w in p.warnings:
        start, end = span(w.first, w.last)
        where = f"line {w.first + 1}" if w.first == w.last else f"lines {w.first + 1}-{w.last + 1}"
        units.append((start, end, where, WARNING_TAGS))
    gaps = [(0, len(p.raw) - 1)]
    spans = sorted([(b.first, b.last) for b in p.blocks] + [(w.first, w.last) for w in p.warnings])
    for first, last in spans:  # blocks and warnings are in order and never overlap
        gaps[-1:] = [(gaps[-1][0], first - 1), (last + 1, len(p.raw) - 1)]
    for first, last in gaps:
        if first <= last:
            windows = line_windows(content, starts, first, last, skip_blank=True)
            units += [(u.start, u.end, u.location, u.tags) for u in windows]
    return sorted(units)
