"""The generated blocks: rules in an instructions file, compression rules in the TOML file.

Each block sits between a start and an end marker; re-running replaces the block in place and
leaves everything outside it alone, so running twice on the same sessions changes nothing.
Paths in rules are made relative to the project root (and `~/` for the rest of the home
folder): a team's CLAUDE.md must not carry one person's absolute paths.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from headroom_mcp.learn.findings import Finding

MD_START = "<!-- headroom-mcp:learn:start -->"
MD_END = "<!-- headroom-mcp:learn:end -->"
TOML_START = "# headroom-mcp:learn:start"
TOML_END = "# headroom-mcp:learn:end"
TARGETS = ("CLAUDE.local.md", "CLAUDE.md", "AGENTS.md")
RULES_FILE = ".headroom-mcp.toml"


def relative_paths(text: str, root: Path, home: Path | None = None) -> str:
    """`text` with the project root's absolute path taken out and the home folder as `~`."""
    for base in dict.fromkeys((str(root), str(root.resolve()))):
        text = text.replace(base + "/", "").replace(base, ".")
    if home is not None:
        for base in dict.fromkeys((str(home), str(home.resolve()))):
            text = text.replace(base + "/", "~/")
    return text


def markdown_block(findings: Sequence[Finding], sessions: int) -> str:
    rules = [f"- {f.rule}" for f in findings if f.rule]
    body = rules or ["- (no rules: nothing failed or repeated often enough to learn from)"]
    return "\n".join(
        [
            MD_START,
            "## Learned from past sessions",
            "",
            f"Written by `headroom-mcp learn` from {sessions} sessions; run it again to refresh "
            "this block (edits inside it are replaced).",
            "",
            *body,
            MD_END,
        ]
    )


def _toml_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def toml_block(findings: Sequence[Finding], sessions: int) -> str | None:
    """The compression rules, or None when there are none."""
    drops: dict[str, list[str]] = defaultdict(list)
    keeps = sorted({f.field for f in findings if f.kind == "keep" and f.field})
    for f in findings:
        if f.kind == "drop" and f.tool and f.field:
            drops[f.tool].append(f.field)
    budgets = {f.kind_name: f.budget for f in findings if f.kind == "budget" and f.kind_name}
    if not (drops or keeps or budgets):
        return None
    lines = [
        TOML_START,
        f"# Written by `headroom-mcp learn` from {sessions} sessions; run it again to refresh.",
        "# Rules of your own go outside this block (they win over learned ones).",
    ]
    if keeps:
        lines += ["", "[[learned.json]]", 'tool = "*"', f"keep = {_toml_list(keeps)}"]
    for tool in sorted(drops):
        lines += ["", "[[learned.json]]", f"tool = {json.dumps(tool)}"]
        lines.append(f"drop = {_toml_list(sorted(drops[tool]))}")
    if budgets:
        lines += ["", "[learned.budgets]"]
        lines += [f"{json.dumps(k)} = {v}" for k, v in sorted(budgets.items()) if v]
    lines.append(TOML_END)
    return "\n".join(lines)


def replace_block(existing: str, block: str, start: str, end: str) -> str:
    """`existing` with the text between the markers replaced by `block` (appended when there
    is none yet)."""
    first = existing.find(start)
    last = existing.find(end, first + 1) if first >= 0 else -1
    if first >= 0 and last >= 0:
        return existing[:first] + block + existing[last + len(end) :]
    if not existing:
        return block + "\n"
    return existing.rstrip("\n") + "\n\n" + block + "\n"
