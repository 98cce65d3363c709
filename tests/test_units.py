"""Retrievable units follow the structure of each kind and always slice the original exactly."""

import itertools

import pytest

from headroom_mcp import compress, retrieve
from headroom_mcp.kinds import Options, kind_module
from tests.conftest import sample

CASES = [
    ("code", "code/json_decoder.py"),
    ("diff", "diff/pip_23_to_26_commands.diff"),
    ("search", "search/grep_click_defs.txt"),
    ("prose", "prose/gpl3_head.txt"),
    ("logs", "logs/worker.log"),
    ("json", "json/pip_inspect.json"),
]


@pytest.mark.parametrize(("kind", "path"), CASES, ids=[c[0] for c in CASES])
def test_units_are_ordered_slices_that_cover_the_text(kind, path):
    content = sample(path)
    units = kind_module(kind).units(content, Options())
    assert units
    assert all(0 <= u.start < u.end <= len(content) for u in units)
    assert all(a.end <= b.start + 1 for a, b in itertools.pairwise(units))
    covered = "".join(content[u.start : u.end] for u in units)
    assert len(covered.split()) >= 0.9 * len(content.split())


def test_code_units_are_symbols_with_their_names_indexed():
    units = kind_module("code").units(sample("code/json_decoder.py"), Options())
    by_name = {u.location.split(" ")[0]: u for u in units}
    assert "raw_decode" in by_name
    assert by_name["py_scanstring"].tags == "py_scanstring py scanstring"


def test_a_function_is_retrieved_by_its_name_in_plain_words():
    result = compress(sample("code/json_decoder.py"))
    back = retrieve(result.hash, query="how does raw decode handle extra data")
    assert any(p.location.startswith("raw_decode") for p in back.parts)
    assert "def raw_decode(self, s, idx=0):" in back.content


def test_diff_hunks_are_found_by_their_file():
    result = compress(sample("diff/pip_23_to_26_commands.diff"))
    back = retrieve(result.hash, query="changes to uninstall.py")
    hunks = [p.location for p in back.parts if " @@ " in p.location]
    assert hunks and all(h.startswith("pip/_internal/commands/uninstall.py @@") for h in hunks)


def test_neighbouring_parts_come_back_as_one_block_of_original_text():
    content = sample("prose/gpl3_head.txt")
    result = compress(content)
    back = retrieve(result.hash, query="source code object code corresponding source")
    blocks = back.content.split("[headroom: ")[1:]
    for block in blocks:
        text = block.split("]\n", 1)[1]
        assert text in content
