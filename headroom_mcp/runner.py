"""Running one checked command for headroom_run: no shell, a clean environment, its own
process group, inside bubblewrap when it is available, time- and size-capped.

The child's environment is built from scratch (PATH, LANG, a private HOME and TMPDIR), never
copied from the server, so tokens in the server's environment never reach it. The command
starts a new session; at the timeout, at the output cap or when it exits, its whole process
group is killed, and output is read in this thread with a deadline, so the call returns within
the timeout plus READ_GRACE_SECONDS whatever the command's children do.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from headroom_mcp.errors import AccessDenied, InvalidArgument
from headroom_mcp.sandbox import Sandbox

KIND_BY_COMMAND: tuple[tuple[tuple[str, ...], str], ...] = (
    (("rg",), "search"), (("grep",), "search"), (("git", "grep"), "search"),
    (("git", "diff"), "diff"), (("git", "show"), "diff"),
)  # fmt: skip
READ_GRACE_SECONDS = 0.5  # after the group is killed, how long to drain what it wrote
READ_CHUNK_BYTES = 65536


@dataclass(frozen=True)
class CommandOutput:
    text: str
    exit_code: int | None
    timed_out: bool
    truncated: bool


def kind_for(argv: Sequence[str]) -> str:
    words = list(argv)
    for prefix, kind in KIND_BY_COMMAND:
        if words[: len(prefix)] == list(prefix):
            return kind
    if words[:2] == ["git", "log"] and ("-p" in words or "--patch" in words):
        return "diff"
    return "auto"


def find_executable(name: str, search_path: str) -> str:
    """The absolute path of the bare command `name` on `search_path`."""
    found = shutil.which(name, path=search_path)
    if found is None:
        raise InvalidArgument(
            f"{name!r} was not found on headroom's command PATH ({search_path}). Install it, or "
            "ask the user to add its folder to HEADROOM_MCP_RUN_PATH."
        )
    return found


def child_env(search_path: str, home: str, extra: dict[str, str]) -> dict[str, str]:
    """The whole environment of the command: nothing is inherited from the server."""
    return {
        "PATH": search_path,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "HOME": home,
        "TMPDIR": home,
        "NO_COLOR": "1",
        "TERM": "dumb",
        "PAGER": "cat",
        **extra,
    }


def run_command(
    argv: Sequence[str],
    cwd: Path,
    timeout_s: float,
    max_bytes: int,
    *,
    search_path: str,
    env: dict[str, str],
    sandbox: Sandbox | None,
    readable: Sequence[Path],
) -> CommandOutput:
    """Run argv (argv[0] a bare name) without a shell; stdout and stderr interleaved, cut at
    max_bytes. With a sandbox, `readable` (the roots) are the only user folders it sees."""
    executable = find_executable(argv[0], search_path)
    with tempfile.TemporaryDirectory(prefix="headroom-run-") as private:
        if sandbox is not None:
            home = "/tmp/home"
            full = sandbox.wrap([executable, *argv[1:]], cwd, readable, search_path, home)
        else:
            home = private
            full = [executable, *argv[1:]]
        try:
            proc = subprocess.Popen(
                full, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env=child_env(search_path, home, env),
                start_new_session=True, close_fds=True,
            )  # fmt: skip
        except PermissionError:
            raise AccessDenied(f"{executable} is not executable.") from None
        return _collect(proc, timeout_s, max_bytes)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _collect(proc: subprocess.Popen[bytes], timeout_s: float, max_bytes: int) -> CommandOutput:
    """Read until the output ends, the cap is passed or the deadline comes; then kill the
    group and drain for at most READ_GRACE_SECONDS."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    os.set_blocking(fd, False)
    chunks: list[bytes] = []
    size = 0
    truncated = timed_out = False
    deadline = time.monotonic() + timeout_s
    drain_until: float | None = None
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while True:
            now = time.monotonic()
            if drain_until is None and now >= deadline:
                timed_out = True
                _kill_group(proc)
                drain_until = now + READ_GRACE_SECONDS
            if drain_until is None and proc.poll() is not None:
                # The command is done; children it left behind go with its group.
                _kill_group(proc)
                drain_until = now + READ_GRACE_SECONDS
            limit = drain_until if drain_until is not None else deadline
            if now >= limit:
                break
            if not selector.select(min(limit - now, 0.1)):
                continue
            try:
                chunk = os.read(fd, READ_CHUNK_BYTES)
            except BlockingIOError:
                continue
            if not chunk:
                break
            if size < max_bytes:
                chunks.append(chunk[: max_bytes - size])
            size += len(chunk)
            if size > max_bytes and not truncated:
                truncated = True  # past the cap: stop the command rather than buffer its output
                _kill_group(proc)
                drain_until = time.monotonic()
    if not timed_out and not truncated:
        try:  # the output ended: let the command finish its exit before the group goes
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            timed_out = True
    _kill_group(proc)
    proc.stdout.close()
    try:
        proc.wait(timeout=READ_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    text = b"".join(chunks).decode("utf-8", errors="replace")
    exit_code = None if timed_out else proc.returncode
    return CommandOutput(text, exit_code, timed_out, truncated)
