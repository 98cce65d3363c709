"""What the real Claude Code CLI hands the model as the result of a headroom_compress call.

Claude Code runs fully offline against a scripted fake Anthropic Messages API on 127.0.0.1:
the fake model's first turn calls `mcp__headroom__headroom_compress` with fixed content and
query; the request that carries the `tool_result` for that call is recorded (the exact
content Claude Code put in the model's context) and the fake model then answers "done".

    PYTHONPATH=. .venv/bin/python bench/claude_code_e2e.py --claude /tmp/cc/node_modules/.bin/claude

Cases: `log` (the last 300 lines of the real tests/data/logs/worker.log: INFO lines, one
WARNING, one ERROR with its traceback; query "why did the job fail"), `short` (a ~30-token
request that must come back as itself) and `json-control` (the log again with format="json",
the one result that carries structured content: shows what Claude Code does with it).
Writes bench/results/claude_code_e2e/<case>.tool_result.json (the tool_result block as sent),
<case>.request.json (the whole request body), <case>.cli.json (claude's --output-format json)
and <case>.debug.log (claude --debug-file). Exit code 1 if a text case is not our plain text.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "claude_code_e2e"
TOOL = "mcp__headroom__headroom_compress"
SHORT = "Please summarise the failing test in two sentences and suggest a fix."


def log_sample() -> str:
    lines = (ROOT / "tests" / "data" / "logs" / "worker.log").read_text().splitlines()
    return "\n".join(lines[-300:]) + "\n"


def cases() -> dict[str, dict[str, Any]]:
    log = log_sample()
    return {
        "log": {"input": {"content": log, "query": "why did the job fail"}},
        "short": {"input": {"content": SHORT, "query": "why did the test fail"}},
        "json-control": {
            "input": {"content": log, "query": "why did the job fail", "format": "json"}
        },
    }


# --- the fake Anthropic Messages API ------------------------------------------------------


class FakeApi:
    """Scripted model: call the tool once, record the request carrying its result, say done."""

    def __init__(self, tool_input: dict[str, Any]) -> None:
        self.tool_input = tool_input
        self.tool_use_id = "toolu_e2e_" + uuid.uuid4().hex[:16]
        self.captured: dict[str, Any] | None = None
        self.requests: list[dict[str, Any]] = []  # path + a summary of every request
        self.lock = threading.Lock()

    def reply(self, body: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
        """(content blocks, stop_reason) for one /v1/messages request."""
        result = self._tool_result(body)
        if result is not None:
            with self.lock:
                if self.captured is None:
                    self.captured = {"tool_result": result, "request": body}
            return [{"type": "text", "text": "done"}], "end_turn"
        tools = {t.get("name") for t in body.get("tools") or []}
        if TOOL in tools and not self._has_tool_use(body):
            block = {
                "type": "tool_use",
                "id": self.tool_use_id,
                "name": TOOL,
                "input": self.tool_input,
            }
            return [block], "tool_use"
        return [{"type": "text", "text": "ok"}], "end_turn"  # titles, quota checks, haiku

    def _tool_result(self, body: dict[str, Any]) -> dict[str, Any] | None:
        for message in body.get("messages") or []:
            content = message.get("content")
            if message.get("role") != "user" or not isinstance(content, list):
                continue
            for block in content:
                if (
                    block.get("type") == "tool_result"
                    and block.get("tool_use_id") == self.tool_use_id
                ):
                    found: dict[str, Any] = block
                    return found
        return None

    def _has_tool_use(self, body: dict[str, Any]) -> bool:
        return any(
            isinstance(m.get("content"), list)
            and any(b.get("type") == "tool_use" for b in m["content"])
            for m in body.get("messages") or []
        )


def make_handler(api: FakeApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _json(self, obj: Any, status: int = 200) -> None:
            data = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.send_header("request-id", "req_e2e")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # /v1/models and anything else
            if self.path.startswith("/v1/models"):
                self._json({"data": [], "has_more": False, "first_id": None, "last_id": None})
            else:
                self._json({})

        def do_HEAD(self) -> None:
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                body = {}
            path = self.path.split("?")[0]
            with api.lock:
                api.requests.append(
                    {
                        "path": self.path,
                        "model": body.get("model"),
                        "stream": body.get("stream"),
                        "tools": len(body.get("tools") or []),
                        "messages": len(body.get("messages") or []),
                    }
                )
            if path == "/v1/messages/count_tokens":
                self._json({"input_tokens": 100})
                return
            if path != "/v1/messages":
                self._json({})
                return
            blocks, stop = api.reply(body)
            model = body.get("model") or "claude-fake"
            if body.get("stream"):
                self._stream(blocks, stop, model)
            else:
                self._json(
                    {
                        "id": "msg_" + uuid.uuid4().hex[:20],
                        "type": "message",
                        "role": "assistant",
                        "model": model,
                        "content": blocks,
                        "stop_reason": stop,
                        "stop_sequence": None,
                        "usage": {"input_tokens": 100, "output_tokens": 10},
                    }
                )

        def _stream(self, blocks: list[dict[str, Any]], stop: str, model: str) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("cache-control", "no-cache")
            self.send_header("request-id", "req_e2e")
            self.send_header("connection", "close")
            self.end_headers()
            self.close_connection = True

            def event(kind: str, data: dict[str, Any]) -> None:
                data = {"type": kind, **data}
                self.wfile.write(f"event: {kind}\ndata: {json.dumps(data)}\n\n".encode())

            event(
                "message_start",
                {
                    "message": {
                        "id": "msg_" + uuid.uuid4().hex[:20],
                        "type": "message",
                        "role": "assistant",
                        "model": model,
                        "content": [],
                        "stop_reason": None,
                        "stop_sequence": None,
                        "usage": {"input_tokens": 100, "output_tokens": 1},
                    }
                },
            )
            for index, block in enumerate(blocks):
                if block["type"] == "tool_use":
                    start = {**block, "input": {}}
                    event("content_block_start", {"index": index, "content_block": start})
                    text = json.dumps(block["input"])
                    for i in range(0, len(text), 2000):
                        delta = {"type": "input_json_delta", "partial_json": text[i : i + 2000]}
                        event("content_block_delta", {"index": index, "delta": delta})
                else:
                    start = {"type": "text", "text": ""}
                    event("content_block_start", {"index": index, "content_block": start})
                    delta = {"type": "text_delta", "text": block["text"]}
                    event("content_block_delta", {"index": index, "delta": delta})
                event("content_block_stop", {"index": index})
            event(
                "message_delta",
                {
                    "delta": {"stop_reason": stop, "stop_sequence": None},
                    "usage": {"output_tokens": 10},
                },
            )
            event("message_stop", {})
            self.wfile.flush()

    return Handler


# --- running Claude Code ------------------------------------------------------------------


def run_case(name: str, case: dict[str, Any], claude: str, timeout: float) -> dict[str, Any]:
    api = FakeApi(case["input"])
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(api))
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tmp = Path(tempfile.mkdtemp(prefix="headroom-cc-e2e-"))
    try:
        home, store, work = tmp / "home", tmp / "store", tmp / "work"
        for d in (home, store, work):
            d.mkdir()
        mcp_config = {
            "mcpServers": {
                "headroom": {
                    "type": "stdio",
                    "command": sys.executable,
                    "args": ["-m", "headroom_mcp", "serve"],
                    "env": {
                        "PYTHONPATH": str(ROOT),
                        "HEADROOM_MCP_HOME": str(store),
                        "HEADROOM_MCP_EMBED_MODEL": "off",
                    },
                }
            }
        }
        config_path = tmp / "mcp.json"
        config_path.write_text(json.dumps(mcp_config))
        debug_log = RESULTS / f"{name}.debug.log"
        command = [
            claude,
            "-p",
            "Compress the tool output and tell me why the job failed.",
            "--mcp-config",
            str(config_path),
            "--strict-mcp-config",
            "--allowedTools",
            TOOL,
            "--output-format",
            "json",
            "--no-session-persistence",
            "--debug-file",
            str(debug_log),
        ]
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "ANTHROPIC_BASE_URL": f"http://127.0.0.1:{port}",
            "ANTHROPIC_API_KEY": "sk-ant-dummy",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            "DISABLE_TELEMETRY": "1",
            "DISABLE_AUTOUPDATER": "1",
            "DISABLE_ERROR_REPORTING": "1",
            "MCP_TIMEOUT": "60000",
        }
        proc = subprocess.run(
            command, cwd=work, env=env, capture_output=True, text=True, timeout=timeout
        )
        (RESULTS / f"{name}.cli.json").write_text(proc.stdout)
        if proc.stderr:
            (RESULTS / f"{name}.stderr.txt").write_text(proc.stderr)
        out: dict[str, Any] = {
            "case": name,
            "returncode": proc.returncode,
            "requests": api.requests,
            "command": command,
            "port": port,
        }
        if api.captured is not None:
            (RESULTS / f"{name}.tool_result.json").write_text(
                json.dumps(api.captured["tool_result"], indent=2, ensure_ascii=False) + "\n"
            )
            (RESULTS / f"{name}.request.json").write_text(
                json.dumps(api.captured["request"], indent=2, ensure_ascii=False) + "\n"
            )
            out["tool_result"] = api.captured["tool_result"]
        else:
            out["stdout"], out["stderr"] = proc.stdout[-4000:], proc.stderr[-4000:]
        return out
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(tmp, ignore_errors=True)


def result_text(tool_result: dict[str, Any]) -> str:
    """The text the model reads in a tool_result: a string, or its text blocks joined."""
    content = tool_result.get("content")
    if isinstance(content, str):
        return content
    return "\n".join(b.get("text", "") for b in content or [] if b.get("type") == "text")


def expected_text(tool_input: dict[str, Any]) -> str:
    """Our server's text block for `tool_input`, computed in a fresh process and store."""
    code = (
        "import json, sys\n"
        "from headroom_mcp import api\n"
        "from headroom_mcp.presenting import text_of\n"
        "a = json.load(sys.stdin)\n"
        "sys.stdout.write(text_of(api.compress(a['content'], a.get('query'))))\n"
    )
    with tempfile.TemporaryDirectory() as store:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "HEADROOM_MCP_HOME": store,
            "HEADROOM_MCP_EMBED_MODEL": "off",
        }
        proc = subprocess.run(
            [sys.executable, "-c", code],
            input=json.dumps(tool_input),
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    return proc.stdout


def verdict(name: str, case: dict[str, Any], text: str) -> tuple[bool, str]:
    """(as expected, why) for what Claude Code sent."""
    try:
        parsed = json.loads(text)
        is_json = isinstance(parsed, (dict, list))
    except json.JSONDecodeError:
        is_json = False
    last = text.rstrip("\n").rsplit("\n", 1)[-1]
    footer = last.startswith("[headroom:") and "headroom_retrieve(hash=" in last
    if name == "short":
        ok = text == SHORT
        return ok, ("the short text itself, no footer" if ok else "NOT the short text itself")
    if name == "log":
        same = text == expected_text(case["input"])
        ok = footer and not is_json and "\n" in text and same
        why = (
            f"plain text, {text.count(chr(10)) + 1} lines, real newlines, byte for byte our "
            f"text block, footer: {last}"
            if ok
            else f"NOT our plain text (json={is_json}, footer={footer}, same_as_ours={same})"
        )
        return ok, why
    # json-control: a result with structured content, for comparison only. Our text block is
    # json.dumps(fields) (", " and ": " separators); JSON.stringify is compact.
    if not is_json:
        return True, "not JSON: plain text"
    compact = text == json.dumps(parsed, separators=(",", ":"), ensure_ascii=False)
    return True, (
        "JSON.stringify(structuredContent): a compact JSON string, not our text block"
        if compact
        else "a JSON string (our text block)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claude", default=shutil.which("claude") or "claude")
    parser.add_argument("--cases", nargs="*", default=["log", "short", "json-control"])
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    version = subprocess.run(
        [args.claude, "--version"],
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": tempfile.mkdtemp()},
    ).stdout.strip()
    print(f"Claude Code {version}")
    all_cases, failed = cases(), False
    results: dict[str, Any] = {}
    summary = {"claude_code_version": version, "cases": results}
    for name in args.cases:
        case = all_cases[name]
        out = run_case(name, case, args.claude, args.timeout)
        print(f"\n=== {name}: claude exit {out['returncode']}, {len(out['requests'])} API requests")
        for r in out["requests"]:
            print(f"    {r}")
        if "tool_result" not in out:
            failed = True
            print("no tool_result reached the fake API")
            print("stdout:", out["stdout"])
            print("stderr:", out["stderr"])
            results[name] = {"ok": False, "why": "no tool_result"}
            continue
        tool_result = out["tool_result"]
        content = tool_result.get("content")
        shape = "string" if isinstance(content, str) else f"list of {len(content or [])} blocks"
        text = result_text(tool_result)
        ok, why = verdict(name, case, text)
        failed |= not ok
        print(f"tool_result content: {shape}; {why}")
        print(f"--- tool_result as sent (bench/results/claude_code_e2e/{name}.tool_result.json):")
        print(json.dumps(tool_result, indent=2, ensure_ascii=False))
        print("--- the text the model reads:")
        print(text)
        results[name] = {"ok": ok, "why": why, "content_shape": shape}
    (RESULTS / "latest").unlink(missing_ok=True)  # a symlink claude --debug-file leaves
    (RESULTS / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
