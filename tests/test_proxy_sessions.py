"""The proxy's session memory: messages compared without cache_control, the client's current
breakpoints carried onto replayed messages, and memory kept within bounds."""

from __future__ import annotations

import copy

from headroom_mcp.proxy.sessions import (
    Entry,
    SessionStore,
    Thread,
    common_prefix,
    place_cache_control,
    strip_cache_control,
)

BREAKPOINT = {"type": "ephemeral"}


def tool_message(text: str, marked: bool) -> dict:
    block = {"type": "tool_result", "tool_use_id": "t1", "content": text}
    if marked:
        block["cache_control"] = dict(BREAKPOINT)
    return {"role": "user", "content": [{"type": "text", "text": "note"}, block]}


def test_stripping_removes_cache_control_at_any_depth_and_keeps_the_rest():
    nested = {
        "role": "user",
        "content": [
            {
                "type": "tool_result",
                "content": [{"type": "text", "text": "x", "cache_control": BREAKPOINT}],
            }
        ],
    }
    plain = strip_cache_control(nested)
    assert plain == {
        "role": "user",
        "content": [{"type": "tool_result", "content": [{"type": "text", "text": "x"}]}],
    }
    assert "cache_control" in nested["content"][0]["content"][0]  # the input is left alone


def test_stripping_a_message_without_breakpoints_returns_it_as_is():
    message = tool_message("log", marked=False)
    assert strip_cache_control(message) is message


def test_a_replayed_message_takes_the_breakpoints_the_client_sends_now():
    sent_then = tool_message("[headroom: short form]", marked=True)
    received_now = tool_message("the long original", marked=False)
    received_now["content"][0]["cache_control"] = dict(BREAKPOINT)
    replayed = place_cache_control(sent_then, received_now)
    assert replayed["content"][0]["cache_control"] == BREAKPOINT
    assert "cache_control" not in replayed["content"][1]
    assert replayed["content"][1]["content"] == "[headroom: short form]"
    assert "cache_control" in sent_then["content"][1]  # what the session holds is unchanged


def test_the_common_prefix_ignores_where_the_breakpoint_sits():
    first = [{"role": "user", "content": "go"}, tool_message("log", marked=True)]
    entries = [Entry(strip_cache_control(m), m, 0, 0, 0) for m in first]
    later = copy.deepcopy(first)
    later[1]["content"][1].pop("cache_control")
    later.append(tool_message("next", marked=True))
    assert common_prefix([strip_cache_control(m) for m in later], entries) == 2


def test_sessions_past_the_character_bound_are_forgotten_oldest_first():
    store = SessionStore(max_sessions=10, max_chars=1_000)
    for key in ("a", "b", "c"):
        session = store.session(key)
        store.commit(session, None, Thread((Entry({}, {}, 0, 0, 400),), inject=False))
    assert len(store) == 2
    assert store.chars == 800


def test_a_thread_is_replaced_by_its_continuation_and_kept_beside_a_fork():
    store = SessionStore()
    session = store.session("s")
    base = Thread((Entry("m1", "m1", 0, 0, 1),), inject=False)
    store.commit(session, None, base)
    longer = Thread((*base.entries, Entry("m2", "m2", 0, 0, 1)), inject=False)
    store.commit(session, base, longer)
    assert store.threads(session) == [longer]
    fork = Thread((Entry("other", "other", 0, 0, 1),), inject=False)
    store.commit(session, None, fork)
    assert store.threads(session) == [fork, longer]
