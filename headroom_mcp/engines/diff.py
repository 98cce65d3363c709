"""Diff engine: unified diffs, `git show` and `git log -p`, with every changed line kept.

Kept: commit headers and messages, one header line per file (`diff --git a/x b/x`, plus mode,
rename and binary lines; the redundant index/---/+++ lines go), hunk headers (their line
ranges), and every added or removed line. Unchanged context is trimmed to the line right before
each change; the omission note says how many lines that trimmed. Lockfiles, generated,
vendored and minified files collapse to a one-line stat. Under `max_tokens`, whole files, then
hunks of the most relevant file, collapse to stats, least relevant to the query first; without
it no changed line is ever dropped.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from headroom_mcp.engines.base import MARKER_PREFIX, EngineResult, cut_long_line, query_terms
from headroom_mcp.engines.text import compress_text
from headroom_mcp.tokens import count_tokens

LOCKFILES = frozenset({
    "cargo.lock", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock",
    "pipfile.lock", "go.sum", "composer.lock", "gemfile.lock", "uv.lock", "npm-shrinkwrap.json",
    "bun.lockb", "flake.lock", "packages.lock.json", "podfile.lock", "mix.lock", "pubspec.lock",
})  # fmt: skip
GENERATED_RE = re.compile(
    r"(^|/)(vendor|node_modules|third_party|dist|build|__generated__)/|\.min\.(js|css)$|\.map$"
    r"|_pb2(_grpc)?\.py$|\.pb\.go$|\.generated\.\w+$|\.snap$"
)
MINIFIED_LINE_CHARS = 500
KEEP_CONTEXT = 1  # unchanged lines kept right before each change
_WORD_RE = re.compile(r"[A-Za-z0-9_]+")
_HUNK_RE = re.compile(r"^@@ -\d+(,\d+)? \+\d+(,\d+)? @@")
_KEEP_HEADER_RE = re.compile(
    r"^(new file mode|deleted file mode|old mode|new mode|rename from|rename to|copy from|"
    r"copy to|similarity index|dissimilarity index|Binary files|GIT binary patch)"
)


@dataclass
class FileDiff:
    path: str
    header: list[str] = field(default_factory=list)  # lines kept from the file header
    hunks: list[list[str]] = field(default_factory=list)  # each: header line + body lines
    dropped_header: int = 0

    @property
    def added(self) -> int:
        return sum(1 for h in self.hunks for line in h[1:] if line.startswith("+"))

    @property
    def removed(self) -> int:
        return sum(1 for h in self.hunks for line in h[1:] if line.startswith("-"))

    def collapse_reason(self) -> str | None:
        name = PurePosixPath(self.path).name.lower()
        if name in LOCKFILES or name.endswith(".lock"):
            return "lockfile"
        if GENERATED_RE.search(self.path):
            return "generated or vendored"
        changed = [line for h in self.hunks for line in h[1:] if line[:1] in "+-"]
        if changed and sum(len(line) for line in changed) / len(changed) > MINIFIED_LINE_CHARS:
            return "minified"
        return None


@dataclass
class Section:
    """Either preamble lines (commit header and message) or one file's diff."""

    lines: list[str] | None = None
    file: FileDiff | None = None


def parse_diff(lines: list[str]) -> list[Section]:
    sections: list[Section] = []
    current: FileDiff | None = None
    for line in lines:
        if line.startswith("diff --git ") or (line.startswith("--- ") and current is None):
            path = _path_of(line)
            current = FileDiff(path, header=[line])
            sections.append(Section(file=current))
            continue
        if line.startswith("commit ") and re.match(r"^commit [0-9a-f]{7,40}\b", line):
            current = None
        if current is None:
            if sections and sections[-1].lines is not None:
                sections[-1].lines.append(line)
            else:
                sections.append(Section(lines=[line]))
            continue
        if _HUNK_RE.match(line):
            current.hunks.append([line])
        elif current.hunks and line[:1] in (" ", "+", "-", "\\", ""):
            current.hunks[-1].append(line)
        elif line.startswith(("index ", "--- ", "+++ ")):
            if line.startswith("+++ ") and current.path.startswith("/dev/null"):
                current.path = line[4:].removeprefix("b/")
            current.dropped_header += 1
        elif _KEEP_HEADER_RE.match(line):
            current.header.append(line)
        else:  # text after the last hunk that is not diff syntax: a new preamble
            current = None
            sections.append(Section(lines=[line]))
    return sections


def _path_of(line: str) -> str:
    if line.startswith("diff --git "):
        parts = line[len("diff --git ") :].split(" b/", 1)
        return parts[1] if len(parts) == 2 else parts[0].removeprefix("a/")
    return line[4:].split("\t")[0].removeprefix("a/")


def trim_hunk(hunk: list[str]) -> tuple[list[str], int]:
    """The hunk with each unchanged run cut to the KEEP_CONTEXT lines just before a change,
    and its header cut to the line ranges (the text after `@@` repeats a source line).

    Trimmed runs get no marker of their own: the omission note counts them, and the hunk
    header's ranges tell exactly which lines each change touches.
    """
    header = _HUNK_RE.match(hunk[0])
    out, trimmed = [header.group(0) if header else hunk[0]], 0
    body = hunk[1:]
    i = 0
    while i < len(body):
        if body[i][:1] not in (" ", ""):
            out.append(body[i])
            i += 1
            continue
        j = i
        while j < len(body) and body[j][:1] in (" ", ""):
            j += 1
        keep = KEEP_CONTEXT if j < len(body) else 0  # the lines right before the next change
        keep = min(keep, j - i)
        out += body[j - keep : j]
        trimmed += j - i - keep
        i = j
    return out, trimmed


def _stat(f: FileDiff, reason: str) -> str:
    return (
        f"{MARKER_PREFIX}: {reason}: +{f.added} -{f.removed} lines in {len(f.hunks)} hunks "
        "not shown]"
    )


def _relevance(files: list[FileDiff], query: str | None) -> dict[int, float]:
    terms = query_terms(query)
    if not terms:
        return {}
    texts = [
        Counter(
            w.lower()
            for w in _WORD_RE.findall(
                f.path + "\n" + "\n".join(line for h in f.hunks for line in h)
            )
        )
        for f in files
    ]
    df = Counter(t for c in texts for t in terms if c[t])
    n = len(files)
    scores = {}
    for i, (f, counts) in enumerate(zip(files, texts, strict=True)):
        path_words = {w.lower() for w in _WORD_RE.findall(f.path)}
        scores[i] = sum(
            math.log(1 + n / df[t]) * (5 if t in path_words else min(counts[t], 3) / 3)
            for t in terms
            if counts[t]
        )
    return scores


def compress_diff(content: str, query: str | None, budget: int | None) -> EngineResult:
    """Headers and changed lines; context trimmed; lockfiles and generated files as stats."""
    lines = [line.rstrip("\r") for line in content.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    sections = parse_diff(lines)
    files = [s.file for s in sections if s.file is not None]
    if not files:
        return compress_text(content, query, budget)
    collapsed: dict[int, str] = {
        id(f): reason for f in files if (reason := f.collapse_reason()) is not None
    }
    text, trimmed = _render(sections, collapsed)
    if budget is not None and count_tokens(text) > budget:
        scores = _relevance(files, query)
        order = sorted(range(len(files)), key=lambda i: (scores.get(i, 0.0), -i))
        for i in order[:-1]:  # collapse the least relevant files until it fits; keep the best
            if id(files[i]) in collapsed:
                continue
            collapsed[id(files[i])] = BUDGET_REASON
            text, trimmed = _render(sections, collapsed)
            if count_tokens(text) <= budget:
                break
        if count_tokens(text) > budget:
            text, trimmed = _fit_hunks(sections, files[order[-1]], collapsed, query, budget)
    hidden = sum(f.added + f.removed for f in files if id(f) in collapsed)
    notes = []
    if trimmed:
        notes.append(f"{trimmed} unchanged context lines (all changed lines are shown)")
    if hidden:
        notes.append(f"{hidden} changed lines in {len(collapsed)} collapsed files")
    return EngineResult(
        text,
        (f"diff:files:{len(files)}", f"diff:collapsed:{len(collapsed)}", f"diff:trimmed:{trimmed}"),
        omitted=" and ".join(notes) + " omitted" if notes else None,
    )


BUDGET_REASON = "collapsed to fit max_tokens"


def _fit_hunks(
    sections: list[Section],
    best: FileDiff,
    collapsed: dict[int, str],
    query: str | None,
    budget: int,
) -> tuple[str, int]:
    """Collapse the best file's hunks, least relevant to the query first, until it fits."""
    terms = set(query_terms(query))
    scores = [
        len(terms.intersection(w.lower() for w in _WORD_RE.findall("\n".join(h))))
        for h in best.hunks
    ]
    order = sorted(range(len(best.hunks)), key=lambda i: (scores[i], -i))
    hidden: set[int] = set()
    text, trimmed = _render(sections, collapsed)
    for i in order[:-1]:
        hidden.add(i)
        text, trimmed = _render(sections, collapsed, best, hidden)
        if count_tokens(text) <= budget:
            break
    return text, trimmed


def _render(
    sections: list[Section],
    collapsed: dict[int, str],
    hunks_of: FileDiff | None = None,
    hidden_hunks: set[int] | frozenset[int] = frozenset(),
) -> tuple[str, int]:
    """The diff as shown; files collapsed for the budget are listed on one line at the end,
    and `hidden_hunks` of `hunks_of` are shown as one stat line each."""
    out: list[str] = []
    trimmed = 0
    listed: list[FileDiff] = []
    for section in sections:
        if section.lines is not None:
            out += section.lines
            continue
        f = section.file
        assert f is not None
        if collapsed.get(id(f)) == BUDGET_REASON:
            listed.append(f)
            continue
        out += f.header
        if id(f) in collapsed:
            out.append(_stat(f, collapsed[id(f)]))
            continue
        for n, hunk in enumerate(f.hunks):
            if f is hunks_of and n in hidden_hunks:
                plus = sum(1 for line in hunk[1:] if line.startswith("+"))
                minus = sum(1 for line in hunk[1:] if line.startswith("-"))
                head = _HUNK_RE.match(hunk[0])
                where = head.group(0) if head else "hunk"
                out.append(f"{MARKER_PREFIX}: {where} +{plus} -{minus} {BUDGET_REASON}]")
                continue
            kept, cut = trim_hunk(hunk)
            out += [cut_long_line(line) for line in kept]
            trimmed += cut
    if listed:
        names = ", ".join(f"{f.path} (+{f.added} -{f.removed})" for f in listed)
        out.append(f"{MARKER_PREFIX}: {len(listed)} files {BUDGET_REASON}: {names}]")
    return "\n".join(out), trimmed
