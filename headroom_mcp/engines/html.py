"""HTML engine: the page's main text as Markdown (trafilatura), then the prose engine.

Scripts, styles, navigation and other boilerplate go; headings, lists, tables and code stay.
The stored original is still the raw HTML, so nothing is lost. A page with no extractable
main text raises ValueError and the caller falls back to the text engine.
"""

from __future__ import annotations

from headroom_mcp.engines.base import MARKER_PREFIX, EngineResult
from headroom_mcp.engines.prose import Embed, compress_prose


def html_to_markdown(content: str) -> str | None:
    import trafilatura

    return trafilatura.extract(
        content,
        output_format="markdown",
        include_tables=True,
        include_links=False,
        include_images=False,
        include_formatting=True,
        include_comments=False,
        favor_recall=True,
    )


def compress_html(
    content: str, query: str | None, budget: int | None, embed: Embed | None = None
) -> EngineResult:
    """Main text as Markdown, compressed like prose, under a note saying what was removed."""
    markdown = html_to_markdown(content)
    if not markdown or not markdown.strip():
        raise ValueError("no main text found in this HTML")
    note = (
        f"{MARKER_PREFIX} html: the page's main text as Markdown; scripts, styles and "
        "navigation removed; line numbers below count lines of that Markdown (the stored "
        "original is the raw HTML)]"
    )
    prose = compress_prose(markdown, query, None if budget is None else max(1, budget - 30), embed)
    omitted = prose.omitted or "page boilerplate (scripts, styles, navigation)"
    return EngineResult(f"{note}\n{prose.text}", ("html:markdown", *prose.transforms), omitted)
