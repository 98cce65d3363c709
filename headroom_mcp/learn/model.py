"""What a session reader gives the finders: tool calls with their results, compactions,
the text written after each call, and token usage counted once per API response.

Both readers (Claude Code, Codex) produce the same `Session`, so no finder knows which client
wrote the file. Positions (`index`) order everything in one session, sidechains included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Source = Literal["claude-code", "codex"]
MAIN_THREAD = "main"


@dataclass
class ToolCall:
    """One tool call and its result.

    `command` is the shell command for shell tools (Bash, Codex `shell`), else None. `result`
    is the result's text (images are counted in `images`, never as text). `is_error` is the
    client's own flag, or a non-zero exit code.
    """

    call_id: str
    name: str
    args: dict[str, Any]
    command: str | None
    index: int
    turn: int
    thread: str = MAIN_THREAD
    result: str = ""
    is_error: bool = False
    images: int = 0
    answered: bool = False
    tokens: int | None = None  # of `result`, counted on first use


@dataclass(frozen=True)
class Compaction:
    """The context was compacted here; `pre_tokens` is the context size just before, if known."""

    index: int
    turn: int
    pre_tokens: int | None
    trigger: str


@dataclass
class Session:
    """One session file (with its sidechain files), reduced to what the finders read."""

    path: Path
    session_id: str
    source: Source
    cwd: str | None = None
    calls: list[ToolCall] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)
    # (index, thread, text): what the agent and the user wrote, and the arguments of every tool
    # call; a tool result's content is used later when it shows up here. Compaction summaries
    # are not in it: the model wrote them, they are not a use of anything.
    mentions: list[tuple[int, str, str]] = field(default_factory=list)
    compactions: list[Compaction] = field(default_factory=list)
    responses: int = 0
    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def short_id(self) -> str:
        return self.session_id[:8]

    def later_text(self, index: int, thread: str) -> str:
        """Everything written in `thread` after position `index`, lower-cased, as one string."""
        return "\n".join(t for i, th, t in self.mentions if i > index and th == thread).lower()
