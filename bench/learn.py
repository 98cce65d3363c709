"""Before/after `headroom-mcp learn`: replay a recorded tool-output sequence through the
engines without and with the learned compression rules.

    PYTHONPATH=. .venv/bin/python bench/learn.py

The sessions are the learn tests' (tests/learn_sessions.py: GitHub issue listings whose
`body_html` and `reactions` nobody read and whose `html_url` was fetched back twice, and
server logs that filled the context unused). `learn` mines them and writes
`.headroom-mcp.toml`; the replay then compresses each recorded output (more issue pages and
logs of the same tools) both ways and counts the tokens the model reads and the retrievals it
would need: one whenever a value the session went on to use (the first issue's `html_url` and
title on each page) is missing from what it reads. Exits 1 unless the rules give fewer tokens
and no more retrievals.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from headroom_mcp.engines.json_records import compress_json  # noqa: E402
from headroom_mcp.engines.json_rules import FieldRules  # noqa: E402
from headroom_mcp.kinds import Options, kind_module  # noqa: E402
from headroom_mcp.learn import SessionSources, apply_changes, find_sessions, mine, plan_changes  # noqa: E402
from headroom_mcp.project_rules import ProjectRules, load_project_rules  # noqa: E402
from headroom_mcp.tokens import count_tokens  # noqa: E402
from tests.learn_sessions import issues_json, server_log, write_scenario  # noqa: E402

ISSUE_PAGES = 6
LOG_RUNS = 3


def recorded_sequence() -> list[tuple[str, str, str, list[str]]]:
    """(tool, kind, output, values used afterwards) in the order they came."""
    steps: list[tuple[str, str, str, list[str]]] = []
    for page in range(ISSUE_PAGES):
        first = page * 10 + 1
        used = [f"https://github.com/acme/app/issues/{first}", f"Slow query {first}"]
        if first % 3:
            used[1] = f"Crash number {first} when saving drafts"
        steps.append(("mcp__github__list_issues", "json", issues_json(first), used))
        if page < LOG_RUNS:
            steps.append(("cat", "logs", server_log(400 + page), []))
    return steps


def compressed(kind: str, content: str, field_rules: FieldRules | None, budget: int | None) -> str:
    if kind == "json":
        return compress_json(content, None, budget, field_rules).text
    return kind_module(kind).compress(content, None, budget, Options()).text


def replay(rules: ProjectRules | None) -> tuple[int, int, int]:
    """Tokens in, tokens read, retrievals needed."""
    before = after = retrievals = 0
    for tool, kind, content, used in recorded_sequence():
        field_rules = rules.field_rules(tool) if rules else None
        budget = rules.budget(kind) if rules else None
        text = compressed(kind, content, field_rules, budget)
        before += count_tokens(content)
        after += count_tokens(text)
        retrievals += any(value not in text for value in used)
    return before, after, retrievals


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        root, claude_home, codex_home = write_scenario(Path(tmp))
        sessions = find_sessions(root, SessionSources(claude_home, codex_home))
        apply_changes(plan_changes(root, mine(sessions), len(sessions)))
        rules = load_project_rules(root)
        print((root / ".headroom-mcp.toml").read_text())
    base = replay(None)
    learned = replay(rules)
    print("| replay | tokens in | tokens read | retrievals needed |")
    print("|---|---|---|---|")
    for name, (inp, read, needed) in (("without rules", base), ("with learned rules", learned)):
        print(f"| {name} | {inp:,} | {read:,} | {needed} |")
    ok = learned[1] < base[1] and learned[2] <= base[2]
    print("OK: fewer tokens, no more retrievals" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
