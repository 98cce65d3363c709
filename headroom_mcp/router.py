"""Detect what kind of content this is, and pick the engine for it.

Detection looks at structure, not file names: JSON that parses (a document or NDJSON), unified
diffs, grep-style search results, logs (timestamps or levels leading most lines), source code,
prose, and plain text as the fallback. Only a sample of lines is read, so detection stays fast
on 50 MB inputs.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable
from pathlib import PurePath
from typing import Literal

from headroom_mcp.engines.base import EngineResult
from headroom_mcp.engines.log_lines import LEVEL_RE, TIMESTAMP_RE

Kind = Literal["json", "code", "logs", "search", "diff", "html", "prose", "text"]
KINDS: tuple[Kind, ...] = ("json", "code", "logs", "search", "diff", "html", "prose", "text")
SAMPLE_LINES = 400
_HTML_START = re.compile(
    r"\A\s*(<!--.*?-->\s*)*(<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])", re.I | re.S
)

_DIFF_RE = re.compile(
    r"^(diff --git |--- a/|\+\+\+ b/|@@ -\d+(,\d+)? \+\d+(,\d+)? @@|commit [0-9a-f]{40})", re.M
)
# path:line:text (match) or path-line-text (context); the path has a letter and no spaces,
# which tells it from a timestamp such as 2015-07-29 or "Dec 10 06:55:46".
_SEARCH_LINE_RE = re.compile(r"^(?=[^\s:]*[A-Za-z])[^\s:]{1,300}(:\d+:|-\d+-)")
_HEADING_HIT_RE = re.compile(r"^\d+[:-](?!\d)")
_CODE_RE = re.compile(
    r"^\s*(def |class |import |from \S+ import |async def |@\w|function\b|const |let |var "
    r"|export |package |func |fn |pub |impl |use |struct |enum |trait |interface |type \w"
    r"|public |private |protected |static |#include|#define|#if|namespace |template\s*<"
    r"|return\b|if\s*\(|for\s*\(|while\s*\(|switch\s*\(|}\s*else|module |require |end$"
    r"|<\?php|\$\w+\s*=|\"\"\"|elif |else:|try:|except\b|raise |with |yield |self\.)"
    r"|[;{}:]\s*$|^\s*[})\]];?\s*$|^\s*(//|/\*|#!)|^ \*( |/|$)"
    r"|^\s*[\w.\[\]]+\s*[-+*/|&]?=\s*\S|^\s+\w[\w.]*\(.*\)\s*$|:=|^\t"
)
_SENTENCE_END_RE = re.compile(r"[.!?:)\"']\s*$")


def _sample(content: str) -> list[str]:
    lines = content[: 400 * SAMPLE_LINES].split("\n")[:SAMPLE_LINES]
    return [line for line in lines if line.strip()]


def _outside_fences(lines: list[str]) -> list[str]:
    """Lines outside markdown code fences: a README's examples do not make it code."""
    out, fenced = [], False
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced:
            out.append(line)
    return out


def _share(lines: list[str], test: Callable[[str], bool]) -> float:
    return sum(1 for line in lines if test(line)) / len(lines) if lines else 0.0


def looks_like_json(content: str) -> bool:
    from headroom_mcp.engines.json_records import parse_json_document

    text = content.lstrip()
    if not text or text[0] not in "[{":
        return False
    try:
        parse_json_document(content)
    except ValueError:
        return False
    return True


def detect_kind(content: str) -> Kind:
    """The kind of `content`; 'text' when nothing more specific fits."""
    if looks_like_json(content):
        return "json"
    if _HTML_START.match(content[:2000]):
        return "html"
    lines = _sample(content)
    if not lines:
        return "text"
    head = "\n".join(lines[:60])
    diff_marks = len(_DIFF_RE.findall(head))
    if diff_marks >= 2 and re.search(r"^(@@ |diff --git )", content[:200_000], re.M):
        return "diff"
    timestamps = _share(lines, lambda s: bool(TIMESTAMP_RE.match(s)))
    if timestamps >= 0.5:
        return "logs"
    if _share(lines, lambda s: bool(_SEARCH_LINE_RE.match(s))) >= 0.6:
        return "search"
    if _share(lines, lambda s: bool(_HEADING_HIT_RE.match(s))) >= 0.6:
        return "search"  # ripgrep --heading: a path line, then "12:text" lines
    levels = _share(lines, lambda s: bool(LEVEL_RE.search(s[:120])))
    if levels >= 0.5 and timestamps >= 0.2:
        return "logs"
    prose_lines = _outside_fences(lines)
    fenced = len(prose_lines) < len(lines)
    code = _share(prose_lines, lambda s: bool(_CODE_RE.search(s)) and "](" not in s)
    if code >= 0.3 and not (fenced and code < 0.5):
        return "code"
    lines = prose_lines or lines
    words_per_line = sum(len(s.split()) for s in lines) / len(lines)
    sentences = _share(lines, lambda s: bool(_SENTENCE_END_RE.search(s)))
    joined = " ".join(lines)
    letters = sum(1 for c in joined if c.isalpha() or c == " ") / max(1, len(joined))
    # Prose: long sentence lines, or hard-wrapped text made almost only of words.
    if words_per_line >= 8 and (sentences >= 0.3 or words_per_line >= 30):
        return "prose"
    if words_per_line >= 5 and letters >= 0.9:
        return "prose"
    if levels >= 0.5:
        return "logs"
    return "text"


_KIND_BY_SUFFIX: dict[str, Kind] = {
    ".json": "json", ".jsonl": "json", ".ndjson": "json", ".geojson": "json", ".log": "logs",
    ".diff": "diff", ".patch": "diff", ".html": "html", ".htm": "html", ".md": "prose",
    ".rst": "prose",
}  # fmt: skip


def kind_from_name(name: str) -> Kind | None:
    """The kind a file name promises (a source extension, .json, .log, .diff), if any."""
    from headroom_mcp.engines.code_languages import language_from_name

    if language_from_name(name):
        return "code"
    return _KIND_BY_SUFFIX.get(PurePath(name).suffix.lower())


# kind -> (module, function); imported on first use so start-up loads no engine.
_ENGINES: dict[str, tuple[str, str]] = {
    "json": ("json_records", "compress_json"),
    "code": ("code", "compress_code"),
    "logs": ("logs", "compress_logs"),
    "search": ("search", "compress_search"),
    "diff": ("diff", "compress_diff"),
    "prose": ("prose", "compress_prose"),
    "html": ("html", "compress_html"),
    "text": ("text", "compress_text"),
}


def engine_for(
    kind: Kind, name: str | None = None
) -> Callable[[str, str | None, int | None], EngineResult]:
    """The engine that compresses `kind`; `name` (a file name) fixes a code file's language."""
    module_name, function = _ENGINES.get(kind, _ENGINES["text"])
    engine: Callable[..., EngineResult] = getattr(
        importlib.import_module(f"headroom_mcp.engines.{module_name}"), function
    )
    if kind == "code" and name:
        from headroom_mcp.engines.code_languages import language_from_name

        return functools.partial(engine, language=language_from_name(name))
    return engine
