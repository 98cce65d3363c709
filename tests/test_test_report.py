"""The test-report kind on a real JUnit report (tests/data/failures/surefire_report.xml) and
on NUnit and TRX shapes: failing cases with their message and top of trace, counted passes."""

from __future__ import annotations

from pathlib import Path

from headroom_mcp.engines.base import MARKER_PREFIX
from headroom_mcp.engines.failure_reports import (
    FAILURE_TAGS,
    compress_test_report,
    parse,
    report_units,
)
from headroom_mcp.kinds import kind_module
from headroom_mcp.kinds.base import Sample
from headroom_mcp.router import rank_kinds
from headroom_mcp.tokens import count_tokens

REPORT = (Path(__file__).parent / "data" / "failures" / "surefire_report.xml").read_text(
    encoding="utf-8"
)

NUNIT = """<?xml version="1.0" encoding="utf-8"?>
<test-run id="2" testcasecount="3" result="Failed" total="3" passed="2" failed="1">
  <test-suite type="TestFixture" name="MathTests" total="3" passed="2" failed="1">
    <test-case id="1" name="Adds" fullname="MathTests.Adds" result="Passed" />
    <test-case id="2" name="Divides" fullname="MathTests.Divides" result="Failed">
      <failure>
        <message><![CDATA[  Expected: 2
  But was:  3
]]></message>
        <stack-trace><![CDATA[   at MathTests.Divides() in MathTests.cs:line 12
]]></stack-trace>
      </failure>
    </test-case>
    <test-case id="3" name="Subtracts" fullname="MathTests.Subtracts" result="Passed" />
  </test-suite>
</test-run>
"""


def test_a_junit_report_routes_to_the_test_report_kind():
    assert rank_kinds(REPORT)[0][1] == "test_report"
    assert kind_module("test_report").score(Sample.of("<html><body>x</body></html>")) == 0.0


def test_the_failing_case_its_message_and_trace_top_are_shown():
    result = compress_test_report(REPORT * 3, None, None)
    assert '<testcase name="testApp" classname="io.olamy.AlwaysFailTest"' in result.text
    assert 'message="built to fail"' in result.text
    assert "failed" in result.text.split("\n")[0]


def test_nunit_cases_are_counted_and_the_failure_shown():
    report = parse(NUNIT)
    assert [c.outcome for c in report.cases] == ["passed", "failed", "passed"]
    text = compress_test_report(NUNIT, None, 200).text
    assert count_tokens(text) <= 200
    assert 'name="Divides"' in text


def test_every_shown_line_is_a_marker_or_an_input_line():
    allowed = set(REPORT.split("\n"))
    for line in compress_test_report(REPORT, None, 300).text.split("\n"):
        assert line.startswith(MARKER_PREFIX) or line in allowed, line


def test_failing_cases_are_tagged_units():
    units = report_units(REPORT)
    failing = [u for u in units if u[3].startswith(FAILURE_TAGS)]
    assert len(failing) == 1
    assert REPORT[failing[0][0] : failing[0][1]].lstrip().startswith("<testcase")
