"""Which kind is this content? Every kind scores it; the best score wins.

Each kind module says how sure it is (`score`, 0.0 to 1.0) from a sample of the first lines,
so detection stays fast on 50 MB inputs; the text kind always answers with a low score. The
router returns every plausible kind, best first, so that `api` can fall back to the next one
when an engine's output would keep nothing of the input.
"""

from __future__ import annotations

from pathlib import PurePath

from headroom_mcp.kinds import KIND_MODULES, KIND_NAMES, Sample, kind_module

KINDS = KIND_NAMES
Kind = str
CERTAIN = 1.0

_KIND_BY_SUFFIX: dict[str, str] = {
    ".json": "json", ".jsonl": "json", ".ndjson": "json", ".geojson": "json", ".log": "logs",
    ".diff": "diff", ".patch": "diff", ".html": "html", ".htm": "html", ".md": "prose",
    ".rst": "prose",
}  # fmt: skip


def rank_kinds(content: str) -> list[tuple[float, str]]:
    """(score, kind) for every kind that claims `content`, best first; text is always last."""
    sample = Sample.of(content)
    if not sample.lines:
        return [(CERTAIN, "text")]
    ranked: list[tuple[float, str]] = []
    for name in KIND_MODULES:
        value = float(kind_module(name).score(sample))
        if value > 0:
            ranked.append((value, name))
        if value >= CERTAIN:
            break  # as Pygments does: nothing beats certain
    order = {name: i for i, name in enumerate(KIND_MODULES)}
    ranked.sort(key=lambda item: (-item[0], item[1] == "text", order[item[1]]))
    if all(name != "text" for _, name in ranked):
        ranked.append((0.0, "text"))
    return ranked


def detect_kind(content: str) -> Kind:
    """The kind of `content`; 'text' when nothing more specific fits."""
    return rank_kinds(content)[0][1]


def kind_from_name(name: str) -> Kind | None:
    """The kind a file name promises (a source extension, .json, .log, .diff), if any."""
    from headroom_mcp.engines.code_languages import language_from_name

    if language_from_name(name):
        return "code"
    return _KIND_BY_SUFFIX.get(PurePath(name).suffix.lower())
