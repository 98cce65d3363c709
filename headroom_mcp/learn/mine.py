"""Every finder over a set of sessions (and the store), reconciled into one list of findings.

Budgets: a kind the store shows as heavily retrieved keeps its larger budget, and a budget
learned from unused output never goes below it; one budget per kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from headroom_mcp.learn.failures import find_failures, find_retry_loops
from headroom_mcp.learn.findings import Finding
from headroom_mcp.learn.json_usage import find_field_rules
from headroom_mcp.learn.model import Session
from headroom_mcp.learn.pressure import find_compactions, find_oversized
from headroom_mcp.store import CcrStore


def mine(sessions: Sequence[Session], store: CcrStore | None = None) -> list[Finding]:
    """What the sessions (and the store's events, if given) teach, in report order."""
    findings = [
        *find_failures(sessions),
        *find_retry_loops(sessions),
        *find_compactions(sessions),
        *find_oversized(sessions),
        *find_field_rules(sessions),
    ]
    if store is not None:
        from headroom_mcp.learn.store_usage import find_store_budgets

        findings += find_store_budgets(store)
    oversized = {f.subject for f in findings if f.kind == "oversized"}
    # One line per tool in the instructions: the oversized rule already says to narrow it.
    findings = [
        replace(f, rule=None) if f.kind == "pressure" and f.subject in oversized else f
        for f in findings
    ]
    return sorted(_one_budget_per_kind(findings), key=lambda f: f.sort_key)


def _one_budget_per_kind(findings: list[Finding]) -> list[Finding]:
    best: dict[str, Finding] = {}
    rest = []
    for finding in findings:
        if finding.kind != "budget" or finding.kind_name is None:
            rest.append(finding)
            continue
        held = best.get(finding.kind_name)
        if held is None or (finding.budget or 0) > (held.budget or 0):
            best[finding.kind_name] = finding
    return rest + list(best.values())
