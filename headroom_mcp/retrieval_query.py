"""What a retrieve query asks for: its words, their other forms, and its intent.

Keyword search must reach across the forms of a word ("failures" finds "fail", "failed",
"failing" and "errorCode" is found by "errors"), so each word is searched by its stem as a
prefix. Questions about errors, failures, exceptions or what went wrong also select the units
each kind tagged as errors, even when no word of the question is in the content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from headroom_mcp.engines.base import STOPWORDS
from headroom_mcp.engines.query_names import NO_NAMES, Names, query_names

_WORD_RE = re.compile(r"[A-Za-z0-9_]+(?:[.+-][A-Za-z0-9_]+)*")
_PARTS_RE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
# Longest first: "failures" -> "fail", "exceptions" -> "exception", "warnings" -> "warn".
_SUFFIXES = (
    "ations", "ation", "ures", "ure", "ings", "ing", "ions", "ion", "ed", "es", "ers", "er",
    "ly", "s",
)  # fmt: skip
MIN_STEM = 4  # shorter stems as prefixes match too much ("err*" would be fine, "us*" is not)
_ERROR_INTENT_RE = re.compile(
    r"\b(errors?|fail\w*|exception\w*|crash\w*|panic\w*|traceback|stack ?traces?|fatal|abort\w*"
    r"|wrong|broke\w*|bugs?|problems?|issues? (?:with|in)|why\b.*\b(?:fail|stop|die|crash|break)"
    r"|what happened|died|timeouts?|timed out|refused|denied|unable|cannot|can't|caused by"
    r"|root cause|unusual|anomal\w*|rare events?)\b",
    re.I,
)
_WARNING_INTENT_RE = re.compile(r"\bwarn\w*|\bdeprecat\w*", re.I)
ERROR_TAG_WORDS = ("error", "errors", "failure", "failed", "exception", "traceback")
# Words that only say "errors" (or "warnings"): a query made of them names no particular one.
_INTENT_ONLY_RE = re.compile(
    r"^(errors?|fail\w*|exception\w*|unusual|rare|events?|warn\w*|problems?|issues?|wrong|went"
    r"|happened|traceback\w*|stack|traces?|crash\w*|panic\w*|fatal|abort\w*|anomal\w*|all"
    r"|show|list|find|messages?|logs?|lines?|everything|anything|deprecat\w*|causes?|root|tests?"
    r"|cases?|why|happen\w*)$"
)
WARNING_TAG_WORDS = ("warning", "warnings")


@dataclass(frozen=True)
class QueryPlan:
    """A query made ready for the index: `match` is an FTS5 expression (empty when the query
    has no searchable word), `words` the words themselves, `errors`/`warnings` its intent."""

    words: tuple[str, ...]
    match: str
    errors: bool
    warnings: bool
    names: Names = NO_NAMES  # file paths and rule codes, matched whole

    @property
    def only_intent(self) -> bool:
        """The query asks for errors or warnings in general, naming no particular one."""
        return (self.errors or self.warnings) and all(_INTENT_ONLY_RE.match(w) for w in self.words)

    @property
    def tag_match(self) -> str:
        """FTS5 expression for the units tagged as errors (and warnings) by their kind."""
        words = (ERROR_TAG_WORDS if self.errors else ()) + (
            WARNING_TAG_WORDS if self.warnings else ()
        )
        return " OR ".join(f'"{w}"' for w in words)


def stem(word: str) -> str:
    """A crude stem: the word without one common suffix, if what is left is long enough."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


def identifier_parts(token: str) -> list[str]:
    """The words inside an identifier: rawDecode, raw_decode, json.decoder -> raw, decode…"""
    return [p.lower() for p in _PARTS_RE.findall(token) if len(p) > 1]


def query_words(query: str) -> list[str]:
    """Content words of the query, in order, without repeats: each token whole (a version
    such as 0.5.6+2 or a name such as azure-cli-monitor stays one term), and the words inside
    identifiers (rawDecode, raw_decode, json.decoder) as terms of their own; stopwords go."""
    seen: dict[str, None] = {}
    for token in _WORD_RE.findall(query):
        lowered = token.lower()
        if len(lowered) > 1 and lowered not in STOPWORDS:
            seen.setdefault(lowered, None)
        if re.search(r"[a-z][A-Z]|[_.+-]", token) and not re.search(r"\d[.+-]\d", token):
            for part in identifier_parts(token):
                if part not in STOPWORDS:
                    seen.setdefault(part, None)
    return list(seen)


def _fts_term(word: str) -> str:
    """One word as an FTS5 term: its stem as a prefix for words, exact for numbers and ids."""
    quoted = word.replace('"', '""')
    if word.isalpha() and len(word) >= MIN_STEM:
        return f'"{stem(word)}"*'
    return f'"{quoted}"'


def plan_query(query: str) -> QueryPlan:
    words = tuple(query_words(query))
    match = " OR ".join(_fts_term(w) for w in words)
    return QueryPlan(
        words=words,
        match=match,
        errors=bool(_ERROR_INTENT_RE.search(query)),
        warnings=bool(_WARNING_INTENT_RE.search(query)),
        names=query_names(query),
    )
