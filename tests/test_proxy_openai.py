"""The proxy's rewriter on OpenAI bodies: Chat Completions tool messages and Responses tool
output items are compressed; everything else is forwarded as sent."""

from __future__ import annotations

import copy
import json
from typing import Any

from bench.proxy_session import build_openai_session
from headroom_mcp.proxy.config import ProxyConfig
from headroom_mcp.proxy.rewrite import RETRIEVE_TOOL, Rewriter
from tests.conftest import sample

CODEX = {"user-agent": "codex_cli_rs/0.40.0 (Ubuntu 22.04; x86_64)", "session-id": "c-1"}
LOG = sample("logs/dpkg.log")[:20_000]
JSON = sample("json/github_issues_probot.json")


def chat_body(tool_content: Any, name: str = "shell") -> dict[str, Any]:
    return {
        "model": "gpt-4.1",
        "messages": [
            {"role": "system", "content": "You are a coding agent."},
            {"role": "user", "content": [{"type": "text", "text": "Which package broke?"}]},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": name, "arguments": "{}"},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": tool_content},
        ],
        "tools": [{"type": "function", "function": {"name": name, "parameters": {}}}],
    }


def test_chat_tool_messages_are_compressed_in_string_and_text_part_form():
    rewriter = Rewriter(ProxyConfig())
    as_string = rewriter.rewrite("openai_chat", chat_body(LOG), CODEX).body
    assert "[headroom" in as_string["messages"][-1]["content"]
    parts = [{"type": "text", "text": JSON}, {"type": "image_url", "image_url": {"url": "x"}}]
    as_parts = rewriter.rewrite("openai_chat", chat_body(parts), {}).body
    shown = as_parts["messages"][-1]["content"]
    assert "[headroom" in shown[0]["text"]
    assert shown[1] == parts[1]


def test_chat_keeps_everything_but_tool_messages_and_leaves_the_input_alone():
    body = chat_body(LOG)
    received = copy.deepcopy(body)
    done = Rewriter(ProxyConfig()).rewrite("openai_chat", body, CODEX)
    assert body == received
    assert done.body["messages"][:3] == body["messages"][:3]
    assert done.body["tools"] == body["tools"]
    assert done.client == "codex_cli_rs"


def test_chat_exclusions_match_the_tool_name_of_the_call_a_message_answers():
    config = ProxyConfig(exclude_tools=("read_*",))
    done = Rewriter(config).rewrite("openai_chat", chat_body(LOG, name="read_file"), CODEX)
    assert done.body["messages"][-1]["content"] == LOG


def test_chat_session_key_falls_back_to_the_prompt_cache_key():
    body = {**chat_body(LOG), "prompt_cache_key": "repo-42"}
    session = Rewriter(ProxyConfig()).rewrite("openai_chat", body, {}).session
    assert session.startswith("k-") and "repo-42" not in session


def test_chat_retrieve_tool_has_the_function_shape():
    tools = (
        Rewriter(ProxyConfig(inject_retrieve=True))
        .rewrite("openai_chat", build_openai_session(1)[0], CODEX)
        .body["tools"]
    )
    assert tools[-1]["type"] == "function"
    assert tools[-1]["function"]["name"] == RETRIEVE_TOOL
    assert tools[-1]["function"]["parameters"]["required"] == ["hash"]


def test_a_chat_session_replays_earlier_messages_and_shrinks_its_tool_results():
    bodies = build_openai_session(12)
    rewriter = Rewriter(ProxyConfig(inject_retrieve=True))
    sent = [rewriter.rewrite("openai_chat", body, CODEX) for body in bodies]
    for k in range(1, len(sent)):
        earlier = [json.dumps(m, sort_keys=True) for m in sent[k - 1].body["messages"]]
        now = [json.dumps(m, sort_keys=True) for m in sent[k].body["messages"]]
        assert now[: len(earlier)] == earlier
        assert sent[k].body["tools"] == sent[0].body["tools"]
    assert sent[-1].tokens_before > 50_000
    assert sent[-1].tokens_after <= 0.4 * sent[-1].tokens_before


def responses_body(**extra: Any) -> dict[str, Any]:
    return {
        "model": "gpt-5-codex",
        "instructions": "You are Codex.",
        "input": [
            {
                "type": "message",
                "role": "user",
                "content": [{"type": "input_text", "text": "Fix CI"}],
            },
            {"type": "function_call", "call_id": "c1", "name": "shell", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "c1", "output": LOG},
            {"type": "custom_tool_call", "call_id": "c2", "name": "apply_patch", "input": "*"},
            {
                "type": "custom_tool_call_output",
                "call_id": "c2",
                "output": [{"type": "input_text", "text": JSON}],
            },
            {"type": "local_shell_call_output", "id": "c3", "output": LOG + "\n"},
            {"type": "reasoning", "summary": [], "encrypted_content": "opaque"},
        ],
        "tools": [{"type": "function", "name": "shell", "parameters": {}}],
        **extra,
    }


def test_responses_tool_outputs_of_every_shape_are_compressed():
    body = responses_body()
    received = copy.deepcopy(body)
    done = Rewriter(ProxyConfig()).rewrite("openai_responses", body, CODEX)
    assert body == received
    items = done.body["input"]
    assert "[headroom" in items[2]["output"]
    assert "[headroom" in items[4]["output"][0]["text"]
    assert "[headroom" in items[5]["output"]
    for index in (0, 1, 3, 6):
        assert items[index] == body["input"][index]
    assert done.compressed == 3


def test_responses_exclusions_use_the_name_of_the_call():
    config = ProxyConfig(exclude_tools=("shell", "local_shell"))
    items = Rewriter(config).rewrite("openai_responses", responses_body(), CODEX).body["input"]
    assert items[2]["output"] == LOG
    assert items[5]["output"] == LOG + "\n"
    assert "[headroom" in items[4]["output"][0]["text"]


def test_responses_with_a_previous_response_compress_the_new_items_without_replay():
    rewriter = Rewriter(ProxyConfig(inject_retrieve=True))
    first = responses_body()
    first["input"] = first["input"][:1]
    assert rewriter.rewrite("openai_responses", first, CODEX).body["tools"][-1]["name"] == (
        RETRIEVE_TOOL
    )
    follow = responses_body(previous_response_id="resp_1")
    follow["input"] = follow["input"][2:3]
    done = rewriter.rewrite("openai_responses", follow, CODEX)
    assert done.replayed == 0 and done.compressed == 1
    assert done.body["tools"][-1] == {
        "type": "function",
        "name": RETRIEVE_TOOL,
        "description": done.body["tools"][-1]["description"],
        "parameters": done.body["tools"][-1]["parameters"],
    }


def test_responses_continuing_a_session_first_seen_mid_way_never_gets_the_retrieve_tool():
    follow = responses_body(previous_response_id="resp_9")
    follow["input"] = follow["input"][2:3]
    done = Rewriter(ProxyConfig(inject_retrieve=True)).rewrite("openai_responses", follow, CODEX)
    assert done.body["tools"] == follow["tools"]


def test_responses_with_plain_string_input_is_forwarded_unchanged():
    body = {"model": "gpt-5", "input": "hello"}
    assert Rewriter(ProxyConfig()).rewrite("openai_responses", body, {}).body == body
