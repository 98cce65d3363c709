"""Which session files belong to a project: those whose `cwd` is the project root or inside it.

Claude Code keeps a folder per working directory under `<claude home>/projects`, named by the
path with every `/` and `.` turned into `-`; Codex keeps dated rollout files under
`<codex home>/sessions`. The folder name only narrows the search: the `cwd` recorded in the
session decides. `--all` takes every session, `--session PATH` exactly the files given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from headroom_mcp.learn.claude_code import read_claude_session, session_cwd
from headroom_mcp.learn.codex import codex_cwd, read_codex_session
from headroom_mcp.learn.model import Session


@dataclass(frozen=True)
class SessionSources:
    """Where to look: the two clients' home folders (default `~/.claude`, `~/.codex`)."""

    claude_home: Path | None
    codex_home: Path | None


def project_slug(root: Path) -> str:
    """The folder name Claude Code gives a working directory."""
    return re.sub(r"[^A-Za-z0-9]", "-", str(root))


def inside(cwd: str | None, root: Path) -> bool:
    if not cwd:
        return False
    path = Path(cwd)
    return path == root or root in path.parents


def _sidechains(main: Path) -> list[Path]:
    """Subagent files of a Claude Code session (both layouts)."""
    nested = main.with_suffix("") / "subagents"
    found = sorted(nested.glob("agent-*.jsonl")) if nested.is_dir() else []
    return found


def _loose_sidechains(folder: Path) -> dict[str, list[Path]]:
    """Old layout: `agent-*.jsonl` beside the sessions, tied to theirs by `sessionId`."""
    from headroom_mcp.learn.claude_code import json_lines

    out: dict[str, list[Path]] = {}
    for path in sorted(folder.glob("agent-*.jsonl")):
        for line in json_lines(path):
            sid = line.get("sessionId")
            if isinstance(sid, str):
                out.setdefault(sid, []).append(path)
                break
    return out


def read_session_file(path: Path) -> Session:
    """One session file, whichever client wrote it (a rollout-*.jsonl is Codex)."""
    if path.name.startswith("rollout-"):
        return read_codex_session(path)
    loose = _loose_sidechains(path.parent).get(path.stem, [])
    return read_claude_session(path, [*_sidechains(path), *loose])


def find_sessions(root: Path, sources: SessionSources, *, every: bool = False) -> list[Session]:
    """Sessions of the project at `root` (every session with `every`), oldest file first."""
    sessions = [*_claude_sessions(root, sources.claude_home, every)]
    sessions += _codex_sessions(root, sources.codex_home, every)
    return sessions


def read_sessions(paths: Sequence[Path]) -> list[Session]:
    return [read_session_file(p) for p in paths]


def _claude_sessions(root: Path, home: Path | None, every: bool) -> Iterable[Session]:
    projects = home / "projects" if home else None
    if projects is None or not projects.is_dir():
        return
    slug = project_slug(root)
    for folder in sorted(p for p in projects.iterdir() if p.is_dir()):
        if not every and folder.name != slug and not folder.name.startswith(slug + "-"):
            continue
        loose = _loose_sidechains(folder)
        for path in sorted(folder.glob("*.jsonl")):
            if path.name.startswith("agent-"):
                continue
            if not every and not inside(session_cwd(path), root):
                continue
            yield read_claude_session(path, [*_sidechains(path), *loose.get(path.stem, [])])


def _codex_sessions(root: Path, home: Path | None, every: bool) -> Iterable[Session]:
    folder = home / "sessions" if home else None
    if folder is None or not folder.is_dir():
        return
    for path in sorted(folder.rglob("rollout-*.jsonl")):
        if every or inside(codex_cwd(path), root):
            yield read_codex_session(path)
