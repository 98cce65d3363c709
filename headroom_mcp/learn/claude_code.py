"""Claude Code sessions: `~/.claude/projects/<slug>/<session>.jsonl`, one JSON object a line.

Lines are `user`, `assistant`, `system` and `summary` (and bookkeeping types, ignored). Tool
calls are `tool_use` blocks of assistant messages; results are `tool_result` blocks (string or
list content, `is_error`) of user messages. One API response is written as one line per
content block, all with the same `message.id`: its usage is counted once. A compaction is a
`system` line with subtype `compact_boundary` (its `compactMetadata.preTokens`), followed by
a user line with `isCompactSummary`, which is the model's summary, not a user's words.
Subagents write sidechain files (`agent-*.jsonl` beside the session, or
`<session>/subagents/agent-*.jsonl`), read into the same session as their own threads.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from headroom_mcp.learn.model import MAIN_THREAD, Compaction, Session, ToolCall

logger = logging.getLogger(__name__)

SHELL_TOOLS = frozenset({"Bash"})


def json_lines(path: Path) -> Iterator[dict[str, Any]]:
    """The JSON objects of a .jsonl file; a torn or foreign line is skipped (a session being
    written has a partial last line)."""
    with path.open(encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                logger.debug("skipped unparsable line %d of %s", number, path.name)
                continue
            if isinstance(value, dict):
                yield value


def session_cwd(path: Path) -> str | None:
    """The working directory the session ran in (the first line that names one)."""
    for line in json_lines(path):
        cwd = line.get("cwd")
        if isinstance(cwd, str):
            return cwd
    return None


def block_text(content: Any) -> tuple[str, int]:
    """Text of a message or tool-result content (string or list of blocks) and its images."""
    if isinstance(content, str):
        return content, 0
    texts: list[str] = []
    images = 0
    for block in content if isinstance(content, list) else []:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "text":
            texts.append(str(block.get("text", "")))
        elif block.get("type") == "image":
            images += 1
    return "\n".join(texts), images


def read_claude_session(path: Path, sidechains: Sequence[Path] = ()) -> Session:
    """The session in `path` with its sidechain files."""
    session = Session(path=path, session_id=path.stem, source="claude-code")
    state = _State(session)
    state.read(path, MAIN_THREAD)
    for side in sorted(sidechains):
        state.read(side, side.stem)
    for usage in state.usage.values():
        session.input_tokens += _int(usage.get("input_tokens"))
        session.input_tokens += _int(usage.get("cache_read_input_tokens"))
        session.input_tokens += _int(usage.get("cache_creation_input_tokens"))
        session.output_tokens += _int(usage.get("output_tokens"))
    session.responses = len(state.usage)
    return session


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


class _State:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.index = 0
        self.pending: dict[str, ToolCall] = {}
        self.usage: dict[str, dict[str, Any]] = {}
        self.context_tokens = 0

    def read(self, path: Path, thread: str) -> None:
        turn = 0
        for line in json_lines(path):
            self.index += 1
            kind = line.get("type")
            if self.session.cwd is None and isinstance(line.get("cwd"), str):
                self.session.cwd = line["cwd"]
            if thread == MAIN_THREAD and isinstance(line.get("sessionId"), str):
                self.session.session_id = line["sessionId"]
            if kind == "assistant":
                self._assistant(line, turn, thread)
            elif kind == "user":
                turn = self._user(line, turn, thread)
            elif kind == "system" and line.get("subtype") == "compact_boundary":
                meta = line.get("compactMetadata") or {}
                pre = meta.get("preTokens") if isinstance(meta, dict) else None
                self.session.compactions.append(
                    Compaction(
                        self.index,
                        turn,
                        pre if isinstance(pre, int) else self.context_tokens or None,
                        str(meta.get("trigger", "auto")) if isinstance(meta, dict) else "auto",
                    )
                )

    def _assistant(self, line: dict[str, Any], turn: int, thread: str) -> None:
        message = line.get("message")
        if not isinstance(message, dict):
            return
        usage = message.get("usage")
        key = str(message.get("id") or line.get("uuid") or self.index)
        if isinstance(usage, dict):
            # Every line of one response repeats its usage; the last one is final.
            self.usage[key] = usage
            self.context_tokens = (
                _int(usage.get("input_tokens"))
                + _int(usage.get("cache_read_input_tokens"))
                + _int(usage.get("cache_creation_input_tokens"))
            )
        content = message.get("content")
        for block in content if isinstance(content, list) else []:
            if not isinstance(block, dict):
                continue
            if block.get("type") == "text":
                self.session.mentions.append((self.index, thread, str(block.get("text", ""))))
            elif block.get("type") == "tool_use":
                raw = block.get("input")
                args: dict[str, Any] = raw if isinstance(raw, dict) else {}
                name = str(block.get("name", "?"))
                command = args.get("command") if name in SHELL_TOOLS else None
                call = ToolCall(
                    call_id=str(block.get("id", self.index)),
                    name=name,
                    args=args,
                    command=command if isinstance(command, str) else None,
                    index=self.index,
                    turn=turn,
                    thread=thread,
                )
                self.session.calls.append(call)
                self.pending[call.call_id] = call
                self.session.mentions.append((self.index, thread, json.dumps(args)))

    def _user(self, line: dict[str, Any], turn: int, thread: str) -> int:
        if (
            line.get("isCompactSummary")
            or line.get("isMeta")
            or line.get("isVisibleInTranscriptOnly")
        ):
            return turn
        message = line.get("message")
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            return self._prompt(content, turn, thread)
        prompted = False
        for block in content if isinstance(content, list) else []:
            if not isinstance(block, dict):
                continue
            if block.get("type") == "tool_result":
                call = self.pending.pop(str(block.get("tool_use_id")), None)
                if call is None:
                    continue
                call.result, call.images = block_text(block.get("content"))
                call.is_error = bool(block.get("is_error")) or call.result.startswith("Exit code ")
                call.answered = True
            elif block.get("type") == "text" and not prompted:
                turn = self._prompt(str(block.get("text", "")), turn, thread)
                prompted = True
        return turn

    def _prompt(self, text: str, turn: int, thread: str) -> int:
        if thread == MAIN_THREAD:
            self.session.prompts.append(text)
        self.session.mentions.append((self.index, thread, text))
        return turn + 1
