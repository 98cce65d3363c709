"""LinePattern answers as re.search on the whole pattern would, on real lines."""

import re

import pytest

from headroom_mcp.engines import build_lines, build_output
from headroom_mcp.engines.line_patterns import LinePattern, split_alternatives
from headroom_mcp.kinds import code
from tests.conftest import sample

PATTERNS = [
    build_output._STRONG_RE,
    build_output._BUILD_LINE_RE,
    build_lines.ERROR_LINE_RE,
    code._CODE_RE,
]
SAMPLES = [
    "build/go_test_panic.log",
    "build/buildkite_buildah.log",
    "failures/jest_each.txt",
    "logs/weibo_celery.log",
    "logs/worker.log",
]


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.pattern[:30])
def test_same_answer_as_the_whole_pattern_on_every_line_of_real_samples(pattern):
    whole = re.compile(pattern.pattern)
    lines = [line for name in SAMPLES for line in sample(name).split("\n")]
    assert [bool(whole.search(x)) for x in lines] == [bool(pattern.search(x)) for x in lines]


def test_alternatives_split_only_at_the_top_level():
    assert split_alternatives(r"^a(b|c)|[|x]d|\|e|^[^]|]f") == [
        r"^a(b|c)",
        r"[|x]d",
        r"\|e",
        r"^[^]|]f",
    ]


def test_unanchored_alternatives_are_still_found_anywhere():
    pattern = LinePattern(r"^BUILD FAILED|exited with code \d+")
    assert pattern.search("BUILD FAILED in 3s")
    assert pattern.search("the job exited with code 2")
    assert not pattern.search("we said BUILD FAILED once")


def test_inline_flags_must_be_passed_as_flags():
    with pytest.raises(ValueError, match="flags"):
        LinePattern(r"(?i)^error|warning")
    assert LinePattern(r"^error|warning", re.IGNORECASE).search("ERROR: x")
