"""Run the agent as a child with the terminal's stdin/stdout/stderr, pass signals on to it,
and turn its end into an exit status.

Signals meet the wrapper in three phases. Before the agent starts, SIGINT/SIGTERM/SIGHUP
raise `Interrupted`, so the setup unwinds through its cleanup. While the agent runs they are
forwarded to it; SIGTERM and SIGHUP also start a grace period after which the agent is
killed, so a wrapper asked to stop always gets to restore the files. After the agent has
ended they are only noted: nothing may interrupt the restore.

A Ctrl-C typed in the terminal reaches every process of the foreground group, the agent
included; forwarding it as well would deliver it twice (Claude Code exits on a second
Ctrl-C). So SIGINT is forwarded only when the wrapper is not the terminal's foreground
process group, i.e. when it was sent to the wrapper alone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from types import FrameType, TracebackType
from typing import Any, Literal

from headroom_mcp.errors import HeadroomMcpError

AGENT_STOP_GRACE_SECONDS = 10.0
HANDLED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_STOPPING = (signal.SIGTERM, signal.SIGHUP)


class Interrupted(BaseException):
    """A signal arrived before the agent started. A BaseException, like KeyboardInterrupt, so
    that no `except Exception` on the way (the MCP probe has some) swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum


class _Wake(Exception):
    """Breaks a blocking wait so the grace period can start counting."""


def exit_status(returncode: int) -> int:
    """A shell's view of a child's end: its code, or 128 + N when signal N ended it."""
    return returncode if returncode >= 0 else 128 - returncode


class SignalForwarder:
    """Context manager owning SIGINT/SIGTERM/SIGHUP for the life of one wrap."""

    def __init__(self, grace_seconds: float = AGENT_STOP_GRACE_SECONDS) -> None:
        self.grace_seconds = grace_seconds
        self.phase: Literal["setup", "running", "cleanup"] = "setup"
        self.received: int | None = None
        self._child: subprocess.Popen[bytes] | None = None
        self._deadline: float | None = None
        self._waiting = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> SignalForwarder:
        for signum in HANDLED:
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.received is None or signum in _STOPPING:
            self.received = signum
        if self.phase == "setup":
            raise Interrupted(signum)
        child = self._child
        if self.phase != "running" or child is None or child.returncode is not None:
            return
        if signum == signal.SIGINT and _terminal_sent_it_to_both():
            return
        try:
            child.send_signal(signum)
        except ProcessLookupError:
            return
        if signum in _STOPPING and self._deadline is None:
            self._deadline = time.monotonic() + self.grace_seconds
            if self._waiting:
                raise _Wake

    def run(self, argv: Sequence[str], env: Mapping[str, str]) -> int:
        """Run the agent to its end and return its exit status (see `exit_status`)."""
        if self.received is not None:
            raise Interrupted(self.received)
        try:
            self._child = subprocess.Popen(list(argv), env=dict(env))
        except OSError as exc:
            raise HeadroomMcpError(
                f"Could not start {argv[0]}: {exc.strerror or exc}. Check that it is an "
                "executable for this system, or give another with --agent-path."
            ) from None
        self.phase = "running"
        try:
            return exit_status(self._wait(self._child))
        finally:
            self.phase = "cleanup"

    def _wait(self, child: subprocess.Popen[bytes]) -> int:
        while True:
            timeout = None
            if self._deadline is not None:
                timeout = max(0.0, self._deadline - time.monotonic())
            try:
                self._waiting = True
                try:
                    return child.wait(timeout)
                finally:
                    self._waiting = False
            except _Wake:
                continue
            except subprocess.TimeoutExpired:
                child.kill()
                self._deadline = None


def _terminal_sent_it_to_both() -> bool:
    try:
        return os.tcgetpgrp(sys.stdin.fileno()) == os.getpgrp()
    except (OSError, ValueError, AttributeError):
        return False
