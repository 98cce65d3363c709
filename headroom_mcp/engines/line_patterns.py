"""Line patterns that are fast on long inputs: anchored alternatives tried at the start only.

Detection and ranking test every line against big alternations such as
`^BUILD FAILED|^> Task :|Process completed with exit code`. Python's `re.search` tries every
alternative at every position of the line, although all but a few can only match at its
start. A LinePattern splits the alternation at its top level: the alternatives that begin
with `^` are tried once, with `match`, and only the others are searched for. The answer is
the same as the whole pattern's `search` (a match or None), several times sooner.
"""

from __future__ import annotations

import re


class LinePattern:
    """`pattern`'s top-level alternatives split into those anchored at the start of the line
    and those that may match anywhere; `search` answers as `re.search` on the whole would
    (the match found may differ in its groups: use it as a yes or no, or for its text)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        anchored: list[str] = []
        anywhere: list[str] = []
        for branch in split_alternatives(pattern):
            (anchored if branch.startswith("^") else anywhere).append(branch)
        self.pattern = pattern
        self._start = re.compile("|".join(anchored), flags) if anchored else None
        self._anywhere = re.compile("|".join(anywhere), flags) if anywhere else None

    def search(self, text: str) -> re.Match[str] | None:
        if self._start is not None:
            found = self._start.match(text)
            if found is not None:
                return found
        if self._anywhere is not None:
            return self._anywhere.search(text)
        return None

    def __repr__(self) -> str:
        return f"LinePattern({self.pattern!r})"


def split_alternatives(pattern: str) -> list[str]:
    """The alternatives of `pattern` at its top level (outside groups and character
    classes), as written. Raises ValueError for a pattern that sets inline flags, whose
    meaning would not survive the split: pass them as `flags`."""
    if pattern.startswith("(?") and re.match(r"\(\?[aiLmsux]+\)", pattern):
        raise ValueError(f"pass inline flags of {pattern[:8]!r} as LinePattern(flags=...)")
    branches: list[str] = []
    depth = 0
    in_class = False
    start = i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
        elif char == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                i += 1
            if pattern[i + 1 : i + 2] == "]":  # a `]` first in a class is a literal
                i += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    branches.append(pattern[start:])
    return branches
