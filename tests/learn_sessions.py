"""Builders for session files in the real formats of Claude Code and Codex CLI, for the learn
tests and bench/learn.py. Field names and nesting follow real files: Claude Code writes one
line per content block of a response (same `message.id`, usage repeated), `toolUseResult`
beside each `tool_result`, a `compact_boundary` system line and an `isCompactSummary` user
line; Codex writes `{timestamp, type, payload}` lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

USAGE = {
    "input_tokens": 12,
    "cache_creation_input_tokens": 800,
    "cache_read_input_tokens": 20_000,
    "output_tokens": 60,
    "service_tier": "standard",
}


class ClaudeSession:
    """A Claude Code session file being written, line by line."""

    def __init__(self, cwd: Path, session_id: str, *, agent: str | None = None) -> None:
        self.cwd = str(cwd)
        self.session_id = session_id
        self.agent = agent
        self.lines: list[dict[str, Any]] = []
        self.parent: str | None = None
        self.n = 0

    def _line(self, kind: str, **extra: Any) -> dict[str, Any]:
        self.n += 1
        uid = f"{self.session_id[:8]}-{self.agent or 'main'}-{self.n:04d}"
        line = {
            "parentUuid": self.parent,
            "isSidechain": self.agent is not None,
            "userType": "external",
            "cwd": self.cwd,
            "sessionId": self.session_id,
            "version": "2.0.14",
            "gitBranch": "main",
            "type": kind,
            "uuid": uid,
            "timestamp": f"2025-10-01T10:{self.n // 60 % 60:02d}:{self.n % 60:02d}.000Z",
            **extra,
        }
        if self.agent:
            line["agentId"] = self.agent
        self.parent = uid
        self.lines.append(line)
        return line

    def prompt(self, text: str) -> None:
        self._line("user", message={"role": "user", "content": text})

    def say(self, text: str) -> None:
        self._response([{"type": "text", "text": text}])

    def _response(self, blocks: list[dict[str, Any]], usage: dict[str, Any] | None = None) -> None:
        msg_id = f"msg_{self.session_id[:6]}{self.n:05d}"
        for block in blocks:  # one line per content block, usage repeated on each
            self._line(
                "assistant",
                requestId=f"req_{msg_id}",
                message={
                    "id": msg_id, "type": "message", "role": "assistant",
                    "model": "claude-sonnet-4-5-20250929", "content": [block],
                    "stop_reason": None, "stop_sequence": None, "usage": usage or USAGE,
                },
            )  # fmt: skip

    def call(
        self,
        name: str,
        args: dict[str, Any],
        result: Any,
        *,
        is_error: bool = False,
        thought: str | None = None,
        tool_use_result: Any = None,
    ) -> None:
        tool_id = f"toolu_{self.session_id[:6]}{self.n:05d}"
        blocks = [{"type": "text", "text": thought}] if thought else []
        blocks.append({"type": "tool_use", "id": tool_id, "name": name, "input": args})
        self._response(blocks)
        block: dict[str, Any] = {"tool_use_id": tool_id, "type": "tool_result", "content": result}
        if is_error:
            block["is_error"] = True
        self._line(
            "user",
            message={"role": "user", "content": [block]},
            toolUseResult=tool_use_result if tool_use_result is not None else {"ok": True},
        )

    def bash(self, command: str, output: str, exit_code: int = 0) -> None:
        if exit_code:
            text = f"Exit code {exit_code}\n{output}"
            self.call("Bash", {"command": command, "description": "run"}, text, is_error=True,
                      tool_use_result=f"Error: {text}")  # fmt: skip
        else:
            self.call(
                "Bash",
                {"command": command, "description": "run"},
                output,
                tool_use_result={"stdout": output, "stderr": "", "interrupted": False,
                                 "isImage": False},
            )  # fmt: skip

    def compact(self, pre_tokens: int, summary: str) -> None:
        self._line(
            "system",
            subtype="compact_boundary",
            content="Conversation compacted",
            isMeta=False,
            level="info",
            compactMetadata={"trigger": "auto", "preTokens": pre_tokens},
        )
        self._line(
            "user",
            isCompactSummary=True,
            isVisibleInTranscriptOnly=True,
            message={"role": "user", "content": summary},
        )

    def write(self, folder: Path, name: str | None = None) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (name or f"{self.session_id}.jsonl")
        lines = [{"type": "summary", "summary": "Tests and issues", "leafUuid": "x"}]
        text = "\n".join(json.dumps(line) for line in [*lines, *self.lines])
        path.write_text(text + "\n", encoding="utf-8")
        return path


class CodexSession:
    def __init__(self, cwd: Path, session_id: str) -> None:
        self.lines: list[dict[str, Any]] = []
        self.n = 0
        self.total = {"input_tokens": 0, "cached_input_tokens": 0, "output_tokens": 0}
        self.session_id = session_id
        self._add("session_meta", {
            "id": session_id, "timestamp": "2025-10-02T09:00:00.000Z", "cwd": str(cwd),
            "originator": "codex_cli_rs", "cli_version": "0.46.0", "instructions": None,
            "git": {"branch": "main"},
        })  # fmt: skip
        self._add("turn_context", {"cwd": str(cwd), "approval_policy": "on-request",
                                   "model": "gpt-5-codex"})  # fmt: skip

    def _add(self, kind: str, payload: dict[str, Any]) -> None:
        self.n += 1
        stamp = f"2025-10-02T09:{self.n // 60:02d}:{self.n % 60:02d}.000Z"
        self.lines.append({"timestamp": stamp, "type": kind, "payload": payload})

    def prompt(self, text: str) -> None:
        self._add("response_item", {"type": "message", "role": "user",
                                    "content": [{"type": "input_text", "text": text}]})  # fmt: skip
        self._add("event_msg", {"type": "user_message", "message": text, "images": []})

    def shell(self, command: str, output: str, exit_code: int = 0) -> None:
        call_id = f"call_{self.n:04d}"
        args = {"command": ["bash", "-lc", command], "workdir": "/w", "timeout_ms": 120000}
        self._add("response_item", {"type": "function_call", "name": "shell",
                                    "arguments": json.dumps(args), "call_id": call_id})  # fmt: skip
        body = {"output": output, "metadata": {"exit_code": exit_code, "duration_seconds": 0.1}}
        self._add("response_item", {"type": "function_call_output", "call_id": call_id,
                                    "output": json.dumps(body)})  # fmt: skip
        self._tokens(1500, 40)

    def _tokens(self, inp: int, out: int) -> None:
        self.total = {
            "input_tokens": self.total["input_tokens"] + inp,
            "cached_input_tokens": self.total["cached_input_tokens"],
            "output_tokens": self.total["output_tokens"] + out,
        }
        last = {"input_tokens": inp, "cached_input_tokens": 0, "output_tokens": out}
        self._add("event_msg", {"type": "token_count", "info": {
            "total_token_usage": dict(self.total), "last_token_usage": last,
            "model_context_window": 272000}})  # fmt: skip

    def say(self, text: str) -> None:
        content = [{"type": "output_text", "text": text}]
        self._add("response_item", {"type": "message", "role": "assistant", "content": content})
        self._add("event_msg", {"type": "agent_message", "message": text})

    def compact(self, summary: str) -> None:
        self._add("compacted", {"message": summary})

    def write(self, codex_home: Path) -> Path:
        folder = codex_home / "sessions" / "2025" / "10" / "02"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"rollout-2025-10-02T09-00-00-{self.session_id}.jsonl"
        path.write_text("\n".join(json.dumps(x) for x in self.lines) + "\n", encoding="utf-8")
        return path


PY_MISSING = "/bin/bash: line 1: python: command not found"
JEST_MISSING = "Error: Cannot find module 'jest'\nRequire stack:\n- /usr/lib/node_modules/npm/x.js"


def issues_json(start: int, count: int = 10) -> str:
    """A GitHub issues listing: the fields a reader needs and heavy ones nobody reads."""
    issues = [
        {
            "number": n,
            "title": f"Crash number {n} when saving drafts" if n % 3 else f"Slow query {n}",
            "state": "open",
            "html_url": f"https://github.com/acme/app/issues/{n}",
            "body_html": f"<p>Steps to reproduce issue {n}: open the editor, type, save. "
            f"Expected a saved draft; got a blank page (trace id t{n:05d}x).</p>" * 3,
            "reactions": {"total_count": n % 4, "+1": n % 2, "laugh": 0, "hooray": 0,
                          "confused": 0, "heart": 0, "rocket": 0, "eyes": 0},
            "author_association": "CONTRIBUTOR",
        }
        for n in range(start, start + count)
    ]  # fmt: skip
    return json.dumps(issues, indent=2)


def server_log(lines: int = 400) -> str:
    return "\n".join(
        f"2025-10-01T10:{i // 60 % 60:02d}:{i % 60:02d}Z INFO request id=req-{i:05d} "
        f"path=/api/v1/items/{i * 7} status=200 duration={i % 90 + 3}ms user=u{i % 13:03d}"
        for i in range(lines)
    )


def write_scenario(base: Path) -> tuple[Path, Path, Path]:
    """Sessions of a project at base/proj (and one of another project): the project root,
    Claude Code's home and Codex's home."""
    root = base / "proj"
    (root / "src" / "app").mkdir(parents=True)
    claude_home, codex_home = base / "claude", base / "codex"
    slug = "".join(c if c.isalnum() else "-" for c in str(root))
    folder = claude_home / "projects" / slug

    a = ClaudeSession(root, "aaaaaaaa-1111-4111-8111-000000000001")
    a.prompt("Run the tests and look at the open issues")
    a.bash("python -m pytest -q", PY_MISSING, exit_code=127)
    a.bash("python3 -m pytest -q", "....\n4 passed in 0.31s")
    a.call("Read", {"file_path": f"{root}/app/models.py"}, "<tool_use_error>File does not "
           "exist.</tool_use_error>", is_error=True)  # fmt: skip
    a.call("Read", {"file_path": f"{root}/src/app/models.py"}, "     1\tclass Draft:\n")
    for _ in range(3):
        a.bash("npm test", JEST_MISSING, exit_code=1)
    a.call("mcp__github__list_issues", {"repo": "acme/app"}, issues_json(1),
           thought="Listing the issues.")  # fmt: skip
    a.say('Issue #4 "Crash number 4 when saving drafts" matches the failure.')
    a.call(
        "mcp__headroom__headroom_retrieve",
        {"hash": "3f9a2c1e5b7d", "query": "html_url of issue 4"},
        '$[3] {"number":4,"html_url":"https://github.com/acme/app/issues/4"}',
    )
    a.bash(f"cat {root}/logs/server.log", server_log())
    a.bash(f"cat {root}/logs/server.log", server_log(401))
    a.call("Read", {"file_path": f"{root}/docs/screen.png"},
           [{"type": "image", "source": {"type": "base64", "media_type": "image/png",
                                         "data": "iVBORw0KGgo" * 4000}}])  # fmt: skip
    a.compact(
        156_000,
        "Summary: tests pass with python3. Issue bodies said: Steps to reproduce "
        "issue 4: open the editor, type, save. python: command not found happened.",
    )
    a.prompt("Now fix issue 4")
    a.write(folder)

    b = ClaudeSession(root, "bbbbbbbb-2222-4222-8222-000000000002")
    b.prompt("Check the tests again")
    b.bash("python -m pytest tests/test_models.py", PY_MISSING, exit_code=127)
    b.bash("python3 -m pytest tests/test_models.py", "..\n2 passed in 0.2s")
    b.call("Read", {"file_path": f"{root}/app/models.py"}, "<tool_use_error>File does not "
           "exist.</tool_use_error>", is_error=True)  # fmt: skip
    b.call("Read", {"file_path": f"{root}/src/app/models.py"}, "     1\tclass Draft:\n")
    b.call("mcp__github__list_issues", {"repo": "acme/app", "page": 2}, issues_json(11))
    b.say("Issue #13 (Crash number 13 when saving drafts) is a duplicate of 4.")
    b.call("mcp__headroom__headroom_retrieve", {"hash": "77aa01bc9d3e", "query": "html_url"},
           '$[2] {"number":13,"html_url":"https://github.com/acme/app/issues/13"}')  # fmt: skip
    b.write(folder)
    side = ClaudeSession(root, b.session_id, agent="a1b2c3")
    side.prompt("Run the model tests")
    side.bash("python -m pytest -x", PY_MISSING, exit_code=127)
    side.bash("python3 -m pytest -x", "...\n3 passed")
    side.write(folder / b.session_id / "subagents", "agent-a1b2c3.jsonl")

    other = ClaudeSession(base / "elsewhere", "cccccccc-3333-4333-8333-000000000003")
    for _ in range(3):
        other.bash("make deploy", "make: *** No rule to make target 'deploy'.  Stop.", 2)
    other.write(claude_home / "projects" / "-elsewhere")

    c = CodexSession(root / "src", "0199a8c2-4444-7444-8444-000000000004")
    c.prompt("run the unit tests")
    c.shell("python -m pytest -q src", PY_MISSING, exit_code=127)
    c.shell("python3 -m pytest -q src", "4 passed in 0.4s")
    c.say("All 4 tests pass.")
    c.compact("The tests passed after switching to python3.")
    c.write(codex_home)
    return root, claude_home, codex_home
