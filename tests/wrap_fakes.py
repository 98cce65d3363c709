"""Stand-ins for `wrap` tests: a fake agent executable and a tiny proxy that answers /livez.

The fake agent records what it was given (argv, environment, the config files it can see)
into FAKE_AGENT_RECORD, then ends the way FAKE_AGENT_MODE says: exit0, exit3, sigkill, touch
(rewrites the JSON config it watches, as Claude Code does) or wait (prints "ready", then waits
for a line on stdin).
"""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

FAKE_AGENT = """\
import json, os, pathlib, signal, sys

watched = [p for p in os.environ.get("FAKE_AGENT_WATCH", "").split(os.pathsep) if p]
files = {p: (pathlib.Path(p).read_text() if os.path.exists(p) else None) for p in watched}
record = {"argv": sys.argv, "env": dict(os.environ), "files": files, "pid": os.getpid()}
pathlib.Path(os.environ["FAKE_AGENT_RECORD"]).write_text(json.dumps(record))
mode = os.environ.get("FAKE_AGENT_MODE", "exit0")
if mode == "exit3":
    sys.exit(3)
if mode == "sigkill":
    os.kill(os.getpid(), signal.SIGKILL)
if mode == "touch":
    path = pathlib.Path(watched[0])
    config = json.loads(path.read_text())
    config["numStartups"] = config.get("numStartups", 0) + 1
    path.write_text(json.dumps(config, indent=2))
if mode == "wait":
    print("ready", flush=True)
    sys.stdin.readline()
"""

FAKE_PROXY = """\
import http.server, sys

class Livez(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"ok" if self.path == "/livez" else b"not found"
        self.send_response(200 if self.path == "/livez" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Livez).serve_forever()
"""


def install_fake_agents(folder: Path) -> Path:
    """claude, codex and aider executables in `folder/bin`, all the fake agent."""
    bin_dir = folder / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    for name in ("claude", "codex", "aider"):
        path = bin_dir / name
        path.write_text(f"#!{sys.executable}\n{FAKE_AGENT}")
        path.chmod(0o755)
    return bin_dir


def fake_proxy_command(folder: Path) -> list[str]:
    script = folder / "fake_proxy.py"
    script.write_text(FAKE_PROXY)
    return [sys.executable, str(script), "{port}"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers_livez(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=2) as response:
            return bool(response.read() == b"ok")
    except OSError:
        return False


def start_fake_proxy(folder: Path, port: int) -> subprocess.Popen[bytes]:
    """A proxy started by the user, not by wrap; returns once it answers."""
    command = [part.replace("{port}", str(port)) for part in fake_proxy_command(folder)]
    process = subprocess.Popen(command)
    for _ in range(200):
        if answers_livez(port):
            return process
        try:
            process.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            continue
        raise AssertionError(f"the fake proxy exited with {process.returncode}")
    process.kill()
    raise AssertionError("the fake proxy did not answer within 10 s")


def read_line(process: subprocess.Popen[bytes], timeout: float = 20.0) -> str:
    """One line of the process's stdout, failing after `timeout` seconds."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, "no output within the time limit"
    return process.stdout.readline().decode()


def agent_record(path: Path) -> dict[str, object]:
    data = json.loads(path.read_text())
    assert isinstance(data, dict)
    return data


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
