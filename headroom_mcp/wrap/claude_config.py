"""Our MCP server in Claude Code's user config (~/.claude.json): added only when no server of
that name is registered, taken out again by name.

The JSON merge itself is `install`'s (every other server and setting kept). Claude Code
rewrites this file while it runs (start-up counts, project state), so a restore usually takes
out our entry rather than putting the old bytes back: see edits.py.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from headroom_mcp.install import SERVER_NAME, plan_install, plan_uninstall
from headroom_mcp.install import config_path as install_config_path


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """$CLAUDE_CONFIG_DIR/.claude.json when that is set (Claude Code keeps the file there
    then), else ~/.claude.json."""
    env = os.environ if env is None else env
    folder = env.get("CLAUDE_CONFIG_DIR")
    if folder:
        return Path(folder).expanduser() / ".claude.json"
    return install_config_path("claude-code")


def registered(text: str) -> bool:
    """Whether a server named like ours is in the file (ours from an earlier wrap, or the
    user's own from `headroom-mcp install`)."""
    try:
        config = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError:
        return False  # plan_install reports the broken file with its line and column
    servers = config.get("mcpServers") if isinstance(config, dict) else None
    return isinstance(servers, dict) and SERVER_NAME in servers


def with_entry(path: Path, entry: dict[str, Any]) -> str:
    """The file's text with our entry added (raises ConfigError for a file that is not JSON)."""
    return plan_install(path, entry, SERVER_NAME).after


def without_entry(path: Path) -> str | None:
    """The file's text with our entry taken out; None when it holds none."""
    plan = plan_uninstall(path, SERVER_NAME)
    return None if plan is None else plan.after
