#!/usr/bin/env python3
"""headroom-ai's four published workloads, rebuilt from real public content, scored for our server
and for headroom-ai 0.42.0 on the same inputs, beside the published claims.

    python bench/scenarios.py                    # ours and headroom-ai (if installed)
    python bench/scenarios.py --ours-only        # ours alone
    python bench/scenarios.py --out results.json

Inputs: bench/scenarios/<workload>/manifest.json + content files (provenance in each manifest;
rebuild with bench/scenarios/build.py). Each workload runs as one agent session against a fresh
server over stdio (the MCP client from /work/shared/bench/score.py, whose token counting, needle
matching and result parsing this reuses):

  * a step with a tool output: headroom_compress(content, query) — the query when the tool takes
    one; the model reads every text block of the result (counted in cl100k tokens);
  * a `follow_up` step asks a new question of an earlier output: nothing new is compressed, the
    model still has what it read for that output (compressed text and any retrieval);
  * needles missing from what the model has read: headroom_retrieve(hash, retrieve_query) once, as
    an agent would, its text counted too;
  * a step is answerable when every needle is in what the model read; a workload when every step is.

"tokens in" is what the agent would read without compression (each tool output once);
"read" is compress output + retrievals. Needs headroom-ai in its own venv (see
/work/shared/bench/vs-headroom.sh; REF_VENV overrides the path).
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tempfile
import time
from pathlib import Path

import anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "scenarios"
SHARED = Path(os.environ.get("SCORE_DIR", "/work/shared/bench"))
sys.path.insert(0, str(SHARED))
import score  # noqa: E402  (tokenizer, found, parse_result, pick, hash_of, retrieved_text)

WORKLOADS = ["code_search", "sre_incident", "issue_triage", "code_exploration"]
REF_VENV = Path(os.environ.get("REF_VENV", "/tmp/headroom-ai-0.42.0-venv"))


def load(name: str) -> dict:
    m = json.loads((DATA / name / "manifest.json").read_text(encoding="utf-8"))
    for st in m["steps"]:
        if "file" in st:
            st["content"] = (DATA / name / st["file"]).read_text(encoding="utf-8")
    return m


def servers(ours_only: bool) -> list[dict]:
    out = [{"name": "headroom-mcp", "cmd": [sys.executable, "-m", "headroom_mcp", "serve"],
            "env": {"HEADROOM_MCP_HOME": tempfile.mkdtemp(prefix="scen-ours-"), "PYTHONPATH": str(ROOT)}}]
    if not ours_only:
        exe = REF_VENV / "bin" / "headroom"
        if not exe.exists():
            sys.exit(f"headroom-ai is not installed ({exe} missing). Install it with\n"
                     f"  python3 -m venv {REF_VENV} && {REF_VENV}/bin/pip install 'headroom-ai[mcp,code]==0.42.0'\n"
                     "or run ours alone with --ours-only.")
        home = tempfile.mkdtemp(prefix="scen-ref-")
        out.insert(0, {"name": "headroom-ai 0.42.0", "cmd": [str(exe), "mcp", "serve"], "env": {
            "HEADROOM_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
            "HEADROOM_TELEMETRY": "off", "DO_NOT_TRACK": "1", "LITELLM_LOCAL_MODEL_COST_MAP": "True",
            "HEADROOM_WORKSPACE_DIR": f"{home}/ws", "HEADROOM_CONFIG_DIR": f"{home}/cfg"}})
    return out


async def run_server(srv: dict, workloads: list[dict], count, verbose: bool) -> dict:
    params = StdioServerParameters(command=srv["cmd"][0], args=srv["cmd"][1:], env=dict(os.environ, **srv["env"]))
    results = {}
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            tools = {t.name: t for t in (await session.list_tools()).tools}

            def props(n: str) -> set[str]:
                s = getattr(tools[n], "input_schema", None) or getattr(tools[n], "inputSchema", None) or {}
                return set(s.get("properties", {}))

            c_query, r_query = "query" in props("headroom_compress"), "query" in props("headroom_retrieve")
            text_first = {n for n in tools if "format" in props(n)}

            async def call(name: str, args: dict) -> dict:
                with anyio.fail_after(score.CALL_TIMEOUT_S):
                    res = await session.call_tool(name, args)
                return score.parse_result(res, name not in text_first or args.get("format") == "json")

            for wl in workloads:
                seen: dict[str, dict] = {}   # step id -> {"hash", "read": text the model has for it}
                rows = []
                for st in wl["steps"]:
                    row = {"step": st["id"], "before": 0, "read": 0, "retrieve_tokens": 0}
                    t0 = time.perf_counter()
                    try:
                        if "content" in st:
                            content = st["content"]
                            args = {"content": content, **({"query": st["query"]} if c_query else {})}
                            res = await call("headroom_compress", args)
                            text = res.get("_model_text") or score.pick(res, "compressed", "compressed_content", "_text") or ""
                            row["before"], row["read"] = count(content), count(text)
                            ctx = seen[st["id"]] = {"hash": score.hash_of(res, content), "read": text}
                        else:
                            ctx = seen[st["follow_up"]]
                        have = [score.found(n, ctx["read"]) for n in st["needles"]]
                        row["kept_without_retrieval"] = all(have)
                        if not all(have) and ctx["hash"]:
                            ra = {"hash": ctx["hash"], **({"query": st["retrieve_query"]} if r_query else {})}
                            rres = await call("headroom_retrieve", ra)
                            got = rres.get("_model_text") or score.retrieved_text(rres)
                            row["retrieve_tokens"] = count(got)
                            row["read"] += row["retrieve_tokens"]
                            ctx["read"] += "\n" + got
                            have = [h or score.found(n, got) for h, n in zip(have, st["needles"])]
                        row["needles_found"] = sum(have)
                        row["needles"] = len(have)
                        row["answerable"] = all(have)
                    except Exception as e:  # a failing step is scored, not fatal
                        row.update(error=f"{type(e).__name__}: {e}"[:300], answerable=False)
                    row["seconds"] = round(time.perf_counter() - t0, 3)
                    rows.append(row)
                    if verbose:
                        print(f"  {srv['name']} {wl['workload']}/{st['id']}: {json.dumps(row)}", file=sys.stderr)
                results[wl["workload"]] = {
                    "tokens_in": sum(r["before"] for r in rows),
                    "tokens_read": sum(r["read"] for r in rows),
                    "answerable": all(r["answerable"] for r in rows),
                    "steps_answerable": f"{sum(r['answerable'] for r in rows)}/{len(rows)}",
                    "steps": rows}
    return {"compress_has_query": c_query, "retrieve_has_query": r_query, "workloads": results}


def pct(read: int, before: int) -> str:
    return f"{1 - read / before:.0%}" if before else "-"


def table(wls: list[dict], runs: dict) -> str:
    ref, ours = runs.get("headroom-ai 0.42.0"), runs["headroom-mcp"]
    lines = ["| workload | tokens in | claimed (headroom) | headroom-ai 0.42.0 | headroom-mcp | answerable hr / ours |",
             "|---|---:|---:|---:|---:|---|"]
    for wl in wls:
        n, c = wl["workload"], wl["claim"]
        o = ours["workloads"][n]
        cell = lambda r: f"{r['tokens_read']:,} ({pct(r['tokens_read'], r['tokens_in'])})"  # noqa: E731
        claimed = f"{c['tokens_before']:,} → {c['tokens_after']:,} ({pct(c['tokens_after'], c['tokens_before'])})"
        h = ref["workloads"][n] if ref else None
        ans = (f"{'yes' if h['answerable'] else 'no'} ({h['steps_answerable']})" if h else "-") + \
              f" / {'yes' if o['answerable'] else 'no'} ({o['steps_answerable']})"
        lines.append(f"| {wl['title']} | {o['tokens_in']:,} | {claimed} | {cell(h) if h else 'not run'} | {cell(o)} | {ans} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ours-only", action="store_true", help="run our server only")
    ap.add_argument("--out", help="write per-step results as JSON here")
    ap.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated subset")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each step as it finishes")
    args = ap.parse_args()
    wls = [load(n) for n in args.workloads.split(",")]
    count = score.tokenizer()
    runs = {}
    for srv in servers(args.ours_only):
        print(f"running {srv['name']} ...", file=sys.stderr)
        runs[srv["name"]] = anyio.run(run_server, srv, wls, count, args.verbose)
    if args.ours_only:
        print("headroom-ai not run (--ours-only)", file=sys.stderr)
    print(table(wls, runs))
    if args.out:
        Path(args.out).write_text(json.dumps({
            "claims": {w["workload"]: w["claim"] for w in wls},
            "sources": {w["workload"]: [s.get("source") for s in w["steps"] if "source" in s] for w in wls},
            "runs": runs}, indent=1))


if __name__ == "__main__":
    main()
