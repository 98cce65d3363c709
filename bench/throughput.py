"""Engine throughput on corpora, and a 50 MB log end to end.

    .venv/bin/python bench/throughput.py [--corpus ../shared/corpus/dev --corpus bench/wild/cases]
                                         [--skip-big]

Each case goes to the kind the router picks for it (by default the dev corpus and the wild
corpus, so every kind is measured: build and test output, event streams and API payloads
included); each kind's engine runs on its cases three times, best time kept; MB/s is input
size over that time. A second figure adds the kind's retrieval units, which every compress
also cuts. Each run sees the case with a different trailing blank, so no cache keyed on the
content (a kind's parse, a token count) serves a run from the one before, and every bounded
functools cache is emptied before each run. The 50 MB log runs
through the library (store, units, token count, engine) in a child process, whose peak RSS is
reported.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from headroom_mcp.kinds import Options, kind_module
from headroom_mcp.router import detect_kind

ROOT = Path(__file__).resolve().parents[1]
BIG_LOG = """
import sys, time, resource
from headroom_mcp import compress
line = "2026-11-24 10:00:00 INFO worker-7 processed request id=123456 in 12ms\\n"
content = line * (50 * 1024 * 1024 // len(line))
content += "2026-11-24 10:00:01 ERROR worker-3 database connection refused\\n"
start = time.perf_counter()
result = compress(content)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{len(content) / 1e6:.1f} MB log: {elapsed:.1f} s, peak RSS {peak:.0f} MB, "
      f"{result.original_tokens} -> {result.compressed_tokens} tokens")
"""


def engine_rows(corpora: list[Path]) -> list[tuple[str, int, float, float, float]]:
    """(kind, cases, engine MB/s overall, engine MB/s on its slowest case, engine and units
    MB/s overall) per kind."""
    by_kind: dict[str, list[str]] = {}
    for corpus in corpora:
        for case in sorted(corpus.iterdir()):
            if not (case / "meta.json").exists():
                continue
            content = (case / "content.txt").read_text()
            if json.loads((case / "meta.json").read_text())["kind"] == "short_prompt":
                continue
            by_kind.setdefault(detect_kind(content), []).append(content)
    rows = []
    for kind, contents in sorted(by_kind.items()):
        module = kind_module(kind)

        def engine(content: str, module=module) -> None:  # type: ignore[no-untyped-def]
            module.compress(content, None, None, Options())

        def with_units(content: str, module=module) -> None:  # type: ignore[no-untyped-def]
            module.units(content, Options())
            module.compress(content, None, None, Options())

        engine(contents[0])  # warm: imports, grammars
        total_bytes = sum(len(c.encode()) for c in contents)
        worst = 0.0
        elapsed = both = 0.0
        for content in contents:
            best = min(_timed(engine, content + " " * run) for run in range(1, 4))
            elapsed += best
            worst = max(worst, best / len(content.encode()))
            both += min(_timed(with_units, content + " " * run) for run in range(4, 7))
        rows.append(
            (kind, len(contents), total_bytes / elapsed / 1e6, 1 / worst / 1e6,
             total_bytes / both / 1e6)
        )  # fmt: skip
    return rows


def _timed(engine, content: str) -> float:  # type: ignore[no-untyped-def]
    _clear_content_caches()
    start = time.perf_counter()
    engine(content)
    return time.perf_counter() - start


def _clear_content_caches() -> None:
    """Empty every bounded functools cache (those keyed on content: parses, token counts,
    identifier splits); the unbounded ones (grammars, the encoding) stay, as in a server."""
    for obj in gc.get_objects():
        bounded = isinstance(obj, functools._lru_cache_wrapper) and obj.cache_info().maxsize
        if bounded:
            obj.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", action="append", help="corpus folder (repeatable)")
    parser.add_argument("--skip-big", action="store_true")
    args = parser.parse_args()
    print("| kind | cases | engine MB/s overall | engine MB/s slowest case | with units MB/s |")
    print("|---|---|---|---|---|")
    default = [ROOT.parent / "shared" / "corpus" / "dev", ROOT / "bench" / "wild" / "cases"]
    corpora = [Path(c) for c in args.corpus or [d for d in default if d.is_dir()]]
    for kind, cases, overall, slowest, units in engine_rows(corpora):
        print(f"| {kind} | {cases} | {overall:.1f} | {slowest:.1f} | {units:.1f} |")
    if not args.skip_big:
        with tempfile.TemporaryDirectory() as home:
            env = {"HEADROOM_MCP_HOME": home, "PATH": "/usr/bin:/bin"}
            out = subprocess.run([sys.executable, "-c", BIG_LOG], env=env, capture_output=True,
                                 text=True, check=True)  # fmt: skip
            print()
            print(out.stdout.strip())


if __name__ == "__main__":
    main()
