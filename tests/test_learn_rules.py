"""Project compression rules (.headroom-mcp.toml) and the JSON engine honouring them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from headroom_mcp.engines.json_records import compress_json
from headroom_mcp.engines.json_rules import FieldRules
from headroom_mcp.errors import ConfigError
from headroom_mcp.project_rules import load_project_rules
from tests.learn_sessions import issues_json

ISSUES = issues_json(1, 12)


def test_without_rules_the_json_engine_output_is_unchanged():
    assert compress_json(ISSUES, None, None) == compress_json(ISSUES, None, None, rules=None)
    assert compress_json(ISSUES, None, None) == compress_json(ISSUES, None, None, FieldRules())


def test_a_learned_drop_rule_leaves_the_field_out_and_says_so():
    result = compress_json(ISSUES, None, None, FieldRules(drop=frozenset({"body_html"})))
    assert "Steps to reproduce" not in result.text
    assert "left out by the project's rules (.headroom-mcp.toml): body_html" in result.text
    assert "json:rules:dropped:1" in result.transforms
    plain = compress_json(ISSUES, None, None)
    assert len(result.text) < len(plain.text)


def test_a_kept_field_stays_even_where_the_engine_would_drop_it_as_derivable():
    plain = compress_json(ISSUES, None, None)
    assert 'github.com/acme/app/issues/1"' not in plain.text  # html_url is derivable
    kept = compress_json(ISSUES, None, None, FieldRules(keep=frozenset({"html_url"})))
    assert "https://github.com/acme/app/issues/1" in kept.text


def test_a_field_the_query_asks_for_is_never_dropped():
    rules = FieldRules(drop=frozenset({"body_html", "reactions"}))
    result = compress_json(ISSUES, "body_html of issue 4", None, rules)
    assert "Steps to reproduce issue 4" in result.text
    assert "left out by the project's rules (.headroom-mcp.toml): reactions" in result.text


def test_a_dotted_rule_drops_only_that_path():
    rules = FieldRules(drop=frozenset({"reactions.eyes"}))
    result = compress_json(ISSUES, None, None, rules)
    assert '"eyes"' not in result.text and '"rocket"' in result.text


def test_rules_of_your_own_come_with_the_learned_ones_and_keep_wins(tmp_path: Path):
    (tmp_path / ".headroom-mcp.toml").write_text(
        '[[json]]\ntool = "gh api"\ndrop = ["patch"]\nkeep = ["body_html"]\n\n'
        "[budgets]\njson = 900\n\n"
        "# headroom-mcp:learn:start\n"
        '[[learned.json]]\ntool = "gh api"\ndrop = ["body_html", "reactions"]\n\n'
        "[learned.budgets]\njson = 1500\nlogs = 1200\n"
        "# headroom-mcp:learn:end\n"
    )
    rules = load_project_rules(tmp_path)
    gh = rules.field_rules("gh api repos/acme/app/issues")
    assert gh == FieldRules(drop=frozenset({"patch", "reactions"}), keep=frozenset({"body_html"}))
    other = rules.field_rules("kubectl get pods")
    assert other is not None and other.drop == frozenset()
    assert rules.budget("json") == 900 and rules.budget("logs") == 1200


def test_no_rules_file_means_no_rules(tmp_path: Path):
    rules = load_project_rules(tmp_path)
    assert rules.field_rules("anything") is None and rules.budget("json") is None


@pytest.mark.parametrize(
    "text, message",
    [
        ("[[json]\n", "not valid TOML"),
        ('[[json]]\ndrop = "body"\n', "must be a list of field names"),
        ("[budgets]\njson = -1\n", "positive token counts"),
    ],
)
def test_a_broken_rules_file_says_what_to_fix(tmp_path: Path, text: str, message: str):
    (tmp_path / ".headroom-mcp.toml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_project_rules(tmp_path)


def test_learned_rules_shrink_the_output_and_keep_the_retrieved_field():
    rules = FieldRules(drop=frozenset({"body_html", "reactions"}), keep=frozenset({"html_url"}))
    result = compress_json(ISSUES, None, None, rules)
    assert "https://github.com/acme/app/issues/1" in result.text
    assert json.dumps("reactions") not in result.text.split("\n", 2)[2]


def test_compress_honours_the_projects_field_rules(tmp_path, monkeypatch):
    import headroom_mcp

    (tmp_path / ".headroom-mcp.toml").write_text('[[json]]\ntool = "*"\ndrop = ["secret_notes"]\n')
    monkeypatch.setenv("HEADROOM_MCP_ROOTS", str(tmp_path))
    records = [
        {"id": i, "status": "ok", "secret_notes": f"long internal note number {i} " * 3}
        for i in range(200)
    ]
    result = headroom_mcp.compress(json.dumps(records, indent=1), query="id 17")
    assert '"id": 17' in result.compressed or '"id":17' in result.compressed
    assert "long internal note number" not in result.compressed
