"""Sanitizer reports (AddressSanitizer, LeakSanitizer, ThreadSanitizer, UBSan), real samples
from google/clusterfuzz (tests/data/failures, sources in SOURCES.md), compressed the way a
model would get them: routed to the build kind, and under a cut the report's headline, the
access and the innermost user frame of every stack (the access, the free, the allocation)
stay, while the shadow-byte map goes first."""

from __future__ import annotations

from pathlib import Path

import pytest

from headroom_mcp.engines.build_output import compress_build_output
from headroom_mcp.engines.failure_blocks import find_failure_blocks
from headroom_mcp.router import rank_kinds
from headroom_mcp.tokens import count_tokens

DATA = Path(__file__).parent / "data" / "failures"
ROOM_FOR_HEADER_AND_MARKERS = 150  # tokens: the view's header line and its gap markers
SANITIZER_SAMPLES = [
    "asan_double_free", "asan_heap_overflow", "lsan_direct_leak", "lsan_leak_cycle",
    "tsan_data_race", "ubsan_index_oob",
]  # fmt: skip


def read(name: str) -> str:
    return (DATA / f"{name}.txt").read_bytes().decode("utf-8")


def cut(content: str, needles: list[str]) -> str:
    """The build view under a budget that holds the needles' lines, the header and markers."""
    lines = [ln for ln in content.splitlines() if any(n in ln for n in needles)]
    budget = count_tokens("\n".join(lines)) + ROOM_FOR_HEADER_AND_MARKERS
    text = compress_build_output(content, None, budget).text
    assert count_tokens(text) <= budget
    return text


@pytest.mark.parametrize("name", SANITIZER_SAMPLES)
def test_a_sanitizer_report_is_routed_to_the_build_kind(name):
    assert rank_kinds(read(name))[0][1] == "build"


def test_a_cut_double_free_report_keeps_the_free_and_allocation_sites():
    needles = [
        "==7009==ERROR: AddressSanitizer: attempting double-free on 0x610000022b80",
        "#1 0x29f0bb3 in clear third_party/pdfium/core/fpdfapi/fpdf_page/cpdf_countedobject.h",
        "freed by thread T0 here:",
        "#1 0x29f75bc in clear third_party/pdfium/core/fpdfapi/fpdf_page/cpdf_countedobject.h",
        "previously allocated by thread T0 here:",
        "#1 0x29f69ae in CPDF_DocPageData::GetPattern(CPDF_Object*, int, CFX_Matrix const&)",
    ]
    text = cut(read("asan_double_free"), needles)
    for needle in needles:
        assert needle in text, (needle, text)


def test_a_cut_overflow_report_keeps_the_access_and_drops_the_shadow_map_first():
    needles = [
        "==14970==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x61b00001f7d0",
        "READ of size 4 at 0x61b00001f7d0 thread T0",
        "#0 0x64801a in read_scalar(unsigned int const*&) third_party/skia/src/core/SkPaint.cpp",
        "allocated by thread T0 here:",
        "#1 0x4e9382 in base::ReadFileToString(base::FilePath const&",
    ]
    text = cut(read("asan_heap_overflow"), needles)
    for needle in needles:
        assert needle in text, (needle, text)
    assert "Shadow byte legend" not in text and "Heap left redzone" not in text


def test_a_cut_leak_report_keeps_every_leaks_size_and_allocation_site():
    content = read("lsan_direct_leak")
    needles = [
        "==3236==ERROR: LeakSanitizer: detected memory leaks",
        "Indirect leak of 3079 byte(s) in 252 object(s) allocated from:",
        "#0 0x7f3b595f8acb in __interceptor_malloc",  # all that leak's frames are the runtime's
        "==3294==ERROR: LeakSanitizer: detected memory leaks",
        "Direct leak of 10 byte(s) in 1 object(s) allocated from:",
        "#1 0x7fefa091110b in xmlStrndup",
        "SUMMARY: AddressSanitizer: 10 byte(s) leaked in 1 allocation(s).",
    ]
    text = cut(content, needles)
    for needle in needles:
        assert needle in text, (needle, text)


def test_leaks_from_the_same_place_are_one_failure_with_a_count_and_each_size_shown():
    content = read("lsan_leak_cycle")
    blocks = find_failure_blocks(content.splitlines())
    assert [b.flavor for b in blocks] == ["lsan"] * 4
    assert len({b.signature for b in blocks}) == 1  # all allocated in xmlNewDocElementContent
    text = compress_build_output(content, None, 400).text
    assert "occurs 4 times" in text
    assert "Indirect leak of 96 byte(s)" in text and "Indirect leak of 48 byte(s)" in text
    assert "#1 0x80469a in xmlNewDocElementContent /src/libxml2/valid.c:952:34" in text


def test_a_cut_data_race_keeps_both_accesses():
    needles = [
        "WARNING: ThreadSanitizer: data race (pid=18457)",
        "Write of size 4 at 0x7f15d580f30c by thread T11",
        "Previous write of size 4 at 0x7f15d580f30c by thread T22",
        "#0 0x7f15ceac9f57 in sqlite3StatusSet third_party/sqlite/amalgamation/sqlite3.c:12693:3",
    ]
    text = cut(read("tsan_data_race"), needles)
    for needle in needles:
        assert needle in text, (needle, text)
