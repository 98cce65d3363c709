import json

import pytest

from headroom_mcp.router import KINDS, detect_kind
from tests.conftest import CORPUS, DATA

# Folders named after a routed kind; others (failures/: samples of a shared piece, or a kind
# not registered yet) are tested by their own modules.
SAMPLES = sorted(
    p
    for p in DATA.glob("*/*")
    if p.is_file()
    and p.parent.name in KINDS
    and not p.name.endswith((".needles.json", "README.md", "SOURCES.md"))
    and not p.name.startswith("make_")
)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_each_real_sample_is_detected_as_the_kind_of_its_folder(path):
    assert detect_kind(path.read_text(encoding="utf-8")) == path.parent.name


CORPUS_KIND = {
    "json_api": {"json"},
    "prose_qa": {"prose", "text"},
    "api_payload": {"json"},
    "event_stream": {"json"},
    "service_log": {"logs", "build"},
    "ci_log": {"build", "logs"},
    "test_output": {"build", "test_report", "logs"},
}
WILD = DATA.parents[1] / "bench" / "wild" / "cases"


def corpus_cases(folder):
    return (
        sorted(p for p in folder.iterdir() if (p / "meta.json").exists()) if folder.is_dir() else []
    )


@pytest.mark.skipif(not WILD.is_dir(), reason="bench/wild/cases is missing")
def test_router_sends_the_wild_corpus_to_the_kinds_its_labels_name():
    wrong = []
    cases = corpus_cases(WILD)
    for case in cases:
        meta = json.loads((case / "meta.json").read_text())
        want = CORPUS_KIND.get(meta["kind"], {meta["kind"]})
        got = detect_kind((case / "content.txt").read_text(encoding="utf-8"))
        if got not in want:
            wrong.append((case.name, got))
    assert len(wrong) <= 0.05 * len(cases), wrong


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/dev is not beside this checkout")
def test_router_sends_the_dev_corpus_to_the_kinds_named_in_its_metadata():
    cases = sorted(p for p in CORPUS.iterdir() if (p / "meta.json").exists())
    wrong = []
    for case in cases:
        meta = json.loads((case / "meta.json").read_text())
        if meta["kind"] == "short_prompt":
            continue  # passthrough happens before routing
        want = CORPUS_KIND.get(meta["kind"], {meta["kind"]})
        got = detect_kind((case / "content.txt").read_text(encoding="utf-8"))
        if got not in want:
            wrong.append((case.name, got))
    assert len(wrong) <= 0.02 * len(cases), wrong


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ('{"a": 1}', "json"),
        ('{"a": 1}\n{"a": 2}\n', "json"),
        ("{not json at all", "text"),
        ("[" * 10_000 + "]" * 10_000, "text"),
        ("", "text"),
        ("hello", "text"),
    ],
)
def test_edge_cases_route_safely(content, kind):
    assert detect_kind(content) == kind
