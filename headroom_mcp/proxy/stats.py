"""What the proxy counts: requests, tokens before/after rewriting, and the upstream's own usage,
per session and per client, served as JSON (/stats) and in Prometheus text format (/metrics).

Prometheus labels carry the client only (a handful of values); sessions, which grow without
bound, appear in /stats alone, the most recent `MAX_SESSIONS` of them.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from headroom_mcp.proxy.usage_tap import Usage

MAX_SESSIONS = 1000
UNKNOWN = "unknown"


@dataclass
class Tally:
    """Counts for one session or one client."""

    requests: int = 0
    tokens_before: int = 0
    tokens_after: int = 0
    compressed: int = 0
    replayed: int = 0
    upstream: Usage = field(default_factory=Usage)


@dataclass(frozen=True)
class RequestOutcome:
    """One proxied request, as the stats see it (no content, no headers)."""

    api: str
    status: int
    session: str = UNKNOWN
    client: str = UNKNOWN
    tokens_before: int = 0
    tokens_after: int = 0
    compressed: int = 0
    replayed: int = 0


class ProxyStats:
    """Counters of one proxy process. Updated on the event loop only."""

    def __init__(self) -> None:
        self.requests = 0
        self.rewrite_failures = 0
        self.upstream_unreachable = 0
        self.retrieve_rounds = 0
        self.totals = Tally()
        self.sessions: OrderedDict[str, Tally] = OrderedDict()
        self.clients: dict[str, Tally] = {}
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self._requests = Counter(
            "headroom_proxy_requests", "Requests relayed", ["api", "status"], registry=r
        )
        self._tokens = Counter(
            "headroom_proxy_tokens",
            "Request tokens before and after rewriting",
            ["client", "stage"],
            registry=r,
        )
        self._results = Counter(
            "headroom_proxy_tool_results",
            "Tool results compressed now or replayed from earlier turns",
            ["client", "action"],
            registry=r,
        )
        self._upstream = Counter(
            "headroom_proxy_upstream_tokens",
            "Usage reported by the upstream, by kind",
            ["client", "kind"],
            registry=r,
        )
        self._failures = Counter(
            "headroom_proxy_rewrite_failures",
            "Requests forwarded unchanged because rewriting failed",
            registry=r,
        )
        self._unreachable = Counter(
            "headroom_proxy_upstream_unreachable", "Requests answered 502", registry=r
        )
        self._rounds = Counter(
            "headroom_proxy_retrieve_rounds", "headroom_retrieve calls answered by the proxy",
            registry=r,
        )  # fmt: skip
        self._rewrite_seconds = Histogram(
            "headroom_proxy_rewrite_seconds",
            "Time spent rewriting a request body",
            buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5),
            registry=r,
        )

    def _session(self, name: str) -> Tally:
        tally = self.sessions.pop(name, None) or Tally()
        self.sessions[name] = tally
        while len(self.sessions) > MAX_SESSIONS:
            self.sessions.popitem(last=False)
        return tally

    def record_request(self, outcome: RequestOutcome) -> None:
        self.requests += 1
        self._requests.labels(outcome.api, str(outcome.status)).inc()
        for tally in (self.totals, self._session(outcome.session), self._client(outcome.client)):
            tally.requests += 1
            tally.tokens_before += outcome.tokens_before
            tally.tokens_after += outcome.tokens_after
            tally.compressed += outcome.compressed
            tally.replayed += outcome.replayed
        self._tokens.labels(outcome.client, "before").inc(outcome.tokens_before)
        self._tokens.labels(outcome.client, "after").inc(outcome.tokens_after)
        self._results.labels(outcome.client, "compressed").inc(outcome.compressed)
        self._results.labels(outcome.client, "replayed").inc(outcome.replayed)

    def record_usage(self, session: str, client: str, usage: Usage) -> None:
        """Upstream usage, once the response (or stream) has passed."""
        if not usage.any():
            return
        for tally in (self.totals, self._session(session), self._client(client)):
            tally.upstream.add(usage)
        for kind, value in asdict(usage).items():
            self._upstream.labels(client, kind).inc(value)

    def record_rewrite_failure(self) -> None:
        self.rewrite_failures += 1
        self._failures.inc()

    def record_unreachable(self) -> None:
        self.upstream_unreachable += 1
        self._unreachable.inc()

    def record_retrieve_round(self, calls: int) -> None:
        self.retrieve_rounds += calls
        self._rounds.inc(calls)

    def observe_rewrite(self, seconds: float) -> None:
        self._rewrite_seconds.observe(seconds)

    def _client(self, name: str) -> Tally:
        return self.clients.setdefault(name, Tally())

    def as_json(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "rewrite_failures": self.rewrite_failures,
            "upstream_unreachable": self.upstream_unreachable,
            "retrieve_calls_answered": self.retrieve_rounds,
            "totals": asdict(self.totals),
            "clients": {name: asdict(t) for name, t in self.clients.items()},
            "sessions": {name: asdict(t) for name, t in self.sessions.items()},
        }

    def prometheus_text(self) -> bytes:
        return generate_latest(self.registry)
