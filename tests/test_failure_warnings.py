"""Warnings in build logs: found in each compiler's shape, grouped by message, shown with
their count and places when the question is about warnings, and retrievable as tagged units
(real logs in tests/data/build, sources in SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

from headroom_mcp.engines.build_lines import shown
from headroom_mcp.engines.build_output import (
    WARNING_TAGS,
    build_output_units,
    compress_build_output,
)
from headroom_mcp.engines.failure_warnings import find_warnings, group_warnings

BUILD = Path(__file__).parent / "data" / "build"


def read(name: str) -> str:
    return (BUILD / name).read_bytes().decode("utf-8")


def test_eclipse_warnings_are_blocks_up_to_the_rule_with_their_message():
    lines = [shown(line) for line in read("ant_eclipse_warnings.log").split("\n")]
    warnings = find_warnings(lines)
    assert len(warnings) == 8
    first = warnings[0]
    assert first.where == "AttributeException.java:3"
    assert first.last - first.first == 3
    assert first.message.startswith("The serializable class AttributeException")


def test_iar_and_maven_warnings_are_found_with_their_places():
    iar = find_warnings([shown(line) for line in read("iar_warnings.log").split("\n")])
    assert [w.where for w in iar] == ["RDR_Config.c:3767", "RDR_Config.c:3767",
                                      "RDR_Config.c:3918", "daqtask.c:43"]  # fmt: skip
    assert len(group_warnings(iar)) == 2
    maven = find_warnings([shown(line) for line in read("maven_javac_warnings.log").split("\n")])
    assert maven[0].where == "SourceDBCore.java:1756"


def test_a_question_about_warnings_keeps_each_distinct_warning_with_a_count():
    text = compress_build_output(read("iar_warnings.log") * 40, "which warnings?", 400).text
    assert "Warning[Pe188]: enumerated type mixed with another type" in text
    assert 'Warning[Pe177]: variable "pgMsgEnv" was declared but never referenced' in text
    assert "this warning occurs" in text


def test_every_warning_is_a_tagged_unit():
    content = read("maven_javac_warnings.log")
    units = [u for u in build_output_units(content) if u[3] == WARNING_TAGS]
    assert len(units) == 18
    assert all("[WARNING]" in content[start:end] for start, end, _, _ in units)
