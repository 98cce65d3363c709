"""The published-workload sessions (bench/scenarios/) are well formed: every step's needles are in
the tool output it asks about, follow-ups name an earlier step, every file has a provenance."""

import json
import re
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "bench" / "scenarios"


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def test_manifests_needles_in_content():
    names = sorted(p.parent.name for p in DATA.glob("*/manifest.json"))
    assert names == ["code_exploration", "code_search", "issue_triage", "sre_incident"]
    for name in names:
        m = json.loads((DATA / name / "manifest.json").read_text(encoding="utf-8"))
        texts = {}
        for st in m["steps"]:
            if "follow_up" in st:
                text = texts[st["follow_up"]]
            else:
                assert "@" in st["source"] and st["file"]
                text = texts[st["id"]] = norm(
                    (DATA / name / st["file"]).read_text(encoding="utf-8")
                )
            assert st["query"] and st["retrieve_query"] and st["needles"]
            for n in st["needles"]:
                assert norm(n) in text, (name, st["id"], n)
