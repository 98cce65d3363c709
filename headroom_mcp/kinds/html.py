"""HTML pages: the main text as Markdown (trafilatura), then compressed as prose; the stored
original stays the raw HTML.

Units: line windows over the raw HTML.
"""

from __future__ import annotations

import re

from headroom_mcp.engines.base import EngineResult
from headroom_mcp.kinds.base import KindDeclined, Options, Sample
from headroom_mcp.store import Unit
from headroom_mcp.units import line_windows

NAME = "html"
_HTML_START = re.compile(
    r"\A\s*(<!--.*?-->\s*)*(<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])", re.I | re.S
)


def score(sample: Sample) -> float:
    return 0.95 if _HTML_START.match(sample.content[:2000]) else 0.0


def compress(content: str, query: str | None, budget: int | None, options: Options) -> EngineResult:
    from headroom_mcp.engines.html import compress_html

    try:
        return compress_html(content, query, budget, options.embed)
    except ValueError as exc:
        raise KindDeclined(str(exc)) from exc


def units(content: str, options: Options) -> list[Unit]:
    return line_windows(content)
