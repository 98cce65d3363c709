"""Codex CLI sessions: `~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`.

Each line is `{timestamp, type, payload}`. `session_meta` names the session and its `cwd`;
`response_item` payloads are messages, `function_call` / `custom_tool_call` (arguments as a
JSON string or raw input) and their `*_output` (a string, or a JSON string holding `output`
and `metadata.exit_code`); `event_msg` carries `user_message`, `agent_message` and
`token_count` (cumulative usage: the last one counts the whole session once); `compacted`
marks a compaction, whose summary is the model's text, not the user's.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

from headroom_mcp.learn.claude_code import json_lines
from headroom_mcp.learn.model import MAIN_THREAD, Compaction, Session, ToolCall

SHELL_TOOLS = frozenset({"shell", "shell_command", "exec_command", "local_shell"})
_EXIT_RE = re.compile(r"^(?:Exit code|Process exited with code):? (-?\d+)", re.MULTILINE)


def codex_cwd(path: Path) -> str | None:
    for line in json_lines(path):
        payload = line.get("payload")
        if isinstance(payload, dict) and isinstance(payload.get("cwd"), str):
            return str(payload["cwd"])
    return None


def shell_command(args: dict[str, Any]) -> str | None:
    """The command line of a shell call: `["bash", "-lc", "cmd"]` gives `cmd`."""
    raw = args.get("command", args.get("cmd"))
    if isinstance(raw, str):
        return raw
    if isinstance(raw, list) and all(isinstance(a, str) for a in raw):
        if len(raw) == 3 and raw[1] in ("-lc", "-c"):
            return str(raw[2])
        return shlex.join(raw)
    return None


def _output(raw: Any) -> tuple[str, bool]:
    """The text of a call's output and whether it failed."""
    text = raw if isinstance(raw, str) else json.dumps(raw)
    exit_code = None
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        parsed = None
    if isinstance(parsed, dict) and "output" in parsed:
        meta = parsed.get("metadata")
        if isinstance(meta, dict) and isinstance(meta.get("exit_code"), int):
            exit_code = meta["exit_code"]
        text = str(parsed["output"])
    else:
        match = _EXIT_RE.search(text[:200])
        if match:
            exit_code = int(match.group(1))
    return text, exit_code not in (None, 0)


def read_codex_session(path: Path) -> Session:
    session = Session(path=path, session_id=path.stem.removeprefix("rollout-"), source="codex")
    pending: dict[str, ToolCall] = {}
    turn = 0
    context = 0
    totals: dict[str, Any] = {}
    for index, line in enumerate(json_lines(path), 1):
        kind = line.get("type")
        payload = line.get("payload")
        if not isinstance(payload, dict):
            payload = {}
        if kind == "session_meta":
            session.session_id = str(payload.get("id") or session.session_id)
            session.cwd = payload.get("cwd") if isinstance(payload.get("cwd"), str) else None
        elif kind == "compacted":
            session.compactions.append(Compaction(index, turn, context or None, "auto"))
        elif kind == "event_msg":
            sub = payload.get("type")
            if sub == "user_message":
                text = str(payload.get("message", ""))
                session.prompts.append(text)
                session.mentions.append((index, MAIN_THREAD, text))
                turn += 1
            elif sub == "agent_message":
                session.mentions.append((index, MAIN_THREAD, str(payload.get("message", ""))))
            elif sub == "token_count" and isinstance(payload.get("info"), dict):
                info = payload["info"]
                if isinstance(info.get("total_token_usage"), dict):
                    totals = info["total_token_usage"]
                    session.responses += 1
                last = info.get("last_token_usage")
                if isinstance(last, dict) and isinstance(last.get("input_tokens"), int):
                    context = last["input_tokens"]
        elif kind == "response_item":
            _response_item(session, payload, index, turn, pending)
    session.input_tokens = int(totals.get("input_tokens", 0) or 0)
    session.output_tokens = int(totals.get("output_tokens", 0) or 0)
    return session


def _response_item(
    session: Session, payload: dict[str, Any], index: int, turn: int, pending: dict[str, ToolCall]
) -> None:
    sub = payload.get("type")
    if sub in ("function_call", "custom_tool_call", "local_shell_call"):
        raw = payload.get("arguments", payload.get("input", payload.get("action")))
        args: dict[str, Any]
        if isinstance(raw, str):
            try:
                parsed = json.loads(raw)
            except json.JSONDecodeError:
                parsed = {"input": raw}
            args = parsed if isinstance(parsed, dict) else {"input": parsed}
        else:
            args = raw if isinstance(raw, dict) else {}
        name = str(payload.get("name") or "local_shell")
        call = ToolCall(
            call_id=str(payload.get("call_id") or index),
            name=name,
            args=args,
            command=shell_command(args) if name in SHELL_TOOLS else None,
            index=index,
            turn=turn,
        )
        session.calls.append(call)
        pending[call.call_id] = call
        session.mentions.append((index, MAIN_THREAD, json.dumps(args)))
    elif sub in ("function_call_output", "custom_tool_call_output"):
        answered = pending.pop(str(payload.get("call_id")), None)
        if answered is not None:
            answered.result, answered.is_error = _output(payload.get("output"))
            answered.answered = True
    elif sub == "message" and payload.get("role") == "assistant":
        for block in payload.get("content") or []:
            if isinstance(block, dict) and block.get("type") == "output_text":
                session.mentions.append((index, MAIN_THREAD, str(block.get("text", ""))))
