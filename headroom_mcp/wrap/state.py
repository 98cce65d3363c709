"""What `wrap` has changed and who is running, kept under the headroom home so that
`headroom-mcp unwrap AGENT` can undo it after the wrapper itself was killed.

    <home>/wrap/lock                 flock held while any of the below is read-modify-written
    <home>/wrap/sessions/<pid>.json  one per running wrapper: its agent and proxy port
    <home>/wrap/edits/<id>.json      one per edited file: backup, hash of what we wrote, and
                                     the pids of the wrappers relying on the edit
    <home>/wrap/backups/<id>         the file as it was, byte for byte (mode 0600)
    <home>/wrap/proxy-<port>.json    a proxy a wrapper started (never one the user started)
    <home>/wrap/proxy-<port>.log     that proxy's output

A pid that is no longer alive counts for nothing: its wrapper crashed, and whoever looks next
cleans up after it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists (a zombie counts: its parent has yet to reap it)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive, just not ours to signal
    return True


@dataclass
class Session:
    pid: int
    agent: str
    port: int


@dataclass
class EditRecord:
    """One file edited for wrapped agents; restored when the last holder leaves."""

    id: str
    agent: str
    kind: str  # "claude-json" | "codex-toml"
    path: str
    existed: bool
    mode: int | None
    written_sha256: str
    port: int
    holders: list[int] = field(default_factory=list)

    def live_holders(self) -> list[int]:
        return [pid for pid in self.holders if pid_alive(pid)]


@dataclass
class ProxyRecord:
    port: int
    pid: int
    command: list[str]
    started_by: int


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def edit_id(agent: str, path: Path) -> str:
    return f"{agent}-{hashlib.sha256(str(path).encode()).hexdigest()[:16]}"


def write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    """Replace `path` with `data` in one rename, keeping `mode` (or the current file's)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode is None and path.exists():
        mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class WrapState:
    """The files under <home>/wrap. Callers hold `lock()` around every read-modify-write."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(self.root / "lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # sessions ---------------------------------------------------------------------------

    def add_session(self, session: Session) -> None:
        self._write(self.root / "sessions" / f"{session.pid}.json", asdict(session))

    def remove_session(self, pid: int) -> None:
        (self.root / "sessions" / f"{pid}.json").unlink(missing_ok=True)

    def sessions(self) -> list[Session]:
        """Live wrappers; the files of dead ones are removed on the way."""
        live = []
        for path in sorted((self.root / "sessions").glob("*.json")):
            data = self._read(path)
            if data is None or not pid_alive(int(data.get("pid", 0))):
                path.unlink(missing_ok=True)
                continue
            live.append(Session(int(data["pid"]), str(data["agent"]), int(data["port"])))
        return live

    # edits --------------------------------------------------------------------------------

    def backup_path(self, record_id: str) -> Path:
        return self.root / "backups" / record_id

    def save_backup(self, record_id: str, data: bytes) -> None:
        self.backup_path(record_id).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(self.backup_path(record_id), data, 0o600)

    def save_edit(self, record: EditRecord) -> None:
        self._write(self.root / "edits" / f"{record.id}.json", asdict(record))

    def edit(self, record_id: str) -> EditRecord | None:
        data = self._read(self.root / "edits" / f"{record_id}.json")
        return None if data is None else EditRecord(**data)

    def edits(self, agent: str | None = None) -> list[EditRecord]:
        records = []
        for path in sorted((self.root / "edits").glob("*.json")):
            data = self._read(path)
            if data is not None and (agent is None or data.get("agent") == agent):
                records.append(EditRecord(**data))
        return records

    def delete_edit(self, record_id: str) -> None:
        (self.root / "edits" / f"{record_id}.json").unlink(missing_ok=True)
        self.backup_path(record_id).unlink(missing_ok=True)

    # proxies ------------------------------------------------------------------------------

    def proxy_log(self, port: int) -> Path:
        return self.root / f"proxy-{port}.log"

    def save_proxy(self, record: ProxyRecord) -> None:
        self._write(self.root / f"proxy-{record.port}.json", asdict(record))

    def proxies(self) -> list[ProxyRecord]:
        records = []
        for path in sorted(self.root.glob("proxy-*.json")):
            data = self._read(path)
            if data is not None:
                records.append(ProxyRecord(**data))
        return records

    def proxy(self, port: int) -> ProxyRecord | None:
        data = self._read(self.root / f"proxy-{port}.json")
        return None if data is None else ProxyRecord(**data)

    def delete_proxy(self, port: int) -> None:
        (self.root / f"proxy-{port}.json").unlink(missing_ok=True)

    # files --------------------------------------------------------------------------------

    def _write(self, path: Path, data: dict[str, Any]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(path, (json.dumps(data, indent=2) + "\n").encode(), 0o600)

    @staticmethod
    def _read(path: Path) -> dict[str, Any] | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None
        return data if isinstance(data, dict) else None
