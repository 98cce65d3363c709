"""The proxy the wrapped agents talk to: found if one already answers on the port, started
otherwise, stopped when the last wrapper leaves (only if a wrapper started it).

A proxy is "ours" when GET /livez answers 200 with the body `ok`. It is started in a session
of its own, so a Ctrl-C meant for one agent does not stop the proxy the others share, and its
output goes to a log file whose tail is shown when it does not come up.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from headroom_mcp.errors import HeadroomMcpError
from headroom_mcp.wrap.agents import proxy_url
from headroom_mcp.wrap.state import pid_alive

LIVEZ_REQUEST_SECONDS = 1.0
PROXY_START_TIMEOUT_SECONDS = 30.0
PROXY_STOP_TIMEOUT_SECONDS = 5.0
POLL_SECONDS = 0.05
LOG_TAIL_CHARS = 1200

Liveness = Literal["ok", "other", "down"]


def proxy_command(port: int, command: Sequence[str] | None = None) -> list[str]:
    """The argv that starts a proxy on `port`; `{port}` in a given command is filled in."""
    if command is None:
        return [sys.executable, "-m", "headroom_mcp", "proxy", "--port", str(port)]
    return [part.replace("{port}", str(port)) for part in command]


def livez(port: int) -> Liveness:
    """ok: a headroom proxy answers; other: something else holds the port; down: nothing."""
    try:
        with urllib.request.urlopen(
            f"{proxy_url(port)}/livez", timeout=LIVEZ_REQUEST_SECONDS
        ) as response:
            body = response.read(64)
            return "ok" if response.status == 200 and body.strip() == b"ok" else "other"
    except urllib.error.HTTPError:
        return "other"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return "down"


def start_proxy(
    port: int,
    command: Sequence[str],
    log_path: Path,
    timeout: float = PROXY_START_TIMEOUT_SECONDS,
) -> subprocess.Popen[bytes]:
    """Start `command` and wait until /livez answers ok. Raises HeadroomMcpError with the
    tail of its output when it exits or stays silent past `timeout` (it is stopped then)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        try:
            process = subprocess.Popen(
                list(command),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            raise HeadroomMcpError(
                f"Could not start the proxy ({' '.join(command)}): {exc.strerror or exc}. "
                "Check that headroom-mcp is installed in this Python, or start "
                f"`headroom-mcp proxy --port {port}` yourself and wrap again."
            ) from None
    try:
        _wait_until_live(process, port, command, log_path, timeout)
    except BaseException:
        # Also on a signal during the wait: a proxy nobody recorded must not outlive us.
        stop_child(process)
        raise
    return process


def _wait_until_live(
    process: subprocess.Popen[bytes],
    port: int,
    command: Sequence[str],
    log_path: Path,
    timeout: float,
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if livez(port) == "ok":
            return
        if process.poll() is not None or time.monotonic() > deadline:
            stopped = process.poll() is not None
            reason = (
                f"exited with code {process.returncode}"
                if stopped
                else f"did not answer on {proxy_url(port)}/livez within {timeout:g} s"
            )
            raise HeadroomMcpError(
                f"The proxy {reason}. Its output ({log_path}) ends with:\n"
                f"{tail(log_path)}\n"
                f"Next step: run `{' '.join(command)}` yourself to see the whole error, or "
                "pick another --port."
            )
        time.sleep(POLL_SECONDS)


def tail(path: Path, chars: int = LOG_TAIL_CHARS) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no output)"
    return text[-chars:].strip() or "(no output)"


def stop_child(process: subprocess.Popen[bytes]) -> None:
    """Stop a proxy this process started: SIGTERM, then SIGKILL past the timeout."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=PROXY_STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=PROXY_STOP_TIMEOUT_SECONDS)


def stop_pid(pid: int, command: Sequence[str]) -> bool:
    """Stop a proxy another wrapper started, if `pid` still runs `command` (a pid the system
    gave to something else since is left alone). Returns whether it is gone."""
    if not pid_alive(pid):
        return True
    if not _runs(pid, command):
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if sig == signal.SIGKILL:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + PROXY_STOP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if not pid_alive(pid) or _zombie(pid):
                return True
            time.sleep(POLL_SECONDS)
    return not pid_alive(pid)


def _runs(pid: int, command: Sequence[str]) -> bool:
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.exists():
        return True  # no /proc (macOS): trust the record
    try:
        return cmdline.read_bytes().split(b"\0")[:-1] == [os.fsencode(c) for c in command]
    except OSError:
        return False


def _zombie(pid: int) -> bool:
    """An exited process its parent has not reaped yet (its parent wrapper is busy)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]
