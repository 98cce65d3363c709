import json

import pytest

import headroom_mcp
from headroom_mcp import ContentRejected, InvalidArgument, UnknownHash, compress, retrieve, stats
from headroom_mcp.engines.base import MARKER_PREFIX
from headroom_mcp.tokens import count_tokens
from tests.conftest import sample


def big_orders(n=300):
    return json.dumps(
        [
            {"id": i, "customer": f"customer-{i}", "status": "ok", "amount": i % 50}
            for i in range(n)
        ],
        indent=2,
    )


def test_short_content_comes_back_unchanged_but_is_still_stored():
    text = "James runs 3 sprints 3 times a week. How many meters does he run?"
    result = compress(text)
    assert result.compressed == text
    assert result.savings_percent == 0.0
    assert "passthrough:under 300 tokens" in result.transforms
    assert retrieve(result.hash).content == text


def test_compressed_json_ends_with_a_footer_of_true_counts_and_the_retrieve_calls():
    result = compress(big_orders(), query="customer-77")
    assert result.kind == "json"
    assert result.transforms[0] == "router:json"
    last = result.compressed.splitlines()[-1]
    assert last.startswith(
        f"{MARKER_PREFIX}: {result.original_tokens:,} → {result.compressed_tokens:,} tokens; 29"
    )
    assert f'headroom_retrieve(hash="{result.hash}", query="customer-77")' in last
    # The record the query names, spelled with the input's separators (indent=2 writes ": ").
    assert '"customer": "customer-77"' in result.compressed
    # The count is of everything the model reads, the footer included.
    assert result.compressed_tokens == count_tokens(result.compressed)
    assert result.compressed_tokens < result.original_tokens * 0.2


def test_retrieve_without_query_returns_the_original_byte_for_byte():
    content = big_orders().replace("\n", "\r\n") + "\n\n"
    result = compress(content)
    back = retrieve(result.hash)
    assert back.content == content
    assert back.complete


def test_retrieve_with_query_returns_matching_records_with_their_location():
    content = big_orders()
    result = compress(content)
    back = retrieve(result.hash, query="customer-201")
    assert back.search.startswith("keywords")
    assert not back.complete
    assert back.parts[0].location.startswith("$[201]")
    assert '"customer": "customer-201"' in back.content
    assert back.returned_tokens < result.original_tokens / 10


def test_a_query_that_matches_nothing_gets_the_closest_parts_marked_weak():
    result = compress(big_orders())
    back = retrieve(result.hash, query="zeppelin")
    assert back.parts  # never an empty answer while the original has content
    first = back.content.splitlines()[0]
    assert "no part of" in first and "zeppelin" in first and "weak matches" in first


def test_the_same_content_gets_the_same_hash_and_is_stored_once():
    first, second = compress(big_orders()), compress(big_orders())
    assert first.hash == second.hash
    assert stats().store.originals == 1


def test_an_unknown_hash_says_how_to_search_instead():
    with pytest.raises(
        UnknownHash, match=r'No original is stored under hash "abcdef123456".*query='
    ):
        retrieve("abcdef123456")


@pytest.mark.parametrize("bad", ["not a hash", "../../etc/passwd", "abc", "DROP TABLE;", "ä" * 10])
def test_a_malformed_hash_is_refused_with_an_example(bad):
    with pytest.raises(InvalidArgument, match="is not a headroom hash"):
        retrieve(bad)


def test_a_hash_prefix_and_the_full_digest_both_work():
    result = compress(big_orders())
    digest = retrieve(result.hash)
    assert retrieve(result.hash[:8]).content == digest.content
    assert retrieve(result.hash.upper()).content == digest.content


@pytest.mark.parametrize("max_tokens", [-5, 0, 10, 10**12, True])
def test_absurd_max_tokens_is_refused(max_tokens):
    with pytest.raises(InvalidArgument, match="max_tokens"):
        compress(big_orders(), max_tokens=max_tokens)


def test_max_tokens_is_respected():
    result = compress(sample("logs/dpkg.log"), query="libc-bin", max_tokens=400)
    assert result.compressed_tokens <= 400
    assert result.compressed.splitlines()[-1].startswith(MARKER_PREFIX)


def test_max_tokens_below_a_short_inputs_size_still_cuts_it():
    text = "\n".join(f"line {i} of a short note" for i in range(40))
    result = compress(text, max_tokens=60)
    assert result.compressed_tokens <= 60


def test_lone_surrogates_are_refused_and_nothing_is_stored():
    with pytest.raises(ContentRejected, match="lone surrogate"):
        compress("abc\ud800def" * 200)
    assert stats().store.originals == 0


def test_content_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setenv("HEADROOM_MCP_MAX_CONTENT_BYTES", "1000")
    with pytest.raises(ContentRejected, match="HEADROOM_MCP_MAX_CONTENT_BYTES"):
        compress("x" * 2000)


def test_empty_content_passes_through():
    result = compress("")
    assert result.compressed == ""
    assert retrieve(result.hash).content == ""


def test_binary_looking_content_passes_through_unchanged():
    blob = "".join(chr(i % 32) for i in range(5000))
    result = compress(blob)
    assert result.compressed == blob
    assert "passthrough:binary" in result.transforms


def test_malformed_json_is_compressed_as_text():
    broken = big_orders()[:-40]
    result = compress(broken)
    assert result.kind != "json"
    assert retrieve(result.hash).content == broken


def test_json_nested_ten_thousand_deep_is_handled_as_text():
    deep = "[" * 10_000 + "]" * 10_000
    result = compress(deep)
    assert result.kind == "text"
    assert retrieve(result.hash).content == deep


def test_forcing_kind_json_on_text_falls_back_to_the_text_engine():
    result = compress(sample("logs/dpkg.log"), kind="json")
    assert "json:declined" in result.transforms


def test_an_unknown_kind_is_refused():
    with pytest.raises(InvalidArgument, match='kind="yaml"'):
        compress("x", kind="yaml")


def test_stats_sum_every_call_and_survive_a_new_store_object():
    compress(big_orders(), query="customer-3")
    result = compress(sample("logs/dpkg.log"))
    retrieve(result.hash, query="libc-bin")
    headroom_mcp.context.STORES.clear()  # what a restart does
    s = stats()
    assert s.compressions == 2 and s.retrievals == 1
    assert s.tokens_saved == s.tokens_before - s.tokens_after > 0
    assert set(s.by_kind) == {"json", "logs"}
    assert s.net_tokens_saved == s.tokens_saved - s.tokens_retrieved
    assert s.estimated_cost_saved_usd == round(s.net_tokens_saved * 3.0 / 1e6, 4)
    assert [e.op for e in s.recent] == ["retrieve", "compress", "compress"]


@pytest.mark.slow
def test_fifty_megabytes_of_log_compress_and_round_trip():
    line = "2026-11-24 10:00:00 INFO worker-7 processed request id=123456 in 12ms\n"
    content = line * (50 * 1024 * 1024 // len(line))
    content += "2026-11-24 10:00:01 ERROR worker-3 database connection refused\n"
    result = compress(content)
    assert "ERROR worker-3 database connection refused" in result.compressed
    assert result.compressed_tokens < 4000
    assert retrieve(result.hash).content == content


def test_retrieving_errors_from_a_log_returns_whole_events_once_each():
    result = compress(sample("logs/worker.log"))
    back = retrieve(result.hash, query="what errors or exceptions happened")
    assert back.parts[0].location.startswith("lines ")  # the event with its traceback
    assert "KeyError: 'customer_id'" in back.content
    assert back.content.count("failed while loading the invoice") == 1


def test_a_query_without_a_hash_searches_everything_stored_by_any_process(isolated_home):
    import os
    import subprocess
    import sys

    other_agent = (
        "from headroom_mcp import compress; from tests.conftest import sample; "
        "compress(sample('logs/worker.log'), client='agent-b')"
    )
    subprocess.run([sys.executable, "-c", other_agent], check=True,
                   env={**os.environ, "HEADROOM_MCP_HOME": str(isolated_home)})  # fmt: skip
    compress(big_orders())
    found = retrieve(query="which job failed loading the invoice")
    assert found.hash is None
    assert found.originals[0].kind == "logs"
    assert "failed while loading the invoice" in found.content
    assert f'hash="{found.originals[0].hash}"' in found.content


def test_retrieve_needs_a_hash_or_a_query():
    with pytest.raises(InvalidArgument, match="Give a hash"):
        retrieve()
    with pytest.raises(InvalidArgument, match="Give a hash"):
        retrieve(hash="", query="  ")
