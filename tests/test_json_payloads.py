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
