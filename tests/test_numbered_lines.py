"""Numbered lines (what Claude Code's Read, cat -n and other agents' read tools return) are
compressed as the content they number: the router and engines see the bare text, the model
sees the shown lines with their own numbers, and retrieval returns the numbered original."""

import random
import re
from collections import Counter

import pytest

from bench.proxy_session import read_output
from headroom_mcp import compress, retrieve
from headroom_mcp.engines.base import MARKER_PREFIX
from headroom_mcp.engines.log_failures import line_list, note
from headroom_mcp.engines.text import render_lines
from headroom_mcp.kinds import Options, kind_module
from headroom_mcp.numbered_lines import shift_line_numbers, split_numbered
from headroom_mcp.tokens import count_tokens
from tests.conftest import DATA, sample

SHOWN_RE = re.compile(r"^ *(\d+)(?:→|\t|: | \| )(.*)$")
FOLD_RE = re.compile(r"\(L(\d+)-(\d+)\)")


def file_lines(relative: str) -> list[str]:
    return sample(relative).splitlines()


def assert_numbers_are_true(shown: str, lines: list[str]) -> list[int]:
    """Every numbered line shown is the file's line of that number; returns the numbers."""
    numbers = []
    for line in shown.split("\n"):
        match = SHOWN_RE.match(line)
        if match and not line.lstrip().startswith(MARKER_PREFIX):
            number, text = int(match.group(1)), match.group(2)
            assert text == lines[number - 1] or lines[number - 1].startswith(
                text.split("…" + MARKER_PREFIX)[0]
            ), f"line {number} shown as {text!r}, the file has {lines[number - 1]!r}"
            numbers.append(number)
    return numbers


def assert_folds_name_the_shown_numbering(shown: str) -> None:
    """A fold marker between two numbered lines names exactly the numbers between them."""
    rows = shown.split("\n")
    for i, line in enumerate(rows):
        fold = FOLD_RE.search(line)
        if not fold or i == 0 or i + 1 == len(rows):
            continue
        before, after = SHOWN_RE.match(rows[i - 1]), SHOWN_RE.match(rows[i + 1])
        if before and after and not rows[i + 1].lstrip().startswith(MARKER_PREFIX):
            assert int(before.group(1)) + 1 == int(fold.group(1)), line
            assert int(fold.group(2)) + 1 == int(after.group(1)), line


# -- detection -------------------------------------------------------------------------------


@pytest.mark.parametrize("start", [1, 200])
def test_a_claude_code_read_is_split_into_the_file_and_its_first_number(start):
    numbered = split_numbered(read_output("code/click_termui.py", start, 400))
    assert numbered is not None
    assert (numbered.style, numbered.first) == ("arrow", start)
    assert numbered.bare.split("\n") == file_lines("code/click_termui.py")[start - 1 : start + 399]


def test_cat_n_output_is_numbered_lines_in_the_tab_style():
    numbered = split_numbered(sample("numbered/cat_n_json_decoder.txt"))
    assert numbered is not None
    assert (numbered.style, numbered.first) == ("tab", 1)
    assert numbered.bare == sample("code/json_decoder.py")


@pytest.mark.parametrize(
    ("shape", "style"), [("{n}: {text}", "colon"), ("{n:>4} | {text}", "pipe")]
)
def test_other_agents_numbering_shapes_are_recognised(shape, style):
    lines = file_lines("code/npm_install_command.js")
    content = "\n".join(shape.format(n=n, text=text) for n, text in enumerate(lines, 1))
    numbered = split_numbered(content)
    assert numbered is not None
    assert numbered.style == style
    assert numbered.bare.split("\n") == [
        line.rstrip() if not line.strip() else line for line in lines
    ]


NOT_NUMBERED = sorted(
    p
    for p in DATA.rglob("*")
    if p.is_file()
    and p.suffix not in {".md", ".needles", ".py"}
    and p.name != "cat_n_json_decoder.txt"
)


def test_real_outputs_whose_lines_start_with_numbers_are_not_taken_for_numbered_lines():
    """grep -n (one file: `22:def …`, with context `15-…`), strace -f (a pid on every line),
    CSV and TSV with an id column, logs, compiler and jest output with `12 | code` frames."""
    lines_from_numbers = {
        p.name for p in NOT_NUMBERED if re.search(r"(?m)^\s*\d+\D", p.read_text("utf-8"))
    }
    assert {"grep_n_termui_defs.txt", "strace_f_sh.log", "titanic_head.tsv", "jest.txt"} <= (
        lines_from_numbers
    )
    taken = [str(p.relative_to(DATA)) for p in NOT_NUMBERED if split_numbered(p.read_text("utf-8"))]
    assert taken == []


def test_numbers_that_skip_a_line_are_not_a_file_read():
    lines = read_output("code/json_decoder.py").split("\n")
    assert split_numbered("\n".join(lines[:40] + lines[41:])) is None


def test_a_tab_after_an_unpadded_number_is_a_tsv_id_column_not_cat_n():
    rows = sample("numbered/titanic_head.tsv").split("\n")[1:]  # without the header: ids 1..200
    assert rows[0].startswith("1\t") and rows[1].startswith("2\t")
    assert split_numbered("\n".join(rows)) is None


# -- putting the numbers back ----------------------------------------------------------------


def test_each_shown_line_of_a_code_outline_gets_its_own_number():
    numbered = split_numbered(read_output("code/click_termui.py"))
    result = kind_module("code").compress(numbered.bare, "progressbar", 1500, Options())
    shown = numbered.renumber(result.text)
    numbers = assert_numbers_are_true(shown, file_lines("code/click_termui.py"))
    assert 403 in numbers  # def progressbar(
    assert_folds_name_the_shown_numbering(shown)


def test_a_line_that_occurs_many_times_gets_the_number_of_the_occurrence_shown():
    lines = file_lines("code/click_termui.py")
    common, count = Counter(line for line in lines if line.strip()).most_common(1)[0]
    assert count > 10
    rows = [i for i, line in enumerate(lines) if line == common][-4:]  # the last occurrences
    keep = sorted({r + d for r in rows for d in (-1, 0, 1)})
    numbered = split_numbered(read_output("code/click_termui.py"))
    with_markers, _ = render_lines(numbered.bare.split("\n"), keep)
    without_markers = "\n".join(numbered.bare.split("\n")[k] for k in keep)
    for engine_output in (with_markers, without_markers):
        numbers = assert_numbers_are_true(numbered.renumber(engine_output), lines)
        assert {r + 1 for r in rows} <= set(numbers)


@pytest.mark.parametrize("relative", ["code/click_termui.py", "code/zlib.h", "logs/dpkg.log"])
def test_with_the_engines_omission_markers_every_shown_row_keeps_its_own_number(relative):
    """Runs of rows anywhere in a real file, shown the way the text engine shows them: each
    non-blank row is matched to its own occurrence, however common its text."""
    numbered = split_numbered(read_output(relative))
    rows = numbered.bare.split("\n")
    pick = random.Random(relative)
    for _ in range(40):
        keep = sorted(
            {
                row
                for start in pick.sample(range(len(rows)), pick.randint(1, 12))
                for row in range(start, min(len(rows), start + pick.randint(1, 8)))
            }
        )
        shown, _ = render_lines(rows, keep)
        renumbered = numbered.renumber(shown)
        numbers = assert_numbers_are_true(renumbered, rows)
        shown_rows = [n - 1 for n in numbers if rows[n - 1].strip()]
        assert len(shown_rows) == len(set(shown_rows)) and shown_rows == sorted(shown_rows)
        assert {k for k in keep if rows[k].strip()} <= set(shown_rows)


def test_markers_are_shifted_to_the_numbers_the_model_saw_and_counts_are_not():
    numbered = split_numbered(read_output("code/click_termui.py", 200, 400))
    gap, _ = render_lines(numbered.bare.split("\n"), [0, 50])
    assert "lines 2-50 omitted" in gap
    assert "lines 201-249 omitted" in numbered.renumber(gap)
    repeat = note(f"the same line 3 more times, {line_list([11, 39])}")
    assert shift_line_numbers(repeat, 199) == repeat.replace("lines 12, 40", "lines 211, 239")
    assert shift_line_numbers("[headroom: 888 lines folded (L24-911)]", 199) == (
        "[headroom: 888 lines folded (L223-1110)]"
    )


@pytest.mark.parametrize("start", [1, 200])
def test_units_cut_from_the_bare_text_are_slices_of_the_numbered_original(start):
    original = read_output("code/click_termui.py", start, 600)
    numbered = split_numbered(original)
    units = numbered.units_in_original(kind_module("code").units(numbered.bare, Options()))
    assert units
    for unit in units:
        part = original[unit.start : unit.end]
        assert part.strip(), unit
        assert_numbers_are_true(part, file_lines("code/click_termui.py"))
        where = re.search(r"lines? (\d+)", unit.location)
        first = SHOWN_RE.match(part.split("\n")[0])
        if where and first and not unit.location.startswith("lines "):
            assert int(first.group(1)) >= int(where.group(1))  # a symbol's doc comes first
        elif where and first:
            assert first.group(1) == where.group(1), unit  # a window names its first line


# -- end to end ------------------------------------------------------------------------------


def test_a_numbered_python_file_is_compressed_as_code_with_its_numbers():
    original = read_output("code/click_termui.py")
    result = compress(original, query="progressbar")
    assert result.transforms[:2] == ["router:code", "numbered:arrow@1"]
    numbers = assert_numbers_are_true(result.compressed, file_lines("code/click_termui.py"))
    assert set(range(403, 420)) <= set(numbers)  # the first progressbar overload, whole
    assert_folds_name_the_shown_numbering(result.compressed)
    assert retrieve(result.hash).content == original  # the store keeps what the tool showed


@pytest.mark.parametrize("start", [1, 200])
def test_retrieving_a_numbered_file_by_query_returns_its_numbered_lines(start):
    original = read_output("code/click_termui.py", start, 600)
    result = compress(original, query="progressbar")
    found = retrieve(result.hash, query="progressbar")
    assert found.parts
    for part in found.parts:
        assert original[part.start_char : part.end_char] in found.content
    assert "   403→def progressbar(" in found.content
    numbers = assert_numbers_are_true(found.content, file_lines("code/click_termui.py"))
    assert numbers and min(numbers) >= start
    rows = found.content.split("\n")
    for i, row in enumerate(rows[:-1]):
        where = re.match(rf"\{MARKER_PREFIX}: lines (\d+)-", row)
        if where:  # a part's location names the number on its first line
            assert SHOWN_RE.match(rows[i + 1]).group(1) == where.group(1)


def test_a_numbered_function_is_retrieved_under_its_name_and_shown_numbers():
    result = compress(read_output("code/click_termui.py"), query="progressbar")
    found = retrieve(result.hash, query="progressbar")
    assert "progressbar (lines 403-419)]\n   403→def progressbar(" in found.content


def test_a_numbered_log_keeps_its_one_error_line_with_its_number():
    lines = file_lines("logs/worker.log")
    (error_row,) = [i for i, line in enumerate(lines) if " ERROR " in line]
    result = compress(read_output("logs/worker.log"))
    assert result.transforms[0] == "router:logs"
    assert f"{error_row + 1:>6}→{lines[error_row]}" in result.compressed.split("\n")
    assert_numbers_are_true(result.compressed, lines)


def test_a_read_from_line_200_shows_and_marks_the_files_own_numbers():
    result = compress(read_output("code/click_termui.py", 200, 700), query="echo_via_pager")
    assert result.transforms[:2] == ["router:code", "numbered:arrow@200"]
    numbers = assert_numbers_are_true(result.compressed, file_lines("code/click_termui.py"))
    assert min(numbers) >= 200 and max(numbers) <= 899
    for fold in FOLD_RE.finditer(result.compressed):
        assert 200 <= int(fold.group(1)) <= int(fold.group(2)) <= 899
    assert_folds_name_the_shown_numbering(result.compressed)


@pytest.mark.parametrize("max_tokens", [120, 400, 1500])
def test_max_tokens_holds_with_the_numbers_counted(max_tokens):
    result = compress(
        read_output("code/click_termui.py"), query="progressbar", max_tokens=max_tokens
    )
    assert count_tokens(result.compressed) == result.compressed_tokens <= max_tokens
    assert assert_numbers_are_true(result.compressed, file_lines("code/click_termui.py"))
