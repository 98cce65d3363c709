"""Register headroom-mcp with an MCP client by merging an entry into its JSON config file.

Other servers and settings in the file are kept as they are; the old file is copied to a
timestamped backup first, and the new one is written atomically. A file that is not valid JSON
is left untouched.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from headroom_mcp.errors import ConfigError

CLIENTS = ("claude-desktop", "claude-code", "cursor")
SERVER_NAME = "headroom"


def config_path(client: str) -> Path:
    """Where `client` keeps its user-level MCP server list on this platform."""
    home = Path.home()
    if client == "claude-desktop":
        if sys.platform == "darwin":
            return home / "Library/Application Support/Claude/claude_desktop_config.json"
        if sys.platform == "win32":
            return Path(os.environ.get("APPDATA", home)) / "Claude/claude_desktop_config.json"
        return home / ".config/Claude/claude_desktop_config.json"
    if client == "claude-code":
        return home / ".claude.json"
    if client == "cursor":
        return home / ".cursor/mcp.json"
    raise ConfigError(f"Unknown client {client!r}: choose one of {', '.join(CLIENTS)}.")


def server_entry(env: dict[str, str] | None = None) -> dict[str, Any]:
    """The stdio entry: this interpreter, so it works whatever PATH the client has."""
    entry: dict[str, Any] = {
        "command": sys.executable,
        "args": ["-m", "headroom_mcp", "serve"],
    }
    if env:
        entry["env"] = env
    return entry


@dataclass(frozen=True)
class InstallPlan:
    path: Path
    before: str | None
    after: str
    replaced: bool


def plan_install(path: Path, entry: dict[str, Any], name: str = SERVER_NAME) -> InstallPlan:
    """The new file text, without writing anything."""
    before = path.read_text(encoding="utf-8") if path.exists() else None
    config: dict[str, Any] = {}
    if before is not None and before.strip():
        try:
            loaded = json.loads(before)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}). Nothing was "
                "changed. Fix the file, or run with --dry-run to see our entry and add it by hand."
            ) from None
        if not isinstance(loaded, dict):
            raise ConfigError(
                f"{path} holds a JSON {type(loaded).__name__}, not an object. Nothing was changed."
            )
        config = loaded
    servers = config.setdefault("mcpServers", {})
    if not isinstance(servers, dict):
        raise ConfigError(f'"mcpServers" in {path} is not an object. Nothing was changed.')
    replaced = name in servers
    servers[name] = entry
    return InstallPlan(path, before, json.dumps(config, indent=2) + "\n", replaced)


def apply_install(plan: InstallPlan) -> Path | None:
    """Write the plan: back up the old file, then replace it atomically. Returns the backup."""
    plan.path.parent.mkdir(parents=True, exist_ok=True)
    backup = None
    if plan.before is not None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = plan.path.with_name(f"{plan.path.name}.bak-{stamp}")
        shutil.copy2(plan.path, backup)
    fd, tmp = tempfile.mkstemp(dir=plan.path.parent, prefix=f".{plan.path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(plan.after)
        if plan.path.exists():
            shutil.copymode(plan.path, tmp)
        os.replace(tmp, plan.path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return backup
