"""SSE events cut from bytes however they are chunked, and the usage read from them in passing."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headroom_mcp.proxy.sse import SseSplitter, parse_event
from headroom_mcp.proxy.usage_tap import JsonBodyTap, Usage, UsageTap, tap_for
from tests.proxy_servers import TRANSCRIPTS, transcript

STREAMS = sorted(p.name for p in TRANSCRIPTS.glob("*.sse"))


@pytest.mark.parametrize("name", STREAMS)
@given(cuts=st.lists(st.integers(min_value=0, max_value=20_000), max_size=30))
def test_events_joined_give_back_the_stream_whatever_the_chunking(name, cuts):
    data = transcript(name)
    bounds = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    splitter = SseSplitter()
    out = []
    for start, end in pairwise(bounds):
        out += splitter.feed(data[start:end])
    assert b"".join(out) + splitter.rest() == data
    assert len(out) == data.count(b"\n\n")


def test_an_event_keeps_its_name_and_data_and_crlf_framing_is_understood():
    splitter = SseSplitter()
    [raw] = splitter.feed(b'event: ping\r\ndata: {"type": "ping"}\r\n\r\n')
    event = parse_event(raw)
    assert (event.name, event.json()) == ("ping", {"type": "ping"})
    assert parse_event(b"data: [DONE]\n\n").json() is None


def usage_of(name: str, chunk: int = 7) -> Usage:
    tap = UsageTap()
    data = transcript(name)
    for start in range(0, len(data), chunk):
        tap.feed(data[start : start + chunk])
    return tap.close()


def test_anthropic_usage_comes_from_message_start_and_message_delta():
    assert usage_of("anthropic_text.sse") == Usage(25, 18877, 1204, 15)


def test_openai_chat_usage_moves_cached_tokens_out_of_input():
    assert usage_of("openai_chat.sse") == Usage(5120 - 4096, 4096, 0, 9)


def test_responses_usage_comes_from_response_completed():
    assert usage_of("openai_responses.sse") == Usage(3300 - 3072, 3072, 0, 7)


def test_a_json_body_is_read_for_usage_and_compressed_bodies_are_not_tapped():
    tap = tap_for("application/json", "")
    assert isinstance(tap, JsonBodyTap)
    tap.feed(transcript("anthropic_message.json"))
    assert tap.close() == Usage(2095, 1530, 0, 503)
    chat = tap_for("application/json; charset=utf-8", "identity")
    assert isinstance(chat, JsonBodyTap)
    chat.feed(transcript("openai_chat.json"))
    assert chat.close() == Usage(5120 - 4096, 4096, 0, 6)
    assert tap_for("text/event-stream", "gzip") is None
