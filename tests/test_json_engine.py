import json

import pytest

from headroom_mcp import compress, retrieve
from headroom_mcp.engines.base import MARKER_PREFIX
from headroom_mcp.engines.json_records import compress_json, parse_json_document
from headroom_mcp.tokens import count_tokens
from tests.conftest import DATA, sample


def record_lines(text):
    """(path, record) for every record line of the engine's output."""
    out = []
    for line in text.splitlines():
        if line.startswith("$") and " {" in line and not line.startswith("$ "):
            path, _, body = line.partition(" {")
            out.append((path.split(" ")[0], json.loads("{" + body)))
    return out


def orders(n=200, failed_at=(57,), special=None):
    rows = []
    for i in range(n):
        row = {
            "id": i,
            "customer": f"cust{i % 17}",
            "status": "shipped",
            "total": 20 + i % 9,
            "note": None,
        }
        if i in failed_at:
            row["status"] = "failed"
            row["error"] = "card declined"
        rows.append(row)
    if special:
        rows[special[0]].update(special[1])
    return rows


def test_the_record_named_in_the_query_is_kept_whole():
    content = json.dumps(orders(special=(123, {"customer": "Ada Lovelace"})), indent=2)
    result = compress_json(content, "What is the total of the order of Ada Lovelace?", None)
    kept = dict(record_lines(result.text))
    assert kept["$[123]"]["customer"] == "Ada Lovelace"
    assert kept["$[123]"]["total"] == 20 + 123 % 9


def test_records_with_errors_and_the_ends_are_kept_without_a_query():
    result = compress_json(json.dumps(orders()), None, None)
    paths = [p for p, _ in record_lines(result.text)]
    assert "$[57]" in paths  # carries an error field
    assert {"$[0]", "$[1]", "$[2]", "$[198]", "$[199]"} <= set(paths)
    assert result.omitted and result.omitted.endswith("of 200 records omitted")


def test_every_shown_record_is_the_input_record_without_its_null_fields():
    rows = orders()
    for path, record in record_lines(compress_json(json.dumps(rows), "cust3", None).text):
        index = int(path[2:-1])
        assert record == {k: v for k, v in rows[index].items() if v is not None}


def test_every_added_line_is_a_marked_note():
    text = compress_json(json.dumps({"total": 200, "items": orders()}), None, None).text
    for line in text.splitlines():
        assert line.startswith(("$", MARKER_PREFIX)), line


def test_records_nested_in_an_object_are_found_and_the_rest_is_kept():
    text = compress_json(json.dumps({"total": 200, "items": orders()}), None, None).text
    assert '$ {"total":200,"items":[…200 records]}' in text
    assert any(p.startswith("$.items[") for p, _ in record_lines(text))


def test_identical_records_are_shown_once_with_their_count():
    rows = [{"level": "info", "msg": "tick"}] * 50 + [{"level": "error", "msg": "boom"}]
    text = compress_json(json.dumps(rows), None, None).text
    assert "(x50 identical)" in text
    assert text.count('"msg":"tick"') == 1
    assert '"msg":"boom"' in text


def test_numeric_outliers_and_http_errors_stand_out():
    rows = [{"path": f"/p{i}", "status": 200, "ms": 10 + i % 5} for i in range(100)]
    rows[40]["ms"] = 9000
    rows[70]["status"] = 503
    paths = [p for p, _ in record_lines(compress_json(json.dumps(rows), None, None).text)]
    assert "$[40]" in paths and "$[70]" in paths


def test_ndjson_is_compressed_record_by_record():
    result = compress_json(sample("json/pip_list.ndjson"), "anyio", None)
    assert result.transforms[0].startswith("ndjson:select:")
    assert any(r.get("name") == "anyio" for _, r in record_lines(result.text))


def test_max_tokens_is_respected_by_dropping_low_priority_records():
    content = json.dumps(orders(n=400))
    result = compress_json(content, "failed", 300)
    assert count_tokens(result.text) <= 300
    assert any(r.get("status") == "failed" for _, r in record_lines(result.text))


@pytest.mark.parametrize("path", sorted(DATA.glob("json/*.needles.json")), ids=lambda p: p.name)
def test_needles_of_real_samples_survive(path):
    spec = json.loads(path.read_text())
    content = (path.parent / path.name.removesuffix(".needles.json")).read_text()
    result = compress_json(content, spec["query"], None)
    assert count_tokens(result.text) < count_tokens(content) / 2
    for needle in spec["kept"]:
        assert needle in result.text


def test_a_small_document_is_minified_with_nulls_dropped():
    result = compress_json('{\n  "a": 1,\n  "b": null,\n  "c": [1, 2]\n}', None, None)
    assert result.text == '{"a":1,"c":[1,2]}'
    assert result.omitted is None


@pytest.mark.parametrize("bad", ["{oops", "[1, 2", "plain text", "[" * 5000 + "]" * 5000])
def test_content_that_is_not_json_is_refused_with_value_error(bad):
    with pytest.raises(ValueError):
        parse_json_document(bad)


def test_records_named_by_their_key_are_found_and_long_hash_lists_shown_by_their_head():
    # A lock file: packages are keys, and the query names three of them.
    content = sample("json/jq_docs_Pipfile.lock.json")
    text = compress_json(
        content, "Which versions of jinja2, markupsafe and lxml are locked?", None
    ).text
    for name, version in [("jinja2", "==3.1.6"), ("markupsafe", "==3.0.2"), ("lxml", "==6.1.1")]:
        line = next(line for line in text.split("\n") if line.startswith(f"$.default.{name} "))
        assert f'"version": "{version}"' in line or f'"version":"{version}"' in line
    lxml = next(line for line in text.split("\n") if line.startswith("$.default.lxml "))
    assert "more like these]" in lxml  # 130 hashes: two shown, the rest counted


def test_a_big_record_is_retrievable_field_by_field():
    content = sample("json/jq_docs_Pipfile.lock.json")
    result = compress(content)
    back = retrieve(result.hash, query="lxml version")
    assert '"==6.1.1"' in back.content
    assert back.returned_tokens < 400  # the version, not the 130 hashes around it


def test_the_fields_line_of_wide_records_names_the_first_fields_and_counts_the_rest():
    from headroom_mcp.engines.json_shape import MAX_SCHEMA_FIELDS, schema_line

    records = [{f"counter_{k}": k for k in range(MAX_SCHEMA_FIELDS + 51)} for _ in range(3)]
    line = schema_line(records)
    assert line.startswith("counter_0:int, counter_1:int")
    assert line.endswith(", +51 more")
