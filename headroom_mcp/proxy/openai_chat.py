"""Where the OpenAI Chat Completions API keeps tool results, tool names and the user's words.

A tool result is a `role: "tool"` message (or a legacy `role: "function"` one) whose `content`
is a string or a list of parts, of which only `text` parts are compressed. The tool's name
comes from the assistant's `tool_calls` entry with the same id (a function message names it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from headroom_mcp.proxy.tool_text import ToolText, as_query, rewrite_parts, text_parts

ITEMS_KEY = "messages"
_TEXT = ("text",)
_INSTRUCTION_ROLES = ("system", "developer")


def items(body: Mapping[str, Any]) -> list[Any] | None:
    """The request's messages, or None when the body has no list of them."""
    messages = body.get(ITEMS_KEY)
    return messages if isinstance(messages, list) else None


def continues(body: Mapping[str, Any]) -> bool:
    """Chat requests always carry the whole conversation."""
    return False


def tool_names(messages: list[Any]) -> dict[str, str]:
    """tool_call id -> function name, from the assistant's tool_calls."""
    names: dict[str, str] = {}
    for message in messages:
        if not isinstance(message, dict) or message.get("role") != "assistant":
            continue
        calls = message.get("tool_calls")
        if not isinstance(calls, list):
            continue
        for call in calls:
            if not isinstance(call, dict) or not isinstance(call.get("id"), str):
                continue
            function = call.get("function")
            if isinstance(function, dict) and isinstance(function.get("name"), str):
                names[call["id"]] = function["name"]
    return names


def answered(messages: list[Any]) -> bool:
    """Whether the model has spoken yet in this conversation."""
    return any(isinstance(m, dict) and m.get("role") == "assistant" for m in messages)


def query(messages: list[Any]) -> str | None:
    """The text of the latest user message that has any."""
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            found = as_query(text_parts(message.get("content"), _TEXT))
            if found:
                return found
    return None


def rewrite_item(message: Any, names: Mapping[str, str], rewrite: ToolText) -> Any:
    """A tool (or function) message with its text passed through `rewrite`; any other message,
    or one where nothing changed, comes back as the same object."""
    if not isinstance(message, dict):
        return message
    role = message.get("role")
    if role == "tool":
        call_id = message.get("tool_call_id")
        name = names.get(call_id, "") if isinstance(call_id, str) else ""
    elif role == "function":
        given = message.get("name")
        name = given if isinstance(given, str) else ""
    else:
        return message
    content = message.get("content")
    new_content = rewrite_parts(content, _TEXT, lambda text: rewrite(text, name, False))
    return message if new_content is content else {**message, "content": new_content}


def session_hint(body: Mapping[str, Any]) -> str | None:
    """`prompt_cache_key`: the client's own name for what shares a prompt cache."""
    key = body.get("prompt_cache_key")
    return key if isinstance(key, str) and key else None


def seed(body: Mapping[str, Any], messages: list[Any]) -> str:
    """The system/developer messages' text and the first user message's."""
    parts: list[str] = []
    for message in messages:
        if not isinstance(message, dict):
            continue
        if message.get("role") in _INSTRUCTION_ROLES:
            parts.extend(text_parts(message.get("content"), _TEXT))
        elif message.get("role") == "user":
            parts.append("\x01")
            parts.extend(text_parts(message.get("content"), _TEXT))
            break
    return "\x00".join(parts)


def with_tool(
    body: Mapping[str, Any], name: str, description: str, schema: dict[str, Any]
) -> dict[str, Any] | None:
    """`body` with the function tool appended to `tools`; None when there is no tool list to
    extend or a function of that name is already there."""
    tools = body.get("tools")
    if not isinstance(tools, list) or any(
        isinstance(t, dict)
        and isinstance(t.get("function"), dict)
        and t["function"].get("name") == name
        for t in tools
    ):
        return None
    tool = {
        "type": "function",
        "function": {"name": name, "description": description, "parameters": schema},
    }
    return {**body, "tools": [*tools, tool]}
