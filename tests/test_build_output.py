"""The build/CI output kind on real console logs (tests/data/build/*.log, sources in
SOURCES.md): each <name>.needles.json lists text that must be in the compressed output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from headroom_mcp.engines.base import MARKER_PREFIX
from headroom_mcp.engines.build_lines import shown
from headroom_mcp.engines.build_output import (
    FAILURE_TAGS,
    MIN_BUDGET_TOKENS,
    build_output_units,
    compress_build_output,
    score,
)
from headroom_mcp.tokens import count_tokens

DATA = Path(__file__).parent / "data"
LOGS = sorted((DATA / "build").glob("*.log"))


def read(path: Path) -> str:
    # Bytes, decoded: read_text() would turn the logs' `\r` redraws into line breaks.
    return path.read_bytes().decode("utf-8")


def needles(path: Path) -> list[str]:
    return json.loads(path.with_suffix(".needles.json").read_text(encoding="utf-8"))["kept"]


def test_every_log_has_needles_and_a_source():
    sources = (DATA / "build" / "SOURCES.md").read_text(encoding="utf-8")
    assert len(LOGS) >= 6
    for path in LOGS:
        assert path.with_suffix(".needles.json").exists(), path.name
        assert f"`{path.name}`" in sources, f"{path.name} missing from SOURCES.md"


@pytest.mark.parametrize("path", LOGS, ids=lambda p: p.stem)
def test_failure_root_cause_and_exit_status_are_kept(path):
    text = compress_build_output(read(path), None, None).text
    for needle in needles(path):
        assert needle in text, needle


@pytest.mark.parametrize("path", LOGS, ids=lambda p: p.stem)
def test_output_is_smaller_than_the_log(path):
    content = read(path)
    before = count_tokens(content)
    after = count_tokens(compress_build_output(content, None, None).text)
    # A log under the default budget's floor may come back whole (ANSI stripped).
    assert after < before or (before <= MIN_BUDGET_TOKENS and after <= before)


@pytest.mark.parametrize("path", LOGS, ids=lambda p: p.stem)
def test_every_shown_line_is_a_marker_or_an_input_line(path):
    content = read(path)
    allowed = {shown(line) for line in content.split("\n")}
    for line in compress_build_output(content, "error", None).text.split("\n"):
        assert (
            line.startswith(MARKER_PREFIX)
            or line.split(f"…{MARKER_PREFIX}")[0] in allowed
            or (any(a.startswith(line.split(f"…{MARKER_PREFIX}")[0]) for a in allowed))
        ), line


@pytest.mark.parametrize("path", LOGS, ids=lambda p: p.stem)
def test_a_tight_budget_is_respected_and_keeps_the_first_headline(path):
    content = read(path)
    result = compress_build_output(content, None, 300)
    assert count_tokens(result.text) <= 300
    assert any(line and not line.startswith(MARKER_PREFIX) for line in result.text.split("\n"))


@pytest.mark.parametrize("path", LOGS, ids=lambda p: p.stem)
def test_build_logs_score_high(path):
    assert score(read(path)) >= 0.6


@pytest.mark.parametrize(
    "other",
    ["json/pip_list.json", "code/json_decoder.py", "prose/gpl3_head.txt",
     "search/grep_click_defs.txt", "logs/dpkg.log"],
)  # fmt: skip
def test_other_kinds_score_low(other):
    assert score(read(DATA / other)) < 0.4


def test_progress_and_passing_tests_are_counted_not_shown():
    result = compress_build_output(read(DATA / "build" / "npm_install.log"), None, None)
    assert "download/progress" in result.text and "download/progress" in (result.omitted or "")
    assert "build:ansi-stripped" in result.transforms
    assert "\x1b" not in result.text


def test_the_same_failure_twice_is_shown_once_with_a_count():
    log = read(DATA / "build" / "go_test_panic.log")
    trace = log[log.index("panic: panic over there") : log.index("FAIL\tgithub.com")]
    text = compress_build_output(log.replace(trace, trace + "ok\n" + trace), None, None).text
    assert text.count("panic: panic over there [recovered]") == 1
    assert "occurs 2 times" in text


def test_query_matches_are_kept():
    text = compress_build_output(read(DATA / "build" / "npm_install.log"), "webgl-workshop", None)
    assert "webgl-workshop" in text.text


def test_units_give_each_failure_block_its_own_tagged_unit():
    content = read(DATA / "build" / "go_test_panic.log")
    units = build_output_units(content)
    failures = [u for u in units if u[3].startswith(FAILURE_TAGS)]
    assert any("go-panic" in u[3] for u in failures)
    panic = next(u for u in failures if "go-panic" in u[3])
    assert content[panic[0] : panic[1]].startswith("panic: panic over there")
    assert all(0 <= start < end <= len(content) for start, end, _, _ in units)


def test_a_runners_failure_list_and_the_final_count_are_shown_unbroken():
    # Rows appended to a shown run open no gap marker, so the whole list fits its budget.
    text = compress_build_output(
        read(DATA / "build" / "pytest_reportingdemo_tail.txt"), None, None
    ).text
    tail = text.split("FAILED failure_demo.py::test_generative[3-6]", 1)[1]
    assert tail.count("\nFAILED failure_demo.py::") == 43
    assert "44 failed in 0.12s" in tail
    assert f"\n{MARKER_PREFIX}" not in tail.split("44 failed in 0.12s")[0]


def test_the_count_that_opens_a_list_of_failures_comes_with_the_first_of_them():
    content = read(DATA / "build" / "phpunit_6222.phpt.txt")
    text = compress_build_output(content, None, 160).text
    # The blank line between them is shown as it is: cheaper than a marker for it.
    assert (
        "There were 4 failures:\n\n1) PHPUnit\\TestFixture\\Issue6222\\Issue6222Test::testOne"
        in text
    )
    assert "omitted: 1 other" not in text


def test_jests_crossed_test_list_is_shown_and_ends_the_report_above_it():
    # Two jest runs one after another: the first run's last report must not swallow the
    # second run's `FAIL file` line and its list of crossed (failed) tests.
    content = read(DATA / "failures" / "jest_each.txt")
    lines = content.split("\n")
    text = compress_build_output(content, None, None).text
    for crossed in [line for line in lines if line.lstrip().startswith("\u2715 ")]:
        assert crossed in text.split("\n")
    assert "  ● array table fails on one row: expected true == false" in text
    units = build_output_units(content)
    fail_line = content.index('"FAIL __tests__/failure.test.js')
    report = next(u for u in units if "throws exception when not enough" in content[u[0] : u[1]])
    assert report[1] <= fail_line


def test_a_tight_cut_gets_a_brief_header_and_a_default_one_the_full_header():
    content = read(DATA / "failures" / "elixir_genserver.txt")
    tight = compress_build_output(content, None, 234).text.split("\n")[0]
    assert tight == "[headroom build: 24 lines, 3 failure blocks (3 distinct: elixir x3)]"
    default = compress_build_output(read(DATA / "build" / "go_test_panic.log"), None, None)
    assert "Shown: failures, failing step" in default.text.split("\n")[0]


def test_a_service_logs_error_lines_rank_with_the_failures_messages():
    # lager's `[critical]` line names the root cause the crash reports below it only imply.
    content = read(DATA / "service_logs" / "antidote_lager.log")
    text = compress_build_output(content, None, None).text
    assert (
        "2016-10-07 21:52:35.244 [critical] <0.521.0>@riak_core_ring_manager:reload_ring:355 "
        'Failed to load ring file: "no such file or directory"'
    ) in text.split("\n")
