"""Where the Anthropic Messages API keeps tool results, tool names and the user's words.

A tool result is a `tool_result` block in a user message; its `content` is a string or a list
of blocks, of which only `text` blocks are compressed (images, documents, search results and
types this module does not know pass through). The tool's name comes from the assistant's
`tool_use` block with the same id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from headroom_mcp.proxy.tool_text import ToolText, as_query, rewrite_parts, text_parts

ITEMS_KEY = "messages"
_TEXT = ("text",)


def items(body: Mapping[str, Any]) -> list[Any] | None:
    """The request's messages, or None when the body has no list of them."""
    messages = body.get(ITEMS_KEY)
    return messages if isinstance(messages, list) else None


def continues(body: Mapping[str, Any]) -> bool:
    """Messages requests always carry the whole conversation."""
    return False


def tool_names(messages: list[Any]) -> dict[str, str]:
    """tool_use id -> tool name, from the assistant's tool_use blocks."""
    names: dict[str, str] = {}
    for message in messages:
        if not isinstance(message, dict) or message.get("role") != "assistant":
            continue
        content = message.get("content")
        if not isinstance(content, list):
            continue
        for block in content:
            if (
                isinstance(block, dict)
                and block.get("type") == "tool_use"
                and isinstance(block.get("id"), str)
                and isinstance(block.get("name"), str)
            ):
                names[block["id"]] = block["name"]
    return names


def answered(messages: list[Any]) -> bool:
    """Whether the model has spoken yet in this conversation."""
    return any(isinstance(m, dict) and m.get("role") == "assistant" for m in messages)


def query(messages: list[Any]) -> str | None:
    """The latest user-authored text: user messages that hold only tool results are passed."""
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            found = as_query(text_parts(message.get("content"), _TEXT))
            if found:
                return found
    return None


def rewrite_item(message: Any, names: Mapping[str, str], rewrite: ToolText) -> Any:
    """`message` with the text of its tool_result blocks passed through `rewrite`; the same
    object when nothing changed. Only user messages hold tool results."""
    if not isinstance(message, dict) or message.get("role") != "user":
        return message
    content = message.get("content")
    if not isinstance(content, list):
        return message
    changed = False
    blocks: list[Any] = []
    for block in content:
        if isinstance(block, dict) and block.get("type") == "tool_result":
            new_block = _rewrite_result(block, names, rewrite)
            changed = changed or new_block is not block
            block = new_block
        blocks.append(block)
    return {**message, "content": blocks} if changed else message


def _rewrite_result(block: dict[str, Any], names: Mapping[str, str], rewrite: ToolText) -> Any:
    use_id = block.get("tool_use_id")
    name = names.get(use_id, "") if isinstance(use_id, str) else ""
    is_error = block.get("is_error") is True
    inner = block.get("content")
    new_inner = rewrite_parts(inner, _TEXT, lambda text: rewrite(text, name, is_error))
    return block if new_inner is inner else {**block, "content": new_inner}


def session_hint(body: Mapping[str, Any]) -> str | None:
    """`metadata.user_id`: Claude Code puts its session there."""
    metadata = body.get("metadata")
    if isinstance(metadata, dict):
        user_id = metadata.get("user_id")
        if isinstance(user_id, str) and user_id:
            return user_id
    return None


def seed(body: Mapping[str, Any], messages: list[Any]) -> str:
    """The system prompt's text and the first user message's: stable for a conversation."""
    system = body.get("system")
    first = next(
        (m.get("content") for m in messages if isinstance(m, dict) and m.get("role") == "user"),
        None,
    )
    return "\x00".join([*text_parts(system, _TEXT), "\x01", *text_parts(first, _TEXT)])


def with_tool(
    body: Mapping[str, Any], name: str, description: str, schema: dict[str, Any]
) -> dict[str, Any] | None:
    """`body` with the tool appended to `tools`; None when there is no tool list to extend
    or a tool of that name is already there."""
    tools = body.get("tools")
    if not isinstance(tools, list) or any(
        isinstance(t, dict) and t.get("name") == name for t in tools
    ):
        return None
    tool = {"name": name, "description": description, "input_schema": schema}
    return {**body, "tools": [*tools, tool]}
