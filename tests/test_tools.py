"""The MCP tools through the SDK's in-memory client: schemas, results and errors as the model
sees them."""

import json

import anyio
import pytest
from mcp import Client
from mcp.types import Implementation

from headroom_mcp.server import app
from tests.conftest import sample

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def test_all_tools_are_listed_with_descriptions_and_output_schemas():
    async with Client(app) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) == {
        "headroom_compress",
        "headroom_retrieve",
        "headroom_stats",
        "headroom_read",
        "headroom_run",
    }
    for tool in tools.values():
        assert len(tool.description or "") > 60, tool.name  # written for the model
        assert tool.output_schema and tool.output_schema["type"] == "object"
    assert set(tools["headroom_compress"].input_schema["properties"]) == {
        "content",
        "query",
        "kind",
        "max_tokens",
    }


async def test_compress_result_is_structured_and_the_same_json_as_text():
    async with Client(app) as client:
        result = await client.call_tool(
            "headroom_compress", {"content": sample("logs/dpkg.log"), "query": "libc-bin"}
        )
    assert not result.is_error
    assert json.loads(result.content[0].text) == result.structured_content
    assert result.structured_content["kind"] == "logs"
    assert (
        result.structured_content["compressed_tokens"]
        < result.structured_content["original_tokens"]
    )


async def test_retrieve_gets_back_the_exact_original_and_stats_count_it():
    content = sample("json/pip_inspect.json")
    async with Client(app, client_info=Implementation(name="pytest-agent", version="1")) as client:
        compressed = await client.call_tool("headroom_compress", {"content": content})
        digest = compressed.structured_content["hash"]
        back = await client.call_tool("headroom_retrieve", {"hash": digest})
        stats = await client.call_tool("headroom_stats", {})
    assert back.structured_content["content"] == content
    assert stats.structured_content["compressions"] == 1
    assert stats.structured_content["retrievals"] == 1
    assert set(stats.structured_content["by_client"]) == {"pytest-agent"}


async def test_an_unknown_hash_is_an_error_result_the_model_can_act_on():
    async with Client(app) as client:
        result = await client.call_tool("headroom_retrieve", {"hash": "0123456789ab"})
    assert result.is_error
    assert "No original is stored under hash" in result.content[0].text
    assert "headroom_retrieve(query=" in result.content[0].text


@pytest.mark.parametrize(
    "arguments",
    [{"hash": "../etc/passwd"}, {"hash": "abc def"}, {"hash": "x" * 10_000}],
)
async def test_odd_hashes_are_error_results_not_crashes(arguments):
    async with Client(app) as client:
        result = await client.call_tool("headroom_retrieve", arguments)
    assert result.is_error
    assert "is not a headroom hash" in result.content[0].text


async def test_a_negative_max_tokens_is_an_error_result():
    async with Client(app) as client:
        result = await client.call_tool("headroom_compress", {"content": "x", "max_tokens": -1})
    assert result.is_error and "max_tokens" in result.content[0].text


async def test_a_big_compress_does_not_block_other_requests():
    content = sample("logs/dpkg.log") * 40
    async with Client(app) as client:
        done = []

        async def big():
            await client.call_tool("headroom_compress", {"content": content})
            done.append("big")

        async def small():
            await client.call_tool("headroom_stats", {})
            done.append("small")

        with anyio.fail_after(60):
            async with anyio.create_task_group() as tg:
                tg.start_soon(big)
                await anyio.sleep(0)
                tg.start_soon(small)
    assert done[0] == "small"


async def test_stored_originals_are_listed_and_readable_as_resources():
    content = sample("logs/worker.log")
    async with Client(app) as client:
        compressed = await client.call_tool("headroom_compress", {"content": content})
        digest = compressed.structured_content["hash"]
        listed = (await client.list_resources()).resources
        uri = f"headroom://original/{digest}"
        entry = next(r for r in listed if str(r.uri) == uri)
        assert entry.description.startswith(f"logs, {len(content.encode()):,} bytes")
        read = await client.read_resource(uri)
        assert read.contents[0].text == content
        with pytest.raises(Exception, match="No original is stored"):
            await client.read_resource("headroom://original/0123456789ab")
