"""The real server process over stdio, SSE and streamable HTTP (loopback only)."""

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

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
    await every_tool_answers_text_by_default_and_fields_on_request(session, content, digest)
    await read_a_big_original_in_pages(session)


async def every_tool_answers_text_by_default_and_fields_on_request(session, content, digest):
    calls = {
        "headroom_compress": {"content": content, "query": "echo"},
        "headroom_retrieve": {"hash": digest, "query": "echo"},
        "headroom_stats": {},
        "headroom_read": {"path": "no-such-file.txt"},  # an error result is text too
        "headroom_run": {"argv": ["ls"]},  # off here: the error says how to turn it on
    }
    for name, arguments in calls.items():
        default = await session.call_tool(name, arguments)
        assert default.structured_content is None, name
        assert not default.content[0].text.lstrip().startswith("{"), name
        if not default.is_error:
            fields = await session.call_tool(name, {**arguments, "format": "json"})
            assert fields.structured_content, name
            assert json.loads(fields.content[0].text) == fields.structured_content, name


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
    assert "Traceback" not in logged and "can't register atexit" not in logged, logged[-3000:]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(home, transport, host, port, token=None, extra=(), env_extra=None):
    env = {**os.environ, "HEADROOM_MCP_HOME": str(home)}
    env.pop("HEADROOM_MCP_TOKEN", None)
    env.update(env_extra or {})
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
    args += list(extra)
    proc = subprocess.Popen(args, env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            probe = "127.0.0.1" if host == "0.0.0.0" else host
            with socket.create_connection((probe, port), timeout=0.2):
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


PING = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
ACCEPT = {"accept": "application/json, text/event-stream", "content-type": "application/json"}


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "127.1.2.3"])
async def test_every_loopback_address_checks_host_and_origin(isolated_home, servers, host):
    port = free_port()
    servers.append(start_server(isolated_home, "http", host, port))
    url = f"http://{host}:{port}/mcp"
    async with httpx2.AsyncClient() as http:
        rebound = await http.post(url, json=PING, headers={**ACCEPT, "host": "evil.example"})
        assert rebound.status_code == 421
        foreign = {**ACCEPT, "origin": "http://evil.example"}
        assert (await http.post(url, json=PING, headers=foreign)).status_code == 403
        own = {**ACCEPT, "origin": f"http://{host}:{port}"}
        assert (await http.post(url, json=PING, headers=own)).status_code != 403


@pytest.mark.parametrize("via", ["option", "env"])
async def test_the_token_can_come_from_a_file_and_stays_out_of_the_process_list(
    isolated_home, servers, tmp_path, via
):
    token_file = tmp_path / "token"
    token_file.write_text("file-s3cret\n")
    port = free_port()
    if via == "option":
        proc = start_server(
            isolated_home, "http", "0.0.0.0", port, extra=["--token-file", str(token_file)]
        )
    else:
        proc = start_server(
            isolated_home, "http", "0.0.0.0", port,
            env_extra={"HEADROOM_MCP_TOKEN_FILE": str(token_file)},
        )  # fmt: skip
    servers.append(proc)
    assert b"file-s3cret" not in Path(f"/proc/{proc.pid}/cmdline").read_bytes()
    url = f"http://127.0.0.1:{port}/mcp"
    async with httpx2.AsyncClient() as http:
        assert (await http.post(url, json=PING, headers=ACCEPT)).status_code == 401
        authed = {**ACCEPT, "authorization": "Bearer file-s3cret"}
        assert (await http.post(url, json=PING, headers=authed)).status_code != 401


SURROGATE_CALL = (
    b'{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"headroom_compress",'
    b'"arguments":{"content":"a\\ud800b"}}}'
)


async def test_stdio_answers_malformed_lines_with_json_rpc_errors(isolated_home):
    env = {**os.environ, "HEADROOM_MCP_HOME": str(isolated_home)}
    proc = await anyio.open_process(
        [sys.executable, "-m", "headroom_mcp", "serve", "--log-level", "ERROR"], env=env
    )
    lines = [
        b'{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":'
        b'"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}',
        b'{"jsonrpc":"2.0","method":"notifications/initialized"}',
        SURROGATE_CALL,
        b'{"jsonrpc":"2.0","id":8,"method":"ping", broken',
        b'{"jsonrpc":"2.0","id":9,"method":"ping"}',
    ]
    replies = []
    async with proc:
        with anyio.fail_after(30):
            await proc.stdin.send(b"\n".join(lines) + b"\n")
            buffer = b""
            while buffer.count(b"\n") < 4:
                buffer += await proc.stdout.receive()
        proc.kill()
    replies = [json.loads(line) for line in buffer.splitlines()]
    assert replies[1]["id"] == 7
    assert replies[1]["error"]["code"] == -32600
    assert "lone surrogate" in replies[1]["error"]["message"]
    assert replies[2] == {
        "jsonrpc": "2.0",
        "id": None,
        "error": {"code": -32700, "message": "Parse error: the line is not valid JSON."},
    }
    assert replies[3] == {"jsonrpc": "2.0", "id": 9, "result": {}}


async def test_http_answers_a_lone_surrogate_with_a_json_rpc_error(isolated_home, servers):
    port = free_port()
    servers.append(start_server(isolated_home, "http", "127.0.0.1", port))
    url = f"http://127.0.0.1:{port}/mcp"
    async with httpx2.AsyncClient() as http:
        answer = await http.post(url, content=SURROGATE_CALL, headers=ACCEPT)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == -32700, answer.text
