"""Retrieval as an agent uses it: right after compress, with questions as people ask them."""

import json

from headroom_mcp import compress, context, retrieve
from tests.conftest import sample


def test_a_traceback_comes_back_whole_with_its_frames_and_exception():
    result = compress(sample("logs/weibo_celery.log"))
    back = retrieve(result.hash, query="ERROR TRACE Traceback exception")
    first = back.content.split("Traceback (most recent call last):", 1)[1]
    trace = first.split("\n[20", 1)[0]  # up to the next log line
    assert (
        'File "/Users/resolvewang/Documents/project/OpenSource/WeiboSpider/tasks/user.py"' in trace
    )
    assert "kombu.exceptions.InconsistencyError:" in trace  # the exception under the frames
    assert "raise InconsistencyError(NO_ROUTE_ERROR.format(exchange, key))" in trace  # innermost


def test_a_question_about_what_went_wrong_returns_the_error_without_sharing_a_word():
    result = compress(sample("logs/worker.log"))
    back = retrieve(result.hash, query="what went wrong?")
    assert "KeyError: 'customer_id'" in back.content
    assert "error units" in back.search


def test_a_question_naming_a_value_returns_that_record():
    content = sample("json/github_issues_probot.json")
    result = compress(content)
    back = retrieve(result.hash, query="issue number 57")
    numbers = [json.loads(content[p.start_char : p.end_char])["number"] for p in back.parts]
    assert 57 in numbers
    assert len(numbers) <= 3  # the named record, not a page of others


def test_a_nonsense_query_gets_weak_matches_never_nothing():
    result = compress(sample("logs/dpkg.log"))
    back = retrieve(result.hash, query="zxqv wibblefrotz")
    assert back.parts
    assert "weak matches" in back.content.splitlines()[0]


def test_paging_a_long_answer_returns_the_rest_without_repeats():
    result = compress(sample("logs/dpkg.log"))
    first = retrieve(result.hash, query="libc-bin", max_tokens=300)
    assert first.next_offset is not None
    assert f"offset={first.next_offset}" in first.content.splitlines()[-1]
    second = retrieve(result.hash, query="libc-bin", max_tokens=300, offset=first.next_offset)
    seen = {(p.start_char, p.end_char) for p in first.parts}
    assert second.parts
    assert not seen & {(p.start_char, p.end_char) for p in second.parts}


def test_a_just_stored_original_is_ranked_by_meaning_at_the_first_call(monkeypatch):
    monkeypatch.setenv("HEADROOM_MCP_EMBED_MODEL", "hash")  # instant, deterministic vectors
    settings, store = context.current()
    worker = context.worker_for(settings, store)
    worker.stop()  # no background indexing: whatever gets vectors gets them on demand
    worker.ready.set()  # as in a warm server whose model is loaded
    result = compress(sample("logs/worker.log"))
    assert store.vector_count() == 0
    back = retrieve(result.hash, query="invoice customer_id lookup")
    assert "embeddings" in back.search
    assert store.vector_count() > 0


def _verbatim_or_marker(shown: str, original: str) -> bool:
    lines = set(original.split("\n"))
    return all(line in lines or line.startswith("[headroom") for line in shown.split("\n"))


def test_failure_blocks_that_do_not_fit_whole_come_back_as_their_key_lines_within_budget():
    content = sample("failures/jest.txt")  # three jest failure blocks, ~190 tokens each
    result = compress(content)
    back = retrieve(
        result.hash, query="Which tests failed, and with what messages?", max_tokens=400
    )
    assert back.returned_tokens <= 400
    headlines = ["● resolve, but fail", "● reject, but fail", "● expect reject"]
    places = [back.content.index(h) for h in headlines]
    assert places == sorted(places)  # every failure named, in original order
    assert "at Object.expect (__tests__/asyncFailures.test.js:18:3)" in back.content
    assert "key lines" in back.content
    assert _verbatim_or_marker(back.content, content)
    # The offset on a trimmed block's line pages the original from that block, whole.
    shown = back.content.split("\n")
    label = shown[shown.index("  ● expect reject") - 1]
    offset = int(label.rsplit("offset=", 1)[1].rstrip("]"))
    page = retrieve(result.hash, offset=offset, page_tokens=1000)
    assert page.content.startswith("  ● expect reject")


def test_a_callers_max_tokens_holds_the_lines_naming_what_else_matches_too():
    # Two jest runs: more matching parts than fit 600 tokens, each shown whole or named.
    content = sample("failures/jest_each.txt")
    result = compress(content)
    back = retrieve(
        result.hash, query="Which tests failed, and with what messages?", max_tokens=600
    )
    assert back.returned_tokens <= 600
    last = back.content.split("\n")[-1]
    assert last.startswith("[headroom: ") and "offset=" in last  # how to read on
    assert "  ● array table fails on one row: expected true == false" in back.content
    assert _verbatim_or_marker(back.content, content)


def test_an_error_line_repeated_from_one_address_comes_back_once_with_its_count():
    content = sample("logs/secure_rhel7.log")  # 42 failed logins from one address, 9 from another
    result = compress(content)
    back = retrieve(result.hash, query="errors failures exceptions and unusual events")
    shown = back.content.split("\n")
    failed = [line for line in shown if "Failed password for root from" in line]
    assert [line.split(" from ")[1].split()[0] for line in failed] == [
        "202.109.143.106", "116.31.116.27",
    ]  # fmt: skip
    first = shown.index(failed[0])
    assert shown[first] == content.split("\n")[0]  # the first such line, verbatim
    assert shown[first + 1] == "[headroom: 42 lines like this with 202.109.143.106]"
    assert "[headroom: 9 lines like this with 116.31.116.27]" in shown
    assert "Accepted publickey for drewr" in back.content  # the rare events still come
    assert _verbatim_or_marker(back.content, content)
