from headroom_mcp.engines.base import MARKER_PREFIX
from headroom_mcp.engines.log_lines import template_of
from headroom_mcp.engines.logs import compress_logs, mine
from headroom_mcp.tokens import count_tokens
from tests.conftest import sample


def shown_lines(text):
    return [line for line in text.splitlines() if not line.startswith(MARKER_PREFIX)]


def test_an_exception_is_kept_with_its_whole_traceback_and_the_line_before():
    content = sample("logs/worker.log")
    text = compress_logs(content, None, None).text
    lines = content.splitlines()
    error_at = next(i for i, line in enumerate(lines) if " ERROR " in line)
    trace_end = next(i for i in range(error_at + 1, len(lines)) if " INFO " in lines[i])
    for line in lines[error_at - 1 : trace_end]:
        assert line in text.splitlines()
    assert "KeyError: 'customer_id'" in text


def test_the_header_gives_the_time_range_and_counts():
    content = sample("logs/worker.log")
    header = compress_logs(content, None, None).text.splitlines()[0]
    first_stamp = content.splitlines()[0][:23]
    assert header.startswith(f"{MARKER_PREFIX} logs:")
    assert f"from {first_stamp}" in header and "1 error-level events" in header


def test_repeated_lines_collapse_into_a_template_with_its_count():
    text = compress_logs(sample("logs/worker.log"), None, None).text
    assert f"{MARKER_PREFIX}: x400 INFO worker: job <*> done in <*> ms, queue depth <*>]" in text


def test_every_shown_line_is_from_the_input():
    content = sample("logs/dpkg.log")
    source = set(content.splitlines())
    for line in shown_lines(compress_logs(content, "libc-bin", None).text):
        assert line in source


def test_query_matches_come_first_and_rare_events_follow():
    content = sample("logs/dpkg.log")
    result = compress_logs(content, "which version of libsystemd0 was installed", None)
    assert any("libsystemd0" in line for line in shown_lines(result.text))
    assert count_tokens(result.text) < 0.1 * count_tokens(content)


def test_budget_is_respected():
    result = compress_logs(sample("logs/dpkg.log"), None, 500)
    assert count_tokens(result.text) <= 500


def test_lines_that_differ_only_in_numbers_and_ids_share_a_template():
    a = template_of("Got exception while serving blk_-29181 to /10.251.90.64:")
    b = template_of("Got exception while serving blk_51264 to /10.250.11.100:")
    assert a == b
    assert template_of("Invalid user admin from 1.2.3.4") != template_of(
        "Invalid user root from 1.2.3.4"
    )


def test_continuation_lines_belong_to_the_event_above():
    mined = mine(sample("logs/worker.log").splitlines())
    error = next(e for e in mined.events if e.severe)
    assert error.last - error.first >= 4


def test_unstructured_text_falls_back_to_the_text_engine():
    content = "\n".join(f"plain line {i} without a timestamp" for i in range(500))
    assert compress_logs(content, None, None).transforms[0].startswith("text:")


def test_crlf_logs_show_clean_lines():
    content = sample("logs/worker.log").replace("\n", "\r\n")
    text = compress_logs(content, "invoice", None).text
    assert "\r" not in text
    assert "KeyError: 'customer_id'" in text.splitlines()


def test_templates_group_into_families_by_their_leading_message_word():
    from headroom_mcp.engines.logs import group_families

    families = group_families([
        "LabSZ sshd[<*>]: Failed password for invalid user admin from <*> port <*> ssh2",
        "LabSZ sshd[<*>]: Failed password for invalid user root from <*> port <*> ssh2",
        "LabSZ sshd[<*>]: Accepted password for invalid user fztu from <*> port <*> ssh2",
    ])  # fmt: skip
    values = list(families.values())
    assert values[0] == values[1] != values[2]


def test_a_one_off_wording_in_a_family_of_frequent_lines_is_tagged_unusual():
    # riak_test stops dev1..dev3 at every run; dev4 is stopped once: a question about unusual
    # events finds those lines, and none of the frequent stop lines.
    from headroom_mcp.kinds.base import Options
    from headroom_mcp.kinds.logs import units

    content = sample("log_units/antidote_riak_test.log")
    unusual = [content[u.start : u.end] for u in units(content, Options()) if "unusual" in u.tags]
    assert any("Stopped node 'dev4@127.0.0.1'" in text for text in unusual)
    assert not any("Stopped node 'dev1@127.0.0.1'" in text for text in unusual)


def test_text_the_miner_reads_as_one_huge_event_is_cut_into_windows_for_retrieval():
    from headroom_mcp import compress, retrieve
    from headroom_mcp.kinds.base import Options
    from headroom_mcp.kinds.logs import units

    content = sample("log_units/ansible_yaml_lossy_verbose.stdout")  # 304 lines, one "event"
    parts = units(content, Options())
    assert len(parts) > 10
    assert max(content.count("\n", u.start, u.end) for u in parts) < 20
    back = retrieve(compress(content).hash, query="Failed as requested from task")
    assert "msg: Failed as requested from task" in back.content
    assert back.content.count("\n") < 200  # windows that match, not the whole 304-line run


def test_an_access_log_line_with_a_4xx_or_5xx_status_is_an_error_event():
    content = sample("log_units/lnav_access_log.0")
    mined = mine(content.split("\n")[:-1])
    severe = [e.first for e in mined.events if e.severe]
    assert severe == [1]  # the 404; the two 200s are not errors
