"""Grammar files with embedded code (yacc/bison `.y`, lex/flex `.l`) are read as code: their C is
outlined as C, each rule or pattern group is a unit named by its nonterminal or pattern (issue
#14), on real grammars from jq and the one true awk."""

import itertools
import re

import pytest

from headroom_mcp.api import compress, retrieve
from headroom_mcp.engines.code import compress_code
from headroom_mcp.kinds import kind_module
from headroom_mcp.kinds.base import Options
from headroom_mcp.router import detect_kind
from headroom_mcp.tokens import count_tokens
from tests.conftest import sample

GRAMMARS = [
    ("code/grammar/jq_parser.y", "src/parser.y", "yacc"),
    ("code/grammar/awkgram.y", "awkgram.y", "yacc"),
    ("code/grammar/jq_lexer.l", "src/lexer.l", "lex"),
]
MARKER = re.compile(r"^\s*\[headroom")


def rows_of(text: str, first: int, last: int) -> list[str]:
    """Lines `first` to `last` (1-based, inclusive) of `text`."""
    return text.split("\n")[first - 1 : last]


@pytest.mark.parametrize(("path", "name", "language"), GRAMMARS)
def test_a_grammar_is_routed_to_code_by_its_name_and_by_its_content(path, name, language):
    content = sample(path)
    by_name = compress(content, name=name)
    by_content = compress(content)
    assert detect_kind(content) == "code"
    for result in (by_name, by_content):
        assert result.kind == "code"
        assert any(t.startswith(f"code:{language}:") for t in result.transforms)


def test_a_query_naming_a_nonterminal_keeps_that_rule_whole():
    content = sample("code/grammar/awkgram.y")
    text = compress_code(content, "What does the simple_stmt rule accept?", None, "yacc").text
    rule = rows_of(content, 297, 312)  # simple_stmt: ... ;
    assert rule[0] == "simple_stmt:" and rule[-1] == "\t;"
    assert "\n".join(rule) in text


def test_a_query_naming_an_epilogue_function_keeps_its_body():
    content = sample("code/grammar/jq_parser.y")
    text = compress(content, query="how does jq_parse_library check", name="src/parser.y")
    body = rows_of(content, 963, 972)  # int jq_parse_library(...) { ... }
    assert body[0].startswith("int jq_parse_library(")
    assert "\n".join(body) in text.compressed


def test_closed_rules_show_their_nonterminal_like_a_signature():
    content = sample("code/grammar/jq_parser.y")
    lines = compress_code(content, None, None, "yacc").text.split("\n")
    for rule in ("TopLevel:", "Expr:", "Term:", "DictExpr:"):
        assert rule in lines
    assert "%%" in lines  # the sections stay marked


def test_a_lex_scanner_keeps_its_patterns_and_opens_the_function_the_query_names():
    content = sample("code/grammar/jq_lexer.l")
    result = compress(content, query="try_exit", max_tokens=700, name="src/lexer.l")
    start = content.split("\n").index("static int try_exit(int c, int state, yyscan_t yyscanner) {")
    assert "\n".join(rows_of(content, start + 1, start + 26)) in result.compressed
    assert count_tokens(result.compressed) <= 700


def test_markers_name_the_rules_they_hide_and_how_to_get_them_back():
    content = sample("code/grammar/jq_parser.y")
    text = compress_code(content, "Term", 900, "yacc").text
    named = [line for line in text.split("\n") if "lines folded" in line and "retrieve" in line]
    firsts = [m.group(1) for line in named if (m := re.search(r"\): (\w+)", line))]
    rules = [name for name in firsts if f"\n{name}:\n" in content]  # nonterminals of the file
    assert rules
    assert any(f'headroom_retrieve(query="{name}")' in line for line in named for name in rules)


@pytest.mark.parametrize("budget", [150, 400, 900, 1500, 3000])
@pytest.mark.parametrize(("path", "name", "language"), GRAMMARS)
def test_every_shown_line_is_an_input_line_or_a_marker_within_the_budget(
    path, name, language, budget
):
    content = sample(path)
    result = compress(content, query="Term FuncDef pattern", max_tokens=budget, name=name)
    assert count_tokens(result.compressed) <= budget
    originals = set(content.split("\n"))
    shown = result.compressed.split("\n")
    assert all(line in originals or MARKER.match(line) for line in shown)
    assert any(line.strip() and not MARKER.match(line) for line in shown)  # never markers only


@pytest.mark.parametrize(("path", "name", "language"), GRAMMARS)
def test_units_are_rules_pattern_groups_and_c_functions_named_for_retrieval(path, name, language):
    content = sample(path)
    units = kind_module("code").units(content, Options(name=name))
    assert all(a.end <= b.start for a, b in itertools.pairwise(units))
    wheres = " ".join(u.location for u in units)
    expected = {
        "jq_parser.y": "Term (lines",
        "awkgram.y": "notnull (lines",
        "jq_lexer.l": "enter (",
    }
    assert expected[path.rsplit("/", 1)[1]] in wheres


def test_a_folded_rule_comes_back_whole_by_its_nonterminal():
    content = sample("code/grammar/jq_parser.y")
    result = compress(content, query="Term", max_tokens=900, name="src/parser.y")
    assert "ImportWhat:" not in result.compressed.split("\n")  # folded under the budget
    back = retrieve(result.hash, query="ImportWhat")
    rule = content[content.index("ImportWhat:\n") : content.index("ImportFrom:\n")].rstrip()
    assert rule in back.content
