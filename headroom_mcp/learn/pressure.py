"""Context pressure and oversized output.

Compactions are listed with the context size before each, and the tool outputs that filled
the most of it since the previous one are summed per tool (a `pressure` finding when one tool
filled PRESSURE_MIN_TOKENS or more). A tool's output is oversized when its results reach
LARGE_RESULT_TOKENS and little of their content (distinctive words and numbers) shows up in
what was written afterwards; that gives a rule to narrow it and a budget for its kind.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Sequence

from headroom_mcp.learn.findings import Evidence, Finding, in_sessions, result_tokens
from headroom_mcp.learn.model import Session, ToolCall
from headroom_mcp.learn.signatures import family

TOP_OUTPUTS_PER_COMPACTION = 3
PRESSURE_MIN_TOKENS = 5_000
LARGE_RESULT_TOKENS = 2_000
MIN_OVERSIZED_RESULTS = 2
RARELY_USED_SHARE = 0.05  # results whose median used share is below this were rarely used
MAX_DISTINCT_WORDS = 400
LEARNED_BUDGET_TOKENS = 1_500  # budget written for a kind whose large outputs went unused
_DISTINCT_RE = re.compile(r"[A-Za-z_][\w-]{5,}|\d{4,}")


def _is_headroom(call: ToolCall) -> bool:
    return "headroom_" in call.name


def find_compactions(sessions: Sequence[Session]) -> list[Finding]:
    findings = []
    heavy: dict[str, list[tuple[Session, int, int]]] = defaultdict(list)
    for session in sessions:
        start = 0
        for compaction in session.compactions:
            window = [c for c in session.calls if start < c.index < compaction.index]
            start = compaction.index
            top = sorted(window, key=lambda c: -result_tokens(c))[:TOP_OUTPUTS_PER_COMPACTION]
            pre = compaction.pre_tokens or 0
            note = f"{compaction.trigger} compaction at {pre:,} tokens; largest outputs: " + (
                ", ".join(f"{family(c)} {result_tokens(c):,}" for c in top) or "none"
            )
            findings.append(
                Finding(
                    "compaction",
                    f"session {session.short_id}",
                    None,
                    1,
                    1,
                    pre,
                    (Evidence(session.short_id, compaction.turn, note, pre),),
                )
            )
            for call in top:
                heavy[family(call)].append((session, compaction.turn, result_tokens(call)))
    for fam, items in sorted(heavy.items()):
        tokens = sum(t for _, _, t in items)
        if tokens < PRESSURE_MIN_TOKENS:
            continue
        sessions_seen = len({s.session_id for s, _, _ in items})
        rule = (
            f"Keep `{fam}` output small (filter it, or run it through headroom_run): its results "
            f"filled {tokens:,} tokens of context before compactions ({len(items)} results "
            f"{in_sessions(sessions_seen)})."
        )
        evidence = tuple(
            Evidence(s.short_id, turn, "before a compaction", t) for s, turn, t in items
        )
        findings.append(Finding("pressure", fam, rule, len(items), sessions_seen, tokens, evidence))
    return findings


def used_share(session: Session, call: ToolCall) -> float:
    """Share of a result's distinctive words and numbers that appear in what came after it."""
    own = set(_DISTINCT_RE.findall(str(call.args)))
    seen: dict[str, None] = {}
    for word in _DISTINCT_RE.findall(call.result):
        if word not in own:
            seen.setdefault(word.lower(), None)
        if len(seen) >= MAX_DISTINCT_WORDS:
            break
    if not seen:
        return 1.0
    later = session.later_text(call.index, call.thread)
    return sum(1 for w in seen if w in later) / len(seen)


def find_oversized(sessions: Sequence[Session]) -> list[Finding]:
    """Tools whose large results were rarely used; a rule and a budget for their kind."""
    from headroom_mcp.router import detect_kind

    by_family: dict[str, list[tuple[Session, ToolCall, float]]] = defaultdict(list)
    for session in sessions:
        for call in session.calls:
            if call.is_error or call.images or _is_headroom(call):
                continue
            if result_tokens(call) >= LARGE_RESULT_TOKENS:
                by_family[family(call)].append((session, call, used_share(session, call)))
    findings = []
    for fam, items in sorted(by_family.items()):
        if len(items) < MIN_OVERSIZED_RESULTS:
            continue
        share = statistics.median(u for _, _, u in items)
        if share >= RARELY_USED_SHARE:
            continue
        tokens = sum(result_tokens(c) for _, c, _ in items)
        average = tokens // len(items)
        sessions_seen = len({s.session_id for s, _, _ in items})
        evidence = tuple(
            Evidence(s.short_id, c.turn, f"{u:.0%} of it used later", result_tokens(c))
            for s, c, u in items
        )
        rule = (
            f"Narrow `{fam}` output before reading it (filter or limit it, or run it through "
            f"headroom_run): {len(items)} results averaged {average:,} tokens "
            f"{in_sessions(sessions_seen)}, and {share:.0%} of their content was used later."
        )
        findings.append(
            Finding("oversized", fam, rule, len(items), sessions_seen, tokens, evidence)
        )
        largest = max(items, key=lambda item: result_tokens(item[1]))[1]
        kind = detect_kind(largest.result)
        findings.append(
            Finding(
                "budget", kind, None, len(items), sessions_seen, tokens, evidence,
                tool=fam, kind_name=kind, budget=LEARNED_BUDGET_TOKENS,
            )
        )  # fmt: skip
    return findings
