"""Retrieval at scale, embedding throughput, and compress latency with the indexer running.

    .venv/bin/python bench/retrieval.py [--units 100000] [--model ""|hash]

1. Fills a fresh store with originals totalling --units retrievable units (real log lines from
   the dev corpus, varied), embeds them all (hashing embedder by default, so the fill takes
   seconds; pass --model "" to embed with MiniLM), then times 200 retrieve(hash, query) calls
   on random originals: p50 and p95.
2. A just-stored 2,000-line log, queried at once with the MiniLM model loaded (as in a warm
   server): retrieve p50/p95 including on-demand embedding of that original's units, over
   fresh originals each time so nothing is embedded beforehand.
3. Embedding throughput of the bundled MiniLM on log events (units per second).
4. Compress latency on the corpus with the indexer running (MiniLM) and with it off.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "dev"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def fill_and_query(units: int, model: str) -> str:
    from headroom_mcp import compress, context, retrieve

    lines = []
    for case in sorted(CORPUS.glob("logs-*")):
        lines += (case / "content.txt").read_text().splitlines()
    rng = random.Random(7)
    per_original = 1000
    hashes, queries = [], []
    start = time.perf_counter()
    for n in range(units // per_original):
        chosen = rng.sample(lines, per_original)
        body = "\n".join(f"{line} seq={n}-{i}" for i, line in enumerate(chosen))
        hashes.append(compress(body, kind="logs").hash)  # one unit per line
        queries.append(" ".join(rng.choice(chosen).split()[3:9]))
    fill_s = time.perf_counter() - start
    start = time.perf_counter()
    context.wait_for_embeddings(3600)
    embed_s = time.perf_counter() - start
    store = context.current()[1]
    timings = []
    for _ in range(200):
        i = rng.randrange(len(hashes))
        t = time.perf_counter()
        retrieve(hashes[i], query=queries[i])
        timings.append((time.perf_counter() - t) * 1000)
    return (
        f"| {store.query('SELECT COUNT(*) FROM units')[0][0]:,} units "
        f"({store.vector_count():,} vectors, model {model or 'MiniLM'}) | fill {fill_s:.0f} s, "
        f"embed {embed_s:.0f} s | retrieve p50 {statistics.median(timings):.1f} ms, "
        f"p95 {percentile(timings, 0.95):.1f} ms |"
    )


JUST_STORED = """
import random, statistics, sys, time
from pathlib import Path
from headroom_mcp import compress, context, retrieve
lines = []
for case in sorted(Path(sys.argv[1]).glob("logs-*")):
    lines += (case / "content.txt").read_text().splitlines()
rng = random.Random(11)
settings, store = context.current()
worker = context.worker_for(settings, store)
worker.embedder.embed(["warm up"]); worker.ready.set()   # a warm server: the model is loaded
queries = ["why did the connection fail", "errors failures exceptions and unusual events",
           "authentication failure for root", "disk full or out of memory"]
times, hows = [], []
for n in range(20):
    body = "\\n".join(f"{line} run={n}-{i}" for i, line in enumerate(rng.sample(lines, 2000)))
    digest = compress(body, kind="logs").hash
    t = time.perf_counter()
    result = retrieve(digest, query=queries[n % len(queries)])
    times.append((time.perf_counter() - t) * 1000)
    hows.append(result.search)
times.sort()
print(f"{statistics.median(times):.0f} {times[int(len(times) * 0.95)]:.0f} {hows[-1]}")
"""


def just_stored() -> str:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "HEADROOM_MCP_HOME": home, "HEADROOM_MCP_EMBED_MODEL": ""}
        done = subprocess.run([sys.executable, "-c", JUST_STORED, str(CORPUS)], env=env,
                              capture_output=True, text=True, check=True)  # fmt: skip
    p50, p95, how = done.stdout.strip().split(" ", 2)
    return (f"just-stored 2,000-line log, model loaded: retrieve p50 {p50} ms, p95 {p95} ms "
            f"(ranked by: {how})")  # fmt: skip


def embedding_throughput() -> str:
    from headroom_mcp.store.embedder import BATCH_UNITS, MiniLMEmbedder

    texts = (CORPUS / "logs-05" / "content.txt").read_text().splitlines()[:512]
    embedder = MiniLMEmbedder()
    embedder.embed(["warm up"])
    start = time.perf_counter()
    for i in range(0, len(texts), BATCH_UNITS):  # as the worker does
        embedder.embed(texts[i : i + BATCH_UNITS])
    rate = len(texts) / (time.perf_counter() - start)
    return f"MiniLM on 512 log events, batches of {BATCH_UNITS}: {rate:.0f} units/s"


LATENCY = """
import json, statistics, sys, time
from pathlib import Path
from headroom_mcp import compress
cases = sorted(p for p in Path(sys.argv[1]).iterdir() if (p / "meta.json").exists())
contents = [(c / "content.txt").read_text() for c in cases]
times = []
for round_ in range(2):
    for i, text in enumerate(contents):
        t = time.perf_counter()
        compress(text + f"\\n{round_}")  # new content each round: nothing deduplicated
        times.append(time.perf_counter() - t)
        time.sleep(0.6)  # an agent thinks between calls; the indexer works then
times.sort()
print(f"{1000 * statistics.median(times):.1f} {1000 * times[int(len(times) * 0.95)]:.1f}")
"""


def latency_with_and_without_indexer() -> str:
    out = []
    for model in ("off", ""):
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "HEADROOM_MCP_HOME": home, "HEADROOM_MCP_EMBED_MODEL": model}
            done = subprocess.run([sys.executable, "-c", LATENCY, str(CORPUS)], env=env,
                                  capture_output=True, text=True, check=True)  # fmt: skip
            p50, p95 = done.stdout.split()
            out.append(f"indexer {'off' if model == 'off' else 'on (MiniLM)'}: compress p50 "
                       f"{p50} ms, p95 {p95} ms")  # fmt: skip
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--model", default="hash")
    parser.add_argument("--skip-latency", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["HEADROOM_MCP_HOME"] = home
        os.environ["HEADROOM_MCP_EMBED_MODEL"] = args.model
        print(fill_and_query(args.units, args.model))
    print(just_stored())
    print(embedding_throughput())
    if not args.skip_latency:
        print(latency_with_and_without_indexer())


if __name__ == "__main__":
    main()
