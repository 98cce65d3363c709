"""The library: compress(), retrieve() and stats(). The MCP tools and the CLI are thin wrappers.

Only this module stores anything. An original is stored before its compressed form is handed
out, so every hash we return can be retrieved; if storing fails the call fails.
"""

from __future__ import annotations

import atexit
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from headroom_mcp.config import Settings, load_settings
from headroom_mcp.engines.base import MARKER_PREFIX, EngineResult, query_terms
from headroom_mcp.engines.log_lines import template_of
from headroom_mcp.errors import AccessDenied, ContentRejected, InvalidArgument
from headroom_mcp.results import (
    CompressResult,
    OriginalMatch,
    ReadResult,
    RetrievedPart,
    RetrieveResult,
    RunResult,
    StatsResult,
)
from headroom_mcp.router import KINDS, Kind, detect_kind, engine_for, kind_from_name
from headroom_mcp.store import CcrStore, StoredOriginal, UnitHit
from headroom_mcp.store.embedder import EmbeddingWorker
from headroom_mcp.tokens import count_tokens

logger = logging.getLogger(__name__)

MAX_TOKENS_LIMIT = 10_000_000
MIN_MAX_TOKENS = 50
MARKER_RESERVE_TOKENS = 80  # room kept for the final marker line inside max_tokens
DEFAULT_RETRIEVE_TOKENS = 2000
MAX_RETRIEVE_PARTS = 40
RETRIEVE_SHARE_OF_BEST = 0.5  # parts scoring under this share of the best match are left out
_HASH_RE = re.compile(r"^[0-9a-f]{6,64}$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f]")

_stores: dict[tuple[str, int, int], CcrStore] = {}
_workers: dict[tuple[str, str], EmbeddingWorker | None] = {}
_stores_lock = threading.Lock()
RRF_K = 60  # reciprocal-rank fusion constant (Cormack et al.)
VECTOR_CANDIDATES = 50


def _context() -> tuple[Settings, CcrStore]:
    settings = load_settings()
    key = (str(settings.db_path), settings.ttl_seconds, settings.max_store_bytes)
    with _stores_lock:
        store = _stores.get(key)
        if store is None:
            store = CcrStore(
                settings.db_path,
                ttl_seconds=settings.ttl_seconds,
                max_bytes=settings.max_store_bytes,
            )
            _stores[key] = store
    return settings, store


def _worker(settings: Settings, store: CcrStore) -> EmbeddingWorker | None:
    """The store's embedding worker, started on first use; None when embeddings are off or
    sqlite-vec is missing (retrieval is then lexical)."""
    key = (str(store.path), settings.embed_model)
    with _stores_lock:
        if key in _workers:
            return _workers[key]
        from headroom_mcp.store.embedder import EmbeddingWorker, embedder_for

        embedder = embedder_for(settings.embed_model)
        worker = None
        if embedder is not None and store.vectors_available():
            worker = EmbeddingWorker(store, embedder)
            worker.start()
            if not _workers:
                # A daemon thread still inside torch when the interpreter exits aborts the
                # process; stop workers first (a claimed batch is picked up next time).
                atexit.register(stop_workers)
        _workers[key] = worker
        return worker


def wait_for_embeddings(timeout: float = 30.0) -> bool:
    """Block until the embedding queue is empty (for tests and benchmarks); False on timeout."""
    import time

    settings, store = _context()
    worker = _worker(settings, store)
    if worker is None:
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        worker.wake()
        if worker.idle.wait(max(0.0, deadline - time.monotonic())) and (
            store.pending_embeddings() == 0
        ):
            return True
    return False


def stop_workers() -> None:
    """Stop every embedding worker this process started (tests, shutdown)."""
    with _stores_lock:
        workers = [w for w in _workers.values() if w is not None]
        _workers.clear()
    for worker in workers:
        worker.stop()


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
) -> CompressResult:
    """Store `content` and return a compressed view of it that keeps what matters for `query`.

    Content under the passthrough threshold (HEADROOM_MCP_MIN_TOKENS) comes back unchanged, as
    does content that compression would not make smaller. The output never exceeds
    `max_tokens` when it is given. `name` (a file name) helps pick the kind and language.

    Raises:
        ContentRejected: the content is not valid Unicode or is over the size limit.
        InvalidArgument: `kind` or `max_tokens` is not acceptable.
        StoreError: the original could not be stored (nothing is returned then).
    """
    settings, store = _context()
    worker = _worker(settings, store)
    if worker is None:
        return _compress(settings, store, content, query, kind, max_tokens, name, client)
    with worker.request():
        result = _compress(settings, store, content, query, kind, max_tokens, name, client)
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
    stored = store.put(content, kind=detected, tokens=tokens, units=units)
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
    try:
        return engine_for(kind, name)(content, query, budget)
    except (ValueError, RecursionError) as exc:
        # Forced kind that does not fit (kind="json" on text): the text engine always works.
        logger.info("engine %s declined (%s); using text", kind, type(exc).__name__)
        from headroom_mcp.engines.text import compress_text

        result = compress_text(content, query, budget)
        return EngineResult(
            result.text, (f"{kind}:unparseable", *result.transforms), result.omitted
        )


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
) -> RetrieveResult:
    """The original stored under `hash`, or only the parts of it that match `query`; with a
    query and no hash, the stored originals that match it, each with its best snippet.

    Raises:
        UnknownHash: nothing is stored under that hash (never stored here, or expired).
        InvalidArgument: the hash is malformed, `max_tokens` is out of range, or neither a hash
            nor a query was given.
    """
    _check_max_tokens(max_tokens)
    settings, store = _context()
    if hash is None or (isinstance(hash, str) and not hash.strip()):
        if not query or not query.strip():
            raise InvalidArgument(
                "Give a hash (from a headroom_compress result), a query, or both: "
                'headroom_retrieve(query="payment timeout") searches everything stored.'
            )
        return _search_everything(store, query, max_tokens, client)
    digest = store.resolve(check_hash(hash))
    original = store.get(digest)
    content = original.content or ""
    total_units = store.unit_count(digest)
    if not query or not query.strip():
        result = _whole(
            original.short, original.kind, content, original.tokens, total_units, max_tokens
        )
    else:
        hits, how = _find_parts(settings, store, digest, query)
        result = _matching(
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


MAX_ORIGINALS_FOUND = 10
SNIPPET_CHARS = 600


def _find_everywhere(
    store: CcrStore, query: str
) -> tuple[list[tuple[StoredOriginal, UnitHit]], str]:
    """Best unit per original across the store: BM25 and nearest neighbours fused by rank."""
    lexical = store.search_all(query_terms(query), MAX_ORIGINALS_FOUND * 3)
    worker = _worker(load_settings(), store)
    vector = worker.embed_query(query) if worker is not None else None
    if vector is None:
        return lexical[:MAX_ORIGINALS_FOUND], "lexical"
    nearest: list[tuple[StoredOriginal, UnitHit]] = []
    seen: set[str] = set()
    for original, hit in store.nearest_anywhere(vector, VECTOR_CANDIDATES):
        if original.digest not in seen:
            seen.add(original.digest)
            nearest.append((original, hit))
    fused: dict[str, tuple[float, StoredOriginal, UnitHit]] = {}
    for ranking in (lexical, nearest):
        for rank, (original, hit) in enumerate(ranking):
            score, _, best = fused.get(original.digest, (0.0, original, hit))
            fused[original.digest] = (score + 1.0 / (RRF_K + rank + 1), original, best)
    ordered = sorted(fused.values(), key=lambda item: -item[0])
    return [(o, h) for _, o, h in ordered][:MAX_ORIGINALS_FOUND], "hybrid (keywords + embeddings)"


def _search_everything(
    store: CcrStore, query: str, max_tokens: int | None, client: str | None
) -> RetrieveResult:
    """Originals matching `query` across the whole store (every agent's, every session's)."""
    import datetime as dt

    budget = max_tokens or DEFAULT_RETRIEVE_TOKENS
    found, how = _find_everywhere(store, query)
    blocks: list[str] = []
    matches: list[OriginalMatch] = []
    spent = 0
    for original, hit in found:
        stored = dt.datetime.fromtimestamp(original.created_at, dt.UTC)
        snippet = store.slice_of(original.digest, hit.start, hit.end)
        if len(snippet) > SNIPPET_CHARS:
            snippet = snippet[:SNIPPET_CHARS] + f"…{MARKER_PREFIX}: part cut]"
        block = (
            f'{MARKER_PREFIX}: hash="{original.short}" · {original.kind} · {original.tokens:,} '
            f"tokens · stored {stored:%Y-%m-%d %H:%M} UTC · {hit.location}]\n{snippet}"
        )
        cost = count_tokens(block)
        if matches and spent + cost > budget:
            break
        blocks.append(block)
        spent += cost
        matches.append(
            OriginalMatch(original.short, original.kind, original.tokens,
                          stored.isoformat(timespec="seconds"), hit.location)
        )  # fmt: skip
    if not matches:
        text = (
            f'{MARKER_PREFIX}: nothing stored matches "{query}" by keyword. Rephrase with words '
            "the content would contain.]"
        )
    else:
        text = "\n".join(blocks)
    store.record_event("retrieve", kind=None, digest=None, tokens_before=0,
                       tokens_after=count_tokens(text), client=client)  # fmt: skip
    return RetrieveResult(
        None, "search", text, False, query, how, [], len(found), 0, 0,
        count_tokens(text), matches,
    )  # fmt: skip


def _whole(
    short: str, kind: str, content: str, tokens: int, total_units: int, max_tokens: int | None
) -> RetrieveResult:
    if max_tokens is None or tokens <= max_tokens:
        return RetrieveResult(
            short, kind, content, True, None, "none", [], 0, total_units, tokens, tokens
        )
    marker = (
        f"{MARKER_PREFIX}: cut at max_tokens={max_tokens}; call "
        f'headroom_retrieve(hash="{short}") without max_tokens for all of it, or pass a query]'
    )
    room = max_tokens - count_tokens(marker) - 1
    cut = _head_within(content, room)
    text = f"{cut}\n{marker}"
    return RetrieveResult(
        short, kind, text, False, None, "none", [], 0, total_units, tokens, count_tokens(text)
    )


def _head_within(content: str, room: int) -> str:
    lines = content.split("\n")
    kept = []
    for line in lines:
        cost = count_tokens(line) + 1
        if cost > room:
            break
        kept.append(line)
        room -= cost
    return "\n".join(kept)


def _matching(
    short: str,
    kind: str,
    content: str,
    tokens: int,
    query: str,
    hits: list[UnitHit],
    total_units: int,
    max_tokens: int | None,
    how: str = "lexical",
) -> RetrieveResult:
    budget = max_tokens or DEFAULT_RETRIEVE_TOKENS
    if not hits:
        note = (
            f'{MARKER_PREFIX}: no part of {short} contains the words of "{query}" '
            f"(searched {total_units} parts by keyword). Rephrase with words that appear in "
            f'the content, or call headroom_retrieve(hash="{short}") for all of it]'
        )
        return RetrieveResult(
            short,
            kind,
            note,
            False,
            query,
            how,
            [],
            0,
            total_units,
            tokens,
            count_tokens(note),
        )
    best = hits[0].score
    chosen: list[UnitHit] = []
    shapes: set[str] = set()
    spent = 0
    for hit in hits:
        if len(chosen) >= MAX_RETRIEVE_PARTS or hit.score < RETRIEVE_SHARE_OF_BEST * best:
            break
        text = content[hit.start : hit.end]
        shape = template_of(text)  # the same line again with other numbers or ids adds little
        if shape in shapes:
            continue
        cost = count_tokens(text) + 12
        if spent + cost > budget and chosen:
            continue
        chosen.append(hit)
        shapes.add(shape)
        spent += cost
    chosen.sort(key=lambda h: h.seq)
    blocks = [
        f"{MARKER_PREFIX}: {where}]\n{content[start:end]}"
        for where, start, end in _merge_adjacent(chosen)
    ]
    if len(chosen) == 1 and count_tokens(blocks[0]) > budget:
        blocks = [
            _head_within(blocks[0], budget) + f"\n{MARKER_PREFIX}: part cut at {budget} tokens]"
        ]
    text = "\n".join(blocks)
    parts = [RetrievedPart(h.location, h.start, h.end) for h in chosen]
    return RetrieveResult(
        short,
        kind,
        text,
        False,
        query,
        how,
        parts,
        len(hits),
        total_units,
        tokens,
        count_tokens(text),
    )


def _find_parts(
    settings: Settings, store: CcrStore, digest: str, query: str
) -> tuple[list[UnitHit], str]:
    """Units matching `query`: BM25 and embedding neighbours fused by reciprocal rank, or BM25
    alone while embeddings are off, loading or pending; the label says which."""
    lexical = store.search_units(digest, query_terms(query))
    worker = _worker(settings, store)
    if worker is None:
        return lexical, "lexical"
    vector = worker.embed_query(query)
    if vector is None:
        return lexical, "lexical (the embedding model is still loading)"
    nearest = store.nearest_units(digest, vector, VECTOR_CANDIDATES)
    pending = store.pending_embeddings(digest)
    if not nearest:
        return lexical, f"lexical ({pending} parts not embedded yet)"
    fused: dict[int, tuple[float, UnitHit]] = {}
    for ranking in (lexical, nearest):
        for rank, hit in enumerate(ranking):
            score, _ = fused.get(hit.seq, (0.0, hit))
            fused[hit.seq] = (score + 1.0 / (RRF_K + rank + 1), hit)
    hits = [
        UnitHit(h.seq, h.start, h.end, h.location, score)
        for score, h in sorted(fused.values(), key=lambda p: -p[0])
    ]
    label = "hybrid (keywords + embeddings)"
    return hits, label + (f"; {pending} parts not embedded yet" if pending else "")


def _merge_adjacent(hits: list[UnitHit]) -> list[tuple[str, int, int]]:
    """(location, start, end) blocks; neighbouring units become one block of original text, so
    what lies between them (a blank line, a closing fence) is shown as it was."""
    blocks: list[tuple[str, int, int]] = []
    prev: UnitHit | None = None
    for hit in hits:
        if prev is not None and hit.seq == prev.seq + 1 and blocks:
            where, start, _ = blocks[-1]
            first = where.split(" … ")[0]
            blocks[-1] = (f"{first} … {hit.location}", start, hit.end)
        else:
            blocks.append((hit.location, hit.start, hit.end))
        prev = hit
    return blocks


def stats() -> StatsResult:
    """Totals across every process sharing the store: calls, tokens saved, cost saved, per kind."""
    from headroom_mcp.usage import collect_stats

    settings, store = _context()
    worker = _worker(settings, store)
    model = "off" if worker is None else worker.embedder.name
    if worker is not None and worker.failed:
        model += f" (stopped: {worker.failed})"
    return collect_stats(store, settings.price_per_million_tokens, model)


def _roots(settings: Settings, client_roots: Sequence[Path] | None) -> list[Path]:
    """The client's MCP roots when it offered any, else HEADROOM_MCP_ROOTS, else the cwd."""
    chosen = client_roots or settings.roots or (Path.cwd(),)
    return [Path(r).expanduser().resolve() for r in chosen]


def _line_range(text: str, lines: str) -> tuple[str, str]:
    """The 1-based inclusive range START-END (or START) of `text`, and how it was read."""
    match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)?)?\s*", lines)
    if not match:
        raise InvalidArgument(f'lines={lines!r} is not a range: use "120-200", "120-" or "120".')
    all_lines = text.splitlines(keepends=True)
    first = int(match[1])
    last = int(match[2]) if match[2] else (len(all_lines) if "-" in lines else first)
    if first < 1 or last < first:
        raise InvalidArgument(f"lines={lines!r}: start at 1 and end at or after the start.")
    return "".join(
        all_lines[first - 1 : last]
    ), f"{first}-{min(last, len(all_lines))} of {len(all_lines)}"


def read(
    path: str,
    query: str | None = None,
    max_tokens: int | None = None,
    lines: str | None = None,
    *,
    roots: Sequence[Path] | None = None,
    client: str | None = None,
) -> ReadResult:
    """Read a file inside the allowed roots and return it compressed; the original is stored.

    Raises:
        AccessDenied: outside the roots (also through `..` or a symlink), a likely secret,
            binary, or too large.
    """
    from headroom_mcp.access import check_readable, resolve_inside

    settings, _ = _context()
    resolved = resolve_inside(path, _roots(settings, roots))
    limit = settings.max_content_bytes if lines is None else 2**62
    check_readable(resolved, settings.allow_secrets, limit)
    try:
        text = resolved.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AccessDenied(
            f"Refusing to read {resolved}: byte {exc.start} is not UTF-8, so it is not text."
        ) from None
    span = f"1-{text.count(chr(10)) + 1}"
    if lines is not None:
        text, span = _line_range(text, lines)
    result = compress(text, query, "auto", max_tokens, name=resolved.name, client=client)
    return ReadResult(**asdict(result), path=str(resolved), lines_read=span)


def run(
    argv: list[str],
    query: str | None = None,
    max_tokens: int | None = None,
    cwd: str | None = None,
    *,
    roots: Sequence[Path] | None = None,
    client: str | None = None,
) -> RunResult:
    """Run one allowlisted command (no shell) and return its output compressed.

    Raises:
        AccessDenied: headroom_run is off, the command is not allowlisted, a path argument or
            `cwd` is outside the roots, or the command timed out (its partial output is stored).
    """
    from headroom_mcp.access import resolve_inside
    from headroom_mcp.runner import check_command, kind_for, run_command

    settings, _ = _context()
    allowed_roots = _roots(settings, roots)
    check_command(argv, settings.run_allow, allowed_roots)
    workdir = resolve_inside(cwd, allowed_roots) if cwd else allowed_roots[0]
    output = run_command(argv, workdir, settings.run_timeout_seconds, settings.run_max_output_bytes)
    if output.timed_out:
        partial = compress(output.text, query, kind_for(argv), client=client)
        raise AccessDenied(
            f"{' '.join(argv)!r} timed out after {settings.run_timeout_seconds:g} s "
            "(HEADROOM_MCP_RUN_TIMEOUT_SECONDS) and was stopped. Its partial output is stored: "
            f'headroom_retrieve(hash="{partial.hash}").'
        )
    result = compress(output.text, query, kind_for(argv), max_tokens, client=client)
    return RunResult(
        **asdict(result),
        command=list(argv),
        exit_code=output.exit_code,
        output_truncated=output.truncated,
    )


def list_originals(limit: int = 200) -> list[tuple[str, str, int, int, float]]:
    """(hash, kind, bytes, tokens, stored_at) of stored originals, most recently used first."""
    _, store = _context()
    return [
        (o.short, o.kind, o.size_bytes, o.tokens, o.created_at) for o in store.list_originals(limit)
    ]
