"""Diff engine: unified diffs, `git show` and `git log -p`, every shown line an input line.

Each commit's header and message come first, then (when some of its hunks are left out) a
one-line file summary (`path +added -removed`, renames, binary), then its files: the
`diff --git` line (plus mode, rename and binary lines; index/---/+++ go), hunk headers (a
section heading once per run of hunks under it) and every changed line;
unchanged context is dropped (the hunk header's ranges locate each change). Lockfiles,
generated, vendored and minified files collapse to a one-line stat. A diff over the budget
(`max_tokens`, else `default_budget`: 15% of the input, 10k-16k tokens, so small diffs keep
every changed line) keeps whole hunks ranked by the query (the file it names first, then path
and hunk words) and by signal (source over tests), with one marker per file for the hunks
left out; long commit messages shrink to their subject line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from headroom_mcp.engines.base import MARKER_PREFIX, EngineResult, cut_long_line, query_terms
from headroom_mcp.engines.select_budget import fit, identifier_words, query_words, relevance
from headroom_mcp.engines.text import compress_text
from headroom_mcp.tokens import count_tokens, estimate_tokens

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
KEEP_CONTEXT = 0  # unchanged lines kept right before each change
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
    """The hunk with each unchanged run cut to the KEEP_CONTEXT lines just before a change;
    its header line whole (the text after `@@` names the enclosing function).

    Trimmed runs get no marker of their own: the omission note counts them, and the hunk
    header's ranges tell exactly which lines each change touches.
    """
    out, trimmed = [hunk[0]], 0
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


def split_hunk_header(line: str) -> tuple[str, str]:
    """A hunk header's ranges (`@@ -1,9 +1,9 @@`) and the section heading git adds after them
    (the enclosing function or class), which a run of hunks in one function repeats."""
    match = _HUNK_RE.match(line)
    if match is None:
        return line, ""
    return match.group(0), line[match.end() :].strip()


def _stat(f: FileDiff, reason: str) -> str:
    return (
        f"{MARKER_PREFIX}: {reason}: +{f.added} -{f.removed} lines in {len(f.hunks)} hunks "
        "not shown]"
    )


def summary_line(files: list[FileDiff]) -> str:
    """One marker line: each file with its added and removed line counts, renames, binary."""
    parts = []
    for f in files:
        extra = ""
        if any(h.startswith("rename from") for h in f.header):
            old = next(h for h in f.header if h.startswith("rename from"))[len("rename from ") :]
            extra = f" (renamed from {old})"
        elif any(h.startswith(("Binary files", "GIT binary patch")) for h in f.header):
            extra = " (binary)"
        parts.append(f"{f.path} +{f.added} -{f.removed}{extra}")
    noun = "file" if len(files) == 1 else "files"
    return f"{MARKER_PREFIX}: {len(files)} {noun}: {', '.join(parts)}]"


TEST_PATH_RE = re.compile(
    r"(^|/)(tests?|spec|__tests__|testdata)/|[._-](test|spec)\.\w+$|_test\.go$"
)
DEFAULT_BUDGET_SHARE = 0.15
NAMED_FUNCTION = 50.0  # a hunk whose section heading names what the query names
NAMED_IN_BODY = 10.0  # a hunk whose lines name it
RARE_SHARE = 0.25  # a query word in more hunks than this is no name
MIN_BUDGET_TOKENS = 10_000
MAX_DEFAULT_BUDGET_TOKENS = 16_000


def default_budget(content: str) -> int:
    """15% of the input's tokens, at least 10,000 (a diff that fits keeps every changed
    line) and at most 16,000."""
    share = int(estimate_tokens(content) * DEFAULT_BUDGET_SHARE)
    return max(MIN_BUDGET_TOKENS, min(MAX_DEFAULT_BUDGET_TOKENS, share))


def compress_diff(content: str, query: str | None, budget: int | None) -> EngineResult:
    """A file summary per commit, headers and changed lines; context trimmed; lockfiles and
    generated files as stats; over the budget, whole hunks ranked by the query and signal."""
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
    limit = budget if budget is not None else default_budget(content)
    text, trimmed = _render(sections, collapsed, set())
    hidden: set[tuple[int, int]] = set()
    if count_tokens(text) > limit:
        hunks = [(n, k) for n, f in enumerate(files) if id(f) not in collapsed
                 for k in range(len(f.hunks))]  # fmt: skip
        scores = _hunk_scores(files, hunks, query)
        ranked = sorted(range(len(hunks)), key=lambda i: (-scores[i], i))
        costs = [count_tokens("\n".join(trim_hunk(files[n].hunks[k])[0])) + 1 for n, k in hunks]
        everything = set(hunks)

        def shown(picked: list[int]) -> set[tuple[int, int]]:
            return everything - {hunks[i] for i in picked}

        skeleton, _ = _render(sections, collapsed, everything)
        subjects = count_tokens(skeleton) > limit // 2  # long messages: subjects only
        if subjects:
            skeleton, _ = _render(sections, collapsed, everything, subjects)
        chosen, text = fit(
            ranked,
            lambda picked: _render(sections, collapsed, shown(picked), subjects)[0],
            limit,
            lambda i: costs[i],
            floor=count_tokens(skeleton),
        )
        hidden = shown(chosen)
        text, trimmed = _render(sections, collapsed, hidden, subjects)
        if count_tokens(text) > limit:
            text = ""  # not even the commit headers and summaries fit
    hidden_lines = sum(
        1 for n, k in hidden for line in files[n].hunks[k][1:] if line[:1] in "+-"
    ) + sum(f.added + f.removed for f in files if id(f) in collapsed)
    notes = []
    if trimmed:
        notes.append(f"{trimmed} unchanged context lines")
    if hidden_lines:
        notes.append(
            f"{hidden_lines} changed lines ({len(hidden)} hunks, {len(collapsed)} collapsed files)"
        )
    return EngineResult(
        text,
        (
            f"diff:files:{len(files)}",
            f"diff:collapsed:{len(collapsed)}",
            f"diff:trimmed:{trimmed}",
            f"diff:hunks-hidden:{len(hidden)}",
        ),
        omitted=" and ".join(notes) + " omitted" if notes else None,
    )


def _hunk_scores(
    files: list[FileDiff], hunks: list[tuple[int, int]], query: str | None
) -> list[float]:
    """Query relevance of each hunk (its file's path words weigh most), then signal: source
    over tests."""
    terms = query_words(query)
    paths = [identifier_words(files[n].path) for n, _ in hunks]
    bodies = [identifier_words("\n".join(files[n].hunks[k])) for n, k in hunks]
    by_path = relevance(paths, terms)
    by_body = relevance(bodies, terms)
    lowered = (query or "").lower()
    tokens = [
        ({w.lower() for w in _WORD_RE.findall(split_hunk_header(files[n].hunks[k][0])[1])},
         {w.lower() for line in files[n].hunks[k][1:] for w in _WORD_RE.findall(line)})
        for n, k in hunks
    ]  # fmt: skip
    # identifiers the query names whole (`LogAndApply`), rare among the hunks: not words of
    # the question such as "change"
    whole = {
        t
        for t in query_terms(query)
        if len(t) >= 4
        and 0 < sum(1 for head, body in tokens if t in head or t in body) <= RARE_SHARE * len(hunks)
    }
    scores = []
    for i, (n, _) in enumerate(hunks):
        path = files[n].path
        score = 5 * by_path[i] + by_body[i]
        head, body = tokens[i]
        if whole & head:
            score += NAMED_FUNCTION  # the hunk is inside the function the query names
        elif whole & body:
            score += NAMED_IN_BODY
        if path.lower() in lowered or PurePosixPath(path).name.lower() in lowered.split():
            score += 100.0  # the query names this file
        if TEST_PATH_RE.search(path):
            score -= 0.5
        scores.append(score)
    return scores


def _subject_only(lines: list[str]) -> list[str]:
    """A commit preamble cut to its header lines and the message's first line."""
    out: list[str] = []
    subject = False
    for line in lines:
        if line.startswith("    ") and line.strip():
            if subject:
                continue
            subject = True
        elif not line.strip() or line.startswith("    "):
            continue
        out.append(line)
    cut = sum(1 for line in lines if line.strip()) - len(out)
    return [*out, f"{MARKER_PREFIX}: {cut} more message lines]"] if cut > 0 else out


def _render(
    sections: list[Section],
    collapsed: dict[int, str],
    hidden: set[tuple[int, int]],
    subjects: bool = False,
) -> tuple[str, int]:
    """The diff as shown: each commit's preamble, then its file summary, then its files;
    the `hidden` hunks (file number, hunk number) as one marker per file."""
    out: list[str] = []
    trimmed = 0
    number = 0
    files_of: list[list[FileDiff]] = []
    group: list[FileDiff] = []
    for section in sections:  # the files after each preamble
        if section.lines is not None:
            files_of.append(group)
            group = []
        elif section.file is not None:
            group.append(section.file)
    files_of.append(group)
    number_of = {id(f): n for n, f in enumerate(f for g in files_of for f in g)}

    def summary(group: list[FileDiff]) -> list[str]:
        """The group's summary line, only when some of its hunks are not shown: then it is the
        one place naming every file and its size; else the diff below says it all."""
        partial = any(
            (number_of[id(f)], k) in hidden
            for f in group
            if id(f) not in collapsed
            for k in range(len(f.hunks))
        )
        return [summary_line(group)] if partial else []

    groups = iter(files_of)
    out += summary(next(groups))
    for section in sections:
        if section.lines is not None:
            out += _subject_only(section.lines) if subjects else section.lines
            out += summary(next(groups))
            continue
        f = section.file
        assert f is not None
        out += f.header
        n = number
        number += 1
        if id(f) in collapsed:
            out.append(_stat(f, collapsed[id(f)]))
            continue
        left = [k for k in range(len(f.hunks)) if (n, k) in hidden]
        if f.hunks and len(left) == len(f.hunks):
            out = out[: len(out) - len(f.header)]  # the summary line already names it
            continue
        section_text = None
        for k, hunk in enumerate(f.hunks):
            if (n, k) in hidden:
                continue
            kept, cut = trim_hunk(hunk)
            ranges, heading = split_hunk_header(kept[0])
            if heading and heading == section_text:
                kept = [ranges, *kept[1:]]  # the heading shown above still holds
            section_text = heading
            out += [cut_long_line(line) for line in kept]
            trimmed += cut
        if left:
            plus = sum(1 for k in left for line in f.hunks[k][1:] if line.startswith("+"))
            minus = sum(1 for k in left for line in f.hunks[k][1:] if line.startswith("-"))
            starts = [m.group(0)[3:].split(" ")[1] if (m := _HUNK_RE.match(f.hunks[k][0])) else "?"
                      for k in left]  # fmt: skip
            noun = "hunk" if len(left) == 1 else "hunks"
            out.append(
                f"{MARKER_PREFIX}: {f.path}: {len(left)} {noun} (+{plus} -{minus}) not shown, "
                f"at {', '.join(starts[:8])}{' ...' if len(starts) > 8 else ''}]"
            )
    return "\n".join(out), trimmed
