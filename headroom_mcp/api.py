"""The library: compress(), retrieve() and stats(). The MCP tools and the CLI are thin wrappers.

Only this module stores anything. An original is stored before its compressed form is handed
out, so every hash we return can be retrieved; if storing fails the call fails.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from headroom_mcp.config import Settings
from headroom_mcp.context import current, worker_for
from headroom_mcp.engines.base import MARKER_PREFIX, EngineResult
from headroom_mcp.errors import ContentRejected, InvalidArgument, UnknownHash
from headroom_mcp.kinds import KindDeclined, Options, kind_module
from headroom_mcp.kinds.base import Embed
from headroom_mcp.numbered_lines import Numbered, compress_numbered, split_numbered
from headroom_mcp.project_rules import ProjectRules
from headroom_mcp.results import CompressResult, RetrieveResult, StatsResult
from headroom_mcp.retrieval import find_parts, matching_parts
from headroom_mcp.retrieval_pages import page_of_original, whole_original
from headroom_mcp.retrieval_query import QueryPlan, plan_query
from headroom_mcp.retrieval_store import search_everything
from headroom_mcp.router import KINDS, kind_from_name, rank_kinds
from headroom_mcp.store import CcrStore
from headroom_mcp.store.ccr import SHARED_ORIGIN
from headroom_mcp.tokens import count_tokens, count_tokens_soon

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


Progress = Callable[[float, str], None]


def _no_progress(fraction: float, message: str) -> None:
    """Progress goes nowhere unless a caller asks for it."""


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
    progress: Progress | None = None,
    origin: str | None = None,
) -> CompressResult:
    """Store `content` and return a compressed view of it that keeps what matters for `query`.

    `compressed` is the text the model reads: the engine's output and a footer line with the
    token counts, what was left out and the headroom_retrieve calls that bring it back;
    `compressed_tokens` counts all of it. Content under the passthrough threshold
    (HEADROOM_MCP_MIN_TOKENS) comes back unchanged with no footer, as does content that
    compression would not make smaller; either way it is stored. The output never exceeds
    `max_tokens` when it is given. `name` (a file name) helps pick the kind and language.
    `progress(fraction, message)` is called between the stages of a large compress.
    `origin` is the path headroom_read/headroom_run took the content from: only callers whose
    roots contain it may retrieve it (see `retrieve(roots=...)`).

    Raises:
        ContentRejected: the content is not valid Unicode or is over the size limit.
        InvalidArgument: `kind` or `max_tokens` is not acceptable.
        StoreError: the original could not be stored (nothing is returned then).
    """
    settings, store = current()
    worker = worker_for(settings, store)
    report = progress if progress is not None else _no_progress
    args = (settings, store, content, query, kind, max_tokens, name, client, report, origin)
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
    progress: Progress,
    origin: str | None = None,
) -> CompressResult:
    _check_max_tokens(max_tokens)
    if kind != "auto" and kind not in KINDS:
        raise InvalidArgument(
            f'kind="{kind}" is not a kind headroom knows. Use "auto" or one of: {", ".join(KINDS)}.'
        )
    _check_content(content, settings)
    progress(0.0, "counting tokens")
    counted = count_tokens_soon(content)
    binary = looks_binary(content)
    # A file-read tool's numbered lines: kinds see the bare text, the store keeps the original.
    numbered = None if binary else split_numbered(content)
    bare = numbered.bare if numbered else content
    if kind == "auto" and not binary and name:
        kind = kind_from_name(name) or "auto"
    if binary:
        candidates = ["text"]
    elif kind == "auto":
        candidates = [k for _, k in rank_kinds(bare)]
    else:
        candidates = [kind] if kind == "text" else [kind, "text"]
    detected = candidates[0]
    transforms = [f"router:{detected}" if kind == "auto" else f"kind:{detected}"]
    rules = _project_rules(settings)
    options = Options(
        name=name,
        embed=_warm_embedder(),
        kompress_model=settings.kompress_model,
        field_rules=rules.field_rules(name),
    )

    progress(0.2, f"cutting {detected} into retrievable units")
    units = kind_module(detected).units(bare, options)
    if numbered:
        units = numbered.units_in_original(units)
    progress(0.4, "storing the original")
    tokens = counted()
    embed = settings.embed_model != "off"
    stored = store.put(
        content, kind=detected, tokens=tokens, units=units, embed=embed,
        origin=origin or SHARED_ORIGIN,
    )  # fmt: skip
    progress(0.6, f"compressing as {detected}")
    fits = max_tokens is None or tokens <= max_tokens
    if binary or (tokens < settings.min_tokens and fits):
        reason = "binary" if binary else f"under {settings.min_tokens} tokens"
        result = _passthrough(
            content, stored.short, detected, tokens, [*transforms, f"passthrough:{reason}"]
        )
    else:
        result = _compressed(
            content, query, max_tokens, stored.short, candidates, options, tokens, transforms,
            rules.budget(detected), numbered,
        )  # fmt: skip
    if not store.touch(stored.digest):  # TTL counts from now; evicted meanwhile: store again
        store.put(
            content, kind=detected, tokens=tokens, units=units, embed=embed,
            origin=origin or SHARED_ORIGIN,
        )  # fmt: skip
    progress(1.0, "done")
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


FLOOR_SHARE = 0.05  # output whose content lines are under this share of it is markers only


def keeps_content(text: str, reference_tokens: int) -> bool:
    """Whether an engine's output shows the model some of the input: at least one line that
    is not a headroom marker, and not a mere sliver of the output or budget."""
    content_lines = [
        line for line in text.split("\n") if line.strip() and not line.startswith(MARKER_PREFIX)
    ]
    if not content_lines:
        return False
    if reference_tokens < 200:
        return True
    return count_tokens("\n".join(content_lines)) >= FLOOR_SHARE * reference_tokens


def run_kinds(
    candidates: list[str], content: str, query: str | None, budget: int | None, options: Options
) -> tuple[str, EngineResult, list[str]]:
    """The first candidate kind whose engine takes the content and keeps some of it: a kind
    that declines, or whose output would be markers only, hands over to the next, and the
    text kind (last) always answers. Returns the kind used, its result and what was skipped."""
    skipped: list[str] = []
    for position, name in enumerate(candidates):
        last = position == len(candidates) - 1
        try:
            result = kind_module(name).compress(content, query, budget, options)
        except (KindDeclined, ValueError, RecursionError) as exc:
            if last:
                raise
            logger.info("kind %s declined (%s); trying the next", name, type(exc).__name__)
            skipped.append(f"{name}:declined")
            continue
        except Exception:  # an engine bug must not cost the user their answer: log, fall back
            if last:
                raise
            logger.exception("kind %s failed; trying the next", name)
            skipped.append(f"{name}:failed")
            continue
        reference = budget if budget is not None else count_tokens(result.text)
        if last or keeps_content(result.text, reference):
            return name, result, skipped
        skipped.append(f"floor:{name}-kept-no-content")
    raise AssertionError("the text kind always answers")  # pragma: no cover


def _project_rules(settings: Settings) -> ProjectRules:
    """The rules of the project headroom serves (`.headroom-mcp.toml` in its first root, else
    in the working directory): field keep/drop rules and per-kind budgets, yours and learned.

    Raises:
        ConfigError: the file is not valid TOML or a rule has the wrong shape.
    """
    from pathlib import Path

    from headroom_mcp.project_rules import load_project_rules

    return load_project_rules(settings.roots[0] if settings.roots else Path.cwd())


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
    candidates: list[str],
    options: Options,
    tokens: int,
    transforms: list[str],
    project_budget: int | None = None,
    numbered: Numbered | None = None,
) -> CompressResult:
    budget = None if max_tokens is None else max(1, max_tokens - MARKER_RESERVE_TOKENS)
    if budget is None and project_budget is not None:
        budget = project_budget  # [budgets] in .headroom-mcp.toml (yours or learned)
    if candidates[-1] != "text":
        candidates = [*candidates, "text"]
    if numbered is None:
        kind, result, skipped = run_kinds(candidates, content, query, budget, options)
    else:  # the engines see the bare text; the numbers go back on, within the budget
        run = functools.partial(run_kinds, candidates, numbered.bare, query, options=options)
        kind, result, skipped = compress_numbered(numbered, run, budget)
    transforms = [*transforms, *skipped]
    body = result.text
    if not keeps_content(body, 0):
        # Even the text kind kept nothing (a budget smaller than any line): show the head.
        room = (budget or DEFAULT_FLOOR_TOKENS) - 2 * MARKER_RESERVE_TOKENS // 3
        body = _head_of(content, max(MIN_FLOOR_TOKENS, room))
        transforms.append("floor:head")
    text, after = with_footer(body, tokens, result.omitted, short, query)
    if after >= tokens and (max_tokens is None or tokens <= max_tokens):
        return _passthrough(content, short, kind, tokens, [*transforms, "passthrough:no-gain"])
    if max_tokens is not None and after > max_tokens:
        text, after = _hard_cut(body, max_tokens, tokens, short, query)
        transforms.append("budget:cut")
    saved = round(100.0 * (tokens - after) / tokens, 1) if tokens else 0.0
    return CompressResult(
        text, short, kind, tokens, after, saved, [*transforms, *result.transforms]
    )


def footer_line(
    before: int,
    after: int,
    omitted: str | None,
    short: str,
    query: str | None,
    *,
    brief: bool = False,
) -> str:
    """The last line of a compressed result: the token counts, what is missing, and the calls
    that bring it back. `after` counts the whole text the model reads, this line included.
    `brief` leaves out what is missing and the query form, for very small budgets."""
    counts = f"{MARKER_PREFIX}: {before:,} → {after:,} tokens"
    whole = f'all of it: headroom_retrieve(hash="{short}")'
    if brief:
        return f"{counts} · {whole}]"
    hint = query.replace('"', "'") if query else "what you need"
    what = f"; {omitted}" if omitted else ""
    return (
        f"{counts}{what} · {whole} · only the parts you need: "
        f'headroom_retrieve(hash="{short}", query="{hint}")]'
    )


def with_footer(
    body: str,
    before: int,
    omitted: str | None,
    short: str,
    query: str | None,
    *,
    brief: bool = False,
) -> tuple[str, int]:
    """`body` plus its footer, and the token count of the two together (the footer states
    that count, so it is settled by recounting until it no longer changes)."""
    # cl100k never merges across the start of a line that begins with "[": the body and its
    # line break count the same alone as before the footer, so only the footer is recounted.
    head = count_tokens(f"{body}\n") if body else 0
    after = head + 60
    for _ in range(4):
        line = footer_line(before, after, omitted, short, query, brief=brief)
        counted = head + count_tokens(line)
        if counted == after:
            break
        after = counted
    text = f"{body}\n{line}" if body else line
    return text, head + count_tokens(line)


BRIEF_FOOTER_BELOW = 200  # max_tokens under which the footer keeps only the counts and hash


def _hard_cut(
    body: str, max_tokens: int, before: int, short: str, query: str | None
) -> tuple[str, int]:
    """Whole lines from the top until `max_tokens`, then the footer: the last resort. A first
    line too long to fit whole is cut, so something of the content is always shown."""
    omitted = "the rest was cut to fit max_tokens"
    brief = max_tokens < BRIEF_FOOTER_BELOW
    footer = footer_line(before, max_tokens, omitted, short, query, brief=brief)
    room = max_tokens - count_tokens(footer) - 2
    return with_footer(_head_of(body, room), before, omitted, short, query, brief=brief)


DEFAULT_FLOOR_TOKENS = 400
MIN_FLOOR_TOKENS = 20


def _head_of(text: str, room: int) -> str:
    """The first lines of `text` within `room` tokens (leading blank lines skipped); a line
    too long to fit is cut rather than left out while no content line (only our markers, or
    nothing) is shown yet, so the result always shows some of the content."""
    kept: list[str] = []
    for line in text.split("\n"):
        if not line.strip() and not kept:
            continue
        cost = count_tokens(line) + 1
        if cost > room:
            if not any(k.strip() and not k.startswith(MARKER_PREFIX) for k in kept):
                kept.append(_cut_to_tokens(line, room))
            break
        kept.append(line)
        room -= cost
    return "\n".join(kept)


def _cut_to_tokens(line: str, room: int) -> str:
    """The longest head of `line` that fits `room` tokens with its cut marker."""
    marker_cost = 12
    chars = max(0, (room - marker_cost) * 3)
    while chars > 0 and count_tokens(line[:chars]) > room - marker_cost:
        chars = chars * 3 // 4
    return f"{line[:chars]}…{MARKER_PREFIX}: +{len(line) - chars:,} chars]"


ERRORS_SHARE = 0.4  # a question about errors may read back up to this share of the original


def answer_budget(settings: Settings, plan: QueryPlan, original_tokens: int) -> int:
    """How much a retrieve with a query returns when max_tokens is not given: the configured
    budget (HEADROOM_MCP_RETRIEVE_TOKENS); a question for the errors or warnings in general
    ("errors, failures and unusual events") in a large original gets up to ERRORS_SHARE of
    it, at most one page, since every error instance (which host, which id, which test) may
    be the answer and they are what was asked for."""
    if not plan.only_intent:
        return settings.retrieve_tokens
    share = int(ERRORS_SHARE * original_tokens)
    return max(settings.retrieve_tokens, min(share, settings.page_tokens))


def _check_offset(offset: int | None) -> int:
    if offset is None:
        return 0
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise InvalidArgument(
            f"offset must be a character position of 0 or more, not {offset!r}: use the "
            "next_offset of the previous page, or leave it out for the first page."
        )
    return offset


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
    offset: int | None = None,
    page_tokens: int | None = None,
    client: str | None = None,
    roots: Sequence[Path] | None = None,
) -> RetrieveResult:
    """The original stored under `hash`, or only the parts of it that match `query`; with a
    query and no hash, the stored originals that match it, each with its best snippet.
    With `roots` (an MCP server's roots), originals read from paths outside them are treated
    as absent; None (the CLI, the library) sees everything.

    Without a query the whole original comes back, unless `offset` or `page_tokens` asks for
    one page of it (what the MCP tool does): the characters from `offset` on, at most
    `page_tokens` tokens, with `next_offset` naming where the next page starts.

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
            return search_everything(store, query, max_tokens or settings.retrieve_tokens, client)
    digest = store.resolve(check_hash(hash))
    if not store.is_visible(digest, roots):
        raise UnknownHash(store.missing_message(hash.strip().lower()))
    original = store.get(digest)
    content = original.content or ""
    total_units = store.unit_count(digest)
    if not query or not query.strip():
        if offset is None and page_tokens is None:
            result = whole_original(
                original.short, original.kind, content, original.tokens, total_units, max_tokens
            )
        else:
            limit = min(t for t in (max_tokens, page_tokens, settings.page_tokens) if t)
            result = page_of_original(
                original.short, original.kind, content, original.tokens, total_units,
                _check_offset(offset), limit,
            )  # fmt: skip
    else:
        plan = plan_query(query)
        found = find_parts(settings, store, digest, plan, content)
        result = matching_parts(
            original.short, original.kind, content, original.tokens, query, found, total_units,
            max_tokens or answer_budget(settings, plan, original.tokens), _check_offset(offset),
            errors_asked=plan.errors or plan.warnings, strict=max_tokens is not None,
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
    from headroom_mcp.context import background_embedding
    from headroom_mcp.usage import collect_stats

    settings, store = current()
    worker = worker_for(settings, store)
    model = "off" if worker is None else worker.embedder.name
    if settings.embed_model != "off" and not background_embedding():
        model = "not loaded by one-shot commands (a running server embeds waiting units)"
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


def forget(hash: str) -> str:
    """Delete the original stored under `hash` (with its index entries); returns its short
    hash. Events already counted in stats stay.

    Raises:
        UnknownHash: nothing is stored under that hash.
        InvalidArgument: the hash is malformed.
    """
    _, store = current()
    digest = store.resolve(check_hash(hash))
    short = store.get(digest).short
    store.forget(digest)
    return short
