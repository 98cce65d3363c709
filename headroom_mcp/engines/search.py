"""Search-results engine: grep, ripgrep and git grep output, grouped by file and ranked.

Understands `path:line:text` matches, `path-line-text` context lines, `path:line:col:text`
(rg --vimgrep), `--` separators, and ripgrep `--heading` blocks. Output is ripgrep's heading
form: each file's path once with its hit count, then `line:text`. Files the query points at
(their path shares words with it, rarest words weighing most) show every hit with context;
other files show their first hits, the best files first, while the budget lasts; the rest are
listed by name with their counts. Identical lines within a file are shown once, with all their
line numbers (`12,40,88:text`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from headroom_mcp.engines.base import MARKER_PREFIX, EngineResult, cut_long_line, query_terms
from headroom_mcp.engines.text import compress_text
from headroom_mcp.tokens import count_tokens, estimate_tokens

HIT_RE = re.compile(
    r"^(?:[0-9a-f]{7,40}:)?(?P<path>[^\s:][^:\n]*?)(?P<sep>[:-])(?P<line>\d+)(?P=sep)(?:(?P<col>\d+):)?(?P<text>.*)$"
)
_HEADING_HIT_RE = re.compile(r"^(?P<line>\d+)(?P<sep>[:-])(?P<text>.*)$")
_PATH_WORD_RE = re.compile(r"[A-Za-z0-9]+")
MIN_PARSED_SHARE = 0.6
SAMPLE_HITS = 2  # hits shown for a file the query does not point at
DEFAULT_BUDGET_SHARE = 0.15
MIN_BUDGET_TOKENS = 400
MAX_DEFAULT_BUDGET_TOKENS = 8000
FOCUS_SHARE_OF_BEST = 0.5


@dataclass
class Hit:
    line: int
    text: str
    is_match: bool


@dataclass
class FileHits:
    path: str
    hits: list[Hit] = field(default_factory=list)
    score: float = 0.0

    @property
    def matches(self) -> int:
        return sum(1 for h in self.hits if h.is_match)


def parse_hits(lines: list[str]) -> tuple[dict[str, FileHits], int]:
    """Hits grouped by file (in first-seen order) and how many lines were understood."""
    files: dict[str, FileHits] = {}
    heading: str | None = None
    parsed = 0
    for line in lines:
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
                heading = line.strip()  # ripgrep --heading: a path alone on its line
                parsed += 1
                continue
            else:
                continue
        assert path is not None
        parsed += 1
        group = files.setdefault(path, FileHits(path))
        group.hits.append(Hit(int(hit["line"]), hit["text"], sep == ":"))
    return files, parsed


def score_files(files: dict[str, FileHits], query: str | None) -> None:
    """Files whose path shares words with the query score high, rare words weighing most."""
    terms = query_terms(query)
    if not terms:
        return
    words = {p: {w.lower() for w in _PATH_WORD_RE.findall(p)} for p in files}
    df = Counter(t for ws in words.values() for t in terms if t in ws)
    n = len(files)
    lowered = (query or "").lower()
    for path, group in files.items():
        group.score = sum(math.log(1 + n / df[t]) for t in terms if t in words[path])
        if path.lower() in lowered:
            group.score += 20.0  # the query names this exact path


def _file_lines(group: FileHits, limit: int | None) -> list[str]:
    """`line:text` rows for a file, identical texts merged; only the first `limit` matches."""
    hits = group.hits if limit is None else [h for h in group.hits if h.is_match][:limit]
    by_text: dict[str, list[Hit]] = {}
    for hit in hits:
        by_text.setdefault(hit.text, []).append(hit)
    rows = []
    for text, same in by_text.items():
        numbers = ",".join(str(h.line) for h in same)
        rows.append(f"{numbers}{':' if same[0].is_match else '-'}{cut_long_line(text, 400)}")
    return rows


def _block(group: FileHits, limit: int | None) -> str:
    rows = _file_lines(group, limit)
    shown = sum(len(r.split(":", 1)[0].split(",")) for r in rows if ":" in r)
    more = group.matches - shown if limit is not None else 0
    tail = [f"{MARKER_PREFIX}: {more} more hits in this file]"] if more > 0 else []
    noun = "hit" if group.matches == 1 else "hits"
    return "\n".join([f"{group.path} ({group.matches} {noun})", *rows, *tail])


def compress_search(content: str, query: str | None, budget: int | None) -> EngineResult:
    """Hits grouped by file; all hits for the files the query points at, samples elsewhere."""
    lines = [line.rstrip("\r") for line in content.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    files, parsed = parse_hits(lines)
    if not files or parsed < MIN_PARSED_SHARE * len(lines):
        return compress_text(content, query, budget)
    score_files(files, query)
    best = max((g.score for g in files.values()), default=0.0)
    focus = [g for g in files.values() if best > 0 and g.score >= FOCUS_SHARE_OF_BEST * best]
    others = sorted(
        (g for g in files.values() if g not in focus), key=lambda g: (-g.score, -g.matches)
    )
    limit = budget if budget is not None else _default_budget(content)
    total_hits = sum(g.matches for g in files.values())
    header = (
        f"{MARKER_PREFIX} search: {total_hits} hits in {len(files)} files. Shown as path (hits) "
        f"then line:text; {'every hit of the files the query names, ' if focus else ''}the "
        "first hits of other files; identical lines merged as 12,40:text]"
    )
    blocks: list[str] = []
    spent = count_tokens(header)
    for group in focus:
        block = _block(group, None)
        cost = count_tokens(block) + 1
        if spent + cost > limit and blocks:
            block = _block(group, SAMPLE_HITS * 5)
            cost = count_tokens(block) + 1
        if spent + cost <= limit or not blocks:
            blocks.append(block)
            spent += cost
    listed: list[FileHits] = []
    for group in others:
        block = _block(group, SAMPLE_HITS)
        cost = count_tokens(block) + 1
        if spent + cost + 40 > limit:
            listed.append(group)
            continue
        blocks.append(block)
        spent += cost
    if listed:
        names = ", ".join(f"{g.path} ({g.matches})" for g in listed[:60])
        extra = f" and {len(listed) - 60} more" if len(listed) > 60 else ""
        blocks.append(f"{MARKER_PREFIX}: not shown: {names}{extra}]")
    text = "\n".join([header, *blocks])
    shown_files = len(files) - len(listed)
    hidden = sum(g.matches for g in listed) + sum(
        max(0, g.matches - SAMPLE_HITS) for g in others if g not in listed
    )
    return EngineResult(
        text,
        (f"search:files:{shown_files}/{len(files)}", f"search:focus:{len(focus)}"),
        omitted=f"{hidden} of {total_hits} hits omitted" if hidden else None,
    )


def _default_budget(content: str) -> int:
    share = int(estimate_tokens(content) * DEFAULT_BUDGET_SHARE)
    return max(MIN_BUDGET_TOKENS, min(MAX_DEFAULT_BUDGET_TOKENS, share))
