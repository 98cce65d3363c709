"""Per-session memory of what was forwarded, so that a message forwarded once is forwarded
with the same content on every later request (the upstream prompt cache keys on it).

A client resends the whole conversation each turn. When the start of the new request equals
the start of one remembered earlier (compared with `cache_control` removed, since clients move
their cache breakpoint to the newest block every turn), the forwarded form of that start is
replayed, carrying the new request's `cache_control` placement, and only the rest is
rewritten. One session key can hold a few conversations at once (a main agent and its
sub-agents share Claude Code's session header), so each session keeps several threads and a
request continues the one it shares the longest start with.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

CACHE_CONTROL = "cache_control"
MAX_SESSIONS = 256
THREADS_PER_SESSION = 8
# Compressed tool results remembered per session, so one result is compressed once even when
# a conversation is rewound or forked (replay covers the common case).
MEMO_PER_SESSION = 1024
# Tool-result text kept across all sessions (received and forwarded, in characters); past it
# the least recently used sessions are forgotten (their next request is rewritten afresh).
MAX_REMEMBERED_CHARS = 128_000_000


def strip_cache_control(value: Any) -> Any:
    """`value` without `cache_control` keys at any depth; the same object when it has none."""
    if isinstance(value, dict):
        changed = CACHE_CONTROL in value
        out: dict[str, Any] = {}
        for key, inner in value.items():
            if key == CACHE_CONTROL:
                continue
            stripped = strip_cache_control(inner)
            changed = changed or stripped is not inner
            out[key] = stripped
        return out if changed else value
    if isinstance(value, list):
        items = [strip_cache_control(inner) for inner in value]
        changed = any(a is not b for a, b in zip(items, value, strict=True))
        return items if changed else value
    return value


def copy_containers(value: Any) -> Any:
    """A copy of every dict and list in `value` (strings and numbers are shared): what the
    session keeps can then not be changed through anything handed out."""
    if isinstance(value, dict):
        return {key: copy_containers(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [copy_containers(inner) for inner in value]
    return value


def place_cache_control(sent: Any, received: Any) -> Any:
    """A fresh copy of `sent` (a forwarded message) carrying `cache_control` exactly where
    `received` (the same message as the client sends it now) has it, and nowhere else.

    `sent` was made from a message equal to `received` but for `cache_control`, and rewriting
    only changes strings, so the two have the same shape and are walked side by side.
    """
    if isinstance(sent, dict):
        theirs = received if isinstance(received, dict) else {}
        out = {
            key: place_cache_control(inner, theirs.get(key))
            for key, inner in sent.items()
            if key != CACHE_CONTROL
        }
        if CACHE_CONTROL in theirs:
            out[CACHE_CONTROL] = copy_containers(theirs[CACHE_CONTROL])
        return out
    if isinstance(sent, list):
        if isinstance(received, list) and len(received) == len(sent):
            return [place_cache_control(a, b) for a, b in zip(sent, received, strict=True)]
        return [place_cache_control(inner, None) for inner in sent]
    return sent


@dataclass(frozen=True)
class Entry:
    """One message or item of a conversation: as received (without cache_control), as
    forwarded (without cache_control), the tool-result tokens in each, and the characters of
    tool-result text the two hold (what remembering it costs)."""

    received: Any
    sent: Any
    tokens_before: int
    tokens_after: int
    chars: int


@dataclass(frozen=True)
class Thread:
    """One remembered conversation: its entries in order, and whether the retrieve tool was
    added to its requests (decided on its first request, then kept)."""

    entries: tuple[Entry, ...]
    inject: bool

    @property
    def chars(self) -> int:
        return sum(entry.chars for entry in self.entries)


@dataclass
class Session:
    """The threads and the compression memo of one session key. Read and replace its fields
    only under the owning SessionStore's lock; Entries and Threads are immutable. `inject` is
    whether the session's first request got the retrieve tool (None before it is seen)."""

    threads: list[Thread] = field(default_factory=list)
    memo: OrderedDict[Hashable, Any] = field(default_factory=OrderedDict)
    inject: bool | None = None
    chars: int = 0


def common_prefix(received: Sequence[Any], entries: Sequence[Entry]) -> int:
    """How many leading messages of `received` (already without cache_control) equal the
    thread's."""
    count = 0
    for message, entry in zip(received, entries, strict=False):
        if message != entry.received:
            break
        count += 1
    return count


class SessionStore:
    """Sessions by key, least recently used dropped past `max_sessions`; thread-safe.

    The lock is held only to look up and replace state, never while compressing, so requests
    of different sessions (and of one session) rewrite concurrently.
    """

    def __init__(
        self, max_sessions: int = MAX_SESSIONS, max_chars: int = MAX_REMEMBERED_CHARS
    ) -> None:
        self._max = max_sessions
        self._max_chars = max_chars
        self._chars = 0
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def chars(self) -> int:
        """Tool-result characters remembered across all sessions."""
        with self._lock:
            return self._chars

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def session(self, key: str) -> Session:
        """The session under `key`, created when new; marks it most recently used."""
        with self._lock:
            found = self._sessions.get(key)
            if found is None:
                found = self._sessions[key] = Session()
                self._evict()
            else:
                self._sessions.move_to_end(key)
            return found

    def _evict(self) -> None:
        """Forget least recently used sessions past the count or character bound; the most
        recent one is always kept."""
        while len(self._sessions) > 1 and (
            len(self._sessions) > self._max or self._chars > self._max_chars
        ):
            _, dropped = self._sessions.popitem(last=False)
            self._chars -= dropped.chars

    def threads(self, session: Session) -> list[Thread]:
        """A snapshot of the session's threads, most recently used first."""
        with self._lock:
            return list(session.threads)

    def commit(self, session: Session, previous: Thread | None, thread: Thread) -> None:
        """Put `thread` first in the session, in place of `previous` (the thread it continues,
        None for a new one); the oldest thread goes past THREADS_PER_SESSION."""
        with self._lock:
            kept = [t for t in session.threads if t is not previous]
            session.threads = [thread, *kept][:THREADS_PER_SESSION]
            if session.inject is None:
                session.inject = thread.inject
            chars = sum(t.chars for t in session.threads)
            if any(s is session for s in self._sessions.values()):
                self._chars += chars - session.chars
            session.chars = chars
            self._evict()

    def continuing_inject(self, session: Session) -> bool:
        """Whether a request that continues server-held turns gets the retrieve tool: when the
        session's first request did (a session first seen mid-way never does)."""
        with self._lock:
            if session.inject is None:
                session.inject = False
            return session.inject

    def recall(self, session: Session, key: Hashable) -> Any:
        """The memoised value under `key`, or None."""
        with self._lock:
            value = session.memo.get(key)
            if value is not None:
                session.memo.move_to_end(key)
            return value

    def remember(self, session: Session, key: Hashable, value: Any) -> Any:
        """Memoise `value` under `key` unless another request did first; returns the value
        that is kept, so concurrent requests forward the same thing."""
        with self._lock:
            kept = session.memo.setdefault(key, value)
            session.memo.move_to_end(key)
            while len(session.memo) > MEMO_PER_SESSION:
                session.memo.popitem(last=False)
            return kept
