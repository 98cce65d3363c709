"""What the per-API modules share: the callback that rewrites one tool result's text, and how
the user's own words become the compression query.

Each API module (anthropic_messages, openai_chat, openai_responses) walks its own message
shapes and hands every piece of tool-result text to a `ToolText` callback; only that callback
decides what to forward. Text blocks the modules do not recognise are never handed over.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

# (text, tool name or "" when unknown, is_error) -> the text to forward in its place
ToolText = Callable[[str, str, bool], str]

# The query shown in every compressed result's footer and used to rank what is kept: the
# start of the user's latest message is what it asks; more would crowd each footer.
QUERY_MAX_CHARS = 300

# Clients wrap context they inject into the user's turn (reminders, file listings) in this
# tag; it is not what the user asked.
_REMINDER_RE = re.compile(r"<system-reminder>.*?</system-reminder>", re.DOTALL)
_SPACE_RE = re.compile(r"\s+")


def as_query(parts: Iterable[str]) -> str | None:
    """The user's words from `parts` as one line of at most QUERY_MAX_CHARS, cut at a word;
    None when nothing is left once client-injected reminders are removed."""
    text = _SPACE_RE.sub(" ", _REMINDER_RE.sub(" ", " ".join(parts))).strip()
    if not text:
        return None
    if len(text) <= QUERY_MAX_CHARS:
        return text
    cut = text[:QUERY_MAX_CHARS]
    space = cut.rfind(" ")
    return cut[:space] if space > QUERY_MAX_CHARS // 2 else cut


def text_parts(content: Any, kinds: tuple[str, ...]) -> list[str]:
    """The `text` of each block in `content` whose type is one of `kinds`; a string content
    is one part. Anything else yields nothing."""
    if isinstance(content, str):
        return [content]
    if not isinstance(content, list):
        return []
    return [
        block["text"]
        for block in content
        if isinstance(block, dict)
        and block.get("type") in kinds
        and isinstance(block.get("text"), str)
    ]


def rewrite_parts(content: Any, kinds: tuple[str, ...], rewrite: Callable[[str], str]) -> Any:
    """`content` with `rewrite` applied to a string content, or to the `text` of each block
    whose type is one of `kinds`; other blocks (images, unknown types) stay as they are. The
    same object comes back when nothing changed, and the input is never modified."""
    if isinstance(content, str):
        text = rewrite(content)
        return content if text == content else text
    if not isinstance(content, list):
        return content
    changed = False
    blocks: list[Any] = []
    for block in content:
        if (
            isinstance(block, dict)
            and block.get("type") in kinds
            and isinstance(block.get("text"), str)
        ):
            text = rewrite(block["text"])
            if text != block["text"]:
                block = {**block, "text": text}
                changed = True
        blocks.append(block)
    return blocks if changed else content
