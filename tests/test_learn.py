"""`headroom-mcp learn` on session files in the real Claude Code and Codex formats."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from headroom_mcp.cli import cli
from headroom_mcp.learn import SessionSources, find_sessions, mine, read_sessions
from headroom_mcp.learn.blocks import MD_END, MD_START
from headroom_mcp.project_rules import load_project_rules
from tests.learn_sessions import ClaudeSession, CodexSession, write_scenario


@pytest.fixture
def scenario(tmp_path: Path) -> tuple[Path, Path, Path]:
    return write_scenario(tmp_path)


def run_learn(scenario: tuple[Path, Path, Path], *args: str) -> str:
    root, claude_home, codex_home = scenario
    result = CliRunner().invoke(
        cli,
        ["learn", "--project", str(root), "--claude-home", str(claude_home),
         "--codex-home", str(codex_home), *args],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.output


def block_of(text: str) -> str:
    return text[text.index(MD_START) : text.index(MD_END)]


def test_learn_writes_rules_for_corrected_failures_retry_loops_and_heavy_output(scenario):
    root = scenario[0]
    run_learn(scenario)
    block = block_of((root / "CLAUDE.local.md").read_text())
    assert "Run `python3`, not `python` (failed 4 times in 3 sessions" in block
    assert "Use the path `src/app/models.py`, not `app/models.py`, with Read" in block
    assert "Do not rerun `npm test` unchanged" in block
    assert "Narrow `cat` output" in block
    assert "make deploy" not in block  # another project's session
    assert all(line.startswith("- ") for line in block.splitlines()[5:])


def test_every_rule_is_one_imperative_line_with_its_evidence_count(scenario):
    run_learn(scenario)
    rules = [ln for ln in block_of((scenario[0] / "CLAUDE.local.md").read_text()).splitlines()
             if ln.startswith("- ")]  # fmt: skip
    assert len(rules) == 4
    assert all(re.search(r"\b\d+ (times|results)\b", rule) for rule in rules)
    assert all(rule.endswith(".") for rule in rules)


def test_a_sidechain_file_counts_with_its_session(scenario):
    root, claude_home, codex_home = scenario
    sessions = find_sessions(root, SessionSources(claude_home, codex_home))
    b = next(s for s in sessions if s.session_id.startswith("bbbbbbbb"))
    assert {c.thread for c in b.calls} == {"main", "agent-a1b2c3"}
    python = next(f for f in mine(sessions) if f.subject == "python")
    assert python.count == 4 and python.sessions == 3


def test_compaction_summaries_are_not_mined_as_user_text(scenario):
    root, claude_home, codex_home = scenario
    sessions = find_sessions(root, SessionSources(claude_home, codex_home))
    a = next(s for s in sessions if s.session_id.startswith("aaaaaaaa"))
    assert a.prompts == ["Run the tests and look at the open issues", "Now fix issue 4"]
    assert not any("Summary:" in text for _, _, text in a.mentions)
    # The summary quotes the issue bodies; had it been mined, body_html would count as used.
    drops = {f.field for f in mine(sessions) if f.kind == "drop"}
    assert "body_html" in drops
    compaction = next(f for f in mine(sessions) if f.subject == "session aaaaaaaa")
    assert compaction.tokens == 156_000


def test_tokens_are_counted_once_per_response_written_over_several_lines(tmp_path):
    session = ClaudeSession(tmp_path, "dddddddd-5555-4555-8555-000000000005")
    session.prompt("go")
    session.call("Bash", {"command": "ls"}, "a\nb", thought="Listing first.")  # 2 lines
    session.say("Done.")
    path = session.write(tmp_path / "p")
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    ids = [x["message"]["id"] for x in lines if x["type"] == "assistant"]
    assert len(ids) == 3 and len(set(ids)) == 2
    (read,) = read_sessions([path])
    assert read.responses == 2
    assert read.output_tokens == 2 * 60
    assert read.input_tokens == 2 * (12 + 800 + 20_000)


def test_an_image_result_is_counted_as_an_image_not_as_text(scenario):
    root, claude_home, codex_home = scenario
    sessions = find_sessions(root, SessionSources(claude_home, codex_home))
    image = next(c for s in sessions for c in s.calls if c.images)
    assert image.result == "" and image.images == 1
    assert not any(f.subject == "Read" for f in mine(sessions) if f.kind == "oversized")


def test_rerunning_is_idempotent(scenario):
    root = scenario[0]
    run_learn(scenario)
    first = {p: (root / p).read_bytes() for p in ("CLAUDE.local.md", ".headroom-mcp.toml")}
    output = run_learn(scenario)
    assert "Nothing to change" in output
    assert {p: (root / p).read_bytes() for p in first} == first
    assert (root / "CLAUDE.local.md").read_text().count(MD_START) == 1


def test_written_paths_are_relative_to_the_project_root(scenario):
    root = scenario[0]
    run_learn(scenario)
    for name in ("CLAUDE.local.md", ".headroom-mcp.toml"):
        assert str(root) not in (root / name).read_text()
    assert str(root) not in run_learn(scenario, "--report")


def test_the_block_replaces_only_itself_in_an_existing_file(scenario):
    root = scenario[0]
    (root / "AGENTS.md").write_text("# Team notes\n\nUse tabs.\n")
    run_learn(scenario, "--target", "AGENTS.md")
    text = (root / "AGENTS.md").read_text()
    stale = text.replace("Run `python3`", "Run `python9`") + "\nAfter the block.\n"
    (root / "AGENTS.md").write_text(stale)
    run_learn(scenario, "--target", "AGENTS.md")
    text = (root / "AGENTS.md").read_text()
    assert text.startswith("# Team notes\n\nUse tabs.\n\n" + MD_START)
    assert "python9" not in text and text.endswith("\nAfter the block.\n")
    assert not (root / "CLAUDE.local.md").exists()


def test_dry_run_prints_a_unified_diff_and_writes_nothing(scenario):
    root = scenario[0]
    output = run_learn(scenario, "--dry-run")
    assert "--- /dev/null\n+++ b/CLAUDE.local.md\n@@ " in output
    assert "+++ b/.headroom-mcp.toml" in output
    assert "+- Run `python3`, not `python`" in output
    assert not (root / "CLAUDE.local.md").exists()


def test_report_prints_a_table_of_findings_with_evidence_and_writes_nothing(scenario):
    output = run_learn(scenario, "--report")
    assert output.startswith("| kind | finding | count | sessions | tokens | evidence |")
    assert "| compaction | session aaaaaaaa | 1 | 1 | 156,000 |" in output
    assert "drop `body_html` from `mcp__github__list_issues`" in output
    assert not (scenario[0] / "CLAUDE.local.md").exists()


def test_all_widens_to_other_projects_and_session_narrows_to_one_file(scenario):
    root, claude_home, codex_home = scenario
    everything = find_sessions(root, SessionSources(claude_home, codex_home), every=True)
    assert len(everything) == 4
    output = run_learn(scenario, "--all", "--report")
    assert "make deploy" in output
    (codex_file,) = codex_home.rglob("rollout-*.jsonl")
    output = run_learn(scenario, "--session", str(codex_file), "--report")
    assert "session 0199a8c2" in output and "aaaaaaaa" not in output


def test_learned_compression_rules_keep_what_retrieval_asked_for(scenario):
    root = scenario[0]
    run_learn(scenario)
    rules = load_project_rules(root)
    github = rules.field_rules("mcp__github__list_issues")
    assert github is not None
    assert github.drop == {"body_html", "reactions"}
    assert "html_url" in github.keep and "html_url" not in github.drop
    assert rules.field_rules("Bash") is not None  # the keep rule holds for every tool
    assert rules.budget("logs") == 1500


def test_codex_exit_codes_and_token_totals_are_read(tmp_path):
    session = CodexSession(tmp_path, "0199a8c2-6666-7666-8666-000000000006")
    session.prompt("build")
    session.shell("cargo build", "error[E0425]: cannot find value `x`", exit_code=101)
    session.shell("cargo build --offline", "Finished")
    (read,) = read_sessions([session.write(tmp_path / "codex")])
    assert [c.is_error for c in read.calls] == [True, False]
    assert read.calls[0].command == "cargo build"
    assert read.input_tokens == 3000 and read.output_tokens == 80
    (finding,) = [f for f in mine([read, read]) if f.kind == "correction"]
    assert finding.rule is not None and finding.rule.startswith("Pass `--offline` to `cargo build`")
