"""Search-results engine: grep, ripgrep and git grep output, the hits the query wants first.

Understands `path:line:text` matches, `path-line-text` context lines, `path:line:col:text`
(rg --vimgrep), `--` separators, ripgrep `--heading` blocks and the `REV:` prefix of
`git grep REV`. Every line shown is an input line, verbatim; what is left out is said by
marker lines. Hits are chosen by one rule (`select_budget`): hits whose text matches the
query's words (rarest words weighing most) first, across every file; then every hit of the
files the query names; then a sample per remaining file, round robin (first hit of each file,
then second, ...) while the budget lasts. A hit whose text repeats a hit already chosen comes
last. Context lines are left out. The chosen hits are shown in input order, each file followed
by one marker with what it holds beyond them (`[headroom: src/a.c: 13 more hits, lines
313-990]`); files with no hit shown are listed in one marker at the end.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from headroom_mcp.engines.base import MARKER_PREFIX, EngineResult
from headroom_mcp.engines.select_budget import fit, identifier_words, query_words, relevance
from headroom_mcp.engines.text import compress_text
from headroom_mcp.tokens import count_tokens, estimate_tokens

HIT_RE = re.compile(
    r"^(?:[0-9a-f]{7,40}:)?(?P<path>[^\s:][^:\n]*?)(?P<sep>[:-])(?P<line>\d+)(?P=sep)(?:(?P<col>\d+):)?(?P<text>.*)$"
)
_HEADING_HIT_RE = re.compile(r"^(?P<line>\d+)(?P<sep>[:-])(?P<text>.*)$")
_PATH_WORD_RE = re.compile(r"[A-Za-z0-9]+")
MIN_PARSED_SHARE = 0.6
DEFAULT_BUDGET_SHARE = 0.15
MIN_BUDGET_TOKENS = 400
MAX_DEFAULT_BUDGET_TOKENS = 8000
FOCUS_SHARE_OF_BEST = 0.5
DISCRIMINATING_SHARE = 0.5  # a query word in more hits than this is the grep pattern itself
QUESTION_WORDS = frozenset(
    """match matches matching matched call calls called calling use uses used using contain
    contains mention mentions mentioned grep search find show list define defines defined
    line lines hit hits occurrence occurrences""".split()
)  # words that say what to look for, not what the hit holds
LIST_SHARE = 0.1  # of the budget, for the marker naming the files with no hit shown
MARKER_TOKENS = 16  # what a file's `N more hits, lines a-b` marker costs, about
LINE_CHARS = 400  # longer hit lines (minified code) are shown last, whole


@dataclass
class Hit:
    line: int
    text: str
    is_match: bool
    raw: str = ""  # the input line, verbatim
    row: int = 0  # its index in the input


@dataclass
class FileHits:
    path: str
    hits: list[Hit] = field(default_factory=list)
    score: float = 0.0
    heading: str | None = None  # ripgrep --heading: the path line, shown above its hits

    @property
    def matches(self) -> int:
        return sum(1 for h in self.hits if h.is_match)


def parse_hits(lines: list[str]) -> tuple[dict[str, FileHits], int]:
    """Hits grouped by file (in first-seen order) and how many lines were understood."""
    files: dict[str, FileHits] = {}
    heading: str | None = None
    heading_line = ""
    parsed = 0
    for row, line in enumerate(lines):
        if not line.strip() or line == "--":
            parsed += 1
            heading = None if not line.strip() else heading
            continue
        hit = _HEADING_HIT_RE.match(line) if heading else None
        if hit:
            path, sep = heading, hit["sep"]
        else:
            hit = HIT_RE.match(line)
            if hit:
                path, sep = hit["path"], hit["sep"]
            elif "/" in line or "." in line:
                heading, heading_line = line.strip(), line  # ripgrep --heading: a path alone
                parsed += 1
                continue
            else:
                continue
        assert path is not None
        parsed += 1
        group = files.setdefault(path, FileHits(path))
        if hit.re is _HEADING_HIT_RE:
            group.heading = heading_line
        group.hits.append(Hit(int(hit["line"]), hit["text"], sep == ":", line, row))
    return files, parsed


def score_files(
    files: dict[str, FileHits], query: str | None, pattern: frozenset[str] = frozenset()
) -> set[str]:
    """Files whose path shares words with the query score high, rare words weighing most;
    the `pattern` words (in most hits: what was grepped for) name no file.
    Returns the query words that matched a path (they name a file, not a hit's text)."""
    terms = [t for t in query_words(query) if t not in pattern]
    if not terms:
        return set()
    words = {p: {w.lower() for w in _PATH_WORD_RE.findall(p)} for p in files}
    df = Counter(t for ws in words.values() for t in terms if t in ws)
    n = len(files)
    lowered = (query or "").lower()
    naming: set[str] = set()
    for path, group in files.items():
        group.score = sum(math.log(1 + n / df[t]) for t in terms if t in words[path])
        if path.lower() in lowered:
            group.score += 20.0  # the query names this exact path
            naming.update(t for t in terms if t in words[path])
    if not naming:
        best = max((g.score for g in files.values()), default=0.0)
        for path, group in files.items():
            if best > 0 and group.score >= FOCUS_SHARE_OF_BEST * best:
                naming.update(t for t in terms if t in words[path])
    return naming


def rank_hits(files: dict[str, FileHits], query: str | None) -> tuple[list[Hit], int, int]:
    """Match hits, best first: query-matching texts, the named files, then round robin.
    Returns the ranking, how many matched the query's words and how many files it names."""
    hits = [(g, h) for g in files.values() for h in g.hits if h.is_match]
    words = [identifier_words(h.text) for _, h in hits]
    every = Counter(t for ws in words for t in query_words(query) if t in ws)
    pattern = frozenset(t for t, n in every.items() if n > DISCRIMINATING_SHARE * len(hits))
    naming = score_files(files, query, pattern)
    best = max((g.score for g in files.values()), default=0.0)
    focus = {p for p, g in files.items() if best > 0 and g.score >= FOCUS_SHARE_OF_BEST * best}
    terms = [t for t in query_words(query) if t not in naming and t not in QUESTION_WORDS]
    df = Counter(t for ws in words for t in terms if t in ws)
    telling = [t for t in terms if df[t] and df[t] <= DISCRIMINATING_SHARE * len(hits)]
    scores = relevance(words, telling)
    matched = [i for i, s in enumerate(scores) if s > 0]
    matched.sort(key=lambda i: (-scores[i] - (1.0 if hits[i][0].path in focus else 0.0), i))
    named = [i for i, (g, _) in enumerate(hits) if g.path in focus and scores[i] == 0]
    rest = [i for i, (g, _) in enumerate(hits) if g.path not in focus and scores[i] == 0]
    # round robin over the remaining files: the n-th hit of a file ranks with the n-th of others
    nth: Counter[str] = Counter()
    place = {}
    for i in rest:
        path = hits[i][0].path
        place[i] = nth[path]
        nth[path] += 1
    rest.sort(key=lambda i: (place[i], -files[hits[i][0].path].score, i))
    order = [*matched, *named, *rest]
    seen: dict[str, str] = {}
    first: list[Hit] = []
    repeats: list[Hit] = []
    wanted = set(matched)
    for i in order:
        group, hit = hits[i]
        key = hit.text.strip()
        # a line already chosen from another file, or too long to read, comes last (unless
        # the query asks for it: every hit holding its words is the answer)
        repeat = seen.get(key, group.path) != group.path and group.path not in focus
        repeat = repeat and i not in wanted
        (repeats if repeat or len(hit.raw) > LINE_CHARS else first).append(hit)
        seen.setdefault(key, group.path)
    return [*first, *repeats], len(matched), len(focus)


def render_hits(
    files: dict[str, FileHits], shown: set[int], header: str, list_chars: int = 4000
) -> str:
    """The chosen hits (by input row) verbatim in input order, a marker per file for the rest;
    the files with no hit shown are named in one marker of at most about `list_chars`."""
    out = [header] if header else []
    unlisted: list[FileHits] = []
    for group in files.values():
        kept = [h for h in group.hits if h.row in shown]
        left = [h for h in group.hits if h.is_match and h.row not in shown]
        if not kept:
            unlisted.append(group)
            continue
        if group.heading is not None:
            out.append(group.heading)
        out += [h.raw for h in kept]
        if left:
            noun = "hit" if len(left) == 1 else "hits"
            lines = (
                f"line {left[0].line}"
                if len(left) == 1
                else (f"lines {min(h.line for h in left)}-{max(h.line for h in left)}")
            )
            more = "more " if kept else ""
            out.append(f"{MARKER_PREFIX}: {group.path}: {len(left)} {more}{noun}, {lines}]")
    if unlisted:
        names: list[str] = []
        size = 0
        for g in unlisted:
            name = f"{g.path} ({g.matches})"
            if size + len(name) > list_chars:
                break
            names.append(name)
            size += len(name) + 2
        extra = (
            f" and {len(unlisted) - len(names)} more files" if len(unlisted) > len(names) else ""
        )
        out.append(f"{MARKER_PREFIX}: not shown: {', '.join(names)}{extra}]")
    return "\n".join(out)


def compress_search(content: str, query: str | None, budget: int | None) -> EngineResult:
    """Input lines verbatim: the hits the query wants first, a sample per file, counts."""
    lines = [line.rstrip("\r") for line in content.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    files, parsed = parse_hits(lines)
    if not files or parsed < MIN_PARSED_SHARE * len(lines):
        return compress_text(content, query, budget)
    ranked, matched, named = rank_hits(files, query)
    limit = budget if budget is not None else default_budget(content)
    total_hits = sum(g.matches for g in files.values())
    header = (
        f"{MARKER_PREFIX} search: {total_hits} hits in {len(files)} files; shown verbatim: "
        "hits matching the query, then the files it names, then a sample per file]"
    )
    if count_tokens(header) > limit // 4:
        header = ""  # a tiny budget is better spent on hits
    list_chars = int(LIST_SHARE * 3 * limit)  # about 3 characters a token
    path_of = {h.row: g.path for g in files.values() for h in g.hits}
    firsts: set[int] = set()  # the best hit of each file also pays for its file's marker
    named_paths: set[str] = set()
    for n, hit in enumerate(ranked):
        if path_of[hit.row] not in named_paths:
            named_paths.add(path_of[hit.row])
            firsts.add(n)
    chosen, text = fit(
        range(len(ranked)),
        lambda picked: render_hits(files, {ranked[i].row for i in picked}, header, list_chars),
        limit,
        lambda i: count_tokens(ranked[i].raw) + 1 + (MARKER_TOKENS if i in firsts else 0),
        floor=count_tokens(header) + int(list_chars / 3),
    )
    if count_tokens(text) > limit:
        text = ""  # not even the markers fit: the footer alone says how to retrieve
    shown_rows = {ranked[i].row for i in chosen}
    shown_files = sum(1 for g in files.values() if any(h.row in shown_rows for h in g.hits))
    hidden = total_hits - len(chosen)
    return EngineResult(
        text,
        (
            f"search:hits:{len(chosen)}/{total_hits}",
            f"search:files:{shown_files}/{len(files)}",
            f"search:matched:{matched}",
            f"search:focus:{named}",
        ),
        omitted=f"{hidden} of {total_hits} hits omitted" if hidden else None,
    )


def default_budget(content: str) -> int:
    """15% of the input's tokens, at least 400 and at most 8,000."""
    share = int(estimate_tokens(content) * DEFAULT_BUDGET_SHARE)
    return max(MIN_BUDGET_TOKENS, min(MAX_DEFAULT_BUDGET_TOKENS, share))
