"""The cursor the failure recognisers share: a line's body under its log prefix, and what a
recogniser reports back.

CI consoles and log collectors put a prefix before every line (GitHub's
`2024-01-01T10:00:00.1234567Z `, docker compose's `web_1  | `). A stack trace inside such a
stream keeps its own indentation after the prefix, so recognisers read the body: the line
with the prefix the block's first line had (same shape once digits are masked), or failing
that a known log prefix, removed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

LOG_PREFIX_RE = re.compile(
    r"(?:\ufeff?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)? ?"
    r"|\[\d\d:\d\d:\d\d(?:[.,]\d+)?\] ?"
    r"|[\w.-]{1,40}[_-]\d+ *\| )?"  # docker compose: `web_1  | `, `web-1  | `
)
_DIGIT_RE = re.compile(r"\d")
MAX_LOOKBACK_LINES = 12  # how far above a frame run a recogniser looks for its headline


def prefix_end(line: str) -> int:
    """Where a known log prefix (timestamp, `service |`) ends; 0 without one."""
    match = LOG_PREFIX_RE.match(line)
    return match.end() if match else 0


def shape(text: str) -> str:
    return _DIGIT_RE.sub("0", text)


def indent(text: str) -> int:
    return len(text) - len(text.lstrip())


@dataclass
class View:
    """Lines seen through the prefix of a block's first line."""

    lines: Sequence[str]
    col: int  # length of the prefix on the trigger line
    floor: int  # first line a recogniser may claim (earlier ones belong to earlier blocks)
    prefix_shape: str = ""

    @classmethod
    def at(cls, lines: Sequence[str], i: int, col: int, floor: int) -> View:
        return cls(lines, col, floor, shape(lines[i][:col]))

    def __len__(self) -> int:
        return len(self.lines)

    def body(self, j: int) -> str:
        line = self.lines[j]
        if self.col and shape(line[: self.col]) == self.prefix_shape:
            return line[self.col :].rstrip("\r")
        return line[prefix_end(line) :].rstrip("\r")

    def blank(self, j: int) -> bool:
        return not self.body(j).strip()

    def trim(self, first: int, last: int) -> int:
        """`last` moved up past trailing blank lines, never above `first`."""
        while last > first and self.blank(last):
            last -= 1
        return last


@dataclass
class Found:
    """What a recogniser saw; failure_blocks turns it into a FailureBlock."""

    first: int
    last: int
    flavor: str
    headline: int
    innermost: int | None = None  # the frame nearest the error: part of the signature
    outermost: int | None = None
    important: list[int] = field(default_factory=list)
    message: int | None = None  # a test report's assertion message: part of the signature
