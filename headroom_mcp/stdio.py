"""The stdio transport, answering every line: a line that is not a valid JSON-RPC message gets
a JSON-RPC error instead of silence.

The SDK's stdio transport hands such lines to the server as exceptions, which it only logs, so
a client whose request held a lone surrogate (`"\\ud800"`, valid to Python's json but not to
the SDK's parser) waited for an answer that never came. We sit between the transport and the
server: the request's id, when it can be read at all, gets an "invalid request" error naming
the problem; anything else a "parse error" with a null id, as JSON-RPC 2.0 prescribes.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import anyio
import mcp_types as types
from mcp.server.mcpserver import MCPServer
from mcp.server.stdio import stdio_server
from mcp.shared.message import SessionMessage
from pydantic import ValidationError

logger = logging.getLogger(__name__)


def error_reply(exc: Exception) -> types.JSONRPCError | None:
    """The JSON-RPC error answering the line the transport could not parse, if it was one."""
    if not isinstance(exc, ValidationError):
        return None
    errors = exc.errors()
    line = errors[0].get("input") if errors else None
    request_id: Any = None
    message = "Parse error: the line is not valid JSON."
    code = types.PARSE_ERROR
    if isinstance(line, str):
        try:
            loaded = json.loads(line)
        except ValueError:
            loaded = None
        if isinstance(loaded, dict):
            candidate = loaded.get("id")
            if isinstance(candidate, str | int) and not isinstance(candidate, bool):
                request_id = candidate
            code = types.INVALID_REQUEST
            message = "Invalid request: it is not a valid JSON-RPC 2.0 message."
            if _has_lone_surrogate(loaded):
                message = (
                    "Invalid request: it contains a lone surrogate escape (e.g. \\ud800), which "
                    "is not valid Unicode. Send the text as valid UTF-8 (replace or escape the "
                    "surrogate)."
                )
        if isinstance(loaded, dict) and "method" not in loaded and request_id is not None:
            return None  # a malformed response from the client: nothing to answer
    return types.JSONRPCError(
        jsonrpc="2.0", id=request_id, error=types.ErrorData(code=code, message=message)
    )


def _has_lone_surrogate(value: object) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


async def run_stdio(app: MCPServer) -> None:
    """Serve `app` on stdin/stdout until stdin closes."""
    lowlevel = app._lowlevel_server
    async with stdio_server() as (read_stream, write_stream):
        send, receive = anyio.create_memory_object_stream[SessionMessage | Exception](0)

        async def answer_bad_lines() -> None:
            async with send:
                async for item in read_stream:
                    if isinstance(item, Exception) and (reply := error_reply(item)) is not None:
                        logger.warning("answered an unparseable line: %s", reply.error.message)
                        await write_stream.send(SessionMessage(reply))
                        continue
                    await send.send(item)

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(answer_bad_lines)
            await lowlevel.run(receive, write_stream, lowlevel.create_initialization_options())
            tasks.cancel_scope.cancel()
