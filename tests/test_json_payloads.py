import json

from headroom_mcp.engines.json_records import compress_json
from headroom_mcp.tokens import count_tokens
from tests.conftest import sample


def shown_records(text):
    out = {}
    for line in text.splitlines():
        if line.startswith("$[") and " {" in line:
            path, _, body = line.partition(" ")
            out[path] = json.loads(body[body.index("{") :] if body.startswith("(") else body)
    return out


def test_an_issue_named_by_number_is_shown_with_its_title_and_state():
    content = sample("json/github_issues_probot.json")
    result = compress_json(content, "What is issue #57 about?", None)
    issue = shown_records(result.text)["$[3]"]
    assert issue["number"] == 57
    assert issue["title"] == "Syntax errors in examples"
    assert issue["state"] == "open"
    assert count_tokens(result.text) < count_tokens(content) / 5


def test_api_urls_and_node_ids_are_left_out_and_named_once():
    content = sample("json/github_issues_probot.json")
    text = compress_json(content, "open issues labelled hacktoberfest", None).text
    assert "api.github.com" not in text
    assert '"node_id"' not in text and '_url"' not in text
    assert "left out as derivable" in text
    assert '"name": "hacktoberfest"' in text  # the matching record, spelled as the input does


def test_constant_fields_are_shown_once_in_a_header():
    text = compress_json(sample("json/github_issues_probot.json"), None, None).text
    header = next(line for line in text.splitlines() if "the same in every record" in line)
    assert '"state":"open"' in header
    assert all("state" not in record for record in shown_records(text).values())


def test_long_bodies_are_cut_to_their_first_sentence_with_a_marker():
    text = compress_json(sample("json/github_issues_probot.json"), None, None).text
    first = shown_records(text)["$[0]"]
    assert first["body"].startswith("@jonico made a great suggestion")
    assert first["body"].endswith("chars]")
    assert first["user"] == {"login": "bkeepers"}


def test_a_release_named_by_version_is_selected_from_an_object_keyed_by_versions():
    content = sample("json/pypi_six.json")
    text = compress_json(content, "Which files were uploaded for six 0.9.1, and when?", None).text
    assert '$.releases["0.9.1"]' in text
    assert '"filename": "six-0.9.1.tar.gz"' in text  # spelled as the input spells it
    assert '"upload_time": "2010-06-30T22:32:11"' in text
    assert "23a656e7db613f75d061570e3b2cf57d2a498501018593e6a01e24ed211a78dc" in text
    assert "14fd1ed3dd0e1a46cc53b8fc890b5a3b11737515aeb7f42c3af9f38e8d8975d7" not in text  # 0.9.0


def test_a_query_naming_a_value_returns_the_record_that_holds_it():
    content = sample("json/github_issues_probot.json")
    issues = {i["number"]: i for i in json.loads(content)}
    number, issue = next(
        (n, i) for n, i in issues.items() if i["labels"] and n not in (57,) and i["comments"]
    )
    text = compress_json(content, f"Who opened #{number} and how many comments?", None).text
    line = next(line for line in text.splitlines() if f'"number": {number},' in line)
    assert f'"title": {json.dumps(issue["title"])}' in line
    assert f'"comments": {issue["comments"]}' in line
