"""Test reports in XML (JUnit/xUnit, NUnit 2 and 3, MSTest TRX): each failing or erroring
test case with its message and the top of its stack trace, the run's totals, the passing
cases counted.

Units: one per failing test case (tagged as a failure), line windows elsewhere.
"""

from __future__ import annotations

from headroom_mcp.engines.base import EngineResult
from headroom_mcp.kinds.base import KindDeclined, Options, Sample
from headroom_mcp.store import Unit
from headroom_mcp.units import MAX_STRUCTURED_UNIT_CHARS, line_windows

NAME = "test_report"
REPORT_SCORE = 0.9  # a test report is XML too, but its cases say what it is


def score(sample: Sample) -> float:
    from headroom_mcp.engines.failure_reports import looks_like_report

    return REPORT_SCORE if looks_like_report(sample.content) else 0.0


def compress(content: str, query: str | None, budget: int | None, options: Options) -> EngineResult:
    from headroom_mcp.engines.failure_reports import compress_test_report

    try:
        return compress_test_report(content, query, budget)
    except ValueError as exc:
        raise KindDeclined(str(exc)) from exc


def units(content: str, options: Options) -> list[Unit]:
    from headroom_mcp.engines.failure_reports import report_units

    if len(content) > MAX_STRUCTURED_UNIT_CHARS:
        return line_windows(content)
    return [Unit(start, end, where, tags) for start, end, where, tags in report_units(content)]
