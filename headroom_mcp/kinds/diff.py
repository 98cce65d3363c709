"""Unified diffs, `git show`, `git log -p`: every changed line; context, lockfiles and
generated files trimmed.

Units: one per hunk, its file path indexed with it; headers and messages as windows.
"""

from __future__ import annotations

import re

from headroom_mcp.engines.base import EngineResult
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

NAME = "diff"
_DIFF_RE = re.compile(
    r"^(diff --git |--- a/|\+\+\+ b/|@@ -\d+(,\d+)? \+\d+(,\d+)? @@|commit [0-9a-f]{40})", re.M
)
_HUNK_OR_HEADER_RE = re.compile(r"^(@@ |diff --git )", re.M)


def score(sample: Sample) -> float:
    head = "\n".join(sample.lines[:60])
    marks = len(_DIFF_RE.findall(head))
    if marks >= 2 and _HUNK_OR_HEADER_RE.search(sample.content[:200_000]):
        return 0.9
    return 0.0


def compress(content: str, query: str | None, budget: int | None, options: Options) -> EngineResult:
    from headroom_mcp.engines.diff import compress_diff

    return compress_diff(content, query, budget)


def units(content: str, options: Options) -> list[Unit]:
    starts = line_starts(content)
    if len(content) > MAX_STRUCTURED_UNIT_CHARS:
        return line_windows(content, starts)
    return diff_hunk_units(content, starts)


def diff_hunk_units(content: str, starts: list[int]) -> list[Unit]:
    """One unit per hunk, its file path indexed with it; headers and messages as windows."""
    lines = content.split("\n")
    units: list[Unit] = []
    path = ""
    hunk_start: int | None = None
    pending = 0  # first row not yet in a unit

    def close(row: int) -> None:
        nonlocal hunk_start, pending
        if hunk_start is not None:
            start, end = row_span(content, starts, hunk_start, row - 1)
            units.append(Unit(start, end, f"{path} {lines[hunk_start].split(' @@')[0]} @@",
                              f"{path} {words_of(path.rsplit('/', 1)[-1])}"))  # fmt: skip
            hunk_start = None
            pending = row

    for row, line in enumerate(lines):
        if line.startswith(("diff --git ", "commit ")):
            close(row)
            if line.startswith("diff --git "):
                path = line.split(" b/", 1)[-1]
        elif line.startswith("@@ "):
            close(row)
            units += windows_between(content, starts, pending, row - 1)
            hunk_start = row
    close(len(lines))
    units += windows_between(content, starts, pending, len(lines) - 1)
    return sorted(units, key=lambda u: u.start)
