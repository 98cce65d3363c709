"""Running one allowlisted command for headroom_run: no shell, inside the roots, time- and
size-capped.

Off unless HEADROOM_MCP_RUN_ALLOW lists commands: `rg,grep,git log,git diff` allows `rg ...`,
`grep ...`, `git log ...` and `git diff ...` and nothing else. Arguments that name existing
paths must stay inside the allowed roots.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from headroom_mcp.access import resolve_inside
from headroom_mcp.errors import AccessDenied, InvalidArgument

KIND_BY_COMMAND: tuple[tuple[tuple[str, ...], str], ...] = (
    (("rg",), "search"), (("grep",), "search"), (("ag",), "search"), (("git", "grep"), "search"),
    (("git", "diff"), "diff"), (("git", "show"), "diff"), (("diff",), "diff"),
)  # fmt: skip


@dataclass(frozen=True)
class CommandOutput:
    text: str
    exit_code: int | None
    timed_out: bool
    truncated: bool


def allowed_prefix(argv: Sequence[str], allow: Sequence[str]) -> str | None:
    """The allowlist entry that permits argv, or None."""
    if not argv:
        return None
    words = [Path(argv[0]).name, *argv[1:]]
    for entry in allow:
        prefix = entry.split()
        if prefix and words[: len(prefix)] == prefix:
            return entry
    return None


def check_command(argv: Sequence[str], allow: Sequence[str], roots: Sequence[Path]) -> None:
    if not isinstance(argv, list | tuple) or not all(isinstance(a, str) for a in argv) or not argv:
        raise InvalidArgument(
            'argv must be a non-empty list of strings, e.g. ["rg", "-n", "TODO"].'
        )
    if not allow:
        raise AccessDenied(
            "headroom_run is off. To enable it, set HEADROOM_MCP_RUN_ALLOW to the commands it may "
            'run, e.g. "rg,grep,git log,git diff,git show,ls,find,pytest".'
        )
    if allowed_prefix(argv, allow) is None:
        raise AccessDenied(
            f"{argv[0]!r} is not allowed: headroom_run may run only {', '.join(allow)} "
            "(HEADROOM_MCP_RUN_ALLOW)."
        )
    for arg in argv[1:]:
        if arg.startswith("-") or ("/" not in arg and not arg.startswith(("~", "."))):
            continue
        if Path(arg).expanduser().exists() or arg.startswith(("/", "~", "..")):
            resolve_inside(arg, roots)


def kind_for(argv: Sequence[str]) -> str:
    words = [Path(argv[0]).name, *argv[1:]]
    for prefix, kind in KIND_BY_COMMAND:
        if words[: len(prefix)] == list(prefix):
            return kind
    if words[:2] == ["git", "log"] and ("-p" in words or "--patch" in words):
        return "diff"
    return "auto"


def run_command(argv: Sequence[str], cwd: Path, timeout_s: float, max_bytes: int) -> CommandOutput:
    """Run argv without a shell; stdout and stderr interleaved, cut at max_bytes."""
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "GIT_PAGER": "cat", "PAGER": "cat"}
    try:
        proc = subprocess.Popen(
            list(argv), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, env=env,
        )  # fmt: skip
    except FileNotFoundError:
        raise InvalidArgument(f"{argv[0]!r} was not found on PATH.") from None
    except PermissionError:
        raise AccessDenied(f"{argv[0]!r} is not executable.") from None
    chunks: list[bytes] = []
    size = 0
    truncated = False

    def pump() -> None:
        nonlocal size, truncated
        assert proc.stdout is not None
        while chunk := proc.stdout.read(65536):
            if size < max_bytes:
                chunks.append(chunk[: max_bytes - size])
            size += len(chunk)
            if size > max_bytes and not truncated:
                truncated = True
                proc.kill()  # past the cap: stop the command rather than buffer its output

    with proc:  # closes the pipe and reaps the process however we leave
        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        try:
            proc.wait(timeout=timeout_s)
            timed_out = False
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            timed_out = True
        reader.join(timeout=5)
    text = b"".join(chunks).decode("utf-8", errors="replace")
    exit_code = None if timed_out else proc.returncode
    return CommandOutput(text, exit_code, timed_out, truncated)
