"""Failure blocks on real samples: each tests/data/failures/<name>.txt has a <name>.json that
lists the blocks it must yield (flavor, headline, the text of the first and last lines, and
text that must be on important lines); SOURCES.md says where each sample comes from."""

from __future__ import annotations

import itertools
import json
import re
import time
from pathlib import Path

import pytest

from headroom_mcp.engines.failure_blocks import (
    find_failure_blocks,
    shorten_block,
    strip_ansi,
    summary_lines,
)

DATA = Path(__file__).parent / "data" / "failures"
SAMPLES = sorted(DATA.glob("*.txt"))


def sample_lines(path: Path) -> list[str]:
    return strip_ansi(path.read_text(encoding="utf-8")).splitlines()


def expected(path: Path) -> dict:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


def matching_block(blocks, want):
    candidates = [
        b for b in blocks if b.flavor == want["flavor"] and want["headline"] in b.headline
    ]
    assert candidates, f"no {want['flavor']} block with headline {want['headline']!r} in {blocks}"
    return candidates[0]


def test_every_sample_has_expectations_and_a_source():
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    for path in SAMPLES:
        assert path.with_suffix(".json").exists(), path.name
        assert f"`{path.name}`" in sources, f"{path.name} missing from SOURCES.md"


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_sample_yields_its_blocks_whole(path):
    lines = sample_lines(path)
    blocks = find_failure_blocks(lines)
    for want in expected(path)["blocks"]:
        block = matching_block(blocks, want)
        assert want["first"] in lines[block.first], (lines[block.first], want["first"])
        assert want["last"] in lines[block.last], (lines[block.last], want["last"])
        important_text = [lines[k] for k in block.important]
        for text in want.get("important", []):
            assert any(text in line for line in important_text), (text, important_text)
        assert block.first <= min(block.important) <= max(block.important) <= block.last


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_blocks_are_in_order_and_never_overlap(path):
    blocks = find_failure_blocks(sample_lines(path))
    for before, after in itertools.pairwise(blocks):
        assert before.last < after.first


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_summary_lines_are_found(path):
    lines = sample_lines(path)
    found = [lines[i] for i in summary_lines(lines)]
    for text in expected(path).get("summary", []):
        assert any(text in line for line in found), (text, found)


def _first_block(path: Path):
    lines = sample_lines(path)
    want = expected(path)["blocks"][0]
    block = matching_block(find_failure_blocks(lines), want)
    return lines[block.first : block.last + 1], block


def _renumbered(text: str) -> str:
    """Every number moved by 7, zero padding kept (as another run's timestamps and ids are);
    a hex address stays hex (as another run's addresses do)."""

    def moved(m: re.Match[str]) -> str:
        number = m.group()
        if number.startswith("0x"):
            return f"0x{int(number, 16) + 7:0{len(number) - 2}x}"
        return str(int(number) + 7).zfill(len(number))

    return re.sub(r"\b0x[0-9a-f]+\b|\d+", moved, text)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_the_same_failure_with_other_numbers_has_the_same_signature(path):
    block_lines, block = _first_block(path)
    again = find_failure_blocks([_renumbered(line) for line in block_lines])
    assert again and again[0].signature == block.signature


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_a_different_message_changes_the_signature(path):
    block_lines, block = _first_block(path)
    message = expected(path)["blocks"][0].get("message", block.headline)
    k = next(i for i, line in enumerate(block_lines) if message in line)
    changed = list(block_lines)
    changed[k] = changed[k] + " unexpectedly"
    again = find_failure_blocks(changed)
    assert again and again[0].signature != block.signature


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_a_shortened_block_keeps_its_important_lines(path):
    lines = sample_lines(path)
    for block in find_failure_blocks(lines):
        keep = shorten_block(lines, block, len(block.important) + 2)
        assert set(block.important) <= set(keep)
        assert keep == sorted(keep) and len(keep) <= len(block.important) + 2


def test_library_frames_go_before_user_frames_when_shortening():
    lines = sample_lines(DATA / "java.txt")
    block = find_failure_blocks(lines)[0]
    keep = shorten_block(lines, block, len(block.important) + 3)
    extra = [lines[k] for k in keep if k not in block.important]
    assert extra and not any(re.search(r"at (java|sun|org\.junit)\.", line) for line in extra)


def test_plain_log_text_has_no_blocks_and_is_scanned_fast():
    line = "2024-05-01 10:00:00,123 INFO worker: job 42 done in 17 ms, queue depth 3 at node a\n"
    text = line * 40_000  # 3.4 MB
    started = time.perf_counter()
    blocks = find_failure_blocks(text.splitlines())
    assert blocks == []
    assert len(text) / (time.perf_counter() - started) > 2_000_000


def test_strip_ansi_removes_colours_and_keeps_text():
    assert strip_ansi("\x1b[31mFAIL\x1b[0m \x1b[1mtest_x\x1b[22m") == "FAIL test_x"


def test_coverage_totals_are_summary_lines():
    # `coverage report` as nedbat/coveragepy's doc/commands/cmd_report.rst shows it.
    lines = [
        "Name                      Stmts   Miss  Cover",
        "---------------------------------------------",
        "my_program.py                20      4    80%",
        "my_module.py                 15      2    86%",
        "---------------------------------------------",
        "TOTAL                        91     12    87%",
        # the verdict line pytest-cov prints under --cov-fail-under
        "FAIL Required test coverage of 90% not reached. Total coverage: 87.00%",
    ]
    assert summary_lines(lines) == [5, 6]
