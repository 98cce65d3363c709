"""Token counts: exact, counted once per text, and the footer's stated count is the count."""

from headroom_mcp.api import with_footer
from headroom_mcp.tokens import count_tokens, count_tokens_soon
from tests.conftest import sample


def test_counting_ahead_gives_the_same_count():
    content = sample("logs/weibo_celery.log")
    assert len(content) > 20_000  # long enough to be counted on the other thread
    assert count_tokens_soon(content)() == count_tokens(content)
    assert count_tokens_soon("short text")() == count_tokens("short text")


def test_the_footer_states_the_exact_count_of_the_text_with_it():
    # The body is counted once: cl100k does not merge across the start of the footer line.
    for name in ["logs/weibo_celery.log", "failures/jest_each.txt", "build/go_test_panic.log"]:
        lines = sample(name).split("\n")
        for end in (1, 7, 40, len(lines)):
            body = "\n".join(lines[:end])
            text, after = with_footer(body, 99_999, "3 of 9 lines omitted", "0123abcd4567", "why?")
            assert after == count_tokens(text)
            assert f"→ {after:,} tokens" in text.split("\n")[-1]
