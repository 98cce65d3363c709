"""Seconds from spawning `headroom-mcp serve` to its answer to list_tools, over stdio.

.venv/bin/python bench/startup.py [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

SERVER = str(Path(sys.executable).with_name("headroom-mcp"))


async def once(home: str) -> float:
    params = StdioServerParameters(
        command=SERVER,
        args=["serve", "--log-level", "WARNING"],
        env={**os.environ, "HEADROOM_MCP_HOME": home},
    )
    start = time.perf_counter()
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        tools = (await session.list_tools()).tools
        elapsed = time.perf_counter() - start
    assert len(tools) == 5
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as home:
        times = [anyio.run(once, home) for _ in range(runs)]
    print(
        f"list_tools after spawn: median {statistics.median(times):.3f} s, "
        f"max {max(times):.3f} s over {runs} runs"
    )


if __name__ == "__main__":
    main()
