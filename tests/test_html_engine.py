from headroom_mcp import compress, retrieve
from headroom_mcp.engines.html import compress_html, html_to_markdown
from headroom_mcp.router import detect_kind
from headroom_mcp.tokens import count_tokens
from tests.conftest import sample

PAGE = sample("html/what-is-rustdoc.html")


def test_html_is_detected_and_turned_into_markdown_without_boilerplate():
    assert detect_kind(PAGE) == "html"
    markdown = html_to_markdown(PAGE)
    assert markdown.startswith("# What is rustdoc?")
    assert "<script" not in markdown and "function(" not in markdown
    assert "Toggle color scheme" not in markdown  # the page's navigation chrome


def test_the_sentence_the_query_asks_about_survives():
    result = compress_html(PAGE, "how do I open the generated documentation automatically", None)
    assert "If you want `cargo` to automatically open the generated documentation" in result.text
    assert count_tokens(result.text) < 0.1 * count_tokens(PAGE)


def test_the_stored_original_is_the_raw_html():
    result = compress(PAGE, query="what is rustdoc")
    assert result.kind == "html"
    assert result.transforms[:2] == ["router:html", "html:markdown"]
    assert retrieve(result.hash).content == PAGE
