"""Start a server the way a client would (from its config entry) and list its tools.

`install` and `doctor` use it so that a broken entry (a Python without the package, a store
folder that cannot be written) shows up now, with its error, rather than as a silent client.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

PROBE_TIMEOUT_SECONDS = 30
STDERR_TAIL_CHARS = 600


@dataclass(frozen=True)
class ProbeResult:
    ok: bool
    tools: tuple[str, ...]
    error: str | None = None


def probe_entry(entry: dict[str, Any], timeout: float = PROBE_TIMEOUT_SECONDS) -> ProbeResult:
    """Spawn `entry` (command, args, env) over stdio, initialize, list its tools, stop it."""
    import tempfile

    import anyio
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    env = {**os.environ, **(entry.get("env") or {})}
    params = StdioServerParameters(
        command=str(entry["command"]), args=[str(a) for a in entry.get("args", [])], env=env
    )

    async def listed(errlog: Any) -> tuple[str, ...]:
        with anyio.fail_after(timeout):
            async with (
                stdio_client(params, errlog=errlog) as (read, write),
                ClientSession(read, write) as session,
            ):
                await session.initialize()
                tools = (await session.list_tools()).tools
        return tuple(sorted(t.name for t in tools))

    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as errlog:
        try:
            tools = anyio.run(listed, errlog)
        except (OSError, TimeoutError, RuntimeError, ExceptionGroup) as exc:
            errlog.seek(0)
            tail = errlog.read()[-STDERR_TAIL_CHARS:].strip()
            if isinstance(exc, ExceptionGroup):
                reason = "the server stopped before it listed its tools"
            else:
                reason = f"{type(exc).__name__}: {exc}".strip()
            return ProbeResult(False, (), reason + (f"; server said: {tail}" if tail else ""))
    return ProbeResult(True, tools)
