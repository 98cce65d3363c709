"""What every kind module offers, and what the router hands it.

A kind is one module of `headroom_mcp.kinds` holding three things: `score(sample)`, how sure
it is that content is of its kind (0.0 to 1.0, the Pygments `analyse_text` idea);
`compress(content, query, budget, options)`, the compressed view; and `units(content,
options)`, the retrievable parts of the original. Compression and units read the same cached
parse, so content is parsed once per call. Kinds are pure: no store, no settings, no network.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from headroom_mcp.engines.base import EngineResult
from headroom_mcp.engines.json_rules import FieldRules
from headroom_mcp.store import Unit

SAMPLE_LINES = 400
Embed = Callable[[Sequence[str]], list[list[float]]]


class KindDeclined(ValueError):
    """A kind was asked for content it cannot handle (kind="json" on text, say); the router
    then uses the next candidate and, last, the text kind."""


@dataclass(frozen=True)
class Options:
    """What a kind may use beyond the content: the file name it came from, the embedding
    function when the store's model is already loaded, a Kompress checkpoint folder, the
    project's field rules."""

    name: str | None = None
    embed: Embed | None = None
    kompress_model: str | None = None
    field_rules: FieldRules | None = None  # keep/drop JSON fields (.headroom-mcp.toml, learn)


@dataclass(frozen=True)
class Sample:
    """The first non-blank lines of the content, read once and shared by every kind's score."""

    content: str
    lines: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, content: str) -> Sample:
        """The sample, with the indentation every line shares removed: output quoted in a
        document or an issue (indented by four spaces) reads as what it is."""
        head = content[: 400 * SAMPLE_LINES].split("\n")[:SAMPLE_LINES]
        lines = [line for line in head if line.strip()]
        shared = min((len(line) - len(line.lstrip(" ")) for line in lines), default=0)
        return cls(content, [line[shared:] for line in lines] if shared else lines)

    @functools.cached_property
    def failure_share(self) -> float:
        """Share of the sample's lines inside failure blocks (stack traces, compiler errors,
        test failures): content made mostly of them is a log or console output, whatever
        its frames look like to the code and prose patterns."""
        from headroom_mcp.engines.failure_blocks import find_failure_blocks, strip_ansi

        lines = [strip_ansi(line) for line in self.lines]
        covered = sum(b.last - b.first + 1 for b in find_failure_blocks(lines))
        return covered / len(lines) if lines else 0.0

    def share(self, test: Callable[[str], bool], lines: Sequence[str] | None = None) -> float:
        pool = self.lines if lines is None else lines
        return sum(1 for line in pool if test(line)) / len(pool) if pool else 0.0

    def matching(self, pattern: re.Pattern[str]) -> float:
        return self.share(lambda s: bool(pattern.match(s)))


class KindModule(Protocol):
    """The shape of a module in `headroom_mcp.kinds` (checked by tests, not at run time)."""

    NAME: str

    def score(self, sample: Sample) -> float: ...

    def compress(
        self, content: str, query: str | None, budget: int | None, options: Options
    ) -> EngineResult: ...

    def units(self, content: str, options: Options) -> list[Unit]: ...
