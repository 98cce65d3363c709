"""One config file edited for a wrapped agent: saved, recorded, written, and put back.

The order makes a crash at any point recoverable by `unwrap`: the backup is saved and the
record written before the file is touched. Restoring puts the old bytes back when the file
still holds exactly what we wrote; when someone (the user, or the agent itself) changed it
since, only our block or entry is taken out, so their change survives.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from headroom_mcp.errors import ConfigError
from headroom_mcp.wrap import claude_config, codex_config
from headroom_mcp.wrap.state import EditRecord, WrapState, edit_id, sha256, write_atomic


@dataclass(frozen=True)
class FileEdit:
    """A planned edit: the file's bytes now (None: no such file) and what we would write."""

    agent: str
    kind: str  # "claude-json" | "codex-toml"
    path: Path
    before: bytes | None
    after: bytes
    port: int
    summary: str
    registers_mcp: bool


def apply_edit(state: WrapState, edit: FileEdit, pid: int) -> EditRecord:
    """Back up, record, then write. The caller holds the state lock."""
    record_id = edit_id(edit.agent, edit.path)
    mode = edit.path.stat().st_mode & 0o7777 if edit.before is not None else None
    if edit.before is not None:
        state.save_backup(record_id, edit.before)
    record = EditRecord(
        id=record_id,
        agent=edit.agent,
        kind=edit.kind,
        path=str(edit.path),
        existed=edit.before is not None,
        mode=mode,
        written_sha256=sha256(edit.after),
        port=edit.port,
        holders=[pid],
    )
    state.save_edit(record)
    write_atomic(edit.path, edit.after, mode)
    return record


def restore_edit(state: WrapState, record: EditRecord) -> str:
    """Undo one edit and forget it; returns what was done, for the user."""
    path = Path(record.path)
    current = path.read_bytes() if path.exists() else None
    backup = state.backup_path(record.id)
    try:
        if current is None:
            return f"{path} was deleted since the wrap began; nothing to restore."
        if sha256(current) == record.written_sha256:
            if not record.existed:
                path.unlink()
                return f"Removed {path} (it did not exist before the wrap)."
            if backup.exists():
                write_atomic(path, backup.read_bytes(), record.mode)
                return f"Restored {path} byte for byte."
        return _take_out_ours(record, path, current)
    finally:
        state.delete_edit(record.id)


def _take_out_ours(record: EditRecord, path: Path, current: bytes) -> str:
    what = "block" if record.kind == "codex-toml" else '"headroom" MCP entry'
    try:
        text = current.decode("utf-8")
        if record.kind == "codex-toml":
            if codex_config.has_block(text) and codex_config.END not in text:
                return (
                    f"{path} lost its `{codex_config.END}` line since the wrap began; nothing "
                    f"was changed. Delete the lines from `{codex_config.BEGIN}` on by hand."
                )
            new: str | None = codex_config.without_block(text)
        else:
            new = claude_config.without_entry(path)
    except (UnicodeDecodeError, ConfigError) as exc:
        return f"{path} changed since the wrap began and could not be read ({exc}); left as is."
    if new is None or new == text:
        return f"{path} changed since the wrap began and holds no {what} of ours; left as is."
    write_atomic(path, new.encode("utf-8"))
    return f"{path} changed since the wrap began: took out only our {what}; other changes kept."
