"""The library: compress(), retrieve() and stats(). The MCP tools and the CLI are thin wrappers.

Only this module stores anything. An original is stored before its compressed form is handed
out, so every hash we return can be retrieved; if storing fails the call fails.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Sequence
from pathlib import Path

from headroom_mcp.config import Settings, load_settings
from headroom_mcp.context import current, worker_for
from headroom_mcp.engines.base import MARKER_PREFIX, EngineResult
from headroom_mcp.engines.prose import Embed
from headroom_mcp.errors import ContentRejected, InvalidArgument, UnknownHash
from headroom_mcp.results import CompressResult, RetrieveResult, StatsResult
from headroom_mcp.retrieval import find_parts, matching_parts, search_everything, whole_original
from headroom_mcp.router import KINDS, Kind, detect_kind, engine_for, kind_from_name
from headroom_mcp.store import CcrStore
from headroom_mcp.store.ccr import SHARED_ORIGIN
from headroom_mcp.tokens import count_tokens

logger = logging.getLogger(__name__)

MAX_TOKENS_LIMIT = 10_000_000
MIN_MAX_TOKENS = 50
MARKER_RESERVE_TOKENS = 80  # room kept for the final marker line inside max_tokens
_HASH_RE = re.compile(r"^[0-9a-f]{6,64}$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f]")


def _check_max_tokens(max_tokens: int | None) -> None:
    if max_tokens is None:
        return
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int):
        raise InvalidArgument(f"max_tokens must be a whole number of tokens, not {max_tokens!r}.")
    if not MIN_MAX_TOKENS <= max_tokens <= MAX_TOKENS_LIMIT:
        raise InvalidArgument(
            f"max_tokens={max_tokens} is out of range: give a number from {MIN_MAX_TOKENS} to "
            f"{MAX_TOKENS_LIMIT}, or leave it out to let headroom choose."
        )


def _check_content(content: str, settings: Settings) -> bytes:
    if not isinstance(content, str):
        raise InvalidArgument(f"content must be a string, not {type(content).__name__}.")
    try:
        data = content.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ContentRejected(
            f"The content is not valid Unicode text: a lone surrogate "
            f"(U+{ord(content[exc.start]):04X}) at character {exc.start}. Nothing was stored. "
            "Send the text as valid UTF-8 (replace or escape the surrogate)."
        ) from None
    if len(data) > settings.max_content_bytes:
        raise ContentRejected(
            f"The content is {len(data):,} bytes, over the {settings.max_content_bytes:,}-byte "
            "limit (HEADROOM_MCP_MAX_CONTENT_BYTES). Nothing was stored. Split it, or raise "
            "the limit."
        )
    return data


def looks_binary(content: str) -> bool:
    """NUL bytes or many control characters: not text a model can use."""
    sample = content[:8192]
    return "\x00" in sample or len(_CONTROL_RE.findall(sample)) > len(sample) // 10


def compress(
    content: str,
    query: str | None = None,
    kind: str = "auto",
    max_tokens: int | None = None,
    *,
    name: str | None = None,
    client: str | None = None,
    origin: str | None = None,
) -> CompressResult:
    """Store `content` and return a compressed view of it that keeps what matters for `query`.

    Content under the passthrough threshold (HEADROOM_MCP_MIN_TOKENS) comes back unchanged, as
    does content that compression would not make smaller. The output never exceeds
    `max_tokens` when it is given. `name` (a file name) helps pick the kind and language.
    `origin` is the path headroom_read/headroom_run took the content from: only callers whose
    roots contain it may retrieve it (see `retrieve(roots=...)`).

    Raises:
        ContentRejected: the content is not valid Unicode or is over the size limit.
        InvalidArgument: `kind` or `max_tokens` is not acceptable.
        StoreError: the original could not be stored (nothing is returned then).
    """
    settings, store = current()
    worker = worker_for(settings, store)
    args = (settings, store, content, query, kind, max_tokens, name, client, origin)
    if worker is None:
        return _compress(*args)
    with worker.request():
        result = _compress(*args)
    worker.wake()
    return result


def _compress(
    settings: Settings,
    store: CcrStore,
    content: str,
    query: str | None,
    kind: str,
    max_tokens: int | None,
    name: str | None,
    client: str | None,
    origin: str | None = None,
) -> CompressResult:
    _check_max_tokens(max_tokens)
    if kind != "auto" and kind not in KINDS:
        raise InvalidArgument(
            f'kind="{kind}" is not a kind headroom knows. Use "auto" or one of: {", ".join(KINDS)}.'
        )
    _check_content(content, settings)
    tokens = count_tokens(content)
    binary = looks_binary(content)
    if kind == "auto" and not binary and name:
        kind = kind_from_name(name) or "auto"
    detected: Kind = "text" if binary else (detect_kind(content) if kind == "auto" else kind)  # type: ignore[assignment]
    transforms = [f"router:{detected}" if kind == "auto" else f"kind:{detected}"]

    from headroom_mcp.units import split_units

    units = split_units(content, detected, name)
    stored = store.put(
        content, kind=detected, tokens=tokens, units=units, origin=origin or SHARED_ORIGIN
    )
    fits = max_tokens is None or tokens <= max_tokens
    if binary or (tokens < settings.min_tokens and fits):
        reason = "binary" if binary else f"under {settings.min_tokens} tokens"
        result = _passthrough(
            content, stored.short, detected, tokens, [*transforms, f"passthrough:{reason}"]
        )
    else:
        result = _compressed(
            content, query, max_tokens, stored.short, detected, tokens, transforms, name
        )
    if not store.touch(stored.digest):  # TTL counts from now; evicted meanwhile: store again
        store.put(
            content, kind=detected, tokens=tokens, units=units, origin=origin or SHARED_ORIGIN
        )
    store.record_event(
        "compress",
        kind=detected,
        digest=stored.digest,
        tokens_before=tokens,
        tokens_after=result.compressed_tokens,
        client=client,
    )
    logger.info(
        "compress %s kind=%s tokens=%d->%d",
        stored.short,
        detected,
        tokens,
        result.compressed_tokens,
    )
    return result


def _passthrough(
    content: str, short: str, kind: str, tokens: int, transforms: list[str]
) -> CompressResult:
    return CompressResult(content, short, kind, tokens, tokens, 0.0, transforms)


def _run_engine(
    kind: Kind, content: str, query: str | None, budget: int | None, name: str | None = None
) -> EngineResult:
    if kind == "prose" and (checkpoint := load_settings().kompress_model):
        from headroom_mcp.engines.kompress import KompressUnavailable, compress_kompress

        try:
            return compress_kompress(content, query, budget, model_path=checkpoint)
        except KompressUnavailable as exc:
            logger.warning("Kompress unavailable (%s); using the extractive prose engine", exc)
            fallback = engine_for(kind, name)(content, query, budget)
            return EngineResult(
                fallback.text, ("kompress:unavailable", *fallback.transforms), fallback.omitted
            )
    try:
        if kind in ("prose", "html") and (embed := _warm_embedder()) is not None:
            return engine_for(kind, name)(content, query, budget, embed)  # type: ignore[call-arg]
        return engine_for(kind, name)(content, query, budget)
    except (ValueError, RecursionError) as exc:
        # Forced kind that does not fit (kind="json" on text): the text engine always works.
        logger.info("engine %s declined (%s); using text", kind, type(exc).__name__)
        from headroom_mcp.engines.text import compress_text

        result = compress_text(content, query, budget)
        return EngineResult(
            result.text, (f"{kind}:unparseable", *result.transforms), result.omitted
        )


def _warm_embedder() -> Embed | None:
    """The store's embedding model if it is already loaded; never waits for it to load."""
    settings, store = current()
    worker = worker_for(settings, store)
    if worker is None or not worker.ready.is_set():
        return None
    return worker.embedder.embed


def _compressed(
    content: str,
    query: str | None,
    max_tokens: int | None,
    short: str,
    kind: Kind,
    tokens: int,
    transforms: list[str],
    name: str | None = None,
) -> CompressResult:
    budget = None if max_tokens is None else max(1, max_tokens - MARKER_RESERVE_TOKENS)
    result = _run_engine(kind, content, query, budget, name)
    text = result.text
    if result.omitted:
        text += "\n" + retrieve_marker(result.omitted, short, query)
    after = count_tokens(text)
    if after >= tokens and (max_tokens is None or tokens <= max_tokens):
        return _passthrough(content, short, kind, tokens, [*transforms, "passthrough:no-gain"])
    if max_tokens is not None and after > max_tokens:
        text = _hard_cut(text, max_tokens, short, query)
        after = count_tokens(text)
        transforms.append("budget:cut")
    saved = round(100.0 * (tokens - after) / tokens, 1) if tokens else 0.0
    return CompressResult(
        text, short, kind, tokens, after, saved, [*transforms, *result.transforms]
    )


def retrieve_marker(omitted: str, short: str, query: str | None) -> str:
    """The last line of a compressed result: what is missing and the call that brings it back."""
    hint = query.replace('"', "'") if query else "what you need"
    return (
        f'{MARKER_PREFIX}: {omitted} · all of it: headroom_retrieve(hash="{short}") · '
        f'only what matters: headroom_retrieve(hash="{short}", query="{hint}")]'
    )


def _hard_cut(text: str, max_tokens: int, short: str, query: str | None) -> str:
    """Whole lines from the top until `max_tokens`, then the marker: the last resort."""
    marker = retrieve_marker("the rest was cut to fit max_tokens", short, query)
    room = max_tokens - count_tokens(marker) - 1
    kept: list[str] = []
    for line in text.split("\n"):
        cost = count_tokens(line) + 1
        if cost > room:
            break
        kept.append(line)
        room -= cost
    return "\n".join([*kept, marker])


def check_hash(hash_text: str) -> str:
    """The hash, lower-cased; InvalidArgument when it cannot be one of ours."""
    cleaned = hash_text.strip().lower() if isinstance(hash_text, str) else ""
    if not _HASH_RE.match(cleaned):
        shown = hash_text if isinstance(hash_text, str) else type(hash_text).__name__
        raise InvalidArgument(
            f"{shown[:80]!r} is not a headroom hash: use the hex string from the `hash` field of "
            'a headroom_compress result, e.g. headroom_retrieve(hash="3f9a2c1e5b7d").'
        )
    return cleaned


def retrieve(
    hash: str | None = None,
    query: str | None = None,
    max_tokens: int | None = None,
    *,
    client: str | None = None,
    roots: Sequence[Path] | None = None,
) -> RetrieveResult:
    """The original stored under `hash`, or only the parts of it that match `query`; with a
    query and no hash, the stored originals that match it, each with its best snippet.
    With `roots` (an MCP server's roots), originals read from paths outside them are treated
    as absent; None (the CLI, the library) sees everything.

    Raises:
        UnknownHash: nothing is stored under that hash (never stored here, or expired).
        InvalidArgument: the hash is malformed, `max_tokens` is out of range, or neither a hash
            nor a query was given.
    """
    _check_max_tokens(max_tokens)
    settings, store = current()
    if hash is None or (isinstance(hash, str) and not hash.strip()):
        if not query or not query.strip():
            raise InvalidArgument(
                "Give a hash (from a headroom_compress result), a query, or both: "
                'headroom_retrieve(query="payment timeout") searches everything stored.'
            )
        with store.limited_to(roots):
            return search_everything(store, query, max_tokens, client)
    digest = store.resolve(check_hash(hash))
    if not store.is_visible(digest, roots):
        raise UnknownHash(store.missing_message(hash.strip().lower()))
    original = store.get(digest)
    content = original.content or ""
    total_units = store.unit_count(digest)
    if not query or not query.strip():
        result = whole_original(
            original.short, original.kind, content, original.tokens, total_units, max_tokens
        )
    else:
        hits, how = find_parts(settings, store, digest, query)
        result = matching_parts(
            original.short, original.kind, content, original.tokens, query, hits, total_units,
            max_tokens, how,
        )  # fmt: skip
    store.record_event(
        "retrieve",
        kind=original.kind,
        digest=digest,
        tokens_before=original.tokens,
        tokens_after=result.returned_tokens,
        client=client,
    )
    return result


def stats() -> StatsResult:
    """Totals across every process sharing the store: calls, tokens saved, cost saved, per kind."""
    from headroom_mcp.usage import collect_stats

    settings, store = current()
    worker = worker_for(settings, store)
    model = "off" if worker is None else worker.embedder.name
    if worker is not None and worker.failed:
        model += f" (stopped: {worker.failed})"
    result = collect_stats(store, settings.price_per_million_tokens, model)
    return dataclasses.replace(result, run_sandbox=run_sandbox_status(settings))


def run_sandbox_status(settings: Settings) -> str:
    """How headroom_run's commands are confined, for stats."""
    from headroom_mcp.errors import AccessDenied
    from headroom_mcp.sandbox import sandbox_for

    if not settings.run_allow and not settings.run_allow_exec:
        return "off (headroom_run is off: HEADROOM_MCP_RUN_ALLOW is empty)"
    try:
        return sandbox_for(settings.run_sandbox, settings.run_path)[1]
    except AccessDenied as exc:
        return f"refusing to run: {exc}"


def list_originals(
    limit: int = 200, roots: Sequence[Path] | None = None
) -> list[tuple[str, str, int, int, float]]:
    """(hash, kind, bytes, tokens, stored_at) of stored originals `roots` may see (None: all),
    most recently used first."""
    _, store = current()
    with store.limited_to(roots):
        originals = store.list_originals(limit)
    return [(o.short, o.kind, o.size_bytes, o.tokens, o.created_at) for o in originals]
