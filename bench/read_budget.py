#!/usr/bin/env python3
"""Source files read with a query and `max_tokens`: does the budget hold, and does the answer
survive it?

score.py cannot pass `max_tokens`, so this calls `headroom_mcp.api.compress(content,
query=..., max_tokens=..., name=path)` directly, as `headroom_read` does, for real source files:
the wild corpus's code cases (bench/wild/cases/code-*, their query, needles as the lines to
keep) and further files under tests/data/code (provenance in tests/data/code/README.md), each
with the function the query names and a few distinctive lines of its body. For each it checks
that the text the model reads (`compressed`, footer included) counts at most `max_tokens` with
the tokenizer of the reported counts (`headroom_mcp.tokens.count_tokens`) and that every
expected line is in it, and prints a table.

    PYTHONPATH=. python bench/read_budget.py            # exit status 1 if any check fails
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WILD = ROOT / "bench" / "wild" / "cases"
DATA = ROOT / "tests" / "data" / "code"
WILD_BUDGET = 2000  # tokens; each wild case asks about one function or declaration


@dataclass(frozen=True)
class Read:
    path: Path
    name: str  # the file name headroom_read would pass
    query: str
    max_tokens: int
    expect: tuple[str, ...]  # lines that must be in the output (whitespace-insensitive)


EXTRA = (
    Read(DATA / "subprocess.py", "Lib/subprocess.py", "how are timeouts handled in communicate",
         1500, ("def communicate(self, input=None, timeout=None):",
                "if self._communication_started and input:",
                "endtime = _time() + timeout",
                "sts = self.wait(timeout=self._remaining_time(endtime))")),
    Read(DATA / "zipfile.py", "Lib/zipfile.py",
         "how does _extract_member keep paths inside the target directory", 1500,
         ("def _extract_member(self, member, targetpath, pwd):",
          "invalid_path_parts = ('', os.path.curdir, os.path.pardir)",
          "targetpath = os.path.normpath(targetpath)")),
    Read(DATA / "json_decoder.py", "Lib/json/decoder.py", "how does raw_decode report errors",
         800, ("def raw_decode(self, s, idx=0):",
               'raise JSONDecodeError("Expecting value", s, err.value) from None')),
    Read(DATA / "lazy_object_proxy_cext.c", "lazy_object_proxy/cext.c",
         "what does Proxy__ensure_wrapped do when the factory fails", 1000,
         ("static PyObject *Proxy__ensure_wrapped(ProxyObject *self)",
          "wrapped = PyObject_CallFunctionObjArgs(self->factory, NULL);")),
)  # fmt: skip


def wild_reads() -> list[Read]:
    reads = []
    for case in sorted(WILD.glob("code-*")):
        meta = json.loads((case / "meta.json").read_text())
        path = meta["source"].rsplit(":", 1)[-1]
        reads.append(
            Read(case / "content.txt", path, meta["query"], WILD_BUDGET, tuple(meta["needles"]))
        )
    return reads


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def check(read: Read) -> dict[str, object]:
    from headroom_mcp.api import compress
    from headroom_mcp.tokens import count_tokens

    content = read.path.read_text()
    result = compress(content, query=read.query, max_tokens=read.max_tokens, name=read.name)
    tokens = count_tokens(result.compressed)
    shown = norm(result.compressed)
    missing = [line for line in read.expect if norm(line) not in shown]
    return {
        "file": read.name,
        "query": read.query,
        "max_tokens": read.max_tokens,
        "input": count_tokens(content),
        "output": tokens,
        "within": tokens <= read.max_tokens,
        "kept": f"{len(read.expect) - len(missing)}/{len(read.expect)}",
        "missing": missing,
    }


def main() -> int:
    os.environ.setdefault("HEADROOM_MCP_HOME", tempfile.mkdtemp(prefix="read-budget-"))
    rows = [check(read) for read in [*wild_reads(), *EXTRA]]
    print("| file | query | max_tokens | input | output | within | body lines kept |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['file']} | {r['query']} | {r['max_tokens']} | {r['input']:,} | {r['output']:,} "
            f"| {'yes' if r['within'] else 'NO'} | {r['kept']} |"
        )
    failed = [r for r in rows if not r["within"] or r["missing"]]
    for r in failed:
        print(
            f"FAIL {r['file']}: {r['output']} tokens (max {r['max_tokens']}); missing {r['missing']}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
