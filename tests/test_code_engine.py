import re

import pytest

from headroom_mcp.engines.base import MARKER_PREFIX
from headroom_mcp.engines.code import compress_code
from headroom_mcp.tokens import count_tokens
from tests.conftest import DATA, sample

SOURCES = sorted(p for p in (DATA / "code").iterdir() if p.is_file() and p.name != "README.md")
FOLD_RE = re.compile(r"^\s*\[headroom: (\d+) lines folded \(L(\d+)-(\d+)\)(?:: .*)?\]$")


def unfold_check(original: str, compressed: str) -> None:
    """Every output line is the next original line, or a marker standing for exactly the
    lines it names."""
    lines = original.split("\n")
    row = 0
    for out in compressed.split("\n"):
        fold = FOLD_RE.match(out)
        if fold:
            count, first, last = map(int, fold.groups())
            assert first == row + 1 and last - first + 1 == count, out
            row = last
        else:
            assert out == lines[row], (row, out)
            row += 1
    assert row == len(lines)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_folded_output_is_the_original_with_marked_folds_only(path):
    content = path.read_text()
    result = compress_code(content, None, None)
    unfold_check(content, result.text)
    assert count_tokens(result.text) < 0.6 * count_tokens(content)


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("click_termui.py", "python"),
        ("lazy_object_proxy_cext.c", "c"),
        ("npm_install_command.js", "javascript"),
        ("apt-key.sh", "bash"),
        ("json_decoder.py", "python"),
    ],
)
def test_the_language_is_detected_from_content(path, language):
    result = compress_code(sample(f"code/{path}"), None, None)
    assert result.transforms[0].startswith(f"code:{language}:")


def test_signatures_decorators_and_docstring_first_lines_stay():
    text = compress_code(sample("code/json_decoder.py"), None, None).text
    assert "class JSONDecoder(object):" in text
    assert "    def decode(self, s, _w=WHITESPACE.match):" in text
    assert '        """Return the Python representation of ``s`` (a ``str`` instance' in text
    assert "def py_scanstring(s, end, strict=True," in text
    assert "    return s[end:]" not in text  # a body line, folded


def test_a_symbol_named_in_the_query_keeps_its_body():
    text = compress_code(sample("code/json_decoder.py"), "How does raw_decode work?", None).text
    assert "            obj, end = self.scan_once(s, idx)" in text
    assert "    def decode(self" in text
    assert "        chunks = []" not in text  # py_scanstring does not match: still folded


def test_nested_named_functions_keep_their_signature_inside_a_folded_body():
    source = (
        "def outer(x):\n" + "    a = 1\n" * 5 + "    def helper(y):\n" + "        return y\n" * 4
    )
    source += "    return helper(a)\n"
    text = compress_code(source, None, None).text
    assert "    def helper(y):" in text
    unfold_check(source, text)


def test_max_tokens_keeps_the_body_of_the_function_the_query_names():
    content = sample("code/click_termui.py")
    result = compress_code(content, "how does echo_via_pager pick a pager", 1500)
    assert count_tokens(result.text) <= 1500
    assert "def echo_via_pager(" in result.text
    assert "    with get_pager_file(color=color) as pager:" in result.text  # its body
    unfold_check(content, result.text)


@pytest.mark.parametrize("budget", [200, 600, 1500, 2300, 4000])
@pytest.mark.parametrize("name", ["click_termui.py", "zlib.h", "lazy_object_proxy_cext.c"])
def test_output_never_exceeds_max_tokens(name, budget):
    content = sample(f"code/{name}")
    result = compress_code(content, "prompt deflateBound", budget)
    assert count_tokens(result.text) <= budget
    unfold_check(content, result.text)


def test_a_budget_below_the_outline_ranks_it():
    content = sample("code/click_termui.py")
    result = compress_code(content, None, 1200)
    assert "code:ranked" in result.transforms
    assert count_tokens(result.text) <= 1200
    unfold_check(content, result.text)


def test_a_header_inside_an_include_guard_is_descended_into():
    content = sample("code/zlib.h")  # zlib 1.3.1.1: the whole API sits inside #ifndef ZLIB_H
    result = compress_code(content, "What is the declaration of deflateBound?", None)
    assert "#ifndef ZLIB_H" in result.text
    assert "ZEXTERN uLong ZEXPORT deflateBound(z_streamp strm," in result.text
    assert count_tokens(result.text) <= 0.4 * count_tokens(content)
    unfold_check(content, result.text)


def test_a_header_with_its_license_comment_first_is_code():
    from headroom_mcp.kinds import code
    from headroom_mcp.kinds.base import Sample

    assert code.score(Sample.of(sample("code/zlib.h"))) > 0.5


def test_content_that_is_not_code_is_refused():
    with pytest.raises(ValueError, match="does not parse"):
        compress_code("Dear team,\nthe meeting (is moved) to {Tuesday] at 5;\n" * 40, None, None)


def test_fold_markers_are_marked_notes():
    text = compress_code(sample("code/lazy_object_proxy_cext.c"), None, None).text
    folds = [line for line in text.splitlines() if MARKER_PREFIX in line]
    assert folds and all(FOLD_RE.match(line) for line in folds)


LANGUAGE_SAMPLES = {
    "cache.go": ("go", "func (c *Cache) Get(key string) (string, error) {", "defer c.mu.Unlock()"),
    "ring.rs": ("rust", "    pub fn push(&mut self, value: T) {", "self.items.pop_front();"),
    "Inventory.java": ("java", "    public void add(String sku, int amount) {", "counts.merge("),
    "retry.ts": (
        "typescript",
        "export async function retry<T>(task: Task<T>, options: RetryOptions): Promise<T> {",
        "lastError = error;",
    ),
    "Badge.tsx": (
        "tsx", "export function Badge({ label, count }: BadgeProps) {", '<span className="badge">'
    ),
    "matrix.cpp": ("cpp", "Matrix identity(std::size_t n) {", "m.at(i, i) = 1.0;"),
    "Ledger.cs": ("csharp", "        public void Record(decimal amount)", "Balance += amount;"),
    "slugger.rb": ("ruby", "  def slug(title)", '@seen << candidate'),
    "Money.php": ("php", "    public function add(Money $other): Money", "$sum = $this->cents"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(LANGUAGE_SAMPLES))
def test_each_grammar_keeps_signatures_and_folds_bodies(name):
    from headroom_mcp.engines.code_languages import language_from_name

    language, signature, body_line = LANGUAGE_SAMPLES[name]
    content = (DATA / "code" / "languages" / name).read_text()
    for result in (
        compress_code(content, None, None),
        compress_code(content, None, None, language=language_from_name(name)),
    ):
        assert result.transforms[0].startswith(f"code:{language}:")
        assert signature in result.text.splitlines()
        assert body_line not in result.text
        unfold_check(content, result.text)
