"""What a query names, and which records hold it.

A query names values two ways. Exact tokens: ids, versions, keys and numbers ("10100", "0.1.7",
"0.5.6+2", "ABDERA", "#1234") match a record's value or key only as a whole token, so "0.1.7"
finds `azure-cli-monitor-0.1.7.tar.gz` and the key `"0.1.7"` but not "0.1.70". Content words
("approval rules API", "sesame", "marked broken") match by stem the words of a record's short
text values and the names of its fields that are true. Each term weighs by how rare it is among
the records (a term in more than half of them says nothing about which one is meant; in an
event stream, where "run" or "test" is in every other event, a term must be in one in fifty).
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from headroom_mcp.engines.base import STOPWORDS, query_terms

MAX_WORD_VALUE_CHARS = 300  # longer strings (bodies, logs) are not searched for query words
TOKEN_WEIGHT = 1.5
WORD_WEIGHT = 0.5

_TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+\-]*")
_WORD_RE = re.compile(r"[a-z0-9]+")
MIN_NAME_CHARS = 3
_NAME_PARTS_RE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


@functools.lru_cache(maxsize=65536)  # words repeat line after line
def stem(word: str) -> str:
    """A crude stem: plural, -ed/-ing and a final e dropped (issues, issue -> issu)."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def exact_tokens(query: str) -> list[str]:
    """Tokens of the query that name one value: with a digit, or an all-capitals key."""
    out: dict[str, None] = {}
    for match in _TOKEN_RE.finditer(query):
        token = match.group().rstrip(".-")
        if not token:
            continue
        has_digit = any(c.isdigit() for c in token)
        key_like = token.isupper() and len(token) >= 3
        if has_digit or key_like:
            out.setdefault(token.lower(), None)
    return list(out)


@dataclass
class QueryTerms:
    """The exact tokens and the word stems of a query, ready to match record values."""

    tokens: list[str]
    stems: set[str]
    token_re: re.Pattern[str] | None
    names: frozenset[str] = frozenset()  # the query's words as written, `grpcio-status` whole

    @classmethod
    def of(cls, query: str, ignore: frozenset[str] = frozenset()) -> QueryTerms:
        names = frozenset(
            t.lower().rstrip(".-")
            for t in _TOKEN_RE.findall(query)
            if len(t) >= MIN_NAME_CHARS and t.lower() not in STOPWORDS
        )
        tokens = exact_tokens(query)
        stems = {stem(w) for w in query_terms(query) if w not in ignore and not w.isdigit()}
        stems = {s for s in stems if len(s) >= 3}
        token_re = None
        if tokens:
            alternatives = "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True))
            token_re = re.compile(
                rf"(?<![A-Za-z0-9])(?<![0-9][.+\-])(?:{alternatives})(?![A-Za-z0-9]|[.+\-][0-9])",
                re.IGNORECASE,
            )
        return cls(tokens, stems, token_re, names)

    def __bool__(self) -> bool:
        return bool(self.tokens or self.stems)

    def terms_of(self, pairs: list[tuple[str, Any]], key: str | None = None) -> set[str]:
        """The query terms one record holds: `tok:` and `word:` prefixed."""
        found: set[str] = set()
        if key is not None:
            self._match_text(key, found, words=True)
            if key.lower() in self.names:  # the query names this record by its key
                found.add(f"tok:{key.lower()}")
        for path, value in pairs:
            if value is True and self.stems:
                name = path.rsplit(".", 1)[-1].replace("[*]", "")
                if stem(name.lower()) in self.stems:
                    found.add(f"word:{stem(name.lower())}")
                elif self._names(name):  # hostNetwork, host_network: "host-network"
                    found.add(f"word:{name.lower()}")
            elif isinstance(value, str | int | float) and not isinstance(value, bool):
                self._match_text(str(value), found, words=isinstance(value, str))
        return found

    def _names(self, name: str) -> bool:
        """Whether a field name of several words (camelCase, snake_case, kebab-case) has every
        word in the query."""
        parts = [stem(p.lower()) for p in _NAME_PARTS_RE.findall(name)]
        return len(parts) > 1 and all(p in self.stems for p in parts)

    def _match_text(self, text: str, found: set[str], words: bool) -> None:
        if self.token_re is not None:
            for match in self.token_re.finditer(text):
                found.add(f"tok:{match.group().lower()}")
        if words and self.stems and len(text) <= MAX_WORD_VALUE_CHARS:
            lowered = text.lower()
            if any(s in lowered for s in self.stems):
                for word in _WORD_RE.findall(lowered):
                    s = stem(word)
                    if s in self.stems:
                        found.add(f"word:{s}")


def telling_terms(per_record: list[set[str]], max_share: float = 0.5) -> set[str]:
    """The terms held by at most `max_share` of the records (at least one record, or with a
    small share the square root of their number: in a few dozen records a term in a handful
    of them still tells them apart, 4 of 28, not 2)."""
    n = len(per_record)
    df: Counter[str] = Counter()
    for terms in per_record:
        df.update(terms)
    floor = 1 if max_share >= 0.5 else max(2, int(math.sqrt(n)))
    limit = max(floor, int(n * max_share))
    return {term for term, count in df.items() if count <= limit}


def term_scores(per_record: list[set[str]], max_share: float = 0.5) -> dict[int, float]:
    """Score records by the telling query terms they hold, each weighing by its rarity."""
    n = len(per_record)
    df: Counter[str] = Counter()
    for terms in per_record:
        df.update(terms)
    telling = telling_terms(per_record, max_share)
    scores: dict[int, float] = {}
    for i, terms in enumerate(per_record):
        score = 0.0
        for term in terms & telling:
            weight = TOKEN_WEIGHT if term.startswith("tok:") else WORD_WEIGHT
            score += weight * math.log(1 + n / df[term])
        if score > 0:
            scores[i] = score
    return scores
