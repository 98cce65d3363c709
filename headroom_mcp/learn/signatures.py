"""Normal forms that make two calls, or two errors, comparable across sessions.

An error signature is the line of a failed result that says what went wrong, with paths,
numbers, hex ids and quoted values replaced by placeholders. A call key is a shell command with
whitespace collapsed and its `cd <dir> &&` prefix, `2>&1` and trailing `| head`/`| tail`
removed, or a tool name with its arguments (descriptions and timeouts left out).
"""

from __future__ import annotations

import json
import re

from headroom_mcp.learn.model import ToolCall

MAX_SIGNATURE_CHARS = 120

_ERROR_LINE_RE = re.compile(
    r"not found|no such file|does not exist|error|exception|failed|denied|invalid|"
    r"unknown|cannot|can't|unrecognized|refused|missing|not a |fatal|traceback",
    re.IGNORECASE,
)
_EXIT_LINE_RE = re.compile(r"^(exit code|process exited with code|wall time|output:)", re.I)
_PATH_RE = re.compile(r"(?<![\w.])(?:~|\.{1,2})?/[\w.@+-]+(?:/[\w.@+-]*)*|\b[\w.-]+/[\w./-]+")
_HEX_RE = re.compile(r"\b(?=[0-9a-f]*\d)[0-9a-f]{7,}\b", re.IGNORECASE)
_NUMBER_RE = re.compile(r"\b\d+(?:\.\d+)*\b")
_TAG_RE = re.compile(r"</?[A-Za-z_][\w-]*>")
_QUOTED_RE = re.compile(r"'[^'\n]{1,80}'|\"[^\"\n]{1,80}\"")
_CD_PREFIX_RE = re.compile(r"^cd\s+\S+\s*&&\s*")
_TAIL_PIPE_RE = re.compile(r"\s*\|\s*(head|tail)(\s+-n)?(\s+-?\d+)?\s*$")
_QUIET_ARGS = frozenset({"description", "timeout", "run_in_background"})


def error_signature(text: str) -> str:
    """The normalised line of an error output that names the error."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    lines = [ln for ln in lines if not _EXIT_LINE_RE.match(ln)]
    if not lines:
        return "(no output)"
    errors = [ln for ln in lines if _ERROR_LINE_RE.search(ln)]
    # The last error line of a traceback names the exception; elsewhere the first one is the cause.
    line = errors[-1] if errors and lines[0].startswith("Traceback") else (errors or lines)[0]
    line = _TAG_RE.sub(" ", line).strip()
    line = _QUOTED_RE.sub("<value>", line)
    line = _PATH_RE.sub("<path>", line)
    line = _HEX_RE.sub("<id>", line)
    line = _NUMBER_RE.sub("<n>", line)
    return line[:MAX_SIGNATURE_CHARS]


def normalise_command(command: str) -> str:
    text = " ".join(command.split())
    text = _CD_PREFIX_RE.sub("", text)
    text = text.replace(" 2>&1", "")
    return _TAIL_PIPE_RE.sub("", text)


def call_key(call: ToolCall) -> str:
    """What makes two calls the same call."""
    if call.command is not None:
        return normalise_command(call.command)
    args = {k: v for k, v in call.args.items() if k not in _QUIET_ARGS}
    return f"{call.name} {json.dumps(args, sort_keys=True, ensure_ascii=False)}"


def family(call: ToolCall) -> str:
    """A tool, or a shell program with its subcommand: what output rules are kept per."""
    if call.command is None:
        return call.name
    words = normalise_command(call.command).split()
    while words and "=" in words[0] and not words[0].startswith("-"):
        words = words[1:]  # leading VAR=value assignments
    if not words:
        return "shell"
    if len(words) > 1 and re.fullmatch(r"[a-z][\w-]*", words[1]) and words[0] in _SUBCOMMANDS:
        return f"{words[0]} {words[1]}"
    return words[0]


_SUBCOMMANDS = frozenset(
    {"git", "gh", "npm", "pnpm", "yarn", "cargo", "go", "kubectl", "docker", "uv", "poetry",
     "pip", "aws", "gcloud", "az", "terraform", "helm", "make", "dotnet", "bun", "deno"}
)  # fmt: skip
