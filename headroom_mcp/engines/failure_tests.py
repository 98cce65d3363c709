"""Recognisers for test-runner failure reports: pytest, unittest, JUnit (Surefire, Gradle),
go test, cargo test, jest, vitest, mocha, rspec, minitest, PHPUnit, ExUnit and CTest.

A report's headline is the failing test's line; its important lines are the assertion
message and the innermost and outermost locations. A report is cut where the runner starts
the next one or its summary, and trailing blank lines are left out.
"""

from __future__ import annotations

import re

from headroom_mcp.engines.failure_scan import Found, View, indent
from headroom_mcp.engines.failure_traces import AT_FRAME_RE, PY_TRACEBACK_RE, frame_run

MAX_REPORT_LINES = 400  # a runaway section (no end marker found) stops here
MAX_MESSAGE_LINES = 6


def _until(view: View, i: int, stop: re.Pattern[str]) -> int:
    """Index of the last line before the next line matching `stop` (trailing blanks cut)."""
    j = i + 1
    while j < len(view) and j - i < MAX_REPORT_LINES and not stop.match(view.body(j)):
        j += 1
    return view.trim(i, j - 1)


def _matching(view: View, first: int, last: int, pattern: re.Pattern[str]) -> list[int]:
    return [k for k in range(first, last + 1) if pattern.search(view.body(k))]


def _report(view: View, i: int, last: int, flavor: str, message: re.Pattern[str],
            location: re.Pattern[str]) -> Found:  # fmt: skip
    """A Found whose important lines are the message lines and the first/last location."""
    messages = _matching(view, i + 1, last, message)[:MAX_MESSAGE_LINES]
    places = _matching(view, i + 1, last, location)
    innermost = places[0] if places else None
    outermost = places[-1] if places else None
    # A label such as rspec's bare `Failure/Error:` says nothing the next message line doesn't.
    said = [m for m in messages if not view.body(m).strip().endswith(":")]
    message_line = (said or messages)[0] if messages else None
    return Found(i, last, flavor, i, innermost, outermost, [i, *messages], message_line)


# -- Python -----------------------------------------------------------------------------------

PYTEST_SECTION_RE = re.compile(r"^_{3,} (.+) _{3,}$")
_PYTEST_END_RE = re.compile(r"^(_{3,} .+ _{3,}|={3,}.*)$")
_PYTEST_E_RE = re.compile(r"^E {2,}\S")
_PYTEST_LOCATION_RE = re.compile(r"^[\w./\\\-]+\.py:\d+: ?(\w.*)?$")


def pytest_section(view: View, i: int, _: re.Match[str]) -> Found | None:
    """One `____ test_x ____` section of pytest's FAILURES/ERRORS report."""
    last = _until(view, i, _PYTEST_END_RE)
    errors = _matching(view, i + 1, last, _PYTEST_E_RE)
    places = _matching(view, i + 1, last, _PYTEST_LOCATION_RE)
    innermost = places[-1] if places else None
    outermost = places[0] if places else None
    important = [i, *errors[:MAX_MESSAGE_LINES], *errors[-1:]]
    message = errors[0] if errors else None
    return Found(i, last, "pytest", i, innermost, outermost, important, message)


PYTEST_SUMMARY_RE = re.compile(r"^(=+ short test summary info =+|(FAILED|ERROR) \S+::\S)")
_PYTEST_OUTCOME_RE = re.compile(r"^(FAILED|ERROR) ")


def pytest_short_summary(view: View, i: int, _: re.Match[str]) -> Found | None:
    """`FAILED tests/x.py::test_y - message` lines (with their `short test summary info`
    header): one block, each failing test important."""
    j = i + 1 if view.body(i).startswith("=") else i
    outcomes: list[int] = []
    while j < len(view) and _PYTEST_OUTCOME_RE.match(view.body(j)):
        outcomes.append(j)
        j += 1
    if not outcomes:
        return None
    return Found(i, j - 1, "pytest", outcomes[0], None, None, outcomes[:50])


UNITTEST_RE = re.compile(r"^(FAIL|ERROR): \w+ \([\w.]+\)")
_UNITTEST_END_RE = re.compile(r"^(={20,}|-{20,})$")


def unittest_failure(view: View, i: int, _: re.Match[str]) -> Found | None:
    """`FAIL: test_x (mod.Class)` between its `====` rule and the next rule, traceback
    included."""
    first = i - 1 if i - 1 >= view.floor and view.body(i - 1).startswith("=====") else i
    j = i + 1
    if j < len(view) and view.body(j).startswith("-----"):
        j += 1
    last = _until(view, j, _UNITTEST_END_RE) if j < len(view) else i
    frames = _matching(view, i, last, re.compile(r'^\s*File "'))
    exc = next((k for k in range(last, i, -1) if not view.blank(k)), i)
    traceback = next((k for k in range(i, last + 1) if PY_TRACEBACK_RE.search(view.body(k))), i)
    innermost = frames[-1] if frames else None
    outermost = frames[0] if frames else None
    return Found(first, last, "unittest", i, innermost, outermost, [i, traceback, exc], exc)


# -- JVM --------------------------------------------------------------------------------------

JUNIT_CASE_RE = re.compile(r"^(\[ERROR\] )?\S.*Time elapsed: .*<<< (FAILURE|ERROR)!\s*$")
_JUNIT_CLASS_RE = re.compile(r"^(\[ERROR\] )?Tests run: .*<<< (FAILURE|ERROR)!")


def junit_case(view: View, i: int, _: re.Match[str]) -> Found | None:
    """Surefire's `[ERROR] testX(Class)  Time elapsed: 0.01 s  <<< FAILURE!` and the stack
    trace printed under it (with the class's `Tests run: ... <<< FAILURE!` line above)."""
    first = i - 1 if i - 1 >= view.floor and _JUNIT_CLASS_RE.match(view.body(i - 1)) else i
    frame = next((k for k in range(i + 1, min(i + 15, len(view)))
                  if AT_FRAME_RE.match(view.body(k))), None)  # fmt: skip
    if frame is None:
        return Found(first, i, "junit", i, None, None, [i])
    trace = frame_run(View(view.lines, view.col, i + 1, view.prefix_shape), frame, _)
    if trace is None:
        return Found(first, i, "junit", i, None, None, [i])
    important = [i, *trace.important]
    return Found(first, trace.last, "junit", i, trace.innermost, trace.outermost, important,
                 trace.headline)  # fmt: skip


SUREFIRE_LIST_RE = re.compile(r"^\[ERROR\] (Failures|Errors): ?$")


def surefire_list(view: View, i: int, _: re.Match[str]) -> Found | None:
    """Surefire's closing list: `[ERROR] Failures:` then `[ERROR]   Class.test:12 message`."""
    j = i + 1
    entries: list[int] = []
    while j < len(view) and re.match(r"^\[ERROR\]\s{2,}\S", view.body(j)):
        if re.match(r"^\[ERROR\]\s{2,3}\S", view.body(j)):
            entries.append(j)
        j += 1
    if not entries:
        return None
    return Found(i, j - 1, "junit", entries[0], None, None, [i, *entries[:50]])


# `ClassTest > testX() FAILED`; Kotlin/JS and Kotlin/Native tests print `Class.test FAILED`.
GRADLE_TEST_RE = re.compile(r"^\S.* > .+ FAILED\s*$|^[\w$.\[\]()-]+ FAILED\s*$")
_GRADLE_CAUSE_RE = re.compile(r"^\s+\S*(Error|Exception|Failure)\b")


def gradle_test(view: View, i: int, _: re.Match[str]) -> Found | None:
    """Gradle's `ClassTest > testX() FAILED` and the indented exception lines under it.

    A bare `Name FAILED` line counts only when an indented exception line follows it, so
    `BUILD FAILED` and a failed task stay what they are."""
    body = view.body(i)
    if body.startswith("> Task"):
        return None
    if " > " not in body and not (i + 1 < len(view) and _GRADLE_CAUSE_RE.match(view.body(i + 1))):
        return None
    j = i + 1
    while j < len(view) and indent(view.body(j)) > 0 and view.body(j).strip():
        j += 1
    frames = _matching(view, i + 1, j - 1, re.compile(r"^\s+at |\.(java|kt|scala):\d+"))
    message = [i + 1] if j > i + 1 else []
    innermost = frames[0] if frames else None
    return Found(i, j - 1, "junit", i, innermost, frames[-1] if frames else None,
                 [i, *message], message[0] if message else None)  # fmt: skip


# -- Go, Rust ---------------------------------------------------------------------------------

GO_TEST_FAIL_RE = re.compile(r"^(\s*)--- FAIL: (\S+) \(")
_GO_TEST_LOCATION_RE = re.compile(r"^\s+[\w.\-]+\.go:\d+: ")


def go_test_failure(view: View, i: int, match: re.Match[str]) -> Found | None:
    """`--- FAIL: TestX (0.00s)` with its test's output: the indented lines under it, and
    (go test -v streams output before the verdict) those back to its `=== RUN   TestX`."""
    name = match.group(2)
    depth = len(match.group(1))
    first = i
    for k in range(i - 1, max(view.floor, i - 200) - 1, -1):
        body = view.body(k)
        if body.startswith(("=== RUN", "=== CONT", "=== NAME")) and body.split()[-1] == name:
            first = k
            break
        if not (indent(body) > depth or body.startswith("===") or not body.strip()):
            break
    j = i + 1
    while j < len(view) and indent(view.body(j)) > depth and view.body(j).strip():
        j += 1
    found = _report(view, i, j - 1, "go-test", _GO_TEST_LOCATION_RE, _GO_TEST_LOCATION_RE)
    if first < i:
        streamed = _matching(view, first, i, _GO_TEST_LOCATION_RE)
        found.important += streamed[:MAX_MESSAGE_LINES]
        found.innermost = found.innermost or (streamed[0] if streamed else None)
        found.first = first
    return found


CARGO_TEST_RE = re.compile(r"^---- (\S+) stdout ----$")
_CARGO_END_RE = re.compile(r"^(---- \S+ stdout ----|failures:|test result: |error: test failed)")


def cargo_test_failure(view: View, i: int, _: re.Match[str]) -> Found | None:
    """`---- tests::x stdout ----` and the test's output, panic message included."""
    last = _until(view, i, _CARGO_END_RE)
    panic = _matching(view, i + 1, last, re.compile(r"panicked at"))
    important = [i, *panic[:1], *(p + 1 for p in panic[:1] if p + 1 <= last)]
    important += _matching(view, i + 1, last, re.compile(r"^\s*(left|right)\s*:"))[:2]
    message = panic[0] + 1 if panic and panic[0] + 1 <= last else None
    return Found(i, last, "cargo-test", i, panic[0] if panic else None, None, important, message)


# -- JavaScript -------------------------------------------------------------------------------

JEST_RE = re.compile(r"^\s*● (?!Console$)\S")
_JEST_END_RE = re.compile(r"^(\s*● |(PASS|FAIL) |Test Suites: |Tests: |Summary of all failing)")
_JEST_MESSAGE_RE = re.compile(r"^\s*(expect\(|Expected|Received|\w*Error\b|>\s+\d+ \|)")


def jest_failure(view: View, i: int, _: re.Match[str]) -> Found | None:
    """`● Suite > test` (jest writes U+203A for >) and its message, diff, excerpt and
    `at` frames."""
    last = _until(view, i, _JEST_END_RE)
    # The report is indented under its bullet: a line back at (or left of) the bullet's
    # column that is another test of a list (`✓ name`, `✕ name`) or less indented (the next
    # file's `FAIL path`, whatever the runner printed after) is not part of it.
    body = view.body(i)
    indent = len(body) - len(body.lstrip())
    for j in range(i + 1, last + 1):
        text = view.body(j)
        stripped = text.lstrip()
        if not stripped:
            continue
        at = len(text) - len(stripped)
        if at < indent or (at == indent and stripped[0] in _JEST_LIST_MARKS):
            last = view.trim(i, j - 1)
            break
    return _report(view, i, last, "jest", _JEST_MESSAGE_RE, AT_FRAME_RE)


_JEST_LIST_MARKS = "\u2713\u2714\u2715\u2716\u00d7\u25cb"  # check marks, crosses, the skip circle


VITEST_RE = re.compile(r"^\s*FAIL\s+\S+ > ")
_VITEST_END_RE = re.compile(r"^(\s*FAIL\s+\S+ > |\s*⎯{3,}|\s*Test Files )")


def vitest_failure(view: View, i: int, _: re.Match[str]) -> Found | None:
    """` FAIL  test/x.test.ts > suite > test` and its error, diff and `\u276f file:l:c` frames."""
    last = _until(view, i, _VITEST_END_RE)
    return _report(view, i, last, "vitest", re.compile(r"^\s*(\w*Error\b|- Expected|\+ Received)"),
                   re.compile(r"^\s*\u276f "))  # fmt: skip


# -- numbered reports: mocha, rspec, minitest, PHPUnit, ExUnit --------------------------------

NUMBERED_RE = re.compile(r"^(\s*)\d+\) \S")
_NUMBERED_FLAVORS = (
    ("minitest", re.compile(r"^\s*\d+\) (Failure|Error):$")),
    ("exunit", re.compile(r"^\s+\d+\) (test|doctest|property) .+ \([\w.]+\)$")),
    ("phpunit", re.compile(r"^\d+\) [\w\\]+::\w+")),
)
_NUMBERED_END_RE = re.compile(
    r"^(\s*\d+\) \S|Finished in |Failed examples:|\d+ (examples?|runs|tests?), |FAILURES!|ERRORS!"
    r"|There (was|were) \d+ |--$|\s*\d+ (passing|failing|pending)\b|Randomized with seed)"
)
_NUMBERED_DETAIL = {
    # flavor: (message lines, location lines)
    "minitest": (r"^(Expected|  Actual|\w+(::\w+)*Error: |\S+#\S+ \[)", r"\.rb:\d+"),
    "exunit": (r"^\s+(\*\* \(|Assertion |code:|left:|right:|\S.* failed)", r"\.exs?:\d+"),
    "phpunit": (r"^(Failed asserting|\w+(\\\w+)*(Exception|Error)\b)", r"^/?\S+\.php:\d+$"),
    "rspec": (r"^\s+(Failure/Error:|expected|got:|\w+(::\w+)*Error)", r"^\s+# \S+:\d+"),
    "mocha": (r"^\s+(\w*Error\b|\+ expected|AssertionError)", r"^\s+at "),
}


def numbered_failure(view: View, i: int, _: re.Match[str]) -> Found | None:
    """`1) ...` entries: minitest `Failure:`/`Error:`, ExUnit `1) test x (Mod)`, PHPUnit
    `1) Class::testX`, rspec (a `Failure/Error:` line follows) and mocha (otherwise, under
    `N failing`)."""
    body = view.body(i)
    flavor = next((name for name, pattern in _NUMBERED_FLAVORS if pattern.match(body)), None)
    last = _until(view, i, _NUMBERED_END_RE)
    if flavor is None:
        lines = [view.body(k) for k in range(i + 1, min(last + 1, i + 4))]
        if any(line.lstrip().startswith("Failure/Error:") for line in lines):
            flavor = "rspec"
        elif any(re.search(r"\w*Error\b|AssertionError|expected", ln) for ln in lines) or any(
            AT_FRAME_RE.match(view.body(k)) for k in range(i + 1, last + 1)
        ):
            flavor = "mocha"
        else:
            return None
    if flavor in _INDENTED_FLAVORS:
        last = _under(view, i, last)
    message, location = _NUMBERED_DETAIL[flavor]
    found = _report(view, i, last, flavor, re.compile(message), re.compile(location))
    if flavor == "minitest" and i + 1 <= last:
        found.headline = i + 1  # `TestX#test_y [file:line]:` names the test
        found.important.append(i + 1)
    return found


# mocha, ExUnit and rspec indent a report's lines under its `1)` line; what comes back to the
# margin (ExUnit's progress dots, `npm ERR!`, the next tool's output) is not part of it.
_INDENTED_FLAVORS = ("mocha", "exunit", "rspec")


def _under(view: View, i: int, last: int) -> int:
    """`last` pulled up to the report's last line indented under its opening line `i`."""
    depth = indent(view.body(i))
    if depth == 0:
        return last
    k = next((k for k in range(i + 1, last + 1)
              if not view.blank(k) and indent(view.body(k)) < depth), None)  # fmt: skip
    return last if k is None else view.trim(i, k - 1)


# -- CTest ------------------------------------------------------------------------------------

CTEST_RE = re.compile(
    r"^(The following tests FAILED:|\s*\d+/\d+ Test\s+#\d+: \S+ .*\*\*\*(Failed|Exception|Timeout))"
)


def ctest_failure(view: View, i: int, _: re.Match[str]) -> Found | None:
    """`The following tests FAILED:` and its `  3 - name (Failed)` lines, or one
    `3/10 Test #3: name ...***Failed` line."""
    if not view.body(i).startswith("The following"):
        return Found(i, i, "ctest", i, None, None, [i])
    j = i + 1
    entries: list[int] = []
    while j < len(view):
        if _CTEST_ENTRY_RE.match(view.body(j)):
            entries.append(j)
        elif not (view.blank(j) and j + 1 < len(view) and not view.blank(j + 1)
                  and _CTEST_ENTRY_RE.match(view.body(j + 1))):  # fmt: skip
            break  # one blank line may split the list (a note appended by hand, a group)
        j += 1
    if not entries:
        return None
    return Found(i, j - 1, "ctest", entries[0], None, None, [i, *entries[:50]])


_CTEST_ENTRY_RE = re.compile(r"^\s+\d+ - \S")
