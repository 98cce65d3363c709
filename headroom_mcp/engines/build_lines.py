"""What a line of build or CI console output is: noise to count, a step header, an error.

CI consoles are mostly noise: download and progress lines, `Compiling foo v1.2`, one line per
passing test, spinners redrawn with `\\r`. The build-output engine counts those instead of
showing them, and uses step headers (GitHub `##[group]`, GitLab sections, Jenkins stages,
Maven modules, Gradle tasks, make directories) to name the step that failed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from headroom_mcp.engines.failure_blocks import strip_ansi
from headroom_mcp.engines.failure_scan import prefix_end
from headroom_mcp.engines.line_patterns import LinePattern

DOWNLOAD = "download/progress"
COMPILING = "compiling"
PASSING = "passing tests"
SPINNER = "spinner"

_NOISE: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        PASSING,
        re.compile(
            r"^(test \S+( - should panic)? \.\.\. ok$|\s*--- PASS: |=== (RUN|PAUSE|CONT|NAME)\s"
            r"|ok\s+\S+\s+(\d[\d.]*m?s|\(cached\))|\S+::\S+ PASSED\b|PASSED \S+::|\s*[✓✔√] "
            r"|PASS\s+\S+|\s*\d+\) \S.* \.\.\. ok$|\[INFO\] Tests run: \d+, Failures: 0, Errors: 0"
            r"|Tests run: \d+, Failures: 0, Errors: 0|\S+ > .+ PASSED$"
            r"|\s+(PASS|OK)\s+\[?\s*[\d.]+\s?m?s)"
        ),
    ),
    (
        DOWNLOAD,
        re.compile(
            r"^\s*(Downloading|Downloaded|Download|Fetching|Fetched|Resolving|Resolved|Unpacking|"
            r"Extracting|Pulling|Verifying Checksum|Pull complete|Already exists|Waiting|Progress"
            r"|Receiving objects|Resolving deltas|Updating files|remote: (Counting|Compressing|"
            r"Enumerating|Total)|Get:\d+|Hit:\d+|Ign:\d+|Reading package lists|Building dependency"
            r"|Reading state information|Collecting |Using cached |Requirement already satisfied"
            r"|Installing collected packages|Preparing to unpack|Selecting previously unselected"
            r"|Setting up \S+ \(|Processing triggers|npm (http|sill|verb|timing) |\[INFO\] Download"
            r"|Progress \(\d+\)|\S+: (Pulling fs layer|Waiting|Download complete|Verifying)"
            r"|Copying (blob|config) |Writing manifest|Storing signatures)\b"
            r"|\[[=>#\-\s]{10,}\]"
            r"|\d{1,3}%\s*[|\[]?[█▉▊▋▌▍▎▏#=>\-\s.]{4,}[|\]]?"
        ),
    ),
    (
        COMPILING,
        re.compile(
            r"^\s*(Compiling|Checking|Fresh|Documenting|Locking|Adding|Updating|Blocking) \S+ v?\d"
            r"|^\s*(CC|CXX|LD|AR|CCLD|CXXLD)\s+\S+$|^\[\s*\d+%\] (Building|Linking) "
            r"|^\[\d+/\d+\] (Building|Linking|Compiling) "
            r"|^\[INFO\] (Compiling \d+ source|Nothing to compile|skip non existing"
            r"|Copying \d+ res)"
        ),
    ),
    (SPINNER, re.compile(r"^[\s⠀-⣿|/\\\-.·•]*$|^[.FEsxX]+\s*(\[\s*\d+%\])?$")),
)

_STEP_RE = re.compile(
    r"^##\[group\](?P<github>.*)"
    r"|section_start:\d+:(?P<gitlab>[\w.\-]+)"
    r"|travis_fold:start:(?P<travis>\S+)"
    r"|^(---|\+\+\+|~~~) (?!(FAIL|PASS|SKIP):)(?P<buildkite>\S.*)"
    r"|^\[Pipeline\] \{ \((?P<jenkins>.+)\)$"
    r"|^\[INFO\] Building (?P<maven>\S.*?)(\s+\[\d+/\d+\])?$"
    r"|^> Task (?P<gradle>:\S+)"
    r"|^make(\[\d+\])?: Entering directory '(?P<make>.+)'"
    r"|^(=+ (?P<pytest>test session starts) =+)$"
)
FAILED_STEP_RE = re.compile(
    r"^##\[error\]|^> Task :\S+ FAILED|^\[INFO\] .+ \.{2,} ?FAILURE|^\[ERROR\] Failed to "
    r"execute goal|^make(\[\d+\])?: \*\*\* |^ERROR: Job failed|^\[Pipeline\] error"
    r"|^(npm ERR!|npm error) (code|errno|command failed)|^Error: Process completed with exit code"
    r"|^error: (could not compile|test failed)|^FAIL\s+\S+\s+[\d.]+s|^FAILURE: Build failed"
    r"|^\U0001f6a8 Error: |^\^\^\^ \+\+\+$"  # Buildkite: the failed command, and the
    # `^^^ +++` that re-opens the section it failed in
)
FAILED_TEST_MARKS = "\u2715\u2716\u00d7\u2717"  # the crosses runners print before a failed test
ERROR_LINE_RE = LinePattern(
    r"##\[error\]|^\[ERROR\]|^(error|ERROR|fatal|FATAL|Error)(\[\w+\])?: |^E: |\bFAILED\b"
    r"|^FAIL\b|npm ERR!|^npm error |\bException\b|\bTraceback\b|\bpanic: |^(ERRO|FATA)\[\d+\]"
    r"|^.{0,80}?\b(ERROR|FATAL|CRITICAL|SEVERE)\b"  # a log line's level after its timestamp
    r"|^\[(error|crit|critical|alert|emerg|emergency|fatal)\] "  # lager, Apache: `[error] `
    rf"|^\s*[{FAILED_TEST_MARKS}] |^\s*\u25cf "  # jest/vitest/mocha: ✕ failed test, ● report
    r"|\s\((?:[A-Z]\w*::)*[A-Z]\w*(?:Error|Exception)\)$"  # Ruby's "message (NoMethodError)"
)


def shown(line: str) -> str:
    """The line as a terminal would leave it: ANSI codes gone and, when `\\r` redrew it, the
    last text drawn. This is what the model sees of an input line."""
    text = strip_ansi(line).rstrip("\r")
    if "\r" in text:
        drawn = [part for part in text.split("\r") if part.strip()]
        text = drawn[-1] if drawn else ""
    return text


def body_of(text: str) -> str:
    """`text` without a CI timestamp prefix (GitHub's `2024-01-01T10:00:00.1234567Z `)."""
    return text[prefix_end(text) :]


def noise_kind(line: str, body: str) -> str | None:
    """The kind of noise a raw line is (DOWNLOAD, COMPILING, PASSING, SPINNER), or None;
    `body` is what is shown of it, without its CI timestamp.

    A line the terminal redrew with `\\r` is progress, whatever it says last.
    """
    if not body.strip():
        return None
    if "\r" in line.rstrip("\r") and "section_" not in line:
        return DOWNLOAD
    for kind, pattern in _NOISE:
        if pattern.search(body):
            return kind
    return None


@dataclass(frozen=True)
class Step:
    """A step or group of a CI job: header line `first`, through `last` (inclusive)."""

    first: int
    last: int
    title: str


def find_steps(bodies: list[str]) -> list[Step]:
    """Steps from their headers (`bodies`: shown lines without CI timestamps); a step runs to
    the line before the next header."""
    heads: list[tuple[int, str]] = []
    for i, body in enumerate(bodies):
        if not body or body[0] not in "#s[-+~>mt=":
            continue
        match = _STEP_RE.search(body)
        if match:
            title = next(value for value in match.groupdict().values() if value)
            heads.append((i, title.strip()))
    return [
        Step(first, heads[n + 1][0] - 1 if n + 1 < len(heads) else len(bodies) - 1, title)
        for n, (first, title) in enumerate(heads)
    ]
