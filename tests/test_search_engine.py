import re

from headroom_mcp.engines.base import MARKER_PREFIX
from headroom_mcp.engines.search import compress_search, parse_hits
from headroom_mcp.tokens import count_tokens
from tests.conftest import sample

CONTENT = sample("search/grep_click_defs.txt")


def test_every_hit_of_the_file_named_in_the_query_is_shown():
    result = compress_search(CONTENT, "Which lines in click/termui.py define functions?", None)
    wanted = [line for line in CONTENT.splitlines() if line.startswith("click/termui.py:")]
    for line in wanted:
        number, text = line.split(":", 2)[1:]
        assert re.search(rf"(^|,){number}(,\d+)*:{re.escape(text)}$", result.text, re.M), line
    assert count_tokens(result.text) < 0.5 * count_tokens(CONTENT)


def test_other_files_show_a_sample_and_say_how_many_hits_are_left_out():
    text = compress_search(CONTENT, "termui", None).text
    assert "click/core.py (" in text
    assert re.search(rf"^{re.escape(MARKER_PREFIX)}: \d+ more hits in this file\]$", text, re.M)


def test_identical_lines_in_a_file_are_merged_with_all_their_line_numbers():
    rows = [f"src/f{i % 40}.py:{i}:    pass  # filler line number {i}" for i in range(400)]
    rows += ["src/core.py:3:    pass", "src/core.py:9:    pass", "src/core.py:12:    return 1"]
    text = compress_search("\n".join(rows), "what is in src/core.py", None).text
    assert "3,9:    pass" in text.splitlines()
    assert "12:    return 1" in text.splitlines()


def test_ripgrep_heading_and_context_lines_are_understood():
    content = "src/app.py\n12:def main():\n13-    run()\n\nsrc/lib.py\n4:def helper():\n"
    files, parsed = parse_hits(content.splitlines())
    assert parsed == len(content.splitlines())
    assert [(h.line, h.is_match) for h in files["src/app.py"].hits] == [(12, True), (13, False)]
    assert files["src/lib.py"].hits[0].text == "def helper():"


def test_budget_lists_the_files_it_could_not_show():
    result = compress_search(CONTENT, None, 400)
    assert count_tokens(result.text) <= 450
    assert f"{MARKER_PREFIX}: not shown:" in result.text


def test_output_that_is_not_search_results_goes_to_the_text_engine():
    text = "\n".join(f"just words on line {i}" for i in range(400))
    assert compress_search(text, None, None).transforms[0].startswith("text:")
