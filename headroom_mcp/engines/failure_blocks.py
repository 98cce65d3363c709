"""Failure blocks: the stack traces, compiler errors and failing-test reports in any text.

Engines keep a failure whole (its headline, its frames, its chained causes) instead of
picking lines one by one, and say "x7" instead of repeating the same trace seven times. This
module finds the blocks; failure_traces, failure_compilers and failure_tests hold one
recogniser per language or runner.

Finding is one pass: a cheap keyword search per line (_PREFILTER_RE) picks the few lines
that could open a block, and only those are tried against each recogniser's trigger, in
TRIGGERS order. A block's lines are never tried again, so a traceback inside a unittest
report stays part of that report.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from headroom_mcp.engines import failure_compilers as cc
from headroom_mcp.engines import failure_sanitizers as san
from headroom_mcp.engines import failure_tests as tests
from headroom_mcp.engines import failure_traces as traces
from headroom_mcp.engines.failure_scan import Found, View, indent, prefix_end


@dataclass(frozen=True)
class FailureBlock:
    """One failure: lines first..last (inclusive, 0-based) of the list it was found in.

    `flavor` names the language or runner ("python", "java", "go-test", ...). `headline` is
    the line that says what went wrong. `signature` is the headline and innermost frame with
    numbers, hex, quoted values and directories masked: equal signatures are the same failure
    seen again. `important` lists the line indexes a shortened block must still show;
    `message`, `innermost` and `outermost` name the rows among them that hold the failure's
    message (a test report's assertion), the frame nearest the error and the entry frame
    (None where the recogniser saw none).
    """

    first: int
    last: int
    flavor: str
    headline: str
    signature: str
    important: tuple[int, ...]
    message: int | None = None
    innermost: int | None = None
    outermost: int | None = None


_ANSI_RE = re.compile(
    r"\x1b(\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|[\]_P^X][^\x07\x1b]*(\x07|\x1b\\)"  # OSC, APC (Buildkite timestamps), DCS strings
    r"|[()*+][0-9A-Za-z]|[@-Z\\-_])"  # charset selection, two-byte escapes
)


def strip_ansi(text: str) -> str:
    """`text` without ANSI escape sequences (colours, cursor moves, OSC links)."""
    return _ANSI_RE.sub("", text) if "\x1b" in text else text


Recogniser = Callable[[View, int, re.Match[str]], Found | None]

# (trigger searched in the line's body, recogniser, whether the block's prefix ends where the
# trigger matched rather than where the log prefix ends). Reports before traces: a report's
# first line comes before the trace it holds.
TRIGGERS: tuple[tuple[re.Pattern[str], Recogniser, bool], ...] = (
    (tests.PYTEST_SECTION_RE, tests.pytest_section, False),
    (tests.PYTEST_SUMMARY_RE, tests.pytest_short_summary, False),
    (tests.UNITTEST_RE, tests.unittest_failure, False),
    (tests.JUNIT_CASE_RE, tests.junit_case, False),
    (tests.SUREFIRE_LIST_RE, tests.surefire_list, False),
    (tests.GRADLE_TEST_RE, tests.gradle_test, False),
    (tests.GO_TEST_FAIL_RE, tests.go_test_failure, False),
    (tests.CARGO_TEST_RE, tests.cargo_test_failure, False),
    (tests.JEST_RE, tests.jest_failure, False),
    (tests.VITEST_RE, tests.vitest_failure, False),
    (tests.NUMBERED_RE, tests.numbered_failure, False),
    (tests.CTEST_RE, tests.ctest_failure, False),
    (san.SANITIZER_RE, san.sanitizer_report, False),
    (san.LEAK_RE, san.lsan_leak, False),
    (san.UBSAN_RE, san.ubsan_error, False),
    (traces.PY_TRACEBACK_RE, traces.python_traceback, True),
    (traces.AT_FRAME_RE, traces.frame_run, False),
    (traces.GO_PANIC_RE, traces.go_panic, False),
    (traces.RUST_PANIC_RE, traces.rust_panic, False),
    (traces.EYRE_RE, traces.eyre_report, False),
    (traces.RUBY_TRACE_RE, traces.ruby_trace, False),
    (traces.RUBY_FRAME_RE, traces.ruby_frames, False),
    (traces.PHP_FATAL_RE, traces.php_fatal, False),
    (traces.ELIXIR_RE, traces.elixir_error, False),
    (traces.ERLANG_RE, traces.erlang_report, False),
    (cc.RUSTC_ERROR_RE, cc.rustc_diagnostic, False),
    (cc.TSC_ERROR_RE, cc.tsc_diagnostic, False),
    (cc.MAVEN_JAVAC_RE, cc.maven_javac, False),
    (cc.CC_ERROR_RE, cc.cc_diagnostic, False),
    (cc.MSBUILD_ERROR_RE, cc.msbuild_error, False),
    (cc.SBT_ERROR_RE, cc.sbt_error, False),
    (cc.GO_DIAG_RE, cc.go_diagnostics, False),
)
# Every trigger above needs one of these substrings; most log lines have none.
_PREFILTER_RE = re.compile(
    r"Traceback|Error|ERROR|error|Exception|FAIL|Fail|panic|fatal|Fatal|Stack trace|Uncaught"
    r"|\[stacktrace\]"
    r"|(?:\t|  )at |\*\* |REPORT|\.rb:\d+:in |___|●|\d\) \S|<<<|Test +#|---- |goroutine \d"
    r"|\.go:\d+(:\d+)?: |━━ |Sanitizer: |leak of "
)


def find_failure_blocks(lines: Sequence[str]) -> list[FailureBlock]:
    """Every failure block in `lines` (already ANSI-stripped), in order, none overlapping."""
    blocks: list[FailureBlock] = []
    floor = 0
    for i, line in enumerate(lines):
        if i < floor or not _PREFILTER_RE.search(line):
            continue
        found = _recognise(lines, i, floor)
        if found is not None:
            blocks.append(_block(lines, found))
            floor = found.last + 1
    return blocks


def _recognise(lines: Sequence[str], i: int, floor: int) -> Found | None:
    col = prefix_end(lines[i])
    body = lines[i][col:].rstrip("\r")
    for trigger, recognise, at_match in TRIGGERS:
        match = trigger.search(body)
        if match is None:
            continue
        start = col + match.start() if at_match else col
        found = recognise(View.at(lines, i, start, floor), i, match)
        if found is not None and found.first >= floor:
            return found
    return None


def _block(lines: Sequence[str], found: Found) -> FailureBlock:
    inside = range(found.first, found.last + 1)
    marks = [found.headline, found.innermost, found.outermost, found.message, *found.important]
    important = tuple(sorted({k for k in marks if k is not None and k in inside}))
    headline = _body(lines[found.headline]).strip()
    frame = _body(lines[found.innermost]).strip() if found.innermost is not None else ""
    message = _body(lines[found.message]).strip() if found.message is not None else ""
    signature = "|".join(
        (found.flavor, _mask(headline, quotes=True), _mask(message, quotes=True),
         _mask(frame, quotes=False))
    )  # fmt: skip

    def inner(k: int | None) -> int | None:
        return k if k is not None and k in inside else None

    where = (inner(found.message), inner(found.innermost), inner(found.outermost))
    return FailureBlock(
        found.first, found.last, found.flavor, headline, signature, important, *where
    )


def _body(line: str) -> str:
    return line[prefix_end(line) :].rstrip("\r")


_QUOTED_RE = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`|\u2018[^\u2019]*\u2019|<[^<>\s]*>")
_DIRS_RE = re.compile(r"(?:[A-Za-z]:)?(?:[\w.@~+\-]*[/\\])+(?=[\w.@+\-]+)")
_NUMBERS_RE = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|0x[0-9a-fA-F]+|::h[0-9a-f]{12,}\b"  # a Rust symbol's hash
    r"|\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b|\d+(?:\.\d+)*"
)


def _mask(text: str, *, quotes: bool) -> str:
    """`text` with what varies between two sightings of one failure masked: quoted values
    (headlines only: in a frame the quotes hold the file name), directories, numbers, hex."""
    if quotes:
        text = _QUOTED_RE.sub("'…'", text)
    text = _DIRS_RE.sub("", text)
    return _NUMBERS_RE.sub("#", text)


_LIBRARY_RE = re.compile(
    r"site-packages|dist-packages|/usr/lib/|/usr/local/lib/|lib/python\d|<frozen |node_modules"
    r"|\(node:|node:internal|\(internal/|\bat (?:java|javax|jdk|sun|com\.sun|kotlin|kotlinx"
    r"|scala|org\.junit|junit|org\.gradle|org\.apache\.maven|org\.testng|org\.opentest4j"
    r"|org\.springframework|worker\.org\.gradle|System|Microsoft|Xunit|NUnit|com\.intellij"
    r"|org\.eclipse\.jdt\.internal\.junit)\.|java\.base/"
    r"|/runtime/|/src/testing/|/usr/local/go/|/rustc/|library/(?:std|core|alloc|test)/"
    r"|\.cargo/registry|\d+: <?(?:std|core|alloc|test|backtrace|eyre|color_eyre|color_backtrace)::"
    r"|/gems/|/ruby/\d|/vendor/|\((?:elixir|stdlib|ex_unit|kernel|logger|mix|erts)(?: [\d.]+)?\) "
    r"|^\s+:(?:erlang|gen_server|gen|proc_lib|gen_statem|gen_event|supervisor|erts_\w+)\."
    # sanitizer reports: the sanitizer's and the C/C++ runtime's frames, the shadow-byte map
    rf"|{san.RUNTIME_FRAME_RE.pattern}|{san.SHADOW_MAP_RE.pattern}"
)
_FRAME_START_RE = re.compile(r"^[\s>]*(File \"|at |#\d+ |\d+: |from |\(\w[\w ]*[\d.]*\) |\u276f )")


def shorten_block(lines: Sequence[str], block: FailureBlock, max_lines: int) -> list[int]:
    """Line indexes to show when `block` must fit in `max_lines` lines, in original order.

    `important` lines come first (the headline before the others), then lines of user code,
    then library frames (site-packages, node_modules, java.*, the Go runtime, ...); within
    each group, lines nearer an important line first. A frame's source line goes with it.
    """
    rows = range(block.first, block.last + 1)
    if len(rows) <= max_lines:
        return list(rows)
    ranked = ranked_important(lines, block)
    heads = len(headline_rows(lines, block))
    library = _library_rows(lines, block)
    rest = [k for k in rows if k not in set(block.important)]
    rest.sort(key=lambda k: (k in library, min(abs(k - m) for m in block.important), k))
    return sorted((ranked + rest)[: max(max_lines, heads)])


def headline_rows(lines: Sequence[str], block: FailureBlock) -> list[int]:
    """The block's headline and the headlines of its chained causes (`Caused by: ...`, "The
    above exception was the direct cause ...", a chained traceback's exception line): the
    important rows that are not frames. A shortened block keeps all of them."""
    return [
        k for k in block.important
        if not _FRAME_START_RE.match(_body(lines[k])) and not _TRACE_OPENER_RE.match(lines[k])
    ]  # fmt: skip


_TRACE_OPENER_RE = re.compile(
    r"^\s*(Traceback \(most recent call last\):|Stack trace:|\[stacktrace\])"
)


def ranked_important(lines: Sequence[str], block: FailureBlock) -> list[int]:
    """`important` in the order a short budget keeps them: the headline, the root cause (the
    chained headline farthest from it: Java's last `Caused by:`, Python's first exception),
    the other chained headlines, then the frames and the rest."""
    headline = next((k for k in block.important if _body(lines[k]).strip() == block.headline),
                    block.first)  # fmt: skip
    heads = [k for k in headline_rows(lines, block) if k != headline]
    if heads and heads[0] < headline:
        heads.reverse()
    frames = [k for k in block.important if k != headline and k not in heads]
    return [headline, *heads[-1:], *heads[:-1], *frames]


def user_frame(lines: Sequence[str], block: FailureBlock) -> int | None:
    """The frame of the user's own code nearest the error: the innermost frame, or when that
    is a library's (the JDK, site-packages, std, the Go runtime), the first frame from there
    towards the outermost that is not, in the same trace (not past a `Caused by:`); the
    innermost frame itself when every frame there is a library's."""
    start = block.innermost
    if start is None:
        return None
    library = _library_rows(lines, block)
    if start not in library:
        return start
    step = -1 if block.outermost is not None and block.outermost < start else 1
    end = block.first - 1 if step < 0 else block.last + 1
    heads = set(headline_rows(lines, block))
    for k in range(start, end, step):
        body = _body(lines[k])
        if k in heads or _TRACE_OPENER_RE.match(body) or _MORE_RE.match(body):
            break  # the end of this trace: another cause's frames are not where it failed
        if k not in library and _FRAME_START_RE.match(body):
            return k
    return start


_MORE_RE = re.compile(r"^\s*\.\.\. \d+ (more|common frames omitted)")


def user_entry_frame(lines: Sequence[str], block: FailureBlock) -> int | None:
    """The outermost frame when it is the user's own code (`main`, the test method), else
    None: a runner's or the JDK's entry frame (`Thread.run`, an IDE's test launcher) says
    little and waits with the other library frames."""
    k = block.outermost
    return k if k is not None and k not in _library_rows(lines, block) else None


def _library_rows(lines: Sequence[str], block: FailureBlock) -> set[int]:
    """Rows of library frames: a frame line naming a library path or package, and the more
    indented lines under it (Python's source line, Go's file line)."""
    rows = _library_offsets(tuple(lines[block.first : block.last + 1]))
    return {block.first + k for k in rows}


@functools.lru_cache(maxsize=256)
def _library_offsets(block_lines: tuple[str, ...]) -> tuple[int, ...]:
    # Asked for each block by ranking, shortening and the user-frame lookups: found once.
    library: list[int] = []
    frame_indent, frame_is_library = -1, False
    for k, line in enumerate(block_lines):
        body = _body(line)
        names_library = _LIBRARY_RE.search(body) is not None
        if names_library or _FRAME_START_RE.match(body):
            frame_indent, frame_is_library = indent(body), names_library
        elif not (body.strip() and indent(body) > frame_indent):
            frame_indent, frame_is_library = -1, False
        if frame_is_library:
            library.append(k)
    return tuple(library)


SUMMARY_RE = re.compile(
    r"^=+ .*\b(passed|failed|errors?|skipped|xfailed|xpassed|deselected|no tests ran)\b.* =+$"
    r"|^(FAILED|OK)( \((failures|errors|skipped|expected failures)=\d+.*\))?$|^Ran \d+ tests? in "
    r"|^(\[\w+\] )?Tests run: \d+, Failures: \d+|^(\[\w+\] )?BUILD (SUCCESS|FAILURE)"
    r"|^BUILD (SUCCESSFUL|FAILED) in |^FAILURE: Build failed|^\d+ tests? completed, \d+ failed"
    r"|^(\[ERROR\] )?Failed to execute goal |^test result: (ok|FAILED)\. |^error: (test failed"
    r"|could not compile|aborting due to)|^(FAIL|ok)\s+\S+\s+(\d[\d.]*m?s|\(cached\)|\[)"
    r"|^(FAIL|PASS)$|^(Tests|Test Suites|Test Files):\s+\d|^\s*\d+ (passing|failing|pending)"
    r"|^\d+ examples?, \d+ failures?|^\d+ runs, \d+ assertions, |^(FAILURES!|ERRORS!)$"
    r"|^OK \(\d+ tests?|^Tests: \d+, Assertions: \d+"
    r"|^\d+ (tests?|doctests?|propert(y|ies))(, \d+ (tests?|doctests?|propert(y|ies)))*"
    r", \d+ failures?"
    r"|^\d+% tests passed, \d+ tests? failed|^Errors while running CTest"
    r"|^##\[error\]|^make(\[\d+\])?: \*\*\* "
    r"|^npm (ERR!|error) |^(ERROR: )?Job failed|^Finished: (SUCCESS|FAILURE|UNSTABLE|ABORTED)"
    r"|^The command .* exited with \d+|^Found \d+ errors?\b"
    r"|^\d+ (errors?|warnings? and \d+ errors?) generated|^Error: Process completed"
    r"|^FAILED \(|^(Script|Command) failed|^error Command failed with exit code"
    r"|^Build completed unsuccessfully|^command did not execute successfully"
    r"|^Build (succeeded|FAILED)\.?$|^\d+ (Warning|Error)\(s\)$|^Total number of (errors|warnings):"
    r"|^\d+ problems? \(\d+ (errors?|warnings?)|^(\[\w+\] )?(\w+|\d+) (errors?|warnings?) found$"
    r"|^(\[\w+\] )?\(\S+\) Compilation failed$|^Code Analysis Complete -- "
    # PHPUnit's "There were 3 failures:", cucumber's failing-scenario list and totals
    r"|^There (was|were) \d+ (failures?|errors?|warnings?|risky tests?|skipped tests?):$"
    r"|^Failing Scenarios:$|^cucumber \S+\.feature:\d+|^\d+ scenarios? \(.*\b(failed|passed)\b"
    r"|^\d+ steps? \(.*\b(failed|passed|skipped)\b"
    # coverage totals: coverage.py's TOTAL row, istanbul's `All files` row, lcov's summary
    r"|^TOTAL\s+\d+\s+\d+.*\d+(\.\d+)?%$|^All files\s*\|\s*[\d.]+|^\s*lines\.+: [\d.]+%"
    # coverage verdicts: pytest-cov's --cov-fail-under, jest's coverageThreshold
    r"|^(FAIL )?Required test coverage of [\d.]+% (not )?reached"
    r"|coverage threshold for \w+ .*not met"
    # LeakSanitizer's total (its other SUMMARY lines restate a report's headline)
    r"|^SUMMARY: \w+Sanitizer: \d+ byte\(s\) leaked in "
)  # every alternative anchored: tried with match(), not at every position of the line
_SUMMARY_ANYWHERE_RE = re.compile(
    r"Process completed with exit code \d+|exited with (code|status) \d+|\bexit status \d+$"
)


def _is_summary(body: str) -> bool:
    return SUMMARY_RE.match(body) is not None or _SUMMARY_ANYWHERE_RE.search(body) is not None


def summary_lines(lines: Sequence[str]) -> list[int]:
    """Indexes of test-run summaries and exit-status lines ("=== 3 failed, 10 passed in
    2.1s ===", "Tests run: 5, Failures: 1", "BUILD FAILURE", "make: *** [x] Error 2",
    "Process completed with exit code 1", ...), in order."""
    return [i for i, line in enumerate(lines) if _is_summary(_body(line).strip())]
