"""Finding the parts of one stored original that answer a query, and showing them.

Ranking fuses, by reciprocal rank, three lists: keyword matches (FTS5 BM25 over each word's
forms), the units the original's kind tagged as errors or warnings when the question asks
about those, and embedding neighbours (vectors computed on demand for this original's units
when the background indexer has not reached them). Parts are whole units of their kind; a part
inside a stack trace or test failure is widened to the whole failure block. They come back in
original order under `[headroom: location]` lines, as many as fit the budget, with a last line
saying how many more match and how to page. Nothing matching is never an empty answer: the
closest parts come back, marked as weak matches.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from headroom_mcp.config import Settings
from headroom_mcp.context import worker_for
from headroom_mcp.engines.base import MARKER_PREFIX
from headroom_mcp.engines.log_lines import template_of
from headroom_mcp.results import RetrievedPart, RetrieveResult
from headroom_mcp.retrieval_query import QueryPlan, stem
from headroom_mcp.store import CcrStore, UnitHit
from headroom_mcp.tokens import count_tokens

RRF_K = 60  # reciprocal-rank fusion constant (Cormack et al.)
TAG_WEIGHT = 0.8  # an error-tagged unit weighs a little less than a keyword match
VECTOR_WEIGHT = 0.3
VECTOR_CANDIDATES = 50
MAX_PARTS = 2000  # the budget is what limits an answer; this only bounds the work
PART_OVERHEAD_TOKENS = 12  # the location line of a part
ON_DEMAND_SECONDS = 0.1  # embedding done inside a retrieve call, at most
ON_DEMAND_UNITS = 48
BLOCK_WINDOW_LINES = 300  # lines around a part searched for the failure block it sits in
WEAK_PARTS = 8
_ERRORISH_RE = re.compile(
    r"\b(error|errors|fail\w*|exception|fatal|panic|traceback|critical|severe|warn\w*)\b", re.I
)


@dataclass(frozen=True)
class Found:
    """Ranked units and how they were found; `weak` when nothing matched the query."""

    hits: list[UnitHit]
    how: str
    weak: bool = False
    searched: int = 0


def _fuse(rankings: list[tuple[list[UnitHit], float]]) -> list[UnitHit]:
    fused: dict[int, tuple[float, UnitHit]] = {}
    for ranking, weight in rankings:
        for rank, hit in enumerate(ranking):
            score, first = fused.get(hit.seq, (0.0, hit))
            fused[hit.seq] = (score + weight / (RRF_K + rank + 1), first)
    ordered = sorted(fused.values(), key=lambda p: -p[0])
    return [UnitHit(h.seq, h.start, h.end, h.location, score) for score, h in ordered]


def find_parts(
    settings: Settings, store: CcrStore, digest: str, plan: QueryPlan, content: str
) -> Found:
    """The units of one original that answer the query, best first."""
    rankings: list[tuple[list[UnitHit], float]] = []
    labels: list[str] = []
    limit = ERROR_CANDIDATES if (plan.errors or plan.warnings) else CANDIDATES
    lexical = store.search_units(digest, plan.match, limit)
    if lexical:
        rankings.append((lexical, 1.0))
        labels.append("keywords")
    if plan.errors or plan.warnings:
        tagged = store.search_units(digest, plan.tag_match, limit)
        if tagged:
            rankings.append((tagged, TAG_WEIGHT))
            labels.append("error units" if plan.errors else "warning units")
    units = store.all_units(digest)
    vector_note = _vector_ranking(settings, store, digest, plan, content, lexical, rankings, units)
    if vector_note == "embeddings":
        labels.append("embeddings")
    if rankings:
        how = " + ".join(labels) + (f" ({vector_note})" if vector_note != "embeddings" else "")
        fused = _fuse(rankings)
        return Found(_by_coverage(fused, plan, content, units), how)
    return _weak(plan, content, vector_note, units)


COMMON_SHARE = 0.5  # a word in more than this share of the units tells them apart little
ENOUGH = 3  # strong matches that make weaker ones padding
SMALLEST_PART_TOKENS = 60  # under this much budget left, stop looking for a part that fits
MAX_TOO_BIG = 5


def coverage(text: str, words: list[str]) -> int:
    """How many of `words` a unit holds (a word's stem as part of a word)."""
    lowered = text.lower()
    return sum(1 for w in words if w in lowered)


def _by_coverage(
    hits: list[UnitHit], plan: QueryPlan, content: str, units: list[UnitHit]
) -> list[UnitHit]:
    """Units holding (nearly) all the query's telling words first, then the rest by fused
    rank. Words found in most units ("customer" in every record, "py" in every path) do not
    count. When some unit holds every telling word, the query named something exact (an id, a
    name): the rest are left out rather than padding the answer."""
    forms = [stem(w) if w.isalpha() else w for w in plan.words]
    if not forms or not hits:
        return hits
    sample = units[:: max(1, len(units) // 400)]
    texts = [f"{u.location}\n{content[u.start : u.end]}".lower() for u in sample]
    telling = [f for f in forms if sum(1 for t in texts if f in t) <= COMMON_SHARE * len(texts)]
    if not telling:
        return hits
    held = {h.seq: coverage(f"{h.location}\n{content[h.start : h.end]}", telling) for h in hits}
    best = max(held.values())
    if best == 0:
        return hits
    needed = best if len(telling) <= 2 else max(1, -(-best * 3 // 5))
    strong = [h for h in hits if held[h.seq] >= needed]
    if not (plan.errors or plan.warnings) and (best >= len(telling) or len(strong) >= ENOUGH):
        return strong
    return strong + [h for h in hits if held[h.seq] < needed]


def _vector_ranking(
    settings: Settings,
    store: CcrStore,
    digest: str,
    plan: QueryPlan,
    content: str,
    lexical: list[UnitHit],
    rankings: list[tuple[list[UnitHit], float]],
    units: list[UnitHit],
) -> str:
    """Add embedding neighbours to `rankings` when the model is loaded, embedding this
    original's units on demand (within ON_DEMAND_SECONDS) if the indexer has not; returns
    "embeddings" when it did, else why not."""
    if plan.only_intent and rankings:
        # "Errors", "failures", "what went wrong": the units the kind tagged are the answer;
        # a sentence embedding of such words adds noise, and whether the model had loaded yet
        # would change the answer.
        return "not used for a question about errors in general"
    worker = worker_for(settings, store)
    if worker is None:
        return "embeddings off"
    if not worker.ready.is_set():
        return "the embedding model is still loading"
    query_text = " ".join(plan.words) or "error"
    vector = worker.embed_query(query_text)
    if vector is None:
        return "the embedding model is still loading"
    wanted = [h.seq for h in lexical[:ON_DEMAND_UNITS]]
    first = set(wanted)
    wanted += [u.seq for u in units if u.seq not in first][: ON_DEMAND_UNITS * 4]
    missing = store.units_without_vectors(digest, wanted)
    if missing:
        by_seq = {u.seq: u for u in units}
        deadline = time.monotonic() + ON_DEMAND_SECONDS
        rows = [(uid, digest, content[by_seq[seq].start : by_seq[seq].end]) for uid, seq in missing]
        worker.embed_now(rows, deadline)
    nearest = store.nearest_units(digest, vector, VECTOR_CANDIDATES)
    if not nearest:
        return "no part embedded yet"
    # Meaning decides when words found nothing; beside keyword and error-unit matches it only
    # breaks ties, so the answer does not change with whether the indexer got there first.
    rankings.append((nearest, VECTOR_WEIGHT if rankings else 1.0))
    return "embeddings"


def _weak(plan: QueryPlan, content: str, note: str, units: list[UnitHit]) -> Found:
    """No keyword, tag or vector match: rank every unit by how many query words' stems it
    contains as parts of words, then by error words; the best few come back, marked weak."""
    stems = [stem(w)[:5] for w in plan.words if len(w) >= 3]

    def closeness(hit: UnitHit) -> tuple[int, int, int]:
        text = content[hit.start : hit.end].lower()
        shared = sum(1 for s in stems if s in text)
        errorish = 1 if _ERRORISH_RE.search(text) else 0
        return (shared, errorish, -hit.seq)

    ranked = sorted(units, key=closeness, reverse=True)[:WEAK_PARTS]
    hits = [UnitHit(h.seq, h.start, h.end, h.location, 0.0) for h in ranked]
    return Found(hits, f"no match; closest parts by word fragments ({note})", True, len(units))


def widen_to_block(content: str, start: int, end: int) -> tuple[int, int]:
    """The span widened to the whole failure block (stack trace, test failure, compiler
    error) it overlaps, so a part never shows a trace without its exception or frames."""
    from headroom_mcp.engines.failure_blocks import find_failure_blocks, strip_ansi

    before = start
    for _ in range(BLOCK_WINDOW_LINES // 3):
        before = content.rfind("\n", 0, max(0, before - 1)) + 1
        if before == 0:
            break
    after = end
    for _ in range(BLOCK_WINDOW_LINES):
        nxt = content.find("\n", after + 1)
        if nxt == -1:
            after = len(content)
            break
        after = nxt
    window = content[before:after]
    lines = window.split("\n")
    offsets = [0]
    for line in lines[:-1]:
        offsets.append(offsets[-1] + len(line) + 1)
    blocks = find_failure_blocks([strip_ansi(line) for line in lines])
    for block in blocks:
        first = before + offsets[block.first]
        last_line = lines[block.last]
        last = before + offsets[block.last] + len(last_line)
        if first < end and last > start:
            start, end = min(start, first), max(end, last)
    return start, end


_EXCEPTION_NAME_RE = re.compile(
    r"\b([A-Za-z_][\w.$]*(?:Error|Exception|Warning|Panic|Fault|Failure))\b|\bpanic:|FAIL"
)
MAX_CANDIDATES = 5000
CANDIDATES = 200  # units fetched per ranking
ERROR_CANDIDATES = 5000  # a question about errors may need every error instance
_TRACE_HINT_RE = re.compile(
    r"^(\s+\S|at |Caused by|Traceback|During handling|The above exception|goroutine |panic:"
    r"|\.\.\. \d+ more|#\d+ |\[stacktrace\]|Stack trace:|-{3,})|Traceback|Exception|Error:",
    re.M,
)


def family_of(text: str) -> str:
    """What kind of thing a part is, for spreading an answer over different ones: the last
    exception name in it, else its first line with numbers and ids masked."""
    names = _EXCEPTION_NAME_RE.findall(text[-2000:])
    named = [n for n in names if n]
    if named:
        return str(named[-1])
    return str(template_of(text.strip().split("\n", 1)[0][:300]))


def _spread(content: str, hits: list[UnitHit]) -> list[tuple[UnitHit, int, int, str]]:
    """The candidates, each widened to its failure block, reordered round-robin over their
    families (kinds of exception, line templates) in order of each family's best rank: ten
    parts show ten different failures before a second copy of any of them."""
    families: dict[str, list[tuple[UnitHit, int, int, str]]] = {}
    for hit in hits[:MAX_CANDIDATES]:
        start, end = hit.start, hit.end
        if _TRACE_HINT_RE.search(content, start, min(len(content), end + 400)):
            start, end = widen_to_block(content, hit.start, hit.end)
        key = family_of(content[start:end])
        families.setdefault(key, []).append((hit, start, end, key))
    queues = list(families.values())
    ordered: list[tuple[UnitHit, int, int, str]] = []
    depth = 0
    while len(ordered) < min(len(hits), MAX_CANDIDATES):
        added = False
        for queue in queues:
            if depth < len(queue):
                ordered.append(queue[depth])
                added = True
        if not added:
            break
        depth += 1
    return ordered + [(h, h.start, h.end, "") for h in hits[MAX_CANDIDATES:]]


def matching_parts(
    short: str,
    kind: str,
    content: str,
    tokens: int,
    query: str,
    found: Found,
    total_units: int,
    budget: int,
    offset: int = 0,
    errors_asked: bool = False,
) -> RetrieveResult:
    """The best parts from rank `offset` on, whole and widened to failure blocks, spread
    over different failures, as many as fit `budget` tokens, shown in original order; a last
    line says what else matches and how to page."""
    spans: list[tuple[int, int, str, UnitHit]] = []
    shapes: set[str] = set()
    spent = 0
    candidates = _spread(content, found.hits)
    too_big: list[str] = []  # parts passed over because they did not fit what was left
    considered = offset
    for hit, start, end, _family in candidates[offset:]:
        if len(spans) >= MAX_PARTS:
            break
        text = content[start:end]
        if "\n" not in text.strip():
            # The same line again adds nothing; with other numbers, only to a question about
            # errors, whose every instance (which host, which id) may be the answer.
            shape = text.strip() if errors_asked else template_of(text)
            if shape in shapes:
                considered += 1
                continue
            shapes.add(shape)
        if any(s < end and start < e for s, e, _, _ in spans):
            considered += 1
            continue  # already inside a widened part
        cost = count_tokens(text) + PART_OVERHEAD_TOKENS
        if spans and spent + cost > budget:
            if budget - spent < SMALLEST_PART_TOKENS or len(too_big) >= MAX_TOO_BIG:
                break
            first = content.count("\n", 0, start) + 1
            too_big.append(
                f"lines {first}-{first + content.count(chr(10), start, end)} ({cost:,} tokens)"
            )
            considered += 1
            continue  # a smaller part further down may still fit; this one is named below
        where = hit.location
        if (start, end) != (hit.start, hit.end):
            first = content.count("\n", 0, start) + 1
            last = first + content.count("\n", start, end)
            where = f"lines {first}-{last}, the failure block around {hit.location}"
        spans.append((start, end, where, hit))
        spent += cost
        considered += 1
    blocks = _render(content, sorted(spans), budget)
    remaining = len(candidates) - considered
    lines: list[str] = []
    if found.weak:
        lines.append(
            f'{MARKER_PREFIX}: no part of {short} contains the words of "{query}"; the '
            f"{len(spans)} closest of {found.searched} parts follow (weak matches). Ask with "
            f'words the content would contain, or headroom_retrieve(hash="{short}") for all]'
        )
    lines += blocks
    if too_big:
        lines.append(
            f"{MARKER_PREFIX}: also matching, too large for the rest of the budget: "
            f'{", ".join(too_big)} · read one with headroom_retrieve(hash="{short}", '
            f"query=..., max_tokens=N) or page the original]"
        )
    if remaining > 0 and not found.weak:
        hint = query.replace('"', "'")
        lines.append(
            f"{MARKER_PREFIX}: {len(spans)} of {len(spans) + remaining} matching parts shown "
            f'(ranked by {found.how}) · the next: headroom_retrieve(hash="{short}", '
            f'query="{hint}", offset={considered}) · or narrow the query]'
        )
    text = "\n".join(lines)
    parts = [RetrievedPart(where, s, e) for s, e, where, _ in sorted(spans)]
    return RetrieveResult(
        short, kind, text, False, query, found.how, parts, 0 if found.weak else len(found.hits),
        total_units, tokens, count_tokens(text), offset=offset,
        next_offset=considered if remaining > 0 and not found.weak else None,
        original_chars=len(content),
    )  # fmt: skip


_SINGLE_LINE_RE = re.compile(r"^lines? (\d+)$")


def _render(content: str, spans: list[tuple[int, int, str, UnitHit]], budget: int) -> list[str]:
    """Each part under its location line; touching parts as one block of original text; a run
    of one-line parts (log lines found far apart) under one line listing their line numbers."""
    merged: list[tuple[int, int, str]] = []
    for start, end, where, _ in spans:
        if merged and start <= merged[-1][1] + 1:
            first_where = merged[-1][2].split(" … ")[0]
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]), f"{first_where} … {where}")
        else:
            merged.append((start, end, where))
    blocks: list[str] = []
    run: list[tuple[str, str]] = []  # (line number, text) of consecutive one-line parts

    def flush() -> None:
        if run:
            numbers = ", ".join(number for number, _ in run)
            label = "line" if len(run) == 1 else "lines"
            blocks.append(f"{MARKER_PREFIX}: {label} {numbers}]\n" + "\n".join(t for _, t in run))
            run.clear()

    for start, end, where in merged:
        text = content[start:end]
        single = _SINGLE_LINE_RE.match(where)
        if single and "\n" not in text.strip("\n"):
            run.append((single.group(1), text.strip("\n")))
            continue
        flush()
        blocks.append(f"{MARKER_PREFIX}: {where}]\n{text}")
    flush()
    if len(blocks) == 1 and count_tokens(blocks[0]) > budget:
        from headroom_mcp.retrieval_pages import head_within

        blocks = [
            head_within(blocks[0], budget) + f"\n{MARKER_PREFIX}: part cut at {budget} tokens]"
        ]
    return blocks
