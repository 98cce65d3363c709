"""Engine throughput on corpora, and a 50 MB log end to end.

    .venv/bin/python bench/throughput.py [--corpus ../shared/corpus/dev --corpus bench/wild/cases]
                                         [--skip-big]

Each case goes to the kind the router picks for it; each kind's engine runs on its cases
three times, best time kept; MB/s is input size over that time. The 50 MB log runs through
the library (store, units, token count, engine) in a child process, whose peak RSS is reported.
"""

from __future__ import annotations

import argparse
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


def engine_rows(corpora: list[Path]) -> list[tuple[str, int, float, float]]:
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

        engine(contents[0])  # warm: imports, grammars
        total_bytes = sum(len(c.encode()) for c in contents)
        worst = 0.0
        elapsed = 0.0
        for content in contents:
            best = min(_timed(engine, content) for _ in range(3))
            elapsed += best
            worst = max(worst, best / len(content.encode()))
        rows.append((kind, len(contents), total_bytes / elapsed / 1e6, 1 / worst / 1e6))
    return rows


def _timed(engine, content: str) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    engine(content)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", action="append", help="corpus folder (repeatable)")
    parser.add_argument("--skip-big", action="store_true")
    args = parser.parse_args()
    print("| engine | cases | MB/s overall | MB/s slowest case |")
    print("|---|---|---|---|")
    corpora = [Path(c) for c in args.corpus or [ROOT.parent / "shared" / "corpus" / "dev"]]
    for kind, cases, overall, slowest in engine_rows(corpora):
        print(f"| {kind} | {cases} | {overall:.1f} | {slowest:.1f} |")
    if not args.skip_big:
        with tempfile.TemporaryDirectory() as home:
            env = {"HEADROOM_MCP_HOME": home, "PATH": "/usr/bin:/bin"}
            out = subprocess.run([sys.executable, "-c", BIG_LOG], env=env, capture_output=True,
                                 text=True, check=True)  # fmt: skip
            print()
            print(out.stdout.strip())


if __name__ == "__main__":
    main()
