"""A replayable tool-heavy coding-agent session, as the successive request bodies a client
sends: each request holds the whole conversation so far, the way Claude Code (Anthropic
Messages) and Chat Completions clients resend history every turn.

Every tool output is a real file from tests/data (provenance in tests/data/README.md and the
SOURCES.md files beside them), cut the way the agent's tools cut it: Bash output at 30,000
characters, Read at 2,000 numbered lines. The only text written here is the conversation
around the outputs: the user's prompts, the assistant's short remarks and the tool inputs.

    from bench.proxy_session import build_session, build_openai_session
    bodies = build_session(30)        # 30 Anthropic /v1/messages bodies
    chat = build_openai_session(12)   # 12 /v1/chat/completions bodies

Deterministic: the same turns give the same bodies, byte for byte, on every machine.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
BASH_MAX_CHARS = 30_000  # Claude Code's Bash tool cuts longer output
READ_MAX_LINES = 2_000  # Claude Code's Read tool shows at most this many lines
MODEL = "claude-sonnet-4-5"
SESSION_ID = "4f1c2b7e-8a3d-4c55-9e0f-2d6b7a1c9e31"
CACHE = {"type": "ephemeral"}
# A real 1x1 PNG (what Read returns for an image file is an image block, not text).
PIXEL_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
)


def _text(relative: str) -> str:
    return (DATA / relative).read_text(encoding="utf-8")


def bash_output(relative: str, tail: bool = False) -> str:
    """The file as a shell tool shows it: at most BASH_MAX_CHARS, cut at a line end (the
    head, or the tail for logs whose end matters)."""
    text = _text(relative)
    if len(text) <= BASH_MAX_CHARS:
        return text
    if tail:
        cut = text[-BASH_MAX_CHARS:]
        return cut[cut.find("\n") + 1 :]
    cut = text[:BASH_MAX_CHARS]
    return cut[: cut.rfind("\n")]


def read_output(relative: str, start: int = 1, limit: int = READ_MAX_LINES) -> str:
    """The file as Claude Code's Read tool shows it: numbered lines, `     1→text`."""
    lines = _text(relative).splitlines()[start - 1 : start - 1 + limit]
    return "\n".join(f"{n:>6}→{line}" for n, line in enumerate(lines, start))


def listing(relative: str) -> str:
    """A file listing (what Glob returns): the folder's files, one path a line."""
    folder = DATA / relative
    return "\n".join(f"/repo/tests/data/{relative}/{p.name}" for p in sorted(folder.iterdir()))


@dataclass(frozen=True)
class Call:
    """One tool call and what it returned: `output` gives a string or a list of blocks."""

    tool: str
    input: dict[str, Any]
    output: Callable[[], str | list[dict[str, Any]]]
    is_error: bool = False


@dataclass(frozen=True)
class Step:
    """One assistant turn and the user's reply: tool results for `calls`, else `reply`."""

    say: str
    calls: tuple[Call, ...] = ()
    reply: str = ""


def _bash(command: str, relative: str, tail: bool = False, error: bool = False) -> Call:
    return Call(
        "Bash",
        {"command": command, "description": command.split(" ")[0]},
        lambda: bash_output(relative, tail),
        error,
    )


def _read(path: str, relative: str, start: int = 1, limit: int = READ_MAX_LINES) -> Call:
    return Call("Read", {"file_path": path}, lambda: read_output(relative, start, limit))


def _mcp(tool: str, args: dict[str, Any], relative: str) -> Call:
    return Call(tool, args, lambda: [{"type": "text", "text": _text(relative)}])


FIRST_PROMPT = (
    "The progress bar in our CLI breaks when stdout is not a terminal, and CI has been red "
    "since yesterday. Find out why the build fails and fix the progress bar."
)

STEPS: tuple[Step, ...] = (
    Step(
        "I'll start with the terminal UI module.",
        (_read("/repo/src/termui.py", "code/click_termui.py"),),
    ),
    Step(
        "Let me find every definition it relies on.",
        (
            Call(
                "Grep",
                {"pattern": "def ", "path": "src", "-n": True},
                lambda: bash_output("search/grep_click_defs.txt"),
            ),
        ),
    ),
    Step(
        "Running the tests and listing the fixtures.",
        (
            _bash("python -m pytest -x", "failures/pytest.txt"),
            Call(
                "Glob",
                {"pattern": "tests/data/code/languages/*"},
                lambda: listing("code/languages"),
            ),
        ),
    ),
    Step(
        "Checking what the package manager changed on the runner.",
        (_bash("cat /var/log/dpkg.log", "logs/dpkg.log"),),
    ),
    Step(
        "The progress bar writes carriage returns unconditionally; that is the first bug.",
        reply="Good. Now look at why the CI build fails on the buildah step.",
    ),
    Step(
        "Fetching the CI job log.",
        (_bash("buildkite-agent log get 1842", "build/buildkite_buildah.log", tail=True),),
    ),
    Step(
        "Reproducing the script locally.",
        (_bash("python scripts/start.py", "failures/python.txt", error=True),),
    ),
    Step(
        "The native extension is involved; reading it.",
        (_read("/repo/src/cext.c", "code/lazy_object_proxy_cext.c"),),
    ),
    Step(
        "Checking open issues about this.",
        (
            _mcp(
                "mcp__github__list_issues",
                {"owner": "acme", "repo": "cli", "state": "open"},
                "json/github_issues_probot.json",
            ),
        ),
    ),
    Step(
        "Guarding the carriage return behind isatty().",
        (
            Call(
                "Edit",
                {"file_path": "/repo/src/termui.py", "old_string": "\\r", "new_string": "\\n"},
                lambda: (
                    "The file /repo/src/termui.py has been updated. Here's the result of running "
                    "`cat -n` on a snippet of the edited file:\n"
                    + read_output("code/click_termui.py", 100, 12)
                ),
            ),
        ),
    ),
    Step(
        "Reinstalling dependencies.",
        (_bash("npm install --verbose", "build/npm_install.log", tail=True),),
    ),
    Step(
        "Running the Go side's tests.",
        (_bash("go test -json ./...", "json/go_test_failed.ndjson"),),
    ),
    Step(
        "Reading the docs page the issue links to.",
        (
            _mcp(
                "mcp__fetch__fetch",
                {"url": "https://doc.rust-lang.org/rustdoc/what-is-rustdoc.html"},
                "html/what-is-rustdoc.html",
            ),
        ),
    ),
    Step(
        "Looking at the screenshot attached to the issue.",
        (
            Call(
                "Read",
                {"file_path": "/repo/docs/bar.png"},
                lambda: [
                    {
                        "type": "image",
                        "source": {"type": "base64", "media_type": "image/png", "data": PIXEL_PNG},
                    }
                ],
            ),
        ),
    ),
    Step(
        "The Go failures are unrelated to the progress bar.",
        reply="Summarise the failing Go tests for me, then keep going on CI.",
    ),
    Step(
        "Pulling the worker log and the Java build warnings.",
        (
            _bash("cat logs/worker.log", "logs/worker.log"),
            _bash("mvn -q compile", "build/maven_javac_warnings.log"),
        ),
    ),
    Step(
        "Comparing against the upstream command modules.",
        (_bash("git diff v23..v26 -- commands/", "diff/pip_23_to_26_commands.diff"),),
    ),
    Step("Checking the bundled zlib header.", (_read("/repo/vendor/zlib.h", "code/zlib.h"),)),
    Step("Listing the installed packages.", (_bash("pip inspect", "json/pip_inspect.json"),)),
    Step(
        "Searching the vendored libuv for close calls.",
        (
            Call(
                "Grep",
                {"pattern": "uv_close", "path": "vendor/libuv"},
                lambda: _text("search/git_grep_libuv_uv_close.txt"),
            ),
        ),
    ),
    Step(
        "Checking the license terms of the vendored code.",
        (_read("/repo/vendor/LICENSE", "prose/gpl3_head.txt"),),
    ),
    Step(
        "Running the Go tests verbosely.", (_bash("go test -v ./...", "build/go_test_panic.log"),)
    ),
    Step(
        "Searching the docs index.",
        (
            Call(
                "mcp__docs__search",
                {"query": "rustdoc output"},
                lambda: [
                    {"type": "text", "text": "2 results"},
                    {
                        "type": "search_result",
                        "source": "https://doc.rust-lang.org/rustdoc/",
                        "title": "What is rustdoc?",
                        "content": [
                            {"type": "text", "text": _text("html/what-is-rustdoc.html")[:2000]}
                        ],
                    },
                ],
            ),
        ),
    ),
    Step(
        "Two smaller builds to check.",
        (
            _bash("mvn enforcer:enforce", "build/maven_enforcer.log"),
            _bash("./x.py test", "build/rust_ci.log"),
        ),
    ),
    Step("The enforcer failure is a version pin.", reply="Fine. What about the race detector run?"),
    Step(
        "Running with the race detector.",
        (_bash("go test -race -json ./...", "json/go_test_race.ndjson"),),
    ),
    Step(
        "The install script sets up the apt key; reading it.",
        (_read("/repo/scripts/apt-key.sh", "code/apt-key.sh"),),
    ),
    Step(
        "Checking the embedded toolchain and the JS tests.",
        (
            _bash("ant build", "build/iar_warnings.log"),
            _bash("npx jest", "failures/jest.txt"),
        ),
    ),
    Step(
        "Getting the full jest report.", (_bash("npx jest --json", "json/jest_report_nodebb.json"),)
    ),
)
MAX_TURNS = len(STEPS) + 1

SYSTEM = [
    {"type": "text", "text": "You are Claude Code, Anthropic's official CLI for Claude."},
    {
        "type": "text",
        "text": "You are an interactive CLI tool that helps users with software engineering "
        "tasks. Use the tools available to you to read, search and change the repository.",
        "cache_control": CACHE,
    },
]
TOOLS = [
    {
        "name": "Bash",
        "description": "Run a shell command.",
        "input_schema": {
            "type": "object",
            "properties": {"command": {"type": "string"}, "description": {"type": "string"}},
            "required": ["command"],
        },
    },
    {
        "name": "Read",
        "description": "Read a file.",
        "input_schema": {
            "type": "object",
            "properties": {
                "file_path": {"type": "string"},
                "offset": {"type": "integer"},
                "limit": {"type": "integer"},
            },
            "required": ["file_path"],
        },
    },
    {
        "name": "Grep",
        "description": "Search file contents.",
        "input_schema": {
            "type": "object",
            "properties": {"pattern": {"type": "string"}, "path": {"type": "string"}},
            "required": ["pattern"],
        },
    },
    {
        "name": "Glob",
        "description": "Find files by pattern.",
        "input_schema": {
            "type": "object",
            "properties": {"pattern": {"type": "string"}},
            "required": ["pattern"],
        },
    },
    {
        "name": "Edit",
        "description": "Replace text in a file.",
        "input_schema": {
            "type": "object",
            "properties": {
                "file_path": {"type": "string"},
                "old_string": {"type": "string"},
                "new_string": {"type": "string"},
            },
            "required": ["file_path", "old_string", "new_string"],
        },
    },
    {
        "name": "mcp__github__list_issues",
        "description": "List issues of a GitHub repository.",
        "input_schema": {
            "type": "object",
            "properties": {
                "owner": {"type": "string"},
                "repo": {"type": "string"},
                "state": {"type": "string"},
            },
            "required": ["owner", "repo"],
        },
    },
    {
        "name": "mcp__fetch__fetch",
        "description": "Fetch a URL.",
        "input_schema": {
            "type": "object",
            "properties": {"url": {"type": "string"}},
            "required": ["url"],
        },
    },
    {
        "name": "mcp__docs__search",
        "description": "Search the documentation index.",
        "input_schema": {
            "type": "object",
            "properties": {"query": {"type": "string"}},
            "required": ["query"],
        },
    },
]


def _tool_id(step: int, index: int) -> str:
    return f"toolu_{step:02d}{index}{'A' * 20}"


def _anthropic_history(turns: int) -> list[dict[str, Any]]:
    """The messages of the last request (turns-1 exchanges after the first prompt)."""
    messages: list[dict[str, Any]] = [
        {
            "role": "user",
            "content": [
                {
                    "type": "text",
                    "text": "<system-reminder>\nThe repository is a Python CLI with Go "
                    "and C parts.\n</system-reminder>",
                },
                {"type": "text", "text": FIRST_PROMPT},
            ],
        }
    ]
    for number, step in enumerate(STEPS[: turns - 1]):
        said: list[dict[str, Any]] = [{"type": "text", "text": step.say}]
        said += [
            {"type": "tool_use", "id": _tool_id(number, i), "name": c.tool, "input": c.input}
            for i, c in enumerate(step.calls)
        ]
        messages.append({"role": "assistant", "content": said})
        if not step.calls:
            messages.append({"role": "user", "content": [{"type": "text", "text": step.reply}]})
            continue
        results = []
        for i, call in enumerate(step.calls):
            result: dict[str, Any] = {
                "type": "tool_result",
                "tool_use_id": _tool_id(number, i),
                "content": call.output(),
            }
            if call.is_error:
                result["is_error"] = True
            results.append(result)
        messages.append({"role": "user", "content": results})
    return messages


def _check_turns(turns: int) -> None:
    if not 1 <= turns <= MAX_TURNS:
        raise ValueError(
            f"turns must be from 1 to {MAX_TURNS} (one per scripted step), got {turns}"
        )


def build_session(turns: int = 30) -> list[dict[str, Any]]:
    """`turns` Anthropic Messages request bodies, each holding the whole conversation so far,
    with the cache breakpoint on the newest block (moved every turn, as Claude Code does)."""
    _check_turns(turns)
    history = _anthropic_history(turns)
    bodies = []
    for size in range(1, 2 * turns, 2):
        messages = copy.deepcopy(history[:size])
        messages[-1]["content"][-1]["cache_control"] = dict(CACHE)
        bodies.append(
            {
                "model": MODEL,
                "max_tokens": 32000,
                "system": copy.deepcopy(SYSTEM),
                "tools": copy.deepcopy(TOOLS),
                "metadata": {"user_id": f"user_0f3a_account__session_{SESSION_ID}"},
                "messages": messages,
                "stream": True,
            }
        )
    return bodies


def _chat_content(output: str | list[dict[str, Any]]) -> str | list[dict[str, Any]]:
    """A tool message's content: text parts only (chat tool messages carry no images)."""
    if isinstance(output, str):
        return output
    parts = [{"type": "text", "text": b["text"]} for b in output if b.get("type") == "text"]
    return parts or "(no text output)"


def build_openai_session(turns: int = 12) -> list[dict[str, Any]]:
    """`turns` Chat Completions request bodies over the same steps, each the whole history."""
    _check_turns(turns)
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": SYSTEM[1]["text"]},
        {"role": "user", "content": FIRST_PROMPT},
    ]
    sizes = [len(messages)]
    for number, step in enumerate(STEPS[: turns - 1]):
        calls = [
            {
                "id": f"call_{number:02d}{i}",
                "type": "function",
                "function": {"name": c.tool, "arguments": json.dumps(c.input, sort_keys=True)},
            }
            for i, c in enumerate(step.calls)
        ]
        assistant: dict[str, Any] = {"role": "assistant", "content": step.say}
        if calls:
            assistant["tool_calls"] = calls
        messages.append(assistant)
        if not step.calls:
            messages.append({"role": "user", "content": step.reply})
        for i, call in enumerate(step.calls):
            messages.append(
                {
                    "role": "tool",
                    "tool_call_id": f"call_{number:02d}{i}",
                    "content": _chat_content(call.output()),
                }
            )
        sizes.append(len(messages))
    tools = [
        {
            "type": "function",
            "function": {
                "name": t["name"],
                "description": t["description"],
                "parameters": t["input_schema"],
            },
        }
        for t in TOOLS
    ]
    return [
        {
            "model": "gpt-4.1",
            "messages": copy.deepcopy(messages[:size]),
            "tools": copy.deepcopy(tools),
            "prompt_cache_key": f"session-{SESSION_ID}",
            "stream": True,
        }
        for size in sizes
    ]


if __name__ == "__main__":
    bodies = build_session()
    print(f"{len(bodies)} requests, last one {len(json.dumps(bodies[-1])):,} bytes")
