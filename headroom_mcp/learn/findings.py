"""What `learn` found: each finding with the evidence behind it (session, turn, counts, tokens)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from headroom_mcp.learn.model import ToolCall

FindingKind = Literal[
    "correction", "failure", "retry", "compaction", "pressure", "oversized", "drop", "keep",
    "budget",
]  # fmt: skip
KIND_ORDER: tuple[FindingKind, ...] = (
    "correction", "failure", "retry", "pressure", "oversized", "compaction", "keep", "drop",
    "budget",
)  # fmt: skip
MAX_EVIDENCE = 5


@dataclass(frozen=True)
class Evidence:
    """Where a finding was seen: a session (short id), the user turn, and what happened."""

    session: str
    turn: int
    note: str
    tokens: int = 0


@dataclass(frozen=True)
class Finding:
    """One thing learned. `rule` is the imperative line for the instructions file (None for a
    compression rule or a fact shown only in the report); `tool`, `field`, `kind_name` and
    `budget` describe a compression rule for `.headroom-mcp.toml`."""

    kind: FindingKind
    subject: str
    rule: str | None
    count: int
    sessions: int
    tokens: int
    evidence: tuple[Evidence, ...]
    tool: str | None = None
    field: str | None = None
    kind_name: str | None = None
    budget: int | None = None

    @property
    def sort_key(self) -> tuple[int, int, str]:
        return (KIND_ORDER.index(self.kind), -self.count, self.subject)


def times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def in_sessions(n: int) -> str:
    return "in 1 session" if n == 1 else f"in {n} sessions"


def result_tokens(call: ToolCall) -> int:
    """Tokens of a call's result text (counted once, then kept on the call)."""
    if call.tokens is None:
        from headroom_mcp.tokens import count_tokens

        call.tokens = count_tokens(call.result)
    return call.tokens
