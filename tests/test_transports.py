"""The real server process over stdio, SSE and streamable HTTP (loopback only)."""

import os
import re
import socket
import subprocess
import sys
import time

import anyio
import httpx2
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.sse import sse_client
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

from headroom_mcp.tokens import count_tokens
from tests.conftest import sample

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


@pytest.fixture
def anyio_backend():
    return "asyncio"


PAGE_TOKENS = 20_000


def three_megabytes():
    log = sample("logs/dpkg.log")
    return (log * (3 * 1024**2 // len(log) + 1))[: 3 * 1024**2]


async def exercise(session):
    await session.initialize()
    tools = {t.name for t in (await session.list_tools()).tools}
    assert {"headroom_compress", "headroom_retrieve", "headroom_stats"} <= tools
    assert {"headroom_read", "headroom_run"} <= tools
    content = sample("search/grep_click_defs.txt")
    compressed = await session.call_tool("headroom_compress", {"content": content, "query": "echo"})
    assert compressed.structured_content is None
    text = compressed.content[0].text
    digest = re.findall(r'headroom_retrieve\(hash="([0-9a-f]+)"\)', text)[-1]
    back = await session.call_tool("headroom_retrieve", {"hash": digest})
    assert back.content[0].text == content
    stats = await session.call_tool("headroom_stats", {"format": "json"})
    assert stats.structured_content["compressions"] >= 1
    await read_a_big_original_in_pages(session)


async def read_a_big_original_in_pages(session):
    """A 3 MB original comes back in pages of at most PAGE_TOKENS tokens that join exactly,
    within the 1 MiB message limit of the SDK's default clients."""
    big = three_megabytes()
    stored = await session.call_tool("headroom_compress", {"content": big, "format": "json"})
    digest = stored.structured_content["hash"]
    pages, offset = [], 0
    while offset is not None:
        page = await session.call_tool(
            "headroom_retrieve", {"hash": digest, "offset": offset, "format": "json"}
        )
        assert not page.is_error, page.content[0].text
        fields = page.structured_content
        assert count_tokens(fields["content"]) <= PAGE_TOKENS
        pages.append(fields["content"])
        offset = fields["next_offset"]
    assert len(pages) > 10
    assert "".join(pages) == big
    first = await session.call_tool("headroom_retrieve", {"hash": digest})
    text = first.content[0].text
    assert count_tokens(text) <= PAGE_TOKENS
    assert text.splitlines()[-1].endswith(
        f'headroom_retrieve(hash="{digest}", offset={len(pages[0])})]'
    )


async def test_stdio_server_lists_and_calls_all_tools_and_exits_cleanly(isolated_home, tmp_path):
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "headroom_mcp", "serve"],
        env={**os.environ, "HEADROOM_MCP_HOME": str(isolated_home), "HEADROOM_MCP_EMBED_MODEL": ""},
    )
    errors = tmp_path / "stderr.txt"
    with anyio.fail_after(120), errors.open("w") as errlog:
        async with (
            stdio_client(params, errlog=errlog) as (read, write),
            ClientSession(read, write) as session,
        ):
            await exercise(session)
    logged = errors.read_text()
    assert "Traceback" not in logged and "Error" not in logged, logged[-3000:]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(home, transport, host, port, token=None):
    env = {**os.environ, "HEADROOM_MCP_HOME": str(home)}
    env.pop("HEADROOM_MCP_TOKEN", None)
    args = [
        sys.executable,
        "-m",
        "headroom_mcp",
        "serve",
        "--transport",
        transport,
        "--host",
        host,
        "--port",
        str(port),
    ]
    if token:
        args += ["--token", token]
    proc = subprocess.Popen(args, env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise AssertionError(proc.stderr.read().decode()) from None
            time.sleep(0.05)
    proc.kill()
    raise AssertionError("server did not start")


@pytest.fixture
def servers():
    started = []
    yield started
    for proc in started:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        proc.stderr.close()


@pytest.mark.parametrize("transport", ["sse", "http"])
async def test_http_transports_serve_all_tools_on_loopback(transport, isolated_home, servers):
    port = free_port()
    servers.append(start_server(isolated_home, transport, "127.0.0.1", port))
    with anyio.fail_after(120):
        if transport == "sse":
            async with (
                sse_client(f"http://127.0.0.1:{port}/sse") as (read, write),
                ClientSession(read, write) as session,
            ):
                await exercise(session)
        else:
            async with (
                streamable_http_client(f"http://127.0.0.1:{port}/mcp") as (read, write),
                ClientSession(read, write) as session,
            ):
                await exercise(session)


async def test_off_loopback_requests_without_the_token_get_401(isolated_home, servers):
    port = free_port()
    servers.append(start_server(isolated_home, "http", "0.0.0.0", port, token="s3cret"))
    url = f"http://127.0.0.1:{port}/mcp"
    body = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    headers = {"accept": "application/json, text/event-stream"}
    async with httpx2.AsyncClient() as http:
        assert (await http.post(url, json=body, headers=headers)).status_code == 401
        wrong = {**headers, "authorization": "Bearer nope"}
        assert (await http.post(url, json=body, headers=wrong)).status_code == 401
    with anyio.fail_after(60):
        async with (
            httpx2.AsyncClient(headers={"authorization": "Bearer s3cret"}) as authed,
            streamable_http_client(url, http_client=authed) as (read, write),
            ClientSession(read, write) as session,
        ):
            await exercise(session)


def test_serving_off_loopback_without_a_token_is_refused(isolated_home):
    env = {**os.environ, "HEADROOM_MCP_HOME": str(isolated_home)}
    env.pop("HEADROOM_MCP_TOKEN", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "headroom_mcp",
            "serve",
            "--transport",
            "http",
            "--host",
            "0.0.0.0",
            "--port",
            str(free_port()),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 1
    assert "Refusing to serve on 0.0.0.0 without a token" in done.stderr


async def test_http_compress_takes_content_over_the_sdks_default_4_mib_body(isolated_home, servers):
    port = free_port()
    servers.append(start_server(isolated_home, "http", "127.0.0.1", port))
    big = three_megabytes() + three_megabytes()[:1_500_000]  # 4.5 MB, over 4 MiB
    with anyio.fail_after(120):
        async with (
            streamable_http_client(f"http://127.0.0.1:{port}/mcp") as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            result = await session.call_tool("headroom_compress", {"content": big})
    assert not result.is_error, result.content[0].text
    assert 'headroom_retrieve(hash="' in result.content[0].text
