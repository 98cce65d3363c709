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
