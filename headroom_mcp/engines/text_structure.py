"""The shape plain text has without a grammar: indentation, headers, repeated line shapes.

Text no engine knows (a terraform plan, `kubectl describe`, a YAML file, an ansible run, a
sanitizer report, psql output) still nests by indentation: a line belongs to the less indented
line above it (`  + resource "aws_instance" "web" {` holds `instance_type = "t3.micro"`; `fatal:
[host]: FAILED! =>` holds `msg: ...`). A line shown without that header is hard to place, and a
header shown without the first lines under it says little. This module finds, in one pass,
each line's parent (the nearest less indented line above it), the first lines of the block it
opens, and a shape per line (numbers masked) so that a hundred progress lines that differ only
in their numbers count as one.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Set
from dataclasses import dataclass, field

from headroom_mcp.engines.json_query import stem
from headroom_mcp.engines.select_budget import identifier_words

TAB_WIDTH = 4
# a number standing alone (a count, a time, a size with its unit: 10s, 2MB), not part of a
# name such as md11 or v2
_NUMBER_RE = re.compile(r"(?<![A-Za-z_\d])\d+(?:[.,:]\d+)*(?:[A-Za-z]{1,3})?(?![A-Za-z_\d])")
_RULE_RE = re.compile(r"^[\s\-=+|_~*#.:]+$")
_HEX_RE = re.compile(r"\b0x[0-9a-fA-F]+\b|\b[0-9a-f]{12,}\b")


@dataclass(frozen=True)
class TextShape:
    """Per line: indentation (None for blank lines), parent row (None at the top level) and a
    shape key (numbers standing alone and hex masked, blanks squeezed: `md11` stays)."""

    indents: list[int | None]
    parents: list[int | None]
    shapes: list[str]
    rules: frozenset[int]  # rows of punctuation only (`-----+----`): they end no block
    heads: list[int] = field(default_factory=list)  # rows that open a record, in order

    def record_head(self, row: int) -> int | None:
        """The row opening the record `row` is in (`commit 3f2a…` above a commit's subject
        and stats), when the text is a list of records and it is near enough."""
        k = bisect.bisect_right(self.heads, row) - 1
        if k < 0 or row - self.heads[k] > MAX_RECORD_LINES or self.heads[k] == row:
            return None
        return self.heads[k]

    def record_title(self, head: int, before: int) -> int | None:
        """The first line of the record `head` opens that is indented deeper (a commit's
        subject under its `commit`, `Author:` and `Date:` lines), if it comes before row
        `before`; else None."""
        for k in range(head + 1, before):
            indent = self.indents[k]
            if indent is not None and indent > 0:
                return k
        return None

    def ancestors(self, row: int, limit: int = 6) -> list[int]:
        """The rows of the headers above `row`, nearest first."""
        out: list[int] = []
        parent = self.parents[row]
        while parent is not None and len(out) < limit:
            out.append(parent)
            parent = self.parents[parent]
        return out

    def block_below(self, row: int, limit: int, stops: Set[int] = frozenset()) -> list[int]:
        """The first `limit` rows of the block `row` opens: the more indented lines right
        under it (blank lines and rules such as psql's `-----` inside the block skipped over);
        when the next line is not deeper, the rest of its paragraph (a psql query's result
        table, a header's list), up to a blank line, a line of the same shape as `row` (the
        next entry of a list) or one of `stops` (a line that is an entry of its own)."""
        own = self.indents[row]
        if own is None or row + 1 >= len(self.indents):
            return []
        nxt = self.indents[row + 1]
        out: list[int] = []
        k = row + 1
        if nxt is not None and nxt > own:
            while k < len(self.indents) and len(out) < limit:
                indent = self.indents[k]
                if indent is not None and indent <= own and k not in self.rules:
                    break
                if indent is not None:
                    out.append(k)
                k += 1
            return out
        while k < len(self.indents) and len(out) < limit:
            if self.indents[k] is None or self.shapes[k] == self.shapes[row] or k in stops:
                break
            out.append(k)
            k += 1
        return out


def text_shape(lines: list[str]) -> TextShape:
    indents: list[int | None] = []
    for line in lines:
        stripped = line.lstrip(" \t")
        if not stripped:
            indents.append(None)
            continue
        lead = line[: len(line) - len(stripped)]
        indents.append(len(lead.expandtabs(TAB_WIDTH)))
    parents: list[int | None] = []
    stack: list[tuple[int, int]] = []  # (indent, row) of the open headers, outermost first
    for row, indent in enumerate(indents):
        if indent is None:
            parents.append(None)
            continue
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parents.append(stack[-1][1] if stack else None)
        stack.append((indent, row))
    shapes = [_shape_of(line) for line in lines]
    rules = frozenset(i for i, line in enumerate(lines) if line.strip() and _RULE_RE.match(line))
    return TextShape(indents, parents, shapes, rules, _record_heads(lines, indents))


MAX_RECORD_LINES = 60  # a record head further above a line than this does not name it
MIN_RECORDS = 4
MIN_RECORD_GAP = 3  # lines per record on average: log lines, one per line, are not records


def _record_heads(lines: list[str], indents: list[int | None]) -> list[int]:
    """The rows opening records, when the text is a list of them: the first word of a
    top-level line that comes back at least MIN_RECORDS times, records several lines apart,
    and of those words the one seen first (`commit` before `Author:` and `Date:` in `git
    log`, psql's `-[ RECORD 1 ]-`, MySQL's `*** 1. row ***`)."""
    rows_of: dict[str, list[int]] = {}
    for row, (line, indent) in enumerate(zip(lines, indents, strict=True)):
        words = line.split(None, 1) if indent == 0 else []
        if words:  # (a line of other white space, `\x0b` or U+3000, has none)
            rows_of.setdefault(_NUMBER_RE.sub("0", words[0]), []).append(row)
    candidates = [
        rows
        for rows in rows_of.values()
        if len(rows) >= MIN_RECORDS and (rows[-1] - rows[0]) >= MIN_RECORD_GAP * (len(rows) - 1)
    ]
    return min(candidates, key=lambda rows: rows[0]) if candidates else []


def _shape_of(line: str) -> str:
    return " ".join(_NUMBER_RE.sub("0", _HEX_RE.sub("h", line)).split())


def line_stems(line: str) -> set[str]:
    """The stems of a line's words, identifiers whole and split (`instance_class` gives
    instance_class, instance, class), so a question's words find the line in any form."""
    return {stem(word) for word in identifier_words(line)}


def query_stems(terms: list[str]) -> list[str]:
    """The query's terms as stems, each once, in order."""
    return list(dict.fromkeys(stem(term) for term in terms))
