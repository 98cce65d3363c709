"""Source code (13 tree-sitter languages, plus yacc and lex grammars): an outline with bodies
folded; the bodies the query names or describes opened.

Units: one per function or method with its doc comment (its name indexed as words), line
windows for the code between.
"""

from __future__ import annotations

from headroom_mcp.engines.base import EngineResult
from headroom_mcp.engines.line_patterns import LinePattern
from headroom_mcp.kinds.base import Options, Sample
from headroom_mcp.store import Unit
from headroom_mcp.units import (
    MAX_STRUCTURED_UNIT_CHARS,
    line_starts,
    line_windows,
    row_span,
    windows_between,
    words_of,
)

NAME = "code"
_CODE_RE = LinePattern(
    r"^\s*(def |class |import |from \S+ import |async def |@\w|function\b|const |let |var "
    r"|export |package |func |fn |pub |impl |use |struct |enum |trait |interface |type \w"
    r"|public |private |protected |static |#include|#define|#if|namespace |template\s*<"
    r"|return\b|if\s*\(|for\s*\(|while\s*\(|switch\s*\(|}\s*else|module |require |end$"
    r"|<\?php|\$\w+\s*=|\"\"\"|elif |else:|try:|except\b|raise |with |yield |self\.)"
    r"|[;{}:]\s*$|^\s*[})\]];?\s*$|^\s*(//|/\*|#!)|^ \*( |/|$)"
    r"|^\s*[\w.\[\]]+\s*[-+*/|&]?=\s*\S|^\s+\w[\w.]*\(.*\)\s*$|:=|^\t"
)


def outside_fences(lines: list[str]) -> list[str]:
    """Lines outside markdown code fences: a README's examples do not make it code."""
    out, fenced = [], False
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced:
            out.append(line)
    return out


def outside_block_comments(lines: list[str]) -> list[str]:
    """Lines outside C-style `/* ... */` blocks: a header's long license and API comments do
    not make it prose (zlib.h is two thirds comment)."""
    out, inside = [], False
    for line in lines:
        stripped = line.strip()
        if inside:
            inside = "*/" not in stripped
            continue
        if stripped.startswith("/*"):
            inside = "*/" not in stripped[2:]
            continue
        out.append(line)
    return out


MIN_CODE_LINES = 20  # lines outside comments needed before comments are set aside


def score(sample: Sample) -> float:
    """A good share of lines look like statements, declarations or braces (outside Markdown
    fences and, when enough is left, outside block comments; a mostly fenced document needs a
    larger share)."""
    prose_lines = outside_fences(sample.lines)
    uncommented = outside_block_comments(prose_lines)
    if len(uncommented) >= MIN_CODE_LINES:
        prose_lines = uncommented
    fenced = len(prose_lines) < len(sample.lines)
    code = sample.share(lambda s: bool(_CODE_RE.search(s)) and "](" not in s, prose_lines)
    return 0.6 if code >= 0.3 and not (fenced and code < 0.5) else 0.0


def compress(content: str, query: str | None, budget: int | None, options: Options) -> EngineResult:
    from headroom_mcp.engines.code import compress_code
    from headroom_mcp.engines.code_languages import language_from_name

    return compress_code(content, query, budget, language=language_from_name(options.name))


def units(content: str, options: Options) -> list[Unit]:
    starts = line_starts(content)
    if len(content) > MAX_STRUCTURED_UNIT_CHARS:
        return line_windows(content, starts)
    try:
        return code_symbol_units(content, starts, options.name)
    except (ValueError, IndexError, RecursionError):
        return line_windows(content, starts)


def code_symbol_units(content: str, starts: list[int], name: str | None) -> list[Unit]:
    """One unit per function or method (with its doc comment), windows for the code between."""
    from headroom_mcp.engines.code import parse_outline
    from headroom_mcp.engines.code_languages import language_from_name

    parsed = parse_outline(content, language_from_name(name) if name else None)
    units: list[Unit] = []
    row = 0
    for symbol in sorted(parsed.outline.symbols, key=lambda s: s.start):
        first = symbol.doc_start if symbol.doc_start is not None else symbol.start
        first = max(first, row)
        units += windows_between(content, starts, row, first - 1)
        start, end = row_span(content, starts, first, symbol.end)
        where = f"{symbol.name or 'function'} (lines {first + 1}-{symbol.end + 1})"
        units.append(Unit(start, end, where, words_of(symbol.name)))
        row = symbol.end + 1
    units += windows_between(content, starts, row, len(starts) - 1)
    return units
