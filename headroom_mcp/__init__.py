"""headroom-mcp: compress tool output for AI agents, keep every original, retrieve on demand.

>>> import headroom_mcp
>>> result = headroom_mcp.compress(big_json, query="orders that failed")
>>> headroom_mcp.retrieve(result.hash, query="order 1234")
"""

from headroom_mcp.api import compress, retrieve, stats
from headroom_mcp.errors import (
    AccessDenied,
    ConfigError,
    ContentRejected,
    HeadroomMcpError,
    InvalidArgument,
    StoreError,
    UnknownHash,
)
from headroom_mcp.results import (
    CompressResult,
    ReadResult,
    RetrieveResult,
    RunResult,
    StatsResult,
)
from headroom_mcp.sources import read, run

__version__ = "0.1.0"

__all__ = [
    "AccessDenied",
    "CompressResult",
    "ConfigError",
    "ContentRejected",
    "HeadroomMcpError",
    "InvalidArgument",
    "ReadResult",
    "RetrieveResult",
    "RunResult",
    "StatsResult",
    "StoreError",
    "UnknownHash",
    "compress",
    "read",
    "retrieve",
    "run",
    "stats",
]
