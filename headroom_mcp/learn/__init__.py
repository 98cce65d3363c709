"""`headroom-mcp learn`: mine past agent sessions, offline and deterministically, for rules
that prevent the same failures and the same waste.

    sessions (discover, claude_code, codex)  →  mine (failures, pressure, json_usage,
    store_usage)  →  findings  →  blocks (instructions file, .headroom-mcp.toml)  →  writing

No model is called: every rule is phrased from the calls themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from headroom_mcp.learn.blocks import (
    MD_END,
    MD_START,
    RULES_FILE,
    TARGETS,
    TOML_END,
    TOML_START,
    markdown_block,
    relative_paths,
    replace_block,
    toml_block,
)
from headroom_mcp.learn.discover import SessionSources, find_sessions, read_sessions
from headroom_mcp.learn.findings import Evidence, Finding
from headroom_mcp.learn.mine import mine
from headroom_mcp.learn.model import Session
from headroom_mcp.learn.writing import FileChange, read_text, write_atomically

__all__ = [
    "TARGETS",
    "Evidence",
    "FileChange",
    "Finding",
    "Session",
    "SessionSources",
    "apply_changes",
    "find_sessions",
    "mine",
    "plan_changes",
    "read_sessions",
    "report_table",
]

MAX_REPORT_EVIDENCE = 3


def plan_changes(
    root: Path,
    findings: Sequence[Finding],
    sessions: int,
    target: str = TARGETS[0],
    home: Path | None = None,
) -> list[FileChange]:
    """The instructions file and `.headroom-mcp.toml` as they would be after learning; a file
    without a block is created only when there is something to put in it."""
    changes = []
    md_path = root / target
    before = read_text(md_path)
    if any(f.rule for f in findings) or MD_START in before:
        block = relative_paths(markdown_block(findings, sessions), root, home)
        changes.append(
            FileChange(md_path, before, replace_block(before, block, MD_START, MD_END), target)
        )
    toml_path = root / RULES_FILE
    before = read_text(toml_path)
    block_or_none = toml_block(findings, sessions)
    if block_or_none is not None or TOML_START in before:
        block = relative_paths(block_or_none or f"{TOML_START}\n{TOML_END}", root, home)
        after = replace_block(before, block, TOML_START, TOML_END)
        changes.append(FileChange(toml_path, before, after, RULES_FILE))
    return [c for c in changes if c.changed]


def apply_changes(changes: Sequence[FileChange]) -> list[Path]:
    for change in changes:
        write_atomically(change.path, change.after)
    return [c.path for c in changes]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report_table(findings: Sequence[Finding], root: Path, home: Path | None = None) -> str:
    """What was found, one row per finding, as a Markdown table."""
    from headroom_mcp.learn.json_usage import describe_field_rule

    rows = [
        "| kind | finding | count | sessions | tokens | evidence |",
        "|---|---|---|---|---|---|",
    ]
    for f in findings:
        if f.rule:
            what = f.rule
        elif f.kind in ("drop", "keep"):
            what = describe_field_rule(f)
        elif f.kind == "budget":
            what = f"budget {f.budget:,} tokens for {f.kind_name} output" + (
                f" (from `{f.tool}`)" if f.tool else ""
            )
        elif f.kind == "pressure":
            what = f"`{f.subject}` output filled {f.tokens:,} tokens before compactions"
        else:
            what = f.subject
        shown = f.evidence[:MAX_REPORT_EVIDENCE]
        evidence = "; ".join(f"{e.session} turn {e.turn}: {e.note}" for e in shown)
        if len(f.evidence) > len(shown):
            evidence += f"; +{len(f.evidence) - len(shown)} more"
        rows.append(
            f"| {f.kind} | {_cell(what)} | {f.count} | {f.sessions} | {f.tokens:,} | "
            f"{_cell(evidence)} |"
        )
    return relative_paths("\n".join(rows), root, home)
