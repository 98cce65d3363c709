"""One selection rule for the structural engines: score units by the query, fill the budget
with the best, show them in their original order.

A unit is whatever an engine keeps or leaves out whole: a search hit, a diff hunk, a symbol.
Relevance is the query's words found in the unit (identifiers split at camelCase and
snake_case, rare words weighing most); the engine adds its own importance signals and renders
the chosen units in order, with one marker per gap.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from headroom_mcp.engines.base import query_terms
from headroom_mcp.tokens import count_tokens

_IDENT_RE = re.compile(r"[A-Za-z0-9_]+")
_CAMEL_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def identifier_words(text: str) -> set[str]:
    """Lower-cased words of `text`: each identifier whole and split at `_` and camelCase
    (`uv__close` gives uv__close, uv, close; `deflateBound` gives deflatebound, deflate, bound)."""
    out: set[str] = set()
    for token in set(_IDENT_RE.findall(text)):
        out.update(_words_of_identifier(token))
    return out


@functools.lru_cache(maxsize=65536)
def _words_of_identifier(token: str) -> tuple[str, ...]:
    # Identifiers repeat across the units of one input (and from one input to the next):
    # split each once.
    words = {token.lower()}
    for part in token.split("_"):
        if part:
            words.add(part.lower())
            words.update(p.lower() for p in _CAMEL_RE.findall(part))
    return tuple(words)


def query_words(query: str | None) -> list[str]:
    """The query's content words (`query_terms`), plus the parts of its identifiers."""
    terms = query_terms(query)
    seen = dict.fromkeys(terms)
    for term in terms:
        for part in sorted(identifier_words(term)):
            if len(part) > 2 and part not in seen:
                seen[part] = None
    return list(seen)


def relevance(units: Sequence[set[str]], terms: Iterable[str]) -> list[float]:
    """Per unit, the summed inverse document frequency of the query words it holds."""
    wanted = list(terms)
    df = Counter(t for words in units for t in wanted if t in words)
    n = len(units)
    return [sum(math.log(1 + n / df[t]) for t in wanted if t in words) for words in units]


def fit(
    ranked: Sequence[int],
    render: Callable[[list[int]], str],
    budget: int,
    cost: Callable[[int], int],
    floor: int = 0,
) -> tuple[list[int], str]:
    """The best-ranked units that fit `budget`: filled greedily by estimated `cost`, then
    checked with the real tokenizer on the rendered text, dropping the weakest until it fits.
    `floor` is the cost of what is always shown (headers, markers)."""
    chosen: list[int] = []
    spent = floor
    for unit in ranked:
        c = cost(unit)
        if spent + c <= budget:
            chosen.append(unit)
            spent += c
    text = render(chosen)
    tokens = count_tokens(text)
    while tokens > budget and chosen:
        over = tokens - budget
        drop = 0
        freed = 0
        while drop < len(chosen) - 1 and freed < over:
            drop += 1
            freed += cost(chosen[-drop])
        chosen = chosen[: len(chosen) - max(drop, 1)]
        text = render(chosen)
        tokens = count_tokens(text)
    return chosen, text
