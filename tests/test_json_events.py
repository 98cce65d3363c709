import json

from headroom_mcp.engines.json_events import query_statuses, record_status
from headroom_mcp.engines.json_records import compress_json
from headroom_mcp.tokens import count_tokens
from tests.conftest import sample

FAILURES_QUERY = "Which tests failed, and with what messages?"


def go_test_failures(content):
    """{test name: [its output lines]} for every failing test of a go test -json stream."""
    events = [json.loads(line) for line in content.splitlines() if line.strip()]
    failed = {(e["Package"], e.get("Test")) for e in events if e["Action"] == "fail"}
    out = {}
    for e in events:
        key = (e["Package"], e.get("Test"))
        if key in failed and e["Action"] == "output":
            out.setdefault(key, []).append(e["Output"])
    return out


def as_go_writes_it(text):
    """A string as Go's encoding/json spells it: quoted, with <, > and & escaped."""
    return json.dumps(text)[1:-1].replace("<", "\\u003c").replace(">", "\\u003e")


def test_every_failing_go_test_is_shown_with_its_failure_message():
    content = sample("json/go_test_failed.ndjson")
    result = compress_json(content, FAILURES_QUERY, None)
    failures = go_test_failures(content)
    assert len(failures) == 8
    for (_, test), outputs in failures.items():
        if test:
            assert json.dumps(test) in result.text
        for line in outputs:
            if "_test.go:" in line:  # the failure message with its file:line
                assert as_go_writes_it(line) in result.text
    assert count_tokens(result.text) < count_tokens(content) / 10


def test_an_event_stream_header_counts_events_per_status():
    result = compress_json(sample("json/go_test_failed.ndjson"), None, None)
    header = result.text.splitlines()[0]
    assert "537 events" in header
    assert "90 pass" in header and "8 fail" in header and "2 skip" in header


def test_failing_events_come_first_without_a_query():
    result = compress_json(sample("json/go_test_failed.ndjson"), None, None)
    assert "race_test.go:56: got wrong opaque error" in result.text


def test_a_failing_test_lists_its_output_under_one_note():
    text = compress_json(sample("json/go_test_failed.ndjson"), FAILURES_QUERY, None).text
    lines = text.splitlines()
    note = next(i for i, line in enumerate(lines) if '"Test":"TestRaceReplay/input02"' in line)
    assert lines[note].startswith("[headroom")
    block = "\n".join(lines[note + 1 : note + 7])
    assert "race_test.go:41: race input does not match expected output" in block
    assert '"Action":"fail"' in block


def test_failing_jest_suites_keep_their_messages():
    content = sample("json/jest_report_nodebb.json")
    result = compress_json(content, "Which test suites failed, and why?", None)
    assert "41 failed, 2 passed" in result.text
    assert 'TypeError: The \\"path\\" argument must be of type string' in result.text
    assert 'Returning a Promise from \\"describe\\" is not supported' in result.text
    assert count_tokens(result.text) < count_tokens(content) / 2


def test_kubernetes_warning_events_stand_out_from_normal_ones():
    items = [
        {"type": "Normal", "reason": "Pulled", "message": f"Pulled image app:{i}"}
        for i in range(30)
    ]
    items[17] = {"type": "Warning", "reason": "BackOff", "message": "Back-off restarting"}
    doc = {"kind": "EventList", "items": items}
    text = compress_json(json.dumps(doc), None, None).text
    assert "(type: 29 Normal, 1 Warning)" in text
    assert "Back-off restarting" in text


def test_statuses_match_by_stem_and_synonym():
    assert query_statuses("which tests failed or errored?") == ["fail"]
    assert query_statuses("show the passing and skipped ones") == ["pass", "skip"]
    assert record_status({"conclusion": "FAILURE"}) == ("fail", "conclusion")
    assert record_status({"Event": "x", "Job Result": {"Result": "JobSucceeded"}}) == (
        "pass",
        "Job Result",
    )
    assert record_status({"status": "passed", "failureMessages": ["boom"]}) == ("fail", None)
    assert record_status({"exit_code": 2}) == ("fail", "exit_code")


def test_a_data_race_reported_under_a_passing_test_is_kept_when_the_query_asks_for_races():
    content = sample("json/go_test_race.ndjson")
    text = compress_json(content, "Which tests failed or hit a data race?", None).text
    assert "WARNING: DATA RACE" in text
    assert "some_test.go:8 +0x38" in text  # the first frame of the race report
    assert '"Action":"fail","Package":"command-line-arguments","Test":"TestRace1"' in text
    assert "race detected during execution of test" in text


def test_the_failing_event_of_a_test_keeps_its_package_and_test_names():
    text = compress_json(sample("json/go_test_failed.ndjson"), FAILURES_QUERY, None).text
    assert (
        '"Action":"fail","Package":"github.com/mfridman/tparse/parse","Test":"TestPrescan/input02.txt"'
        in text
    )


def test_a_query_naming_several_things_gets_an_event_of_each():
    # Kubernetes audit events: "privileged" and "hostNetwork" are fields set to true deep in a
    # pod's spec, NodePort and exec are values; each is in its own event.
    content = sample("json/k8s_audit_events.ndjson")
    query = (
        "Which audit events created a privileged or host-network pod, exposed a NodePort, or "
        "exec'd into a pod?"
    )
    text = compress_json(content, query, None).text
    for shown in (
        '"privileged":true',
        '"hostNetwork":true',
        '"type":"NodePort"',
        '"subresource":"exec"',
    ):
        assert shown in text, shown
