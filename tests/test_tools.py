"""The MCP tools through the SDK's in-memory client: schemas, results and errors as the model
sees them."""

import json

import anyio
import pytest
from mcp import Client
from mcp.types import Implementation

import headroom_mcp
from headroom_mcp.server import app
from headroom_mcp.tokens import count_tokens
from tests.conftest import sample

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def test_all_tools_are_listed_with_descriptions_and_no_output_schema():
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
        # No output schema: clients that see one show the model JSON instead of our text.
        assert tool.output_schema is None, tool.name
        assert tool.input_schema["properties"]["format"]["enum"] == ["text", "json"]
    assert set(tools["headroom_compress"].input_schema["properties"]) == {
        "content",
        "query",
        "kind",
        "max_tokens",
        "format",
    }
    assert tools["headroom_compress"].input_schema["properties"]["content"]["type"] == "string"


async def test_compress_answers_the_compressed_text_itself_with_a_footer():
    content = sample("logs/dpkg.log")
    async with Client(app) as client:
        result = await client.call_tool(
            "headroom_compress", {"content": content, "query": "libc-bin"}
        )
    assert not result.is_error
    assert result.structured_content is None
    assert len(result.content) == 1
    text = result.content[0].text
    assert not text.startswith("{")  # not JSON: the lines of the log, unescaped
    assert "libc-bin" in text
    footer = text.splitlines()[-1]
    assert footer.startswith("[headroom: ") and 'headroom_retrieve(hash="' in footer
    assert f"→ {count_tokens(text):,} tokens" in footer


async def test_short_content_comes_back_as_itself_with_no_footer():
    prompt = "Summarise the failing test in two sentences, please."
    async with Client(app) as client:
        result = await client.call_tool("headroom_compress", {"content": prompt})
    assert result.content[0].text == prompt
    assert result.structured_content is None


async def test_format_json_returns_the_fields_as_text_and_as_structured_content():
    async with Client(app) as client:
        result = await client.call_tool(
            "headroom_compress",
            {"content": sample("logs/dpkg.log"), "query": "libc-bin", "format": "json"},
        )
    assert json.loads(result.content[0].text) == result.structured_content
    fields = result.structured_content
    assert fields["kind"] == "logs"
    assert fields["compressed_tokens"] == count_tokens(fields["compressed"])
    assert fields["compressed_tokens"] < fields["original_tokens"]


async def test_content_sent_as_a_json_object_is_compressed_as_its_json_text():
    records = [{"id": i, "status": "failed" if i == 77 else "ok"} for i in range(300)]
    async with Client(app) as client:
        result = await client.call_tool(
            "headroom_compress", {"content": {"items": records}, "format": "json"}
        )
    assert not result.is_error
    hash_ = result.structured_content["hash"]
    assert result.structured_content["kind"] == "json"
    back = headroom_mcp.retrieve(hash_)
    assert json.loads(back.content) == {"items": records}


async def test_a_json_string_is_stored_byte_for_byte_not_reparsed():
    text = '{"b": 1,   "a": [1, 2,\n 3]}'
    async with Client(app) as client:
        result = await client.call_tool("headroom_compress", {"content": text, "format": "json"})
    assert headroom_mcp.retrieve(result.structured_content["hash"]).content == text


async def test_wrong_argument_types_say_what_to_send_instead():
    async with Client(app) as client:
        result = await client.call_tool(
            "headroom_compress", {"content": "x" * 10, "max_tokens": "lots"}
        )
        missing = await client.call_tool("headroom_compress", {"query": "x"})
    assert result.is_error
    text = result.content[0].text
    assert "`max_tokens` must be a whole number" in text and "not a string" in text
    assert "headroom_compress(content=" in text and "pydantic" not in text
    assert missing.is_error and "`content` is required" in missing.content[0].text


async def test_retrieve_gets_back_the_exact_original_and_stats_count_it():
    content = sample("json/pip_inspect.json")
    async with Client(app, client_info=Implementation(name="pytest-agent", version="1")) as client:
        compressed = await client.call_tool(
            "headroom_compress", {"content": content, "format": "json"}
        )
        digest = compressed.structured_content["hash"]
        back = await client.call_tool("headroom_retrieve", {"hash": digest, "format": "json"})
        stats = await client.call_tool("headroom_stats", {"format": "json"})
        text_stats = await client.call_tool("headroom_stats", {})
    pages, fields = [back.structured_content["content"]], back.structured_content
    async with Client(app) as client:
        while fields["next_offset"] is not None:
            more = await client.call_tool(
                "headroom_retrieve",
                {"hash": digest, "offset": fields["next_offset"], "format": "json"},
            )
            fields = more.structured_content
            pages.append(fields["content"])
    assert "".join(pages) == content
    assert stats.structured_content["compressions"] == 1
    assert stats.structured_content["retrievals"] == 1
    assert set(stats.structured_content["by_client"]) == {"pytest-agent"}
    assert text_stats.structured_content is None
    assert "read back by retrieval" in text_stats.content[0].text


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
        compressed = await client.call_tool(
            "headroom_compress", {"content": content, "format": "json"}
        )
        digest = compressed.structured_content["hash"]
        listed = (await client.list_resources()).resources
        uri = f"headroom://original/{digest}"
        entry = next(r for r in listed if str(r.uri) == uri)
        assert entry.description.startswith(f"logs, {len(content.encode()):,} bytes")
        read = await client.read_resource(uri)
        assert read.contents[0].text == content
        with pytest.raises(Exception, match="No original is stored"):
            await client.read_resource("headroom://original/0123456789ab")


async def test_a_big_compress_reports_progress_to_a_client_that_asks():
    content = sample("logs/dpkg.log") * 60  # over 2 MB
    seen = []

    async def on_progress(progress, total, message):
        seen.append((progress, total, message))

    async with Client(app) as client:
        result = await client.call_tool(
            "headroom_compress", {"content": content}, progress_callback=on_progress
        )
    assert not result.is_error
    assert seen[0][0] == 0.0 and seen[-1][0] == 100.0
    assert all(total == 100.0 for _, total, _ in seen)
    assert any("compressing as logs" in (m or "") for _, _, m in seen)
