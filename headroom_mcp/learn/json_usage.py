"""Which JSON fields of tool output were never used, and which were fetched back.

For every JSON result with record collections (as the JSON engine finds them), each top-level
field of the records is checked against what was written after it: its name, or one of its
distinctive values, showing up counts as a use. A field that costs at least
MIN_DROP_FIELD_CHARS per record and was never used in MIN_FIELD_OUTPUTS results of one tool
becomes a drop rule. A field named by the query of a `headroom_retrieve` call is a field
retrieval asked for: never dropped, and after MIN_KEEP_RETRIEVALS such calls a keep rule
(for every tool: keeping a field costs a few tokens, dropping a needed one costs a retrieval).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from headroom_mcp.learn.findings import Evidence, Finding, in_sessions
from headroom_mcp.learn.model import Session, ToolCall
from headroom_mcp.learn.signatures import family

MIN_FIELD_OUTPUTS = 2
MIN_DROP_FIELD_CHARS = 20
MIN_KEEP_RETRIEVALS = 2
MAX_VALUES_CHECKED = 200
MIN_VALUE_CHARS = 4
IDENTIFYING_FIELDS = frozenset(
    {"id", "name", "title", "number", "key", "login", "status", "state", "type", "path"}
)
_DERIVABLE_NOTE_RE = re.compile(r"left out as derivable[^:]*: ([^\]\n]+)")
_WORD_RE = re.compile(r"[a-z0-9_]+")


@dataclass
class _FieldUse:
    outputs: int = 0
    used: int = 0
    chars: int = 0
    records: int = 0
    evidence: list[Evidence] = field(default_factory=list)
    sessions: set[str] = field(default_factory=set)


def json_records(text: str) -> list[dict[str, Any]]:
    """The object records of the collections in a JSON text ([] if it is not JSON)."""
    from headroom_mcp.engines.json_records import find_collections, parse_json_document

    try:
        doc, _ = parse_json_document(text)
    except (ValueError, RecursionError):
        return []
    return [r for col in find_collections(doc) for r in col.records if isinstance(r, dict)]


def _json_text(call: ToolCall) -> str:
    """The JSON a call produced (or, for headroom_compress, was given)."""
    content = call.args.get("content")
    if "headroom_compress" in call.name and isinstance(content, str):
        return content
    return call.result


def _distinctive(values: list[Any]) -> list[str]:
    out: dict[str, None] = {}
    for value in values:
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, dict | list):
            continue
        text = str(value).lower()
        if len(text) >= MIN_VALUE_CHARS and not (isinstance(value, int | float) and value < 1000):
            out.setdefault(text[:200], None)
        if len(out) >= MAX_VALUES_CHECKED:
            break
    return list(out)


def _named_in(name: str, text: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(name.lower())}(?![\w])", text) is not None


def retrieved_fields(sessions: Sequence[Session], known: set[str]) -> dict[str, list[Evidence]]:
    """Fields (among `known`) named by the query of a headroom_retrieve call, with where."""
    out: dict[str, list[Evidence]] = defaultdict(list)
    for session in sessions:
        for call in session.calls:
            query = call.args.get("query")
            if "headroom_retrieve" not in call.name or not isinstance(query, str):
                continue
            lowered = query.lower()
            words = set(_WORD_RE.findall(lowered))
            for name in sorted(known):
                low = name.lower()
                if low in words or (("_" in low) and low.replace("_", " ") in lowered):
                    out[name].append(Evidence(session.short_id, call.turn, f"query {query!r}"))
    return out


def find_field_rules(sessions: Sequence[Session]) -> list[Finding]:
    uses: dict[tuple[str, str], _FieldUse] = defaultdict(_FieldUse)
    known: set[str] = set()
    for session in sessions:
        for call in session.calls:
            for note in _DERIVABLE_NOTE_RE.findall(call.result):
                known.update(n.strip() for n in note.split(",") if n.strip())
            if call.is_error or "headroom_retrieve" in call.name:
                continue
            records = json_records(_json_text(call))
            if not records:
                continue
            later = session.later_text(call.index, call.thread)
            values: dict[str, list[Any]] = defaultdict(list)
            for record in records:
                for name, value in record.items():
                    values[str(name)].append(value)
            for name, vals in values.items():
                known.add(name)
                use = uses[(family(call), name)]
                used = _named_in(name, later) or any(v in later for v in _distinctive(vals))
                use.outputs += 1
                use.used += used
                use.records += len(vals)
                use.chars += sum(len(json.dumps(v, ensure_ascii=False)) for v in vals)
                use.sessions.add(session.session_id)
                use.evidence.append(
                    Evidence(session.short_id, call.turn, "used later" if used else "unused")
                )
    retrieved = retrieved_fields(sessions, known)
    findings = []
    for (fam, name), use in sorted(uses.items()):
        if (
            use.outputs >= MIN_FIELD_OUTPUTS
            and use.used == 0
            and use.chars / max(1, use.records) >= MIN_DROP_FIELD_CHARS
            and name.lower() not in IDENTIFYING_FIELDS
            and name not in retrieved
        ):
            findings.append(
                Finding(
                    "drop", f"{fam}: {name}", None, use.outputs, len(use.sessions),
                    use.chars // 4, tuple(use.evidence), tool=fam, field=name,
                )
            )  # fmt: skip
    for name, evidence in sorted(retrieved.items()):
        if len(evidence) < MIN_KEEP_RETRIEVALS:
            continue
        sessions_seen = len({e.session for e in evidence})
        findings.append(
            Finding(
                "keep", name, None, len(evidence), sessions_seen, 0, tuple(evidence),
                field=name,
            )
        )  # fmt: skip
    return findings


def describe_field_rule(finding: Finding) -> str:
    """A report line for a drop or keep rule."""
    if finding.kind == "drop":
        return (
            f"drop `{finding.field}` from `{finding.tool}` JSON: never used in "
            f"{finding.count} outputs {in_sessions(finding.sessions)}"
        )
    return f"keep `{finding.field}`: asked for by {finding.count} headroom_retrieve queries"
