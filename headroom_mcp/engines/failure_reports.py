"""Test reports in XML: JUnit/xUnit (`<testcase>`), NUnit 2 and 3 (`<test-case>`) and MSTest
TRX (`<UnitTestResult>`): each failing or erroring case with its message and the top of its
stack trace, the run's totals, and the passing cases counted.

The report is read line by line, not parsed as a tree, so that every line shown is a line of
the input: a case runs from its opening tag to its closing tag (or is one self-closed line).
Shown, by priority while the budget lasts: the lines holding the run's totals; the opening
line and message lines of each failing case; the first STACK_TOP_LINES lines of its stack
trace; the rest of each failing case. Failing cases whose message (numbers masked) was seen
already give their opening and message lines only; everything else is counted in markers.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

from headroom_mcp.engines.base import MARKER_PREFIX, EngineResult, cut_long_line
from headroom_mcp.tokens import count_tokens, estimate_tokens

DEFAULT_BUDGET_SHARE = 0.15
MIN_BUDGET_TOKENS = 600
MAX_DEFAULT_BUDGET_TOKENS = 6000
STACK_TOP_LINES = 4
MAX_MESSAGE_LINES = 8
MAX_TOTALS_LINES = 4
ROOT_WITHIN_CHARS = 4000
CASES_WITHIN_CHARS = 400_000
FAILED, ERRORED, SKIPPED, PASSED = "failed", "errored", "skipped", "passed"

_CASE_OPEN_RE = re.compile(r"<(?P<tag>testcase|test-case|UnitTestResult)\b")
_ROOT_RE = re.compile(
    r"<(testsuites|testsuite|test-run|test-results|test-suite|TestRun|assemblies|assembly)\b"
)
_TOTALS_RE = re.compile(
    r"<(testsuites|testsuite|test-run|test-results|test-suite|Counters|assembly)\b[^>]*"
    r"\b(tests|total)="
)
_OUTCOME_RE = re.compile(
    r"\b(?:result|outcome|status)=[\"'](?P<value>[\w ]+)[\"']|\bsuccess=[\"'](?P<success>\w+)[\"']"
)
_FAILED_WORDS = {"failure", "failed", "fail", "timeout", "aborted"}
_ERROR_WORDS = {"error", "errored"}
_SKIPPED_WORDS = {
    "skipped", "ignored", "notrunnable", "notexecuted", "disabled", "inconclusive", "notrun",
    "pending",
}  # fmt: skip
_CHILD_RE = re.compile(r"<(?P<child>failure|error|skipped)\b")
_MESSAGE_RE = re.compile(r"<(message|Message|failure|error|reason)\b|\bmessage=[\"']")
_MESSAGE_END_RE = re.compile(r"</(message|Message)>|/>\s*$|\]\]>")
_STACK_RE = re.compile(
    r"<(stack-trace|StackTrace|stacktrace)\b|<(failure|error)\b[^>]*>\s*[^<\s][^<]*$"
)
_NUMBER_RE = re.compile(r"\d+")


@dataclass(frozen=True)
class Case:
    """One test case: lines first..last (inclusive); `message` lists its message lines and
    `stack` the first line of its stack trace (None when it has none)."""

    first: int
    last: int
    outcome: str
    message: tuple[int, ...]
    stack: int | None

    @property
    def failing(self) -> bool:
        return self.outcome in (FAILED, ERRORED)


@dataclass
class Report:
    lines: list[str]
    cases: list[Case]
    totals: list[int]


def looks_like_report(content: str) -> bool:
    """Whether `content` is an XML test report: it opens with a tag, a report's root element
    comes early (`<testsuites>`, `<test-run>`, `<TestRun>`, ...) and it holds test cases."""
    if not content.lstrip("\ufeff \t\r\n").startswith("<"):
        return False
    root = _ROOT_RE.search(content, 0, ROOT_WITHIN_CHARS)
    return root is not None and bool(_CASE_OPEN_RE.search(content, 0, CASES_WITHIN_CHARS))


@functools.lru_cache(maxsize=1)
def parse(content: str) -> Report:
    """The cases and totals lines of a test report (cached for units after compression)."""
    lines = content.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    cases: list[Case] = []
    i = 0
    while i < len(lines):
        match = _CASE_OPEN_RE.search(lines[i])
        if match is None:
            i += 1
            continue
        case = _case(lines, i, match.group("tag"), match.start())
        cases.append(case)
        i = case.last + 1
    totals = [i for i, line in enumerate(lines) if _TOTALS_RE.search(line)][:MAX_TOTALS_LINES]
    return Report(lines, cases, totals)


def _case(lines: list[str], i: int, tag: str, col: int) -> Case:
    opening = lines[i][col:]
    end_of_tag = opening.find(">")
    if end_of_tag >= 0 and opening[end_of_tag - 1] == "/":
        last = i
    else:
        closing = f"</{tag}>"
        last = i
        while last < len(lines) and closing not in lines[last]:
            if last > i and _CASE_OPEN_RE.search(lines[last]):
                last -= 1  # an unclosed case ends before the next one opens
                break
            last += 1
        last = min(last, len(lines) - 1)
    body = lines[i : last + 1]
    outcome = _outcome(opening, body)
    message: list[int] = []
    stack = None
    if outcome in (FAILED, ERRORED):
        k = i
        while k <= last:
            if stack is None and k > i and _STACK_RE.search(lines[k]):
                stack = k
                if "message" not in lines[k]:
                    k += 1
                    continue
            if _MESSAGE_RE.search(lines[k]) and len(message) < MAX_MESSAGE_LINES:
                start = k
                while len(message) < MAX_MESSAGE_LINES and k <= last:
                    message.append(k)
                    if _MESSAGE_END_RE.search(lines[k]) and (k > start or "<" in lines[k]):
                        break
                    k += 1
            k += 1
        after = max(message, default=i) + 1
        if stack is None and after <= last and not lines[after].lstrip().startswith("</"):
            stack = after  # JUnit: the trace is the failure element's text
    return Case(i, last, outcome, tuple(dict.fromkeys(message)), stack)


def _outcome(opening: str, body: list[str]) -> str:
    tag_text = opening[: opening.find(">") + 1] if ">" in opening else opening
    for match in _OUTCOME_RE.finditer(tag_text):
        value = (match.group("value") or "").replace(" ", "").lower()
        if value in _ERROR_WORDS:
            return ERRORED
        if value in _FAILED_WORDS or (match.group("success") or "").lower() == "false":
            return FAILED
        if value in _SKIPPED_WORDS:
            return SKIPPED
        if value in ("passed", "success", "pass", "ok"):
            return PASSED
    for line in body[:50]:
        child = _CHILD_RE.search(line)
        if child is not None:
            return {"failure": FAILED, "error": ERRORED, "skipped": SKIPPED}[child.group("child")]
    return PASSED


def default_budget(tokens: int) -> int:
    return max(
        MIN_BUDGET_TOKENS, min(MAX_DEFAULT_BUDGET_TOKENS, int(tokens * DEFAULT_BUDGET_SHARE))
    )


def compress_test_report(content: str, query: str | None, budget: int | None) -> EngineResult:
    """A header with the counts, the totals lines and each failing case (see module doc)."""
    report = parse(content)
    if not report.cases:
        raise ValueError("no test cases in this report")
    groups = _priorities(report)
    if budget is not None:
        limit = budget
    else:  # enough for every failing case's name and message, when the share is less
        failing = [c for c in report.cases if c.failing]
        named = {k for c in failing for k in (c.first, *c.message)}
        essential = "\n".join(report.lines[k] for k in sorted(named | set(report.totals)))
        limit = max(default_budget(estimate_tokens(content)), min(MAX_DEFAULT_BUDGET_TOKENS,
                    80 + 20 * len(failing) + count_tokens(essential)))  # fmt: skip
    counts = Counter(case.outcome for case in report.cases)
    header = _header(report, counts)
    keep = _select(report, groups, limit - count_tokens(header) - 1)
    text = _render(report, header, keep)
    while count_tokens(text) > limit and keep:
        keep = keep[: max(0, len(keep) - max(1, len(keep) // 10))]
        text = _render(report, header, keep)
    shown = len(set(keep))
    transforms = (
        f"test-report:cases:{len(report.cases)}",
        f"test-report:failing:{counts[FAILED] + counts[ERRORED]}",
        f"test-report:lines:{shown}/{len(report.lines)}",
    )
    omitted = len(report.lines) - shown
    said = f"{omitted} of {len(report.lines)} lines" if omitted else None
    return EngineResult(text, transforms, omitted=said)


def _header(report: Report, counts: Counter[str]) -> str:
    parts = [f"{counts[k]} {k}" for k in (FAILED, ERRORED, SKIPPED, PASSED) if counts[k]]
    return (
        f"{MARKER_PREFIX} test report: {len(report.lines)} lines, {len(report.cases)} test cases "
        f"({', '.join(parts)}). Shown: the totals, each failing case with its message and the "
        "top of its stack trace; passing cases are counted]"
    )


def _priorities(report: Report) -> list[list[int]]:
    failing = [case for case in report.cases if case.failing]
    seen: set[str] = set()
    first_of_kind: list[Case] = []
    for case in failing:
        key = _NUMBER_RE.sub("#", " ".join(report.lines[k].strip() for k in case.message))
        if key not in seen:
            seen.add(key)
            first_of_kind.append(case)
    order: list[list[int]] = [report.totals[:1]]
    order += [[case.first, *case.message] for case in failing]
    order.append(report.totals)
    for case in first_of_kind:
        if case.stack is not None:
            top = range(case.stack, min(case.last, case.stack + STACK_TOP_LINES - 1) + 1)
            order.append(list(top))
    order += [[case.last] for case in failing]  # the closing tags
    order += [list(range(case.first, case.last + 1)) for case in first_of_kind]
    return order


def _select(report: Report, groups: list[list[int]], room: int) -> list[int]:
    chosen: list[int] = []
    taken: set[int] = set()
    spent = 0
    for rows in groups:
        new = [r for r in dict.fromkeys(rows) if r not in taken]
        if not new:
            continue
        cost = sum(count_tokens(cut_long_line(report.lines[r])) + 1 for r in new) + 14
        if spent + cost > room:
            continue
        chosen += new
        taken.update(new)
        spent += cost
    return chosen


def _render(report: Report, header: str, keep: list[int]) -> str:
    starts = {case.first: case for case in report.cases}
    out = [header]
    prev = -1
    for i in sorted(set(keep)):
        if i > prev + 1:
            out.append(_gap_marker(report, starts, prev + 1, i - 1))
        out.append(cut_long_line(report.lines[i].rstrip("\r")))
        prev = i
    if prev < len(report.lines) - 1:
        out.append(_gap_marker(report, starts, prev + 1, len(report.lines) - 1))
    return "\n".join(out)


def _gap_marker(report: Report, starts: dict[int, Case], first: int, last: int) -> str:
    outcomes = Counter(starts[k].outcome for k in range(first, last + 1) if k in starts)
    what = ", ".join(f"{n} {kind} test cases" for kind, n in outcomes.most_common())
    where = f"line {first + 1}" if first == last else f"lines {first + 1}-{last + 1}"
    return f"{MARKER_PREFIX}: {where} omitted{': ' + what if what else ''}]"


FAILURE_TAGS = "error errors failure failures failed failing exception test case"


def report_units(content: str) -> list[tuple[int, int, str, str]]:
    """(start, end, location, tags): one unit per failing test case, tagged as a failure,
    and line windows over the rest."""
    from headroom_mcp.units import line_starts, line_windows, row_span

    report = parse(content)
    starts = line_starts(content)

    def span(first: int, last: int) -> tuple[int, int]:
        return row_span(content, starts, first, last)

    units: list[tuple[int, int, str, str]] = []
    prev = 0
    for case in (c for c in report.cases if c.failing):
        if case.first > prev:
            windows = line_windows(content, starts, prev, case.first - 1, skip_blank=True)
            units += [(u.start, u.end, u.location, u.tags) for u in windows]
        start, end = span(case.first, case.last)
        where = f"line {case.first + 1}" if case.first == case.last else (
            f"lines {case.first + 1}-{case.last + 1}")  # fmt: skip
        if end > start:
            units.append((start, end, where, f"{FAILURE_TAGS} {case.outcome}"))
        prev = case.last + 1
    if prev < len(report.lines):
        windows = line_windows(content, starts, prev, len(report.lines) - 1, skip_blank=True)
        units += [(u.start, u.end, u.location, u.tags) for u in windows]
    return units
