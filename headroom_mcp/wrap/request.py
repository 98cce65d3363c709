"""What the user asked `wrap` for: the agent, its arguments, the port and how to start a proxy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from headroom_mcp.proxy.config import DEFAULT_PORT


@dataclass(frozen=True)
class WrapRequest:
    """What the user asked for. `proxy_command` None: HEADROOM_MCP_PROXY_COMMAND, else
    `python -m headroom_mcp proxy --port PORT`; `{port}` in a given command is filled in."""

    agent: str
    args: tuple[str, ...] = ()
    port: int = DEFAULT_PORT
    agent_path: str | None = None
    proxy_command: Sequence[str] | None = None
    probe: bool = True
