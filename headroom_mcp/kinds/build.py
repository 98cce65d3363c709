"""Build, CI and test console output (GitHub Actions, GitLab, Jenkins, Buildkite; make,
Maven, Gradle, npm, cargo, go, pytest runs): ANSI and progress noise stripped, the failing
step, every failure block, the summary and the exit status kept.

Units: one per failure block (tagged as a failure, with its flavor), line windows elsewhere.
"""

from __future__ import annotations

from headroom_mcp.engines.base import EngineResult
from headroom_mcp.kinds.base import Options, Sample
from headroom_mcp.store import Unit
from headroom_mcp.units import MAX_STRUCTURED_UNIT_CHARS, line_windows

NAME = "build"
MIN_SCORE = 0.4  # under this, a few console-like lines do not make content build output
LIFT = 0.2  # build lines, diagnostics and failure blocks outrank code or prose look-alikes
FAILURE_SHARE = 0.4
TRACES_SCORE = 0.7


def score(sample: Sample) -> float:
    """The engine's own confidence, lifted: a compiler log reads as code to the code kind's
    pattern and a CI job's prose lines as prose, but its diagnostics say what it is."""
    from headroom_mcp.engines.build_output import score as build_score

    value = build_score(sample.content)
    if value >= MIN_SCORE:
        return min(0.95, value + LIFT)
    if sample.failure_share >= FAILURE_SHARE:
        return TRACES_SCORE  # a test report or crash dump: failure blocks all the way
    return 0.0


def compress(content: str, query: str | None, budget: int | None, options: Options) -> EngineResult:
    from headroom_mcp.engines.build_output import compress_build_output

    return compress_build_output(content, query, budget)


def units(content: str, options: Options) -> list[Unit]:
    """Failure blocks and windows, in order and without overlap (a step that holds a failure
    block is found through the block)."""
    from headroom_mcp.engines.build_output import build_output_units

    if len(content) > MAX_STRUCTURED_UNIT_CHARS:
        return line_windows(content)
    return [
        Unit(start, end, where, tags)
        for start, end, where, tags in build_output_units(content)
        if tags != "step"
    ]
