"""Whatever kind is detected or forced, a compressed result shows some of the content: never
markers alone (the router falls back to the next kind, and last to text)."""

import json
from pathlib import Path

import pytest

from headroom_mcp import compress
from headroom_mcp.engines.base import MARKER_PREFIX
from headroom_mcp.router import KINDS
from headroom_mcp.tokens import count_tokens
from tests.conftest import CORPUS

WILD = Path(__file__).resolve().parents[1] / "bench" / "wild" / "cases"


def cases():
    found = []
    for folder in (CORPUS, WILD):
        if folder.is_dir():
            found += sorted(p for p in folder.iterdir() if (p / "meta.json").exists())
    return found


def content_lines(text):
    return [
        line for line in text.split("\n") if line.strip() and not line.startswith(MARKER_PREFIX)
    ]


@pytest.mark.slow
@pytest.mark.parametrize("case", cases(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_detected_kind_returns_markers_only(case):
    content = (case / "content.txt").read_text(encoding="utf-8")
    if count_tokens(content) < 300:
        pytest.skip("short content comes back as itself")
    meta = json.loads((case / "meta.json").read_text())
    result = compress(content, query=meta.get("query"))
    assert content_lines(result.compressed), result.transforms


def one_case_per_label():
    chosen = {}
    for case in cases():
        label = json.loads((case / "meta.json").read_text())["kind"]
        if label != "short_prompt":
            chosen.setdefault(label, case)
    return sorted(chosen.values())


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", one_case_per_label(), ids=lambda p: p.name)
def test_no_forced_kind_returns_markers_only(case, kind):
    content = (case / "content.txt").read_text(encoding="utf-8")
    for budget in (None, 120):
        result = compress(content, kind=kind, max_tokens=budget)
        assert content_lines(result.compressed), (kind, budget, result.transforms)
