"""The logs engine never loses the failure: error lines, whole tracebacks, root causes."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headroom_mcp.engines.base import MARKER_PREFIX
from headroom_mcp.engines.log_lines import log_line_share
from headroom_mcp.engines.logs import compress_logs
from headroom_mcp.tokens import count_tokens
from tests.conftest import sample

SHOWN_RE = re.compile(r"(\d+) error-level events \((\d+) shown\)")


def body_lines(text):
    return text.splitlines()[1:]


def test_the_one_error_line_of_a_service_log_is_shown_and_counted():
    # 299 real INFO/WARNING lines of a celery worker log (weibo_celery.log) with ONE error
    # line inserted in the same format: the log the brief's settlement case describes.
    ordinary = [x for x in sample("logs/weibo_celery.log").splitlines()
                if x.startswith("[") and ("INFO/" in x or "WARNING/" in x)][:299]  # fmt: skip
    error = (
        "[2017-05-11 18:45:01,192: ERROR/Worker-3] SettlementJob failed for batch B17: "
        "psycopg.errors.DeadlockDetected: deadlock detected"
    )
    content = "\n".join([*ordinary[:150], error, *ordinary[150:]])
    for budget in (None, 300, 1000):
        text = compress_logs(content, "why did the settlement job fail", budget).text
        assert error in text.splitlines()
        assert "1 error-level events (1 shown)" in text.splitlines()[0]
        if budget:
            assert count_tokens(text) <= budget


def test_repeated_python_tracebacks_are_shown_once_whole_with_a_count():
    content = sample("logs/weibo_celery.log")
    text = compress_logs(content, None, None).text
    lines = text.splitlines()
    assert "kombu.exceptions.InconsistencyError: " in lines
    innermost = next(x for x in lines if "kombu/transport/redis.py" in x)
    assert innermost.strip().startswith('File "') and "in get_table" in innermost
    assert any("WeiboSpider/tasks/user.py" in x for x in lines)  # the user-code frame
    assert any(x.startswith("Cannot route message for exchange") for x in lines)
    assert any(x.startswith(f"{MARKER_PREFIX}: the same traceback 4 more times") for x in lines)
    assert "[headroom: the same line" in text  # "list index out of range" x18, once


def test_no_repeat_marker_lands_inside_a_traceback():
    lines = compress_logs(sample("logs/weibo_celery.log"), None, None).text.splitlines()
    start = lines.index("Traceback (most recent call last):")
    end = lines.index("kombu.exceptions.InconsistencyError: ")
    assert not [x for x in lines[start:end] if x.startswith(MARKER_PREFIX)]


def test_a_java_root_cause_is_kept():
    # A real nested Java exception (tests/data/failures/java_nested.txt) logged by an ERROR
    # line among ordinary service lines.
    trace = sample("failures/java_nested.txt").splitlines()
    ordinary = [f"2024-03-02 10:{i // 60:02}:{i % 60:02}.120 INFO [pool-1] c.e.Worker - "
                f"job {i} done in {i % 37} ms" for i in range(400)]  # fmt: skip
    error = "2024-03-02 10:03:20.001 ERROR [mail-2] c.n.EmailSender - could not notify person"
    content = "\n".join([*ordinary[:200], error, *trace, *ordinary[200:]])
    text = compress_logs(content, None, 800).text
    root = next(x for x in trace if x.startswith("Caused by: com.sun.mail"))
    assert error in text and root in text.splitlines()
    assert count_tokens(text) <= 800


SHAPES = {
    "iso": "2026-11-25 09:{m:02}:{s:02}.{ms:03} {level} [settle-{t}] payment-worker - {msg}",
    "syslog": "Nov 25 09:{m:02}:{s:02} web01 payment[{t}]: {level_word}{msg}",
    "level_first": "{level}: {msg}",
    "bracket_level": "[{level}] {msg}",
    "numeric_id": "{seq} 09:{m:02}:{s:02} {level} payment-worker {msg}",
    "file_prefix": "nova-api.log.1.2017-05-16_13:53:08 2017-05-16 09:{m:02}:{s:02}.008 "
    "25746 {level} nova.osapi_compute.wsgi.server {msg}",
}
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]


def make_line(shape, i, level, msg):
    return SHAPES[shape].format(
        m=(i // 60) % 60, s=i % 60, ms=i % 1000, t=i % 7, seq=100000 + i, level=level,
        level_word="error: " if level == "ERROR" else "", msg=msg,
    )  # fmt: skip


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    shape=st.sampled_from(sorted(SHAPES)),
    n=st.integers(2000, 5000),
    places=st.lists(st.floats(0, 1), min_size=1, max_size=5),
    query=st.sampled_from([None, "why did the settlement job fail"]),
    with_budget=st.booleans(),
)
def test_every_error_line_survives_and_header_counts_hold(shape, n, places, query, with_budget):
    lines = [
        make_line(shape, i, "INFO" if i % 5 else "DEBUG",
                  f"processed request id={i * 7} in {i % 90} ms")
        for i in range(n)
    ]  # fmt: skip
    errors = []
    for k, p in enumerate(places):
        msg = f"SettlementJob failed for batch B{k} {WORDS[k]}: deadlock detected"
        errors.append(make_line(shape, k, "ERROR", msg))
        lines.insert(min(int(p * len(lines)), len(lines)), errors[-1])
    content = "\n".join(lines)
    assert log_line_share(lines) > 0.9
    budget = 1500 if with_budget else None
    text = compress_logs(content, query, budget).text
    shown = text.splitlines()
    for error in errors:
        assert error in shown
    total, claimed = map(int, SHOWN_RE.search(shown[0]).groups())
    assert total == len(errors)
    assert claimed == sum(1 for x in body_lines(text) if x in set(errors))
    if budget:
        assert count_tokens(text) <= budget


def test_log_line_share_sees_logs_without_leading_timestamps():
    android = ["03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogs"] * 5
    thread = ["Thread-12::ERROR::2016-03-11 10:00:01,001::task::866::Storage::(_setError) x"]
    prose = ["The quick brown fox jumps over the lazy dog."] * 6
    assert log_line_share(android + thread) == 1.0
    assert log_line_share(prose) == 0.0
    assert log_line_share([f"{n} worker started job" for n in range(10)]) == 1.0
