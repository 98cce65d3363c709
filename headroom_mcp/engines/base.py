"""What every engine returns, and the shared pieces of the text it shows the model.

Any line an engine adds that is not from the input starts with MARKER_PREFIX, so the model
(and a test) can tell our notes from the content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

MARKER_PREFIX = "[headroom"
MAX_LINE_CHARS = 2000  # longer lines are cut, with a marker saying how much was cut

_WORD_RE = re.compile(r"[A-Za-z0-9_]+")
STOPWORDS = frozenset(
    """a an and are as at be by do does did for from has have how i if in is it its of on or
    that the this to was were what when where which who whom whose why will with you your me
    my we our can could should would there their them they these those than then so not no
    yes all any each record records line lines file files value values""".split()
)


@dataclass(frozen=True)
class EngineResult:
    """An engine's output.

    `text` is what the model reads (without the final retrieve marker, which `api` adds because
    only it knows the hash). `omitted` says what was left out, e.g. "173 of 200 items", or is
    None when nothing was. `transforms` names what was done, e.g. ("json:select:27/200",).
    """

    text: str
    transforms: tuple[str, ...]
    omitted: str | None = None


class Engine(Protocol):
    def __call__(self, content: str, query: str | None, budget: int | None) -> EngineResult: ...


def query_terms(query: str | None) -> list[str]:
    """Lower-cased content words of a query, stopwords and one-letter words dropped."""
    if not query:
        return []
    seen: dict[str, None] = {}
    for word in _WORD_RE.findall(query.lower()):
        if len(word) > 1 and word not in STOPWORDS:
            seen.setdefault(word, None)
    return list(seen)


def words(text: str) -> list[str]:
    """Lower-cased word tokens, the same tokenisation the query goes through."""
    return _WORD_RE.findall(text.lower())


def omission_line(what: str) -> str:
    """A marker line standing where content was left out."""
    return f"{MARKER_PREFIX}: {what}]"


def cut_long_line(line: str, limit: int = MAX_LINE_CHARS) -> str:
    """Keep the first `limit` characters of a line, saying how many were cut."""
    if len(line) <= limit:
        return line
    return f"{line[:limit]}…{MARKER_PREFIX}: +{len(line) - limit} chars]"
