"""Where the OpenAI Responses API keeps tool results, tool names and the user's words.

Tool results are `function_call_output`, `custom_tool_call_output` and
`local_shell_call_output` items in `input`; their `output` is a string or a list of parts, of
which only `input_text`/`output_text`/`text` parts are compressed (images and files pass
through). The tool's name comes from the `function_call` / `custom_tool_call` item with the
same `call_id`; local shell output is the `local_shell` tool's. With `previous_response_id`
the server holds the earlier turns and `input` has only the new items.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from headroom_mcp.proxy.tool_text import ToolText, as_query, rewrite_parts, text_parts

ITEMS_KEY = "input"
LOCAL_SHELL = "local_shell"
_CALLS = ("function_call", "custom_tool_call")
_OUTPUTS = ("function_call_output", "custom_tool_call_output")
_TEXT = ("input_text", "output_text", "text")


def items(body: Mapping[str, Any]) -> list[Any] | None:
    """The request's input items, or None when `input` is a plain string or missing."""
    found = body.get(ITEMS_KEY)
    return found if isinstance(found, list) else None


def continues(body: Mapping[str, Any]) -> bool:
    """Whether the server holds the earlier turns (the input has only the new items)."""
    return isinstance(body.get("previous_response_id"), str)


def tool_names(input_items: list[Any]) -> dict[str, str]:
    """call_id -> tool name, from function_call and custom_tool_call items."""
    names: dict[str, str] = {}
    for item in input_items:
        if (
            isinstance(item, dict)
            and item.get("type") in _CALLS
            and isinstance(item.get("call_id"), str)
            and isinstance(item.get("name"), str)
        ):
            names[item["call_id"]] = item["name"]
    return names


def answered(input_items: list[Any]) -> bool:
    """Whether the model has spoken yet: an assistant message or any tool call."""
    return any(
        isinstance(item, dict)
        and (item.get("role") == "assistant" or str(item.get("type", "")).endswith("_call"))
        for item in input_items
    )


def query(input_items: list[Any]) -> str | None:
    """The text of the latest user message item that has any."""
    for item in reversed(input_items):
        if _is_user(item):
            found = as_query(text_parts(item.get("content"), _TEXT))
            if found:
                return found
    return None


def rewrite_item(item: Any, names: Mapping[str, str], rewrite: ToolText) -> Any:
    """A tool output item with its text passed through `rewrite`; any other item, or one
    where nothing changed, comes back as the same object."""
    if not isinstance(item, dict):
        return item
    kind = item.get("type")
    if kind in _OUTPUTS:
        call_id = item.get("call_id")
        name = names.get(call_id, "") if isinstance(call_id, str) else ""
    elif kind == "local_shell_call_output":
        name = LOCAL_SHELL
    else:
        return item
    output = item.get("output")
    new_output = rewrite_parts(output, _TEXT, lambda text: rewrite(text, name, False))
    return item if new_output is output else {**item, "output": new_output}


def session_hint(body: Mapping[str, Any]) -> str | None:
    """`prompt_cache_key`: the client's own name for what shares a prompt cache."""
    key = body.get("prompt_cache_key")
    return key if isinstance(key, str) and key else None


def seed(body: Mapping[str, Any], input_items: list[Any]) -> str:
    """The instructions and the first user message's text."""
    instructions = body.get("instructions")
    parts = [instructions] if isinstance(instructions, str) else []
    first = next((item for item in input_items if _is_user(item)), None)
    if first is not None:
        parts.extend(["\x01", *text_parts(first.get("content"), _TEXT)])
    return "\x00".join(parts)


def with_tool(
    body: Mapping[str, Any], name: str, description: str, schema: dict[str, Any]
) -> dict[str, Any] | None:
    """`body` with the function tool appended to `tools`; None when there is no tool list to
    extend or a tool of that name is already there."""
    tools = body.get("tools")
    if not isinstance(tools, list) or any(
        isinstance(t, dict) and t.get("name") == name for t in tools
    ):
        return None
    tool = {"type": "function", "name": name, "description": description, "parameters": schema}
    return {**body, "tools": [*tools, tool]}


def _is_user(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and item.get("role") == "user"
        and item.get("type", "message") == "message"
    )
