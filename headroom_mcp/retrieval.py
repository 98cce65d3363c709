"""Finding the parts of one stored original that answer a query, and showing them.

Ranking fuses, by reciprocal rank, three lists: keyword matches (FTS5 BM25 over each word's
forms), the units the original's kind tagged as errors or warnings when the question asks
about those, and embedding neighbours (vectors computed on demand for this original's units
when the background indexer has not reached them). Parts are whole units of their kind; a part
inside a stack trace or test failure is widened to the whole failure block. They come back in
original order under `[headroom: location]` lines, as many as fit the budget, with a last line
saying how many more match and how to page. Nothing matching is never an empty answer: the
closest parts come back, marked as weak matches.

A query that names a file path or a rule code (`lib/veo.ts`, `TS2345`) gets the parts holding
it first, whatever else its words match: in a list of diagnostics every part says "error".

Two things keep a large answer useful. Failure blocks that do not all fit whole come cut to
their key lines (retrieval_blocks), so every matching failure is at least named. For a question
about errors, an error line repeated with one dominant value comes once with a count line
(retrieval_repeats), and the lines tagged as errors go first when all of them fit.
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
from headroom_mcp.retrieval_blocks import key_lines, trimmed_footer, trimmed_label
from headroom_mcp.retrieval_query import QueryPlan, stem
from headroom_mcp.retrieval_repeats import Repeats, find_repeats
from headroom_mcp.store import CcrStore, UnitHit
from headroom_mcp.tokens import count_tokens

RRF_K = 60  # reciprocal-rank fusion constant (Cormack et al.)
TAG_WEIGHT = 0.8  # an error-tagged unit weighs a little less than a keyword match
VECTOR_WEIGHT = 0.3
VECTOR_CANDIDATES = 50
MAX_PARTS = 2000  # the budget is what limits an answer; this only bounds the work
PART_OVERHEAD_TOKENS = 12  # the location line of a part
LINE_OVERHEAD_TOKENS = 4  # a one-line part's number in the line listing a run of them
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
    errors: frozenset[int] = frozenset()  # seqs of the units tagged as errors, for a
    # question about errors in general: shown ahead of keyword matches when they all fit
    named: frozenset[int] = frozenset()  # seqs of the units holding a path or code the
    # query names: shown first, none of them hidden as a repeat


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
    errors: frozenset[int] = frozenset()
    if lexical:
        rankings.append((lexical, 1.0))
        labels.append("keywords")
    if plan.errors or plan.warnings:
        tagged = store.search_units(digest, plan.tag_match, limit)
        if tagged:
            rankings.append((tagged, TAG_WEIGHT))
            labels.append("error units" if plan.errors else "warning units")
            if plan.only_intent:
                errors = frozenset(h.seq for h in tagged)
    units = store.all_units(digest)
    vector_note = _vector_ranking(settings, store, digest, plan, content, lexical, rankings, units)
    if vector_note == "embeddings":
        labels.append("embeddings")
    if rankings:
        how = " + ".join(labels) + (f" ({vector_note})" if vector_note != "embeddings" else "")
        fused = _by_coverage(_fuse(rankings), plan, content, units)
        hits, named = _named_first(fused, plan, content, units)
        how += " + the paths and codes it names" if named else ""
        return Found(hits, how, errors=errors, named=named)
    return _weak(plan, content, vector_note, units)


def _named_first(
    hits: list[UnitHit], plan: QueryPlan, content: str, units: list[UnitHit]
) -> tuple[list[UnitHit], frozenset[int]]:
    """The units holding a file path or rule code the query names (`lib/veo.ts`, `TS2345`,
    `cast_possible_truncation`) first, whether or not the words found them: in a list of
    diagnostics every part says "error", the name says which. A name found in most units
    (the one file of a single-file report) tells none apart and is not used."""
    if not plan.names or not units:
        return hits, frozenset()
    texts = {u.seq: content[u.start : u.end] for u in units}
    holding: set[int] = set()
    for pattern in plan.names.patterns():
        seqs = {seq for seq, text in texts.items() if pattern.search(text)}
        if len(seqs) <= COMMON_SHARE * len(units):
            holding |= seqs
    if not holding:
        return hits, frozenset()
    ranked = [h for h in hits if h.seq in holding]
    seen = {h.seq for h in ranked}
    ranked += [u for u in units if u.seq in holding and u.seq not in seen]
    return ranked + [h for h in hits if h.seq not in holding], frozenset(holding)


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


WHOLE_SHARE = 0.5  # with more failure blocks than fit whole, whole ones get this share of
# the budget and the rest show every other matching block by its key lines


Candidate = tuple[UnitHit, int, int, str]


def _errors_first(
    content: str, candidates: list[Candidate], errors: frozenset[int], repeats: Repeats, budget: int
) -> list[Candidate]:
    """The candidates with the units tagged as errors first, when every one of them (repeats
    counted once) fits the budget: for "errors and unusual events" they are the answer, and
    keyword matches of "unusual" or "events" come after. When they do not all fit, the order
    stays the fused one, so the budget is spread over kinds of error."""
    cost = 0
    for index, (hit, start, end, _family) in enumerate(candidates):
        if hit.seq in errors and index not in repeats.hidden:
            text = content[start:end]
            single = "\n" not in text.strip()
            cost += count_tokens(text) + (LINE_OVERHEAD_TOKENS if single else PART_OVERHEAD_TOKENS)
            if cost > budget:
                return candidates
    tagged = [c for c in candidates if c[0].seq in errors]
    return tagged + [c for c in candidates if c[0].seq not in errors]


def _repeats_of(
    content: str, candidates: list[Candidate], named: frozenset[int] = frozenset()
) -> Repeats:
    lines = [  # a line the query names by its path or code is shown, never counted away
        (index, start, content[start:end])
        for index, (hit, start, end, _family) in enumerate(candidates)
        if "\n" not in content[start:end].strip() and hit.seq not in named
    ]
    return find_repeats(lines)


TRIM_CHECKS = 20  # passed-over parts looked at for failure blocks to cut
TRIM_MIN_BLOCKS = 2  # passed-over failure blocks that make cutting worth a change of layout
TRIM_GAIN = 2  # cut blocks must be this many times smaller than whole ones to be worth it


def _blocks_left_over(content: str, candidates: list[Candidate], budget: int) -> bool:
    """The candidates do not fit whole, and those past the budget are mostly (by tokens)
    failure blocks, at least two unless only one is past it, whose key lines are a small part
    of them: cutting them names many more failures. Small blocks (a name and a message) are
    better shown whole; a short chunk of other text between them (a list of test names
    between two reports) does not stop the cut."""
    total = 0
    whole = cut = checks = blocks = passed = 0
    for _hit, start, end, _family in candidates:
        text = content[start:end]
        multi = "\n" in text.strip()
        if total <= budget:
            total += count_tokens(text) + (PART_OVERHEAD_TOKENS if multi else LINE_OVERHEAD_TOKENS)
            if total <= budget:
                continue
        if not multi:
            continue
        key = key_lines(content, start, end)
        size = count_tokens(text)
        checks += 1
        passed += size
        if key is not None:  # a failure block (other chunks are shown whole or not at all)
            blocks += 1
            whole += size
            cut += count_tokens(key)
        if checks >= TRIM_CHECKS:
            break
    mostly = whole * 2 >= passed  # by tokens: blocks are most of what is passed over
    return blocks >= min(checks, TRIM_MIN_BLOCKS) and mostly and cut * TRIM_GAIN <= whole


@dataclass
class Chosen:
    """Whole parts chosen in rank order within a budget, and what was passed over."""

    spans: list[tuple[int, int, str, UnitHit]]
    notes: dict[int, str]  # start of a shown line -> its count line
    too_big: list[tuple[int, str]]  # (start, label) of parts that did not fit what was left
    passed: list[int]  # indexes of candidates passed over for the budget
    considered: int
    spent: int


def _choose_whole(
    content: str,
    candidates: list[Candidate],
    repeats: Repeats,
    offset: int,
    whole_budget: int,
    errors_asked: bool,
    trimming: bool,
) -> Chosen:
    spans: list[tuple[int, int, str, UnitHit]] = []
    notes: dict[int, str] = {}
    shapes: set[str] = set()
    spent = 0
    too_big: list[tuple[int, str]] = []  # parts passed over: they did not fit what was left
    passed: list[int] = []  # indexes of candidates passed over for the budget
    considered = offset
    for index in range(offset, len(candidates)):
        hit, start, end, _family = candidates[index]
        if len(spans) >= MAX_PARTS:
            break
        if index in repeats.hidden:
            considered += 1
            continue  # counted on the line shown for its value
        note = ""
        if index in repeats.shown:
            shown_index, note = repeats.shown[index]
            hit, start, end, _family = candidates[shown_index]
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
        single = "\n" not in text.strip()
        overhead = LINE_OVERHEAD_TOKENS if single else PART_OVERHEAD_TOKENS
        cost = count_tokens(text) + overhead + (count_tokens(note) + 1 if note else 0)
        if spans and spent + cost > whole_budget:
            passed.append(index)
            if whole_budget - spent < SMALLEST_PART_TOKENS or len(too_big) >= MAX_TOO_BIG:
                if trimming:
                    passed += range(index + 1, len(candidates))
                break
            first = content.count("\n", 0, start) + 1
            too_big.append(
                (
                    start,
                    f"lines {first}-{first + content.count(chr(10), start, end)} ({cost:,} tokens)",
                )
            )
            considered += 1
            continue  # a smaller part further down may still fit; this one is named below
        where = hit.location
        if (start, end) != (hit.start, hit.end):
            first = content.count("\n", 0, start) + 1
            last = first + content.count("\n", start, end)
            where = f"lines {first}-{last}, the failure block around {hit.location}"
        spans.append((start, end, where, hit))
        if note:
            notes[start] = note
        spent += cost
        considered += 1
    return Chosen(spans, notes, too_big, passed, considered, spent)


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
    strict: bool = False,
) -> RetrieveResult:
    """The best parts from rank `offset` on, whole and widened to failure blocks, spread
    over different failures, as many as fit `budget` tokens, shown in original order; a last
    line says what else matches and how to page. Error lines repeated with one dominant value
    come once per value with a count line; matching failure blocks that do not fit whole come
    as their key lines. A `strict` budget (the caller's max_tokens) holds the closing lines
    too; the default one is for the parts, and those lines may go a little past it."""
    candidates = _spread(content, found.hits)
    if found.named:  # spread over kinds of failure after the parts the query names
        candidates = [c for c in candidates if c[0].seq in found.named] + [
            c for c in candidates if c[0].seq not in found.named
        ]
    repeats = Repeats({}, frozenset())
    if errors_asked:
        repeats = _repeats_of(content, candidates, found.named)
        if found.errors:
            reordered = _errors_first(content, candidates, found.errors, repeats, budget)
            if reordered is not candidates:
                candidates = reordered
                repeats = _repeats_of(content, candidates, found.named)
    trimming = _blocks_left_over(content, candidates[offset:], budget)
    whole_budget = int(WHOLE_SHARE * budget) if trimming else budget
    chosen = _choose_whole(
        content, candidates, repeats, offset, whole_budget, errors_asked, trimming
    )
    trimmed: list[Trimmed] = []
    if trimming:
        footer = PAGING_FOOTER_TOKENS if chosen.considered < len(candidates) else 0
        room = budget - TRIMMED_FOOTER_TOKENS - footer
        trimmed, spent = _trim_left_over(
            content, candidates, chosen.passed, chosen.spans, room, chosen.spent
        )
        if trimmed:
            starts = {t.start for t in trimmed}
            chosen.too_big = [
                (start, label) for start, label in chosen.too_big if start not in starts
            ]
            chosen.spans, trimmed = _upgrade(
                content, candidates, chosen.spans, trimmed, room, spent
            )
        else:  # nothing past the half could be cut: whole parts take the whole budget
            chosen = _choose_whole(
                content, candidates, repeats, offset, budget, errors_asked, False
            )
    whole_room = budget
    while True:
        spans, notes, too_big, considered = (
            chosen.spans,
            chosen.notes,
            chosen.too_big,
            chosen.considered,
        )
        remaining = len(candidates) - considered
        lines = _answer_lines(
            content, short, query, found, spans, notes, trimmed, too_big, remaining, considered,
            budget,
        )  # fmt: skip
        over = count_tokens("\n".join(lines)) - budget
        if over <= 0:
            break
        if trimmed:
            _shrink(trimmed)  # the estimate fell short: the lowest-ranked trimmed part gives way
        elif strict and len(chosen.spans) > 1:
            # Whole parts only, and the lines saying what else matches did not fit beside
            # them: choose again with that much less room.
            whole_room -= over + FOOTER_MARGIN_TOKENS
            chosen = _choose_whole(
                content, candidates, repeats, offset, whole_room, errors_asked, False
            )
        else:
            break  # one part, shown whatever it costs (the part's own cut keeps it near)
    text = "\n".join(lines)
    parts = [RetrievedPart(where, s, e) for s, e, where, _ in sorted(spans)]
    return RetrieveResult(
        short, kind, text, False, query, found.how, parts, 0 if found.weak else len(found.hits),
        total_units, tokens, count_tokens(text), offset=offset,
        next_offset=considered if remaining > 0 and not found.weak else None,
        original_chars=len(content),
    )  # fmt: skip


def _answer_lines(
    content: str,
    short: str,
    query: str,
    found: Found,
    spans: list[tuple[int, int, str, UnitHit]],
    notes: dict[int, str],
    trimmed: list[Trimmed],
    too_big: list[tuple[int, str]],
    remaining: int,
    considered: int,
    budget: int,
) -> list[str]:
    blocks = _render(content, sorted(spans), budget, notes, trimmed)
    lines: list[str] = []
    if found.weak:
        lines.append(
            f'{MARKER_PREFIX}: no part of {short} contains the words of "{query}"; the '
            f"{len(spans)} closest of {found.searched} parts follow (weak matches). Ask with "
            f'words the content would contain, or headroom_retrieve(hash="{short}") for all]'
        )
    lines += blocks
    if trimmed:
        cut = sum(1 for t in trimmed if t.full)
        lines.append(trimmed_footer(cut, len(trimmed) - cut, short))
    if too_big:
        named = ", ".join(label for _, label in too_big)
        lines.append(
            f"{MARKER_PREFIX}: also matching, too large for the rest of the budget: {named} · "
            f'read one with headroom_retrieve(hash="{short}", query=..., max_tokens=N) or page '
            "the original]"
        )
    if remaining > 0 and not found.weak:
        hint = query.replace('"', "'")
        lines.append(
            f"{MARKER_PREFIX}: {len(spans)} of {len(spans) + remaining} matching parts shown "
            f'(ranked by {found.how}) · the next: headroom_retrieve(hash="{short}", '
            f'query="{hint}", offset={considered}) · or narrow the query]'
        )
    return lines


def _shrink(trimmed: list[Trimmed]) -> None:
    """One step smaller: the lowest-ranked block shown by key lines drops to its headline;
    when none is left, the lowest-ranked headline goes."""
    for part in reversed(trimmed):
        if part.full:
            part.full = False
            return
    trimmed.pop()


TRIMMED_FOOTER_TOKENS = 60
FOOTER_MARGIN_TOKENS = 10
PAGING_FOOTER_TOKENS = 80  # the last line, naming the next offset


@dataclass
class Trimmed:
    """A failure block passed over for the budget, shown by its key lines, or by its headline
    alone when even those do not fit."""

    start: int
    end: int
    key: str  # the key lines under their location line
    headline: str  # the block's first key line, verbatim
    line: int  # the block's first line number
    full: bool = False  # key lines (else the headline alone)


def _trim_left_over(
    content: str,
    candidates: list[Candidate],
    passed: list[int],
    spans: list[tuple[int, int, str, UnitHit]],
    room: int,
    spent: int,
) -> tuple[list[Trimmed], int]:
    """The failure blocks passed over for the budget, in rank order: first each by its
    headline (so every matching failure is named), then by its key lines while they fit."""
    trimmed: list[Trimmed] = []
    for index in passed:
        _hit, start, end, _family = candidates[index]
        if "\n" not in content[start:end].strip():
            continue
        if any(s < end and start < e for s, e, _, _ in spans) or any(
            t.start < end and start < t.end for t in trimmed
        ):
            continue
        key = key_lines(content, start, end)
        if key is None:
            continue
        first = content.count("\n", 0, start) + 1
        label = trimmed_label(first, first + content.count("\n", start, end), start)
        headline = key.split("\n", 1)[0]
        cost = count_tokens(headline) + HEADLINE_TOKENS
        if spent + cost > room:
            continue
        trimmed.append(Trimmed(start, end, f"{label}\n{key}", headline, first))
        spent += cost
    for part in trimmed:
        extra = count_tokens(part.key) + 1 - count_tokens(part.headline) - HEADLINE_TOKENS
        if spent + extra <= room:
            part.full = True
            spent += extra
    return trimmed, spent


HEADLINE_TOKENS = 6  # a headline's line number in the list of headline-only blocks


def _upgrade(
    content: str,
    candidates: list[Candidate],
    spans: list[tuple[int, int, str, UnitHit]],
    trimmed: list[Trimmed],
    room: int,
    spent: int,
) -> tuple[list[tuple[int, int, str, UnitHit]], list[Trimmed]]:
    """Blocks shown by key lines shown whole instead, in rank order, while the budget holds."""
    hits = {(start, end): hit for hit, start, end, _ in candidates}
    kept: list[Trimmed] = []
    for part in trimmed:
        if not part.full:
            kept.append(part)
            continue
        extra = count_tokens(content[part.start : part.end]) + PART_OVERHEAD_TOKENS
        extra -= count_tokens(part.key) + 1
        if spent + extra <= room:
            hit = hits[(part.start, part.end)]
            last = part.line + content.count("\n", part.start, part.end)
            where = f"lines {part.line}-{last}, the failure block around {hit.location}"
            spans.append((part.start, part.end, where, hit))
            spent += extra
        else:
            kept.append(part)
    return spans, kept


_SINGLE_LINE_RE = re.compile(r"^lines? (\d+)$")


def _render(
    content: str,
    spans: list[tuple[int, int, str, UnitHit]],
    budget: int,
    notes: dict[int, str] | None = None,
    trimmed: list[Trimmed] | None = None,
) -> list[str]:
    """Each part under its location line; touching parts as one block of original text; a run
    of one-line parts (log lines found far apart) under one line listing their line numbers;
    a repeated line followed by its count line; trimmed failure blocks, already under their
    location lines, in their place."""
    notes = notes or {}
    merged: list[tuple[int, int, str]] = []
    for start, end, where, _ in spans:
        if (
            merged
            and start <= merged[-1][1] + 1
            and start not in notes
            and merged[-1][0] not in notes
        ):
            first_where = merged[-1][2].split(" … ")[0]
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]), f"{first_where} … {where}")
        else:
            merged.append((start, end, where))
    events: list[tuple[int, int, str, Trimmed | None]] = [(s, e, w, None) for s, e, w in merged]
    events += [(t.start, t.end, "", t) for t in trimmed or []]
    events.sort(key=lambda ev: ev[0])
    blocks: list[str] = []
    run: list[tuple[str, str]] = []  # (line number, text) of consecutive one-line parts
    heads: list[tuple[str, str]] = []  # (line number, headline) of consecutive blocks

    def flush() -> None:
        if run:
            numbers = ", ".join(number for number, _ in run)
            label = "line" if len(run) == 1 else "lines"
            blocks.append(f"{MARKER_PREFIX}: {label} {numbers}]\n" + "\n".join(t for _, t in run))
            run.clear()
        if heads:
            numbers = ", ".join(number for number, _ in heads)
            what = (
                "headline of the failure block at line"
                if len(heads) == 1
                else ("headlines of the failure blocks at lines")
            )
            blocks.append(f"{MARKER_PREFIX}: {what} {numbers}]\n" + "\n".join(t for _, t in heads))
            heads.clear()

    for start, end, where, part in events:
        if part is not None:
            if part.full:
                flush()
                blocks.append(part.key)
            else:
                if run:
                    flush()
                heads.append((str(part.line), part.headline))
            continue
        if heads:
            flush()
        text = content[start:end]
        note = notes.get(start)
        single = _SINGLE_LINE_RE.match(where)
        if single and "\n" not in text.strip("\n"):
            run.append((single.group(1), text.strip("\n") + (f"\n{note}" if note else "")))
            continue
        flush()
        body = text.rstrip("\n") + f"\n{note}" if note else text
        blocks.append(f"{MARKER_PREFIX}: {where}]\n{body}")
    flush()
    if len(blocks) == 1 and count_tokens(blocks[0]) > budget:
        from headroom_mcp.retrieval_pages import head_within

        blocks = [
            head_within(blocks[0], budget) + f"\n{MARKER_PREFIX}: part cut at {budget} tokens]"
        ]
    return blocks
