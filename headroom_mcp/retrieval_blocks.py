"""A failure block cut to its key lines, for an answer whose budget cannot hold it whole.

When a question matches more failure blocks (test failures, stack traces) than fit the
retrieval budget, dropping the rest would hide failures the question asked about. Instead
each left-over block is shown by the lines a shortened block must keep (its headline, its
message, its innermost frame: the `important` lines its recogniser marked), verbatim, under a
location line naming the offset from which the original reads on with the whole block.
"""

from __future__ import annotations

from headroom_mcp.engines.base import MARKER_PREFIX
from headroom_mcp.engines.failure_blocks import find_failure_blocks, strip_ansi

MAX_KEY_LINES = 6  # per block; a block with more marked lines keeps its first ones
MAX_LINE_CHARS = 400  # a key line longer than this does not make a short block


def key_lines(content: str, start: int, end: int) -> str | None:
    """The key lines of the failure blocks in content[start:end], verbatim and in order;
    None when the span holds no block, or the key lines would not make it much shorter."""
    lines = content[start:end].split("\n")
    blocks = find_failure_blocks([strip_ansi(line) for line in lines])
    kept: list[str] = []
    for block in blocks:
        marked = [i for i in block.important if lines[i].strip()][:MAX_KEY_LINES]
        kept += [lines[i].rstrip("\r") for i in marked if len(lines[i]) <= MAX_LINE_CHARS]
    if not kept or len(kept) * 2 > len(lines):
        return None
    return "\n".join(kept)


def trimmed_label(first_line: int, last_line: int, offset: int) -> str:
    """The location line of a block shown by its key lines: where it is, and where the
    original pages on from its start."""
    return f"{MARKER_PREFIX}: lines {first_line}-{last_line}, key lines · whole: offset={offset}]"


def trimmed_footer(cut: int, headlines: int, short: str) -> str:
    """The last line of an answer holding trimmed blocks: how to read one whole."""
    if cut:
        shown = f"{cut} failure blocks cut to their key lines (headline, message, innermost frame)"
        shown += f" and {headlines} to their headline" if headlines else ""
    else:
        shown = f"{headlines} failure blocks shown by their headline alone"
    return (
        f"{MARKER_PREFIX}: {shown} to fit the budget · read one whole: "
        f'headroom_retrieve(hash="{short}", offset=N) pages the original from the offset on its '
        'line, or ask with query="<its headline>"]'
    )
