"""The query and the budget steer the code, search and diff engines (issue #14), on real files."""

import re

import pytest

from headroom_mcp.api import compress
from headroom_mcp.engines.code import compress_code
from headroom_mcp.engines.code_languages import language_from_name
from headroom_mcp.engines.diff import compress_diff
from headroom_mcp.engines.search import HIT_RE, compress_search
from headroom_mcp.tokens import count_tokens
from tests.conftest import sample


def reduction(before: str, after: str) -> float:
    return 1 - count_tokens(after) / count_tokens(before)


# ---------------------------------------------------------------- search: a query naming no file


def hits_holding(content: str, *words: str) -> list[str]:
    return [
        line
        for line in content.splitlines()
        if (m := HIT_RE.match(line)) and any(w in m["text"].lower() for w in words)
    ]


def test_a_query_naming_no_file_keeps_every_hit_holding_its_words():
    content = sample("search/git_grep_leveldb_status.txt")
    text = compress_search(content, "Which errors report corrupt snappy or zstd compression?", None)
    wanted = hits_holding(content, "snappy", "zstd")
    assert len(wanted) == 4
    assert all(line in text.text.splitlines() for line in wanted)
    assert reduction(content, text.text) > 0.8


def test_hits_with_the_same_text_in_other_files_are_all_kept_when_the_query_asks_for_them():
    content = sample("search/git_grep_libuv_uv_close.txt")
    shown = compress_search(content, "Where is uv__close called on sockfd?", 1500).text
    wanted = hits_holding(content, "sockfd")
    assert len(wanted) == 21  # "uv__close(sockfd);" in many files
    assert all(line in shown.splitlines() for line in wanted)
    assert count_tokens(shown) < 0.4 * count_tokens(content)


def test_the_grepped_name_does_not_make_files_named_by_the_query():
    content = sample("search/git_grep_libuv_uv_close.txt")
    result = compress_search(content, "Where is uv__close called on sockfd?", None)
    assert "search:focus:0" in result.transforms  # "close" is in every hit: it names no file


# ---------------------------------------------------------------- C++ headers


def test_a_cpp_header_keeps_the_declaration_the_query_names_with_its_doc_comment():
    content = sample("code/re2.h")
    text = compress_code(content, "What is the signature of RE2::GlobalReplace?", None).text
    assert "  static int GlobalReplace(std::string* str," in text
    assert "  // Like Replace(), except replaces successive non-overlapping occurrences" in text
    assert "#ifndef RE2_RE2_H_" in text
    assert reduction(content, text) >= 0.7


def test_the_class_qualifier_of_a_query_opens_no_function_of_that_class():
    result = compress_code(
        sample("code/re2.h"), "What is the signature of RE2::GlobalReplace?", None
    )
    assert "code:opened:9" not in result.transforms  # RE2::Hex, RE2::Octal ... stay folded
    assert "code:ranked" in result.transforms


def test_an_export_macro_between_class_and_name_still_reads_as_a_class():
    content = sample("code/leveldb_env.h")  # class LEVELDB_EXPORT Env { ... };
    text = compress_code(content, "What are the parameters of NewRandomAccessFile?", None).text
    assert "  virtual Status NewRandomAccessFile(const std::string& fname," in text
    assert "                                     RandomAccessFile** result) = 0;" in text
    assert "class LEVELDB_EXPORT Env {" in text
    assert reduction(content, text) >= 0.7


def test_include_guards_extern_c_and_class_heads_are_never_folded_by_the_ranking():
    content = sample("code/logfile_sub_source.hh")
    text = compress_code(content, "What is the declaration of text_value_for_line?", None).text
    lines = text.splitlines()
    assert "#ifndef logfile_sub_source_hh" in lines
    assert 'extern "C"' in lines
    assert "class logfile_sub_source" in lines
    assert "    line_info text_value_for_line(textview_curses& tc," in lines
    assert reduction(content, text) >= 0.7


def test_a_dot_h_name_leaves_c_or_cpp_to_the_content():
    assert language_from_name("include/leveldb/env.h") is None
    result = compress(
        sample("code/leveldb_env.h"),
        query="What are the parameters of NewRandomAccessFile?",
        max_tokens=2000,
        name="include/leveldb/env.h",
    )
    assert "virtual Status NewRandomAccessFile(const std::string& fname," in result.compressed


def test_every_shown_code_line_is_an_input_line_or_a_fold_marker():
    content = sample("code/re2.h")
    original = set(content.split("\n"))
    text = compress_code(content, "RE2::GlobalReplace", 1500).text
    marker = re.compile(r"^\s*\[headroom: \d+ lines folded \(L\d+-\d+\)(?:: .*)?\]$")
    assert all(line in original or marker.match(line) for line in text.split("\n"))


# ---------------------------------------------------------------- diffs: a query naming a function


def test_a_query_naming_a_function_keeps_its_hunks_in_every_commit_under_a_tight_budget():
    content = sample("diff/leveldb_log_db.diff")
    text = compress_diff(content, "How did VersionSet::LogAndApply change?", 900).text
    assert count_tokens(text) <= 900
    for line in (
        "-    mu->unlock();",
        "+    mu->Unlock();",
        "-    mu->Unlock();",
        "+    mu->unlock();",
    ):
        assert line in text.splitlines()
    assert (
        text.count("@@ Status VersionSet::LogAndApply(VersionEdit* edit, port::Mutex* mu) {") >= 1
    )
    assert "[headroom: " in text  # other hunks left out are named


# ---------------------------------------------------------------- reads with a query and max_tokens

READS = [
    ("code/subprocess.py", "Lib/subprocess.py", "how are timeouts handled in communicate"),
    ("code/re2.h", "re2/re2.h", "What is the signature of RE2::GlobalReplace?"),
    ("code/logfile_sub_source.hh", "src/logfile_sub_source.hh", "text_value_for_line"),
    ("search/git_grep_leveldb_status.txt", None, "snappy or zstd corruption"),
    ("search/git_grep_libuv_uv_close.txt", None, "Where is uv__close called on sockfd?"),
    ("diff/leveldb_log_db.diff", None, "How did VersionSet::LogAndApply change?"),
    ("diff/pip_23_to_26_commands.diff", None, "what changed in install.py"),
]


@pytest.mark.parametrize("budget", [150, 400, 900, 1500, 3000])
@pytest.mark.parametrize(("path", "name", "query"), READS)
def test_what_the_model_reads_never_exceeds_max_tokens(path, name, query, budget):
    result = compress(sample(path), query=query, max_tokens=budget, name=name)
    assert count_tokens(result.compressed) <= budget
    assert result.compressed_tokens <= budget


def test_a_read_of_subprocess_with_a_budget_keeps_the_body_of_communicate():
    result = compress(
        sample("code/subprocess.py"),
        query="how are timeouts handled in communicate",
        max_tokens=1500,
        name="Lib/subprocess.py",
    )
    assert count_tokens(result.compressed) <= 1500
    for line in (
        "    def communicate(self, input=None, timeout=None):",
        "        if self._communication_started and input:",
        "                endtime = _time() + timeout",
        "            sts = self.wait(timeout=self._remaining_time(endtime))",
    ):
        assert line in result.compressed.splitlines()
