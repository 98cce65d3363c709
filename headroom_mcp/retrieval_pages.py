"""An original read back whole, a page at a time: exact slices that join to the original.

A page is at most a given number of tokens and PAGE_MAX_CHARS characters, so it always fits
an MCP client's 1 MiB message; it ends at a line end when one is near.
"""

from __future__ import annotations

from headroom_mcp.errors import InvalidArgument
from headroom_mcp.results import RetrieveResult
from headroom_mcp.tokens import count_tokens

PAGE_MAX_CHARS = 80_000  # a page, doubled (JSON text and structured content) and escaped,
# stays under the 1 MiB message limit of MCP clients
PAGE_FOOTER_TOKENS = 60  # room left in a page for the line that names the next call


def whole_original(
    short: str, kind: str, content: str, tokens: int, total_units: int, max_tokens: int | None
) -> RetrieveResult:
    if max_tokens is None or tokens <= max_tokens:
        return RetrieveResult(
            short, kind, content, True, None, "none", [], 0, total_units, tokens, tokens,
            original_chars=len(content),
        )  # fmt: skip
    return page_of_original(short, kind, content, tokens, total_units, 0, max_tokens)


def page_of_original(
    short: str,
    kind: str,
    content: str,
    tokens: int,
    total_units: int,
    offset: int,
    page_tokens: int,
) -> RetrieveResult:
    """The characters of the original from `offset` on, at most `page_tokens` tokens (and
    PAGE_MAX_CHARS), ending at a line end when one is near; `next_offset` is where the next
    page starts, None on the last. Pages are exact slices, so they join to the original."""
    if offset > len(content):
        raise InvalidArgument(
            f"offset={offset} is past the end of {short}, which has {len(content):,} "
            f'characters. Start again at headroom_retrieve(hash="{short}", offset=0).'
        )
    end = _page_end(content, offset, max(1, page_tokens - PAGE_FOOTER_TOKENS))
    page = content[offset:end]
    next_offset = end if end < len(content) else None
    return RetrieveResult(
        short, kind, page, offset == 0 and next_offset is None, None, "none", [], 0,
        total_units, tokens, count_tokens(page), offset=offset, next_offset=next_offset,
        original_chars=len(content),
    )  # fmt: skip


def _page_end(content: str, offset: int, page_tokens: int) -> int:
    end = min(len(content), offset + PAGE_MAX_CHARS)
    if count_tokens(content[offset:end]) > page_tokens:
        low, high = offset + 1, end  # the largest end whose slice fits: token counts grow
        while low < high:
            mid = (low + high + 1) // 2
            if count_tokens(content[offset:mid]) <= page_tokens:
                low = mid
            else:
                high = mid - 1
        end = low
    if end < len(content):
        newline = content.rfind("\n", offset + (end - offset) // 2, end)
        if newline != -1:
            end = newline + 1
    return max(end, offset + 1)


def head_within(content: str, room: int) -> str:
    lines = content.split("\n")
    kept = []
    for line in lines:
        cost = count_tokens(line) + 1
        if cost > room:
            break
        kept.append(line)
        room -= cost
    return "\n".join(kept)
