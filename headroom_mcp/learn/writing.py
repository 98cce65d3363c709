"""Planned file changes: shown as a unified diff, written atomically (a temporary file in the
same folder, then a rename), keeping the file's mode."""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FileChange:
    """A file's text before (empty when it does not exist) and after."""

    path: Path
    before: str
    after: str
    shown_as: str  # the name used in the diff: relative to the project root

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self) -> str:
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True),
            self.after.splitlines(keepends=True),
            fromfile=f"a/{self.shown_as}" if self.before else "/dev/null",
            tofile=f"b/{self.shown_as}",
        )
        return "".join(lines)


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` in one rename, so a reader sees the old or the new file."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
