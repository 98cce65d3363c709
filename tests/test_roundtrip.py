from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headroom_mcp import ContentRejected, compress, retrieve

valid_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=3000) | st.lists(
    st.sampled_from(["", "a", "\r", "\r\n", "\n", "{", "}", "é", "日本", "\t", "🙂"]), max_size=400
).map("".join)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=valid_text)
def test_retrieve_returns_any_compressed_text_exactly(content):
    result = compress(content)
    assert retrieve(result.hash).content == content


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    content=st.lists(st.text(max_size=80), min_size=200, max_size=400).map("\n".join),
    query=st.text(max_size=30),
)
def test_compressing_long_text_with_any_query_round_trips(content, query):
    result = compress(content, query=query)
    assert retrieve(result.hash).content == content


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(prefix=st.text(max_size=50), surrogate=st.integers(0xD800, 0xDFFF))
def test_text_with_lone_surrogates_is_refused_clearly(prefix, surrogate):
    try:
        compress(prefix + chr(surrogate))
    except ContentRejected as exc:
        assert "lone surrogate" in str(exc)
    else:
        raise AssertionError("a lone surrogate was accepted")
