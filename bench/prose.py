"""Prose engine latency on 2k, 10k and 50k-token documents, cold (fresh process) and warm.

    .venv/bin/python bench/prose.py

Documents are real prose from the dev corpus (the ripgrep and Gson guides and the SQuAD
articles), concatenated and cut at a paragraph boundary near each size.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
SIZES = (2_000, 10_000, 50_000)
QUERY = "How can ripgrep follow symbolic links and search hidden files?"

COLD = """
import sys, time
start = time.perf_counter()
from headroom_mcp.engines.prose import compress_prose
text = open(sys.argv[1]).read()
compress_prose(text, sys.argv[2], None)
print(f"{(time.perf_counter() - start) * 1000:.0f}")
"""


def document(tokens: int) -> str:
    from headroom_mcp.tokens import count_tokens

    sources = [CORPUS / f"prose_qa-{n:02d}" / "content.txt" for n in (5, 8, 1)]
    paragraphs = [p for s in sources for p in s.read_text().split("\n\n")]
    out, total = [], 0
    while total < tokens:
        for paragraph in paragraphs:
            out.append(paragraph)
            total += count_tokens(paragraph) + 1
            if total >= tokens:
                break
    return "\n\n".join(out)


def main() -> None:
    from headroom_mcp.engines.prose import compress_prose
    from headroom_mcp.tokens import count_tokens

    print("| document | cold (fresh process) | warm, with query | warm, no query | output |")
    print("|---|---|---|---|---|")
    for size in SIZES:
        text = document(size)
        path = Path(f"/tmp/headroom-prose-{size}.md")
        path.write_text(text)
        cold = subprocess.run(
            [sys.executable, "-c", COLD, str(path), QUERY],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        compress_prose(text, QUERY, None)
        warm_q, warm_n = [], []
        for _ in range(5):
            t = time.perf_counter()
            result = compress_prose(text, QUERY, None)
            warm_q.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            compress_prose(text, None, None)
            warm_n.append((time.perf_counter() - t) * 1000)
        print(
            f"| {count_tokens(text):,} tokens | {cold} ms | {statistics.median(warm_q):.0f} ms "
            f"| {statistics.median(warm_n):.0f} ms | {count_tokens(result.text):,} tokens |"
        )


if __name__ == "__main__":
    main()
