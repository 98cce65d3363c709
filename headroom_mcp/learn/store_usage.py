"""What our own store says: per kind, how often compressed output was retrieved afterwards,
and by which client. A kind retrieved after HEAVY_RETRIEVAL_SHARE of its compressions was
compressed too hard: it gets a larger budget, and no learned budget may shrink it."""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from headroom_mcp.learn.findings import Evidence, Finding
from headroom_mcp.store import CcrStore

MIN_STORE_COMPRESSIONS = 3
HEAVY_RETRIEVAL_SHARE = 0.5
BUDGET_STEP_TOKENS = 100


@dataclass
class KindUse:
    compressions: int = 0
    retrievals: int = 0
    shown: list[int] = field(default_factory=list)  # tokens shown + tokens retrieved, per digest
    clients: Counter[str] = field(default_factory=Counter)

    @property
    def retrieval_share(self) -> float:
        return self.retrievals / self.compressions if self.compressions else 0.0


def kind_usage(store: CcrStore) -> dict[str, KindUse]:
    digests: dict[str, tuple[str, int]] = {}
    uses: dict[str, KindUse] = defaultdict(KindUse)
    for kind, digest, after, client in store.query(
        "SELECT kind, digest, tokens_after, client FROM events WHERE op = 'compress' ORDER BY id"
    ):
        use = uses[str(kind or "unknown")]
        use.compressions += 1
        use.clients[str(client or "unknown")] += 1
        if digest:
            digests[str(digest)] = (str(kind or "unknown"), int(after))
    fetched: dict[str, int] = defaultdict(int)
    for digest, tokens in store.query(
        "SELECT digest, tokens_after FROM events WHERE op = 'retrieve' AND digest IS NOT NULL"
    ):
        if str(digest) in digests:
            uses[digests[str(digest)][0]].retrievals += 1
            fetched[str(digest)] += int(tokens)
    for digest, (kind, after) in digests.items():
        if digest in fetched:
            uses[kind].shown.append(after + fetched[digest])
    return dict(uses)


def find_store_budgets(store: CcrStore) -> list[Finding]:
    findings = []
    for kind, use in sorted(kind_usage(store).items()):
        clients = ", ".join(f"{c} {n}" for c, n in sorted(use.clients.items()))
        note = f"{use.compressions} compressed, {use.retrievals} retrieved ({clients})"
        if use.compressions < MIN_STORE_COMPRESSIONS or not use.shown:
            continue
        if use.retrieval_share < HEAVY_RETRIEVAL_SHARE:
            continue
        need = statistics.median(use.shown)
        budget = int(math.ceil(need / BUDGET_STEP_TOKENS) * BUDGET_STEP_TOKENS)
        findings.append(
            Finding(
                "budget", kind, None, use.retrievals, 0, sum(use.shown),
                (Evidence("store", 0, note),), kind_name=kind, budget=budget,
            )
        )  # fmt: skip
    return findings
