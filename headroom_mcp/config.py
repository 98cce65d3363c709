"""Settings, read once from HEADROOM_MCP_* environment variables.

This is the only module that reads the environment; every variable is listed in
docs/configuration.md (a test checks this). Defaults live in the constants below.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from headroom_mcp.errors import ConfigError

APP_NAME = "headroom-mcp"
DEFAULT_TTL_SECONDS = 7 * 24 * 3600
DEFAULT_MAX_STORE_BYTES = 2 * 1024**3
DEFAULT_PRICE_PER_MILLION_TOKENS = 3.00  # USD per million input tokens (Claude Sonnet class)
DEFAULT_MIN_TOKENS = 300  # content under this many tokens comes back unchanged
DEFAULT_MAX_CONTENT_BYTES = 64 * 1024**2
DEFAULT_RUN_TIMEOUT_SECONDS = 60
DEFAULT_RUN_MAX_OUTPUT_BYTES = 16 * 1024**2
DEFAULT_PAGE_TOKENS = 20_000  # one page of an original read back whole
DEFAULT_RETRIEVE_TOKENS = 2_000  # answer budget of a retrieve with a query
DEFAULT_RUN_PATH = "/usr/local/bin:/usr/bin:/bin"
RUN_SANDBOX_MODES = ("auto", "bwrap", "off")

ENV_VARS: dict[str, str] = {
    "HEADROOM_MCP_HOME": "folder holding the store (store.db); default: the per-user data dir",
    "HEADROOM_MCP_TTL_SECONDS": f"keep originals this long after last use ({DEFAULT_TTL_SECONDS})",
    "HEADROOM_MCP_MAX_STORE_BYTES": f"size cap of originals, LRU ({DEFAULT_MAX_STORE_BYTES})",
    "HEADROOM_MCP_PRICE_PER_MTOK": "USD per million input tokens, for cost saved "
    f"({DEFAULT_PRICE_PER_MILLION_TOKENS})",
    "HEADROOM_MCP_MIN_TOKENS": f"shorter content passes unchanged ({DEFAULT_MIN_TOKENS} tokens)",
    "HEADROOM_MCP_MAX_CONTENT_BYTES": f"largest content accepted ({DEFAULT_MAX_CONTENT_BYTES})",
    "HEADROOM_MCP_TOKEN": "bearer token required by the HTTP transports (required off loopback)",
    "HEADROOM_MCP_TOKEN_FILE": "file holding that token, so it is not in the process list",
    "HEADROOM_MCP_ROOTS": "folders headroom_read/headroom_run may use (os.pathsep-separated); "
    "default: the client's MCP roots, else the working directory unless it is / or home",
    "HEADROOM_MCP_ALLOW_SECRETS": "comma-separated globs of secret-looking files headroom_read "
    "may open anyway",
    "HEADROOM_MCP_EMBED_MODEL": "embeddings for semantic retrieval: empty for the bundled MiniLM, "
    "a sentence-transformers folder, 'hash' (no model) or 'off'",
    "HEADROOM_MCP_KOMPRESS_MODEL": "folder of a Kompress token-classification checkpoint; "
    "prose then goes through it (default: the extractive prose engine)",
    "HEADROOM_MCP_RUN_ALLOW": "comma-separated commands headroom_run may run (off when empty)",
    "HEADROOM_MCP_RUN_ALLOW_EXEC": "comma-separated commands that execute the project's own code "
    "(pytest, make, npm test) headroom_run may run",
    "HEADROOM_MCP_RUN_PATH": f"where headroom_run looks up commands ({DEFAULT_RUN_PATH})",
    "HEADROOM_MCP_RUN_SANDBOX": "auto (bubblewrap when it works), bwrap (required) or off",
    "HEADROOM_MCP_RUN_TIMEOUT_SECONDS": f"run time limit ({DEFAULT_RUN_TIMEOUT_SECONDS})",
    "HEADROOM_MCP_RUN_MAX_OUTPUT_BYTES": f"run output cap ({DEFAULT_RUN_MAX_OUTPUT_BYTES})",
    "HEADROOM_MCP_PAGE_TOKENS": "largest page of an original that headroom_retrieve returns "
    f"without a query ({DEFAULT_PAGE_TOKENS} tokens)",
    "HEADROOM_MCP_RETRIEVE_TOKENS": "default answer budget of headroom_retrieve with a query "
    f"({DEFAULT_RETRIEVE_TOKENS} tokens)",
    "HEADROOM_MCP_PROXY_COMMAND": "JSON list: the command `wrap` starts the proxy with, {port} "
    "filled in (default: this Python -m headroom_mcp proxy --port PORT)",
}


@dataclass(frozen=True)
class Settings:
    """Everything configurable, checked once."""

    home: Path
    ttl_seconds: int = DEFAULT_TTL_SECONDS
    max_store_bytes: int = DEFAULT_MAX_STORE_BYTES
    price_per_million_tokens: float = DEFAULT_PRICE_PER_MILLION_TOKENS
    min_tokens: int = DEFAULT_MIN_TOKENS
    max_content_bytes: int = DEFAULT_MAX_CONTENT_BYTES
    http_token: str | None = None
    roots: tuple[Path, ...] = ()
    allow_secrets: tuple[str, ...] = ()
    run_allow: tuple[str, ...] = ()
    run_allow_exec: tuple[str, ...] = ()
    run_path: str = DEFAULT_RUN_PATH
    run_sandbox: str = "auto"
    run_timeout_seconds: float = DEFAULT_RUN_TIMEOUT_SECONDS
    run_max_output_bytes: int = DEFAULT_RUN_MAX_OUTPUT_BYTES
    embed_model: str = ""
    kompress_model: str = ""
    page_tokens: int = DEFAULT_PAGE_TOKENS
    retrieve_tokens: int = DEFAULT_RETRIEVE_TOKENS

    @property
    def db_path(self) -> Path:
        return self.home / "store.db"


def default_home() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def _number(env: Mapping[str, str], name: str, default: float, *, minimum: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number. Unset it or give a number.") from None
    if value < minimum:
        raise ConfigError(f"{name}={raw!r} is below the minimum {minimum:g}.")
    return value


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read settings from the environment (or the mapping given, for tests)."""
    env = os.environ if env is None else env
    home_raw = env.get("HEADROOM_MCP_HOME")
    home = Path(home_raw).expanduser() if home_raw else default_home()
    return Settings(
        home=home,
        ttl_seconds=int(_number(env, "HEADROOM_MCP_TTL_SECONDS", DEFAULT_TTL_SECONDS, minimum=1)),
        max_store_bytes=int(
            _number(env, "HEADROOM_MCP_MAX_STORE_BYTES", DEFAULT_MAX_STORE_BYTES, minimum=1024)
        ),
        price_per_million_tokens=_number(
            env, "HEADROOM_MCP_PRICE_PER_MTOK", DEFAULT_PRICE_PER_MILLION_TOKENS, minimum=0
        ),
        min_tokens=int(_number(env, "HEADROOM_MCP_MIN_TOKENS", DEFAULT_MIN_TOKENS, minimum=0)),
        max_content_bytes=int(
            _number(env, "HEADROOM_MCP_MAX_CONTENT_BYTES", DEFAULT_MAX_CONTENT_BYTES, minimum=1)
        ),
        http_token=env.get("HEADROOM_MCP_TOKEN") or None,
        roots=tuple(
            Path(p).expanduser().resolve()
            for p in env.get("HEADROOM_MCP_ROOTS", "").split(os.pathsep)
            if p.strip()
        ),
        allow_secrets=_list(env, "HEADROOM_MCP_ALLOW_SECRETS"),
        embed_model=env.get("HEADROOM_MCP_EMBED_MODEL", "").strip(),
        kompress_model=env.get("HEADROOM_MCP_KOMPRESS_MODEL", "").strip(),
        run_allow=_list(env, "HEADROOM_MCP_RUN_ALLOW"),
        page_tokens=int(_number(env, "HEADROOM_MCP_PAGE_TOKENS", DEFAULT_PAGE_TOKENS, minimum=500)),
        retrieve_tokens=int(
            _number(env, "HEADROOM_MCP_RETRIEVE_TOKENS", DEFAULT_RETRIEVE_TOKENS, minimum=100)
        ),
        run_allow_exec=_list(env, "HEADROOM_MCP_RUN_ALLOW_EXEC"),
        run_path=env.get("HEADROOM_MCP_RUN_PATH", "").strip() or DEFAULT_RUN_PATH,
        run_sandbox=_choice(env, "HEADROOM_MCP_RUN_SANDBOX", RUN_SANDBOX_MODES),
        run_timeout_seconds=_number(
            env, "HEADROOM_MCP_RUN_TIMEOUT_SECONDS", DEFAULT_RUN_TIMEOUT_SECONDS, minimum=0.1
        ),
        run_max_output_bytes=int(
            _number(
                env, "HEADROOM_MCP_RUN_MAX_OUTPUT_BYTES", DEFAULT_RUN_MAX_OUTPUT_BYTES, minimum=1
            )
        ),
    )


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in env.get(name, "").split(",") if item.strip())


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    raw = env.get(name, "").strip().lower() or choices[0]
    if raw not in choices:
        raise ConfigError(f"{name}={raw!r} is not one of {', '.join(choices)}.")
    return raw


def proxy_command_from_env(env: Mapping[str, str] | None = None) -> list[str] | None:
    """HEADROOM_MCP_PROXY_COMMAND as an argv list (None when unset): what `wrap` runs to start
    a proxy, for a proxy installed elsewhere or a stand-in in tests."""
    env = os.environ if env is None else env
    raw = env.get("HEADROOM_MCP_PROXY_COMMAND", "").strip()
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConfigError(
            f"HEADROOM_MCP_PROXY_COMMAND={raw!r} is not a JSON list of strings. Give one like "
            '["headroom-mcp", "proxy", "--port", "{port}"], or unset it.'
        )
    return value
