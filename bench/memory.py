"""Peak memory and time of api.compress on huge inputs, one fresh process per input.

    python bench/memory.py            # all four inputs
    python bench/memory.py log        # one of: log, one_char, one_line, repeated_line

Each input is generated in the child (not read from a file) and compressed once into a
temporary store; the child reports its peak RSS (ru_maxrss) and the wall time of compress.
The target (issue: bounded memory) is under 1 GB for anything up to the content cap.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

MB = 1024 * 1024
INPUTS = {
    "log": "a 50 MB log",
    "one_char": "60 MB of one character",
    "one_line": "one 50 MB line",
    "repeated_line": "58 MB of one repeated line",
}


def make(name: str) -> str:
    if name == "log":
        levels = ("INFO", "DEBUG", "WARN", "ERROR")
        lines = []
        size = i = 0
        while size < 50 * MB:
            line = (
                f"2024-05-01T12:{i // 60000 % 60:02d}:{i // 1000 % 60:02d}.{i % 1000:03d}Z "
                f"{levels[i % 7 % 4]} worker-{i % 13} request id={i:08d} path=/api/v1/items/"
                f"{i % 977} status={200 if i % 11 else 500} took={i % 313}ms\n"
            )
            lines.append(line)
            size += len(line)
            i += 1
        return "".join(lines)
    if name == "one_char":
        return "a" * (60 * MB)
    if name == "one_line":
        return "".join(f"word{i} " for i in range(50 * MB // 10))[: 50 * MB]
    if name == "repeated_line":
        line = "the same line of a log, repeated over and over again\n"
        return line * (58 * MB // len(line))
    raise SystemExit(f"unknown input {name!r}: choose one of {', '.join(INPUTS)}")


def child(name: str) -> None:
    import resource
    import time

    from headroom_mcp import api

    content = make(name)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = api.compress(content)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "input": INPUTS[name], "bytes": len(content.encode()), "kind": result.kind,
        "peak_rss_mb": round(peak_kb / 1024), "before_compress_mb": round(base / 1024),
        "seconds": round(seconds, 1), "compressed_tokens": result.compressed_tokens,
    }))  # fmt: skip


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
        return
    names = sys.argv[1:] or list(INPUTS)
    print("| input | kind | peak RSS | before compress | time |")
    print("|---|---|---|---|---|")
    for name in names:
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "HEADROOM_MCP_HOME": home, "HEADROOM_MCP_EMBED_MODEL": "off"}
            done = subprocess.run(
                [sys.executable, __file__, "--child", name],
                env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
        if done.returncode != 0:
            print(f"| {INPUTS[name]} | failed: {done.stderr.strip()[-200:]} | | | |")
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"| {row['input']} | {row['kind']} | {row['peak_rss_mb']} MB | "
            f"{row['before_compress_mb']} MB | {row['seconds']} s |"
        )


if __name__ == "__main__":
    main()
