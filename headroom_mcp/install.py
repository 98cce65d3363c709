"""Register headroom-mcp with an MCP client by merging an entry into its JSON config file,
or take the entry out again.

Other servers and settings in the file are kept as they are; the old file is copied to a
backup of its own first (never over an earlier backup), and the new one is written
atomically. A file that is not valid JSON is left untouched. What is printed for a dry run
hides the values of secret-looking settings (tokens, keys, passwords) of every server.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from headroom_mcp.errors import ConfigError

CLIENTS = ("claude-desktop", "claude-code", "cursor")
SERVER_NAME = "headroom"
_SECRET_KEY_RE = re.compile(
    r"token|secret|passw|pwd|api[_-]?key|apikey|access[_-]?key|private|credential|auth|cookie"
    r"|session|bearer|signature|dsn",
    re.I,
)
_SECRET_VALUE_RE = re.compile(
    r"^(gh[pousr]_|github_pat_|sk-|sk_live_|rk_live_|xox[abpr]-|AKIA|ASIA|AIza|glpat-|eyJ)"
    r"|://[^/\s:@]+:[^/\s@]+@"
)
MASK = "****"


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


def plan_uninstall(path: Path, name: str = SERVER_NAME) -> InstallPlan | None:
    """The file text without our entry, or None when the file holds no entry of that name."""
    if not path.exists():
        return None
    before = path.read_text(encoding="utf-8")
    try:
        config = json.loads(before) if before.strip() else {}
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}). Nothing was "
            f'changed. Fix the file, or remove the "{name}" entry under "mcpServers" by hand.'
        ) from None
    servers = config.get("mcpServers") if isinstance(config, dict) else None
    if not isinstance(servers, dict) or name not in servers:
        return None
    del servers[name]
    return InstallPlan(path, before, json.dumps(config, indent=2) + "\n", True)


def masked(config_text: str) -> str:
    """The config with the values of secret-looking settings replaced by MASK, for printing."""
    try:
        config = json.loads(config_text)
    except json.JSONDecodeError:
        return config_text

    def walk(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if isinstance(value, str) and secret_setting(key, value):
            return MASK
        return value

    return json.dumps(walk(config), indent=2) + "\n"


def secret_setting(key: str, value: str) -> bool:
    """Whether a setting looks secret by its name (token, api_key, ...) or its value (sk-...,
    a URL with a password): such values are masked wherever a config is printed."""
    return bool(value) and bool(_SECRET_KEY_RE.search(key) or _SECRET_VALUE_RE.search(value))


def _backup(path: Path) -> Path:
    """Copy `path` to a backup name that no earlier backup holds (created exclusively)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    for attempt in range(1000):
        suffix = f".bak-{stamp}" + (f"-{attempt}" if attempt else "")
        backup = path.with_name(path.name + suffix)
        try:
            fd = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as handle:
            handle.write(path.read_bytes())
        shutil.copymode(path, backup)
        return backup
    raise ConfigError(f"Could not find a free backup name next to {path}. Nothing was changed.")


def apply_install(plan: InstallPlan) -> Path | None:
    """Write the plan: back up the old file, then replace it atomically. Returns the backup."""
    plan.path.parent.mkdir(parents=True, exist_ok=True)
    backup = _backup(plan.path) if plan.before is not None else None
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
