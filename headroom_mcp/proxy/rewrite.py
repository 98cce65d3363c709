"""The rewriter: a request body in, the body to forward out, with tool results compressed.

Only tool-result text changes. System prompts, the user's text, tool definitions and blocks
of any type the API modules do not know are forwarded as sent; a body of an unexpected shape
is forwarded unchanged. Within a session (see `session_key`) a message forwarded once is
forwarded identically on every later request (sessions.py), so the upstream prompt cache
keeps hitting: only the messages appended since the last request are rewritten, and one tool
result's compressed form is computed once.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, Protocol

from headroom_mcp.errors import HeadroomMcpError
from headroom_mcp.proxy import anthropic_messages, openai_chat, openai_responses
from headroom_mcp.proxy.config import ApiName, ProxyConfig
from headroom_mcp.proxy.sessions import (
    Entry,
    Session,
    SessionStore,
    Thread,
    common_prefix,
    copy_containers,
    place_cache_control,
    strip_cache_control,
)
from headroom_mcp.proxy.tool_text import ToolText
from headroom_mcp.tokens import count_tokens

logger = logging.getLogger(__name__)

# (tool result text, query, client label) -> the text to forward
CompressFn = Callable[[str, str | None, str], str]

# Headers in which clients name their session, most specific first.
SESSION_HEADERS = ("x-claude-code-session-id", "session-id", "x-session-affinity")

RETRIEVE_TOOL = "headroom_retrieve"
RETRIEVE_DESCRIPTION = (
    "Bring back what headroom left out of a tool result. A compressed tool result ends with a "
    'line starting "[headroom" that names a hash; call this with that hash to get the whole '
    'original, or add `query` (for example "stack trace of the timeout", "record with id '
    '42") to get only the parts that answer it. Use it when the shown part is not enough.'
)
RETRIEVE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "hash": {"type": "string", "description": "The hash a [headroom marker names."},
        "query": {
            "type": "string",
            "description": "What you need from the original; leave out to get all of it.",
        },
        "max_tokens": {"type": "integer", "description": "At most this many tokens back."},
    },
    "required": ["hash"],
}

_SAFE_ID_RE = re.compile(r"[A-Za-z0-9._:-]{1,80}")
_CLIENT_RE = re.compile(r"[A-Za-z0-9._-]{1,40}")


class ApiShape(Protocol):
    """What rewrite needs from an API module (anthropic_messages, openai_chat, ...)."""

    ITEMS_KEY: str

    def items(self, body: Mapping[str, Any]) -> list[Any] | None: ...
    def continues(self, body: Mapping[str, Any]) -> bool: ...
    def tool_names(self, items: list[Any]) -> dict[str, str]: ...
    def answered(self, items: list[Any]) -> bool: ...
    def query(self, items: list[Any]) -> str | None: ...
    def rewrite_item(self, item: Any, names: Mapping[str, str], rewrite: ToolText) -> Any: ...
    def session_hint(self, body: Mapping[str, Any]) -> str | None: ...
    def seed(self, body: Mapping[str, Any], items: list[Any]) -> str: ...
    def with_tool(
        self, body: Mapping[str, Any], name: str, description: str, schema: dict[str, Any]
    ) -> dict[str, Any] | None: ...


SHAPES: dict[str, ApiShape] = {
    "anthropic": anthropic_messages,
    "openai_chat": openai_chat,
    "openai_responses": openai_responses,
}


@dataclass(frozen=True)
class Rewrite:
    """What rewrite() did to one request.

    `body` is the body to forward (the received dict is never modified; unchanged parts are
    shared with it). `session` is the session key, safe to show. `client` is the client's
    label from its user-agent. `tokens_before`/`tokens_after` count all tool-result text in the
    received and in the forwarded body. `compressed` counts the tool results forwarded smaller
    among the messages rewritten now; `replayed` counts the messages (or input items) taken
    from the session's earlier forward.
    """

    body: dict[str, Any]
    session: str
    client: str
    tokens_before: int
    tokens_after: int
    compressed: int
    replayed: int


@dataclass(frozen=True)
class Outcome:
    """The decision for one tool result's text: `text` None means forward it as received."""

    text: str | None
    tokens_before: int
    tokens_after: int


class _Tally:
    """Tool-result tokens and compressions seen while rewriting messages."""

    def __init__(self) -> None:
        self.before = self.after = self.compressed = self.chars = 0

    def add(self, text: str, outcome: Outcome) -> None:
        self.before += outcome.tokens_before
        self.after += outcome.tokens_after
        self.chars += len(text)
        if outcome.text is not None:
            self.compressed += 1
            self.chars += len(outcome.text)


def compress_with_api(text: str, query: str | None, client: str) -> str:
    """The default CompressFn: headroom's router and engines, with the original stored so
    headroom_retrieve and stats see it."""
    from headroom_mcp import api  # the engines load on the first tool result, not at start-up

    return api.compress(text, query=query, client=f"proxy:{client}").compressed


def client_label(headers: Mapping[str, str]) -> str:
    """The product name from the user-agent ("claude-cli/2.1.3 (external)" -> "claude-cli")."""
    agent = _header(headers, "user-agent") or ""
    found = _CLIENT_RE.match(agent.strip())
    return found.group(0) if found else "unknown"


def session_key(
    shape: ApiShape, body: Mapping[str, Any], items: list[Any], headers: Mapping[str, str]
) -> str:
    """The client's session header, else the body's session hint (hashed), else a hash of the
    system prompt and first user message."""
    for name in SESSION_HEADERS:
        value = (_header(headers, name) or "").strip()
        if value:
            return value if _SAFE_ID_RE.fullmatch(value) else f"h-{_digest(value)}"
    hint = shape.session_hint(body)
    if hint is not None:
        return f"k-{_digest(hint)}"
    return f"c-{_digest(shape.seed(body, items))}"


class Rewriter:
    """Rewrites request bodies for one proxy process; safe to call from several threads."""

    def __init__(self, config: ProxyConfig, compress: CompressFn | None = None) -> None:
        self._config = config
        self._compress = compress if compress is not None else compress_with_api
        self._store = SessionStore()
        self._min_tokens = config.min_tokens
        self._min_lock = threading.Lock()

    def rewrite(self, api: ApiName, body: Mapping[str, Any], headers: Mapping[str, str]) -> Rewrite:
        """The body to forward for `body`, sent to `api`, and what was done to it."""
        client = client_label(headers)
        try:
            return self._rewrite(SHAPES[api], api, body, headers, client)
        except Exception:  # top of a request: forwarding as received beats failing the call
            logger.exception("rewrite failed api=%s; forwarding the body as received", api)
            return Rewrite(dict(body), "", client, 0, 0, 0, 0)

    def _rewrite(
        self,
        shape: ApiShape,
        api: str,
        body: Mapping[str, Any],
        headers: Mapping[str, str],
        client: str,
    ) -> Rewrite:
        items = shape.items(body)
        if items is None:
            key = session_key(shape, body, [], headers)
            return Rewrite(dict(body), key, client, 0, 0, 0, 0)
        key = session_key(shape, body, items, headers)
        session = self._store.session(f"{api}/{key}")
        names = shape.tool_names(items)
        rewrite_text = self._tool_text(session, shape.query(items), client)
        tally = rewrite_text.tally
        fresh = self._config.inject_retrieve and (
            not shape.answered(items) or RETRIEVE_TOOL in names.values()
        )

        if shape.continues(body):  # the server holds the earlier turns: nothing to replay
            forwarded = [shape.rewrite_item(item, names, rewrite_text) for item in items]
            inject = self._store.continuing_inject(session)
            replayed, before, after = 0, tally.before, tally.after
        else:
            forwarded, inject, replayed, before, after = self._replay(
                shape, session, items, names, rewrite_text, fresh
            )

        out: dict[str, Any] = {**body, shape.ITEMS_KEY: forwarded}
        if inject:
            out = shape.with_tool(out, RETRIEVE_TOOL, RETRIEVE_DESCRIPTION, RETRIEVE_SCHEMA) or out
        return Rewrite(out, key, client, before, after, tally.compressed, replayed)

    def _replay(
        self,
        shape: ApiShape,
        session: Session,
        items: list[Any],
        names: Mapping[str, str],
        rewrite_text: _ToolText,
        fresh: bool,
    ) -> tuple[list[Any], bool, int, int, int]:
        """The forwarded messages of a whole-history request: the start it shares with a
        remembered thread replayed, the rest rewritten; the thread is then remembered.
        Returns them, whether the thread gets the retrieve tool, how many were replayed and
        the tool-result tokens before and after."""
        tally = rewrite_text.tally
        received = [strip_cache_control(item) for item in items]
        previous, shared = self._continued_thread(session, received)
        prefix = previous.entries[:shared] if previous is not None else ()
        inject = previous.inject if previous is not None else fresh
        forwarded = [
            place_cache_control(entry.sent, item)
            for entry, item in zip(prefix, items, strict=False)
        ]
        entries = list(prefix)
        for item, plain in zip(items[shared:], received[shared:], strict=True):
            start = (tally.before, tally.after, tally.chars)
            sent = shape.rewrite_item(item, names, rewrite_text)
            forwarded.append(sent)
            entries.append(
                Entry(
                    copy_containers(plain),
                    copy_containers(strip_cache_control(sent)),
                    tally.before - start[0],
                    tally.after - start[1],
                    tally.chars - start[2],
                )
            )
        # A request that stops short of the thread it matched is a fork (a retry, a rewind, a
        # side request): the longer conversation stays remembered too.
        forked = previous is not None and shared < len(previous.entries)
        self._store.commit(session, None if forked else previous, Thread(tuple(entries), inject))
        before = tally.before + sum(e.tokens_before for e in prefix)
        after = tally.after + sum(e.tokens_after for e in prefix)
        return forwarded, inject, shared, before, after

    def _continued_thread(self, session: Session, received: list[Any]) -> tuple[Thread | None, int]:
        """The remembered thread sharing the longest start with `received`, and its length."""
        best: Thread | None = None
        shared = 0
        for thread in self._store.threads(session):
            length = common_prefix(received, thread.entries)
            if length > shared:
                best, shared = thread, length
        return best, shared

    def _tool_text(self, session: Session, query: str | None, client: str) -> _ToolText:
        return _ToolText(self, session, query, client)

    def decide(
        self, text: str, tool: str, is_error: bool, query: str | None, client: str
    ) -> Outcome:
        """Whether and how to compress one tool result's text (not memoised)."""
        before = count_tokens(text)
        if (
            any(fnmatchcase(tool, glob) for glob in self._config.exclude_tools)
            or (is_error and before <= self._config.error_keep_tokens)
            or before < self._min_tokens_now()
        ):
            return Outcome(None, before, before)
        try:
            shown = self._compress(text, query, client)
        except HeadroomMcpError as exc:
            logger.warning(
                "compress failed (%s) tokens=%d; forwarding the tool result as received",
                type(exc).__name__,
                before,
            )
            return Outcome(None, before, before)
        after = count_tokens(shown)
        return Outcome(shown, before, after) if after < before else Outcome(None, before, before)

    @property
    def sessions(self) -> SessionStore:
        """The per-session memory (for stats and tests)."""
        return self._store

    def _min_tokens_now(self) -> int:
        if self._min_tokens is None:
            from headroom_mcp.config import load_settings

            with self._min_lock:
                if self._min_tokens is None:
                    self._min_tokens = load_settings().min_tokens
        return self._min_tokens


class _ToolText:
    """The ToolText callback for one request: memoised per session by (tool, is_error, text)."""

    def __init__(self, rewriter: Rewriter, session: Session, query: str | None, client: str):
        self._rewriter = rewriter
        self._session = session
        self._query = query
        self._client = client
        self.tally = _Tally()

    def __call__(self, text: str, tool: str, is_error: bool) -> str:
        store = self._rewriter.sessions
        key = (tool, is_error, hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest())
        outcome = store.recall(self._session, key)
        if outcome is None:
            decided = self._rewriter.decide(text, tool, is_error, self._query, self._client)
            outcome = store.remember(self._session, key, decided)
        self.tally.add(text, outcome)
        return text if outcome.text is None else outcome.text


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is not None:
        return value
    return next((v for k, v in headers.items() if k.lower() == name), None)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
