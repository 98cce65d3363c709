import re

import pytest

from headroom_mcp.engines.base import MARKER_PREFIX
from headroom_mcp.engines.search import compress_search, parse_hits
from headroom_mcp.tokens import count_tokens
from tests.conftest import sample

CONTENT = sample("search/grep_click_defs.txt")
GIT_GREP = sample("search/git_grep_libuv_uv_close.txt")  # `git grep -n uv__close REV` in libuv


def only_input_lines(content: str, text: str) -> None:
    original = set(content.split("\n"))
    for line in text.split("\n"):
        assert line in original or line.startswith(MARKER_PREFIX), line


@pytest.mark.parametrize("content", [CONTENT, GIT_GREP], ids=["grep", "git-grep"])
@pytest.mark.parametrize("query", [None, "termui", "Which lines in src/unix/tcp.c call uv__close?"])
def test_every_line_shown_is_an_input_line_or_a_marker(content, query):
    only_input_lines(content, compress_search(content, query, None).text)


def test_every_hit_of_the_file_named_in_the_query_is_shown_verbatim():
    result = compress_search(GIT_GREP, "Which lines in src/unix/tcp.c call uv__close?", None)
    wanted = [line for line in GIT_GREP.splitlines() if ":src/unix/tcp.c:" in line]
    assert wanted
    for line in wanted:
        assert line in result.text.splitlines()
    assert count_tokens(result.text) < 0.2 * count_tokens(GIT_GREP)


def test_files_with_hits_left_out_get_one_marker_naming_the_count_and_lines():
    text = compress_search(GIT_GREP, "uv__close", None).text
    assert re.search(
        rf"^{re.escape(MARKER_PREFIX)}: src/unix/\S+: \d+ more hits, lines \d+-\d+\]$", text, re.M
    )


def test_hits_matching_the_query_come_first_across_files_when_no_file_is_named():
    rows = [f"lib/mod{i}.py:{10 + i}:    timeout = settings.timeout  # {i}" for i in range(300)]
    wanted = [
        "lib/mod7.py:90:        out, err = proc.communicate(timeout=timeout)",
        "lib/mod150.py:33:    proc = subprocess.Popen(args)  # timeout below",
        "lib/mod299.py:5:def communicate_with_timeout(proc, timeout):",
    ]
    rows[40:40] = wanted[:1]
    rows[200:200] = wanted[1:2]
    rows.append(wanted[2])
    content = "\n".join(rows)
    text = compress_search(content, "Popen communicate timeout", None).text
    for line in wanted:
        assert line in text.splitlines()
    only_input_lines(content, text)


def test_identical_lines_of_other_files_come_after_new_ones():
    rows = [f"src/f{i}.py:{i}:    pass" for i in range(200)]
    rows += [f"src/g{i}.py:{i}:    return value_{i}" for i in range(200)]
    text = compress_search("\n".join(rows), None, 400).text
    assert sum(1 for line in text.splitlines() if line.endswith(":    pass")) == 1


def test_ripgrep_heading_and_context_lines_are_understood():
    content = "src/app.py\n12:def main():\n13-    run()\n\nsrc/lib.py\n4:def helper():\n"
    files, parsed = parse_hits(content.splitlines())
    assert parsed == len(content.splitlines())
    assert [(h.line, h.is_match) for h in files["src/app.py"].hits] == [(12, True), (13, False)]
    assert files["src/lib.py"].hits[0].text == "def helper():"
    text = compress_search(content, None, None).text
    assert "src/app.py\n12:def main():" in text
    only_input_lines(content, text)


@pytest.mark.parametrize("budget", [5, 60, 150, 400, 1000, 3000])
@pytest.mark.parametrize("content", [CONTENT, GIT_GREP], ids=["grep", "git-grep"])
def test_output_never_exceeds_max_tokens(content, budget):
    result = compress_search(content, "Which lines in click/core.py call uv__close?", budget)
    assert count_tokens(result.text) <= budget


def test_budget_lists_the_files_it_could_not_show():
    result = compress_search(CONTENT, None, 400)
    assert count_tokens(result.text) <= 400
    assert f"{MARKER_PREFIX}: not shown:" in result.text


def test_output_that_is_not_search_results_goes_to_the_text_engine():
    text = "\n".join(f"just words on line {i}" for i in range(400))
    assert compress_search(text, None, None).transforms[0].startswith("text:")
