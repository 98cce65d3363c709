#!/usr/bin/env python3
"""Rebuild bench/probe/cases/ (see README.md) from fetched public git mirrors.

    python bench/probe/build.py [MIRROR_ROOT]          # default /work/.mirror

Cases are listed in every bench/probe/sources_*.py (a CASES list each, in the format of
bench/wild/sources.py) and built exactly as the wild corpus is (bench/wild/build.py).
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "wild"))
from build import build  # noqa: E402


def probe_cases() -> list[dict]:
    cases: list[dict] = []
    for path in sorted(HERE.glob("sources_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        cases += module.CASES
    return cases


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/.mirror")
    sys.exit(build(probe_cases(), HERE / "cases", root))
