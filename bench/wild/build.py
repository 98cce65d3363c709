#!/usr/bin/env python3
"""Rebuild bench/wild/cases/ from fetched public git mirrors.

    python bench/wild/build.py [MIRROR_ROOT]          # default /work/.mirror

Every case in sources.py names a public repository, a 40-hex commit and either a path (the file's
exact bytes, read with `git show COMMIT:PATH`), several paths (printed one after another as
`tail -n +1 A B` prints them: "==> A <==" headers), or a git command run on the mirror (`git log -p`,
`git grep -n`), recorded verbatim in meta.json. A mirror lives at MIRROR_ROOT/<owner>+<name>/repo
(what the `fetch` tool produces; any bare clone of the repository works).

The script checks that every needle is in its content (whitespace-insensitive, as score.py
matches), writes content.txt + meta.json per case and prints a count per kind.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from sources import CASES  # noqa: E402


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def git_dir(root: Path, repo: str) -> Path:
    d = root / repo.replace("/", "+") / "repo"
    return d / ".git" if (d / ".git").is_dir() else d  # a snapshot may come as a work tree


def git(gd: Path, *args: str) -> bytes:
    return subprocess.run(["git", f"--git-dir={gd}", *args], check=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE).stdout


def content_of(case: dict, root: Path) -> bytes:
    gd = git_dir(root, case["repo"])
    if not gd.exists():
        raise FileNotFoundError(f"no mirror of {case['repo']} at {gd} (fetch github:{case['repo']})")
    c = case["commit"]
    if "cmd" in case:
        out = git(gd, *case["cmd"])
    elif "paths" in case:
        parts = []
        for i, p in enumerate(case["paths"]):
            parts.append(("\n" if i else "") + f"==> {p} <==\n")
            parts.append(git(gd, "show", f"{c}:{p}").decode("utf-8"))
        out = "".join(parts).encode("utf-8")
    else:
        out = git(gd, "show", f"{c}:{case['path']}")
    if "lines" in case:  # a contiguous excerpt [start, end) of lines, as `sed -n` prints it
        a, b = case["lines"]
        out = b"".join(out.splitlines(keepends=True)[a - 1:b])
    return out


def source_of(case: dict) -> str:
    head = f"{case['repo']}@{case['commit']}"
    if "cmd" in case:
        return f"{head} git {' '.join(case['cmd'])}"
    if "paths" in case:
        return f"{head}:" + ",".join(case["paths"])
    s = f"{head}:{case['path']}"
    if "lines" in case:
        s += f"#L{case['lines'][0]}-L{case['lines'][1] - 1}"
    return s


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/.mirror")
    return build(CASES, HERE / "cases", root)


def build(cases: list[dict], out_dir: Path, root: Path) -> int:
    """Write every case of `cases` under `out_dir` from the mirrors under `root`; 1 if any
    failed (unreadable source, needle not in the content)."""
    CASES = cases  # noqa: N806
    ids = [c["id"] for c in CASES]
    dup = [i for i, n in Counter(ids).items() if n > 1]
    if dup:
        sys.exit(f"duplicate ids: {dup}")
    bad = 0
    kinds: Counter = Counter()
    sizes = {}
    for case in CASES:
        try:
            raw = content_of(case, root)
        except Exception as e:  # noqa: BLE001
            print(f"{case['id']}: cannot read source: {e}", file=sys.stderr)
            bad += 1
            continue
        text = raw.decode("utf-8")
        t = norm(text)
        missing = [n for n in case["needles"] if norm(n) not in t]
        if missing or not 1 <= len(case["needles"]) <= 12:
            print(f"{case['id']}: needles not in content: {missing}", file=sys.stderr)
            bad += 1
            continue
        meta = {
            "kind": case["kind"],
            "source": source_of(case),
            "query": case.get("query"),
            "retrieve_query": case["retrieve_query"],
            "needles": case["needles"],
            "must_keep_verbatim": case.get("must_keep_verbatim", False),
            "notes": case["notes"],
        }
        d = out_dir / case["id"]
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        (d / "content.txt").write_bytes(raw)
        (d / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
        kinds[case["kind"]] += 1
        sizes[case["id"]] = len(raw)
    # remove case folders no longer listed
    if out_dir.exists():
        for d in out_dir.iterdir():
            if d.is_dir() and d.name not in ids:
                shutil.rmtree(d)
    for k, n in sorted(kinds.items()):
        print(f"{k:14s} {n}")
    print(f"{'total':14s} {sum(kinds.values())}" + (f"  ({bad} failed)" if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
