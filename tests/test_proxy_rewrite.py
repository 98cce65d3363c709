"""The proxy's rewriter on Anthropic Messages bodies: only tool-result text changes, and within
a session what was forwarded once is forwarded the same way on every later request."""

from __future__ import annotations

import copy
import json
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from bench.proxy_session import build_session
from headroom_mcp import api
from headroom_mcp.proxy.config import ProxyConfig
from headroom_mcp.proxy.rewrite import RETRIEVE_TOOL, Rewriter, client_label
from headroom_mcp.proxy.sessions import SessionStore, strip_cache_control
from headroom_mcp.tokens import count_tokens
from tests.conftest import sample

CLAUDE = {"user-agent": "claude-cli/2.1.3 (external, cli)", "x-claude-code-session-id": "s-1"}
LOG = sample("logs/dpkg.log")[:20_000]
CODE = sample("code/json_decoder.py")
HASH_RE = re.compile(r'headroom_retrieve\(hash="([0-9a-f]+)"')


def body_with(results: list[dict[str, Any]], calls: list[tuple[str, str]]) -> dict[str, Any]:
    """A Claude Code-shaped request: a prompt, the assistant's tool calls, their results."""
    return {
        "model": "claude-sonnet-4-5",
        "max_tokens": 1024,
        "system": [{"type": "text", "text": "You are a coding agent."}],
        "tools": [{"name": "Bash", "description": "Run a command.", "input_schema": {}}],
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "Why did the upgrade fail?"}]},
            {
                "role": "assistant",
                "content": [
                    {"type": "tool_use", "id": use_id, "name": name, "input": {}}
                    for use_id, name in calls
                ],
            },
            {"role": "user", "content": results},
        ],
    }


def result(use_id: str, content: Any, **extra: Any) -> dict[str, Any]:
    return {"type": "tool_result", "tool_use_id": use_id, "content": content, **extra}


def forwarded_results(body: dict[str, Any]) -> list[Any]:
    return [block["content"] for block in body["messages"][-1]["content"]]


def test_a_long_tool_result_is_compressed_and_its_original_can_be_retrieved():
    body = body_with([result("t1", LOG)], [("t1", "Bash")])
    done = Rewriter(ProxyConfig()).rewrite("anthropic", body, CLAUDE)
    [shown] = forwarded_results(done.body)
    assert isinstance(shown, str) and "[headroom" in shown
    assert done.tokens_before == count_tokens(LOG)
    assert done.tokens_after == count_tokens(shown) < done.tokens_before / 3
    assert (done.compressed, done.replayed, done.client) == (1, 0, "claude-cli")
    digest = HASH_RE.search(shown)
    assert digest is not None
    assert api.retrieve(digest.group(1)).content == LOG


def test_list_form_results_compress_text_blocks_and_pass_images_and_unknown_blocks():
    image = {
        "type": "image",
        "source": {"type": "base64", "media_type": "image/png", "data": "AA=="},
    }
    unknown = {"type": "search_result", "source": "https://x", "title": "t", "content": []}
    blocks = [{"type": "text", "text": CODE}, image, unknown, {"type": "text", "text": "exit 0"}]
    body = body_with([result("t1", blocks)], [("t1", "mcp__shell__run")])
    [shown] = forwarded_results(Rewriter(ProxyConfig()).rewrite("anthropic", body, CLAUDE).body)
    assert shown[0]["type"] == "text" and "[headroom" in shown[0]["text"]
    assert shown[1:] == blocks[1:]


def test_a_short_error_result_is_kept_whole_and_a_long_one_is_compressed():
    short_error = sample("failures/python.txt")
    body = body_with(
        [result("t1", short_error, is_error=True), result("t2", LOG, is_error=True)],
        [("t1", "Bash"), ("t2", "Bash")],
    )
    config = ProxyConfig(error_keep_tokens=count_tokens(short_error), min_tokens=50)
    kept, compressed = forwarded_results(Rewriter(config).rewrite("anthropic", body, CLAUDE).body)
    assert kept == short_error
    assert "[headroom" in compressed


def test_results_of_excluded_tools_are_forwarded_as_received():
    body = body_with(
        [result("t1", LOG), result("t2", CODE), result("t3", LOG + "\n")],
        [("t1", "mcp__github__get_logs"), ("t2", "Read"), ("t3", "Bash")],
    )
    config = ProxyConfig(exclude_tools=("mcp__*", "Read"))
    first, second, third = forwarded_results(
        Rewriter(config).rewrite("anthropic", body, CLAUDE).body
    )
    assert (first, second) == (LOG, CODE)
    assert "[headroom" in third


def test_results_under_the_short_input_threshold_are_forwarded_untouched():
    short = sample("failures/tsc.txt")
    body = body_with([result("t1", short)], [("t1", "Bash")])
    config = ProxyConfig(min_tokens=count_tokens(short) + 1)
    done = Rewriter(config).rewrite("anthropic", body, CLAUDE)
    assert forwarded_results(done.body) == [short]
    assert done.compressed == 0 and done.tokens_before == done.tokens_after


def test_everything_but_tool_results_is_forwarded_as_sent_and_the_input_is_not_modified():
    body = body_with([result("t1", LOG)], [("t1", "Bash")])
    body["messages"][0]["content"].append({"type": "text", "text": LOG})  # a pasted log stays
    body["metadata"] = {"user_id": "u-1"}
    received = copy.deepcopy(body)
    done = Rewriter(ProxyConfig()).rewrite("anthropic", body, CLAUDE)
    assert body == received
    for key in ("system", "tools", "metadata", "model", "max_tokens"):
        assert done.body[key] == body[key]
    assert done.body["messages"][:2] == body["messages"][:2]


def test_a_result_compression_would_not_shrink_is_forwarded_as_received():
    body = body_with([result("t1", LOG)], [("t1", "Bash")])
    rewriter = Rewriter(ProxyConfig(), compress=lambda text, query, client: text + "\nmore")
    done = rewriter.rewrite("anthropic", body, CLAUDE)
    assert forwarded_results(done.body) == [LOG]
    assert done.compressed == 0


def test_the_query_is_the_latest_user_text_past_messages_that_hold_only_tool_results():
    seen: list[str | None] = []

    def record(text: str, query: str | None, client: str) -> str:
        seen.append(query)
        return text[:100]

    body = body_with([result("t1", LOG)], [("t1", "Bash")])
    body["messages"][0]["content"].insert(
        0, {"type": "text", "text": "<system-reminder>\nignore me\n</system-reminder>"}
    )
    Rewriter(ProxyConfig(), compress=record).rewrite("anthropic", body, CLAUDE)
    assert seen == ["Why did the upgrade fail?"]


def test_bodies_of_an_unexpected_shape_are_forwarded_unchanged():
    odd_bodies: list[dict[str, Any]] = [
        {"model": "m"},
        {"messages": "hello"},
        {"messages": [None, 3, {"role": "user", "content": 7}]},
        {"messages": [{"role": "user", "content": [{"type": "tool_result", "content": {"a": 1}}]}]},
        {"messages": [{"role": "user", "content": [{"type": "mystery", "text": LOG}]}]},
    ]
    rewriter = Rewriter(ProxyConfig())
    for body in odd_bodies:
        done = rewriter.rewrite("anthropic", body, {})
        assert done.body == body
        assert done.tokens_before == done.tokens_after
        assert done.client == "unknown"


def test_the_retrieve_tool_is_added_from_a_sessions_first_request_on():
    bodies = build_session(4)
    rewriter = Rewriter(ProxyConfig(inject_retrieve=True))
    for body in bodies:
        tools = rewriter.rewrite("anthropic", body, CLAUDE).body["tools"]
        assert tools[:-1] == body["tools"]
        assert tools[-1]["name"] == RETRIEVE_TOOL
        assert tools[-1]["input_schema"]["required"] == ["hash"]
        assert set(tools[-1]["input_schema"]["properties"]) == {"hash", "query", "max_tokens"}
        assert "[headroom" in tools[-1]["description"]


def test_a_session_first_seen_mid_conversation_never_gets_the_retrieve_tool():
    bodies = build_session(5)
    rewriter = Rewriter(ProxyConfig(inject_retrieve=True))
    for body in bodies[2:]:
        assert rewriter.rewrite("anthropic", body, CLAUDE).body["tools"] == body["tools"]


def test_without_inject_retrieve_the_tool_list_is_never_changed():
    for body in build_session(3):
        done = Rewriter(ProxyConfig()).rewrite("anthropic", body, CLAUDE)
        assert done.body["tools"] == body["tools"]


def test_sessions_are_keyed_by_header_then_metadata_then_content():
    body = body_with([], [])
    rewriter = Rewriter(ProxyConfig())
    assert rewriter.rewrite("anthropic", body, {"X-Claude-Code-Session-Id": "abc"}).session == "abc"
    assert rewriter.rewrite("anthropic", body, {"session-id": "a b"}).session.startswith("h-")
    with_user = {**body, "metadata": {"user_id": "user_123_session_9"}}
    keyed = rewriter.rewrite("anthropic", with_user, {}).session
    assert keyed.startswith("k-") and "123" not in keyed
    by_content = rewriter.rewrite("anthropic", body, {}).session
    assert by_content.startswith("c-")
    assert rewriter.rewrite("anthropic", copy.deepcopy(body), {}).session == by_content


def test_the_client_label_is_the_product_name_of_the_user_agent():
    assert client_label({"User-Agent": "claude-cli/2.1.3 (external, cli)"}) == "claude-cli"
    assert client_label({"user-agent": "OpenAI/Python 1.99"}) == "OpenAI"
    assert client_label({}) == "unknown"


def test_a_rewound_conversation_compresses_each_result_once():
    calls: list[str] = []

    def counting(text: str, query: str | None, client: str) -> str:
        calls.append(text)
        return api.compress(text, query=query, client=client).compressed

    bodies = build_session(8)
    rewriter = Rewriter(ProxyConfig(), compress=counting)
    for body in [*bodies, bodies[3], *bodies[4:]]:  # the user rewinds to turn 4 and goes on
        rewriter.rewrite("anthropic", body, CLAUDE)
    assert len(calls) == len(set(calls))


def test_replayed_blocks_carry_the_clients_current_cache_breakpoint():
    bodies = build_session(3)
    rewriter = Rewriter(ProxyConfig())
    second = rewriter.rewrite("anthropic", bodies[1], CLAUDE).body["messages"]
    third = rewriter.rewrite("anthropic", bodies[2], CLAUDE).body["messages"]
    assert "cache_control" in second[2]["content"][-1]  # the compressed result held it
    assert "cache_control" not in third[2]["content"][-1]  # the client moved it on
    assert third[2]["content"][-1]["content"] == second[2]["content"][-1]["content"]
    assert "cache_control" in third[-1]["content"][-1]
    assert "[headroom" in third[-1]["content"][-1]["content"]  # the newest result, compressed


def breakpoints(value: Any, path: str = "") -> list[str]:
    if isinstance(value, dict):
        found = [path] if "cache_control" in value else []
        return found + [p for k, v in value.items() for p in breakpoints(v, f"{path}/{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in breakpoints(v, f"{path}/{i}")]
    return []


def canonical(messages: list[Any]) -> list[str]:
    return [json.dumps(strip_cache_control(m), sort_keys=True) for m in messages]


def test_a_30_turn_session_replays_every_earlier_message_and_shrinks_tool_heavy_turns():
    bodies = build_session(30)
    rewriter = Rewriter(ProxyConfig())
    sent = [rewriter.rewrite("anthropic", body, CLAUDE) for body in bodies]

    heavy_before = heavy_after = 0
    for k in range(1, len(bodies)):
        earlier, now = canonical(sent[k - 1].body["messages"]), canonical(sent[k].body["messages"])
        assert now[: len(earlier)] == earlier, f"turn {k + 1} changed an earlier message"
        assert sent[k].replayed == len(earlier)
        assert breakpoints(sent[k].body["messages"]) == breakpoints(bodies[k]["messages"])
        new_before = sent[k].tokens_before - sent[k - 1].tokens_before
        new_after = sent[k].tokens_after - sent[k - 1].tokens_after
        if new_before >= 2000:
            heavy_before += new_before
            heavy_after += new_after
    assert heavy_before > 100_000
    assert heavy_after <= 0.4 * heavy_before
    assert sent[-1].tokens_after <= 0.4 * sent[-1].tokens_before


def test_one_tool_result_is_forwarded_the_same_way_in_every_session_thread():
    bodies = build_session(6)
    rewriter = Rewriter(ProxyConfig())
    main = rewriter.rewrite("anthropic", bodies[5], CLAUDE).body["messages"]
    side = {**bodies[0], "messages": [{"role": "user", "content": "Write a title for this chat"}]}
    rewriter.rewrite("anthropic", side, CLAUDE)  # a side request under the same session header
    again = rewriter.rewrite("anthropic", bodies[5], CLAUDE)
    assert again.replayed == len(main)
    assert canonical(again.body["messages"]) == canonical(main)


def test_concurrent_sessions_forward_what_sequential_ones_do():
    bodies = build_session(10)

    def replay(rewriter: Rewriter, session: str) -> list[str]:
        headers = {**CLAUDE, "x-claude-code-session-id": session}
        return canonical(
            [rewriter.rewrite("anthropic", b, headers) for b in bodies][-1].body["messages"]
        )

    expected = replay(Rewriter(ProxyConfig()), "alone")
    shared = Rewriter(ProxyConfig())
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda session: replay(shared, session), ["a", "b", "c", "d"]))
    assert results == [expected] * 4


@pytest.mark.parametrize("max_sessions", [1, 2])
def test_the_least_recently_used_sessions_are_forgotten(max_sessions: int):
    store = SessionStore(max_sessions=max_sessions)
    first = store.session("a")
    for key in ("b", "c"):
        store.session(key)
    assert len(store) == max_sessions
    assert store.session("a") is not first
