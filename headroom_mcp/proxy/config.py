"""What the proxy needs to know, gathered once from command-line options and the environment.

Kept free of HTTP and engine imports so the rewriter, the app and `wrap` can all share it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

ApiName = Literal["anthropic", "openai_chat", "openai_responses"]

DEFAULT_PORT = 8787
DEFAULT_ANTHROPIC_UPSTREAM = "https://api.anthropic.com"
DEFAULT_OPENAI_UPSTREAM = "https://api.openai.com"
# An `is_error` tool result this short is the error itself: the model needs all of it.
DEFAULT_ERROR_KEEP_TOKENS = 2000

PROXY_ENVIRONMENT = {
    "HEADROOM_MCP_ANTHROPIC_UPSTREAM": f"Anthropic API base URL ({DEFAULT_ANTHROPIC_UPSTREAM})",
    "HEADROOM_MCP_OPENAI_UPSTREAM": f"OpenAI API base URL ({DEFAULT_OPENAI_UPSTREAM})",
    "HEADROOM_MCP_PROXY_EXCLUDE": "tool-name globs never compressed, comma-separated (mcp__*,Read)",
    "HEADROOM_MCP_PROXY_ERROR_KEEP_TOKENS": (
        f"is_error tool results up to this size pass unchanged ({DEFAULT_ERROR_KEEP_TOKENS})"
    ),
}


@dataclass(frozen=True)
class ProxyConfig:
    """Settings of one proxy process.

    `exclude_tools` are fnmatch globs on the tool's name (the name of the tool_use / tool call a
    result answers). `min_tokens` is the short-input threshold: tool results under it are
    forwarded untouched (None: the store's HEADROOM_MCP_MIN_TOKENS). `token` is the bearer token
    a non-loopback listener requires.
    """

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    anthropic_upstream: str = DEFAULT_ANTHROPIC_UPSTREAM
    openai_upstream: str = DEFAULT_OPENAI_UPSTREAM
    exclude_tools: tuple[str, ...] = ()
    min_tokens: int | None = None
    error_keep_tokens: int = DEFAULT_ERROR_KEEP_TOKENS
    inject_retrieve: bool = False
    token: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **options: object) -> ProxyConfig:
        """Environment first, then explicit options (None options are ignored)."""
        env = os.environ if env is None else env
        values: dict[str, object] = {
            "anthropic_upstream": env.get("HEADROOM_MCP_ANTHROPIC_UPSTREAM")
            or DEFAULT_ANTHROPIC_UPSTREAM,
            "openai_upstream": env.get("HEADROOM_MCP_OPENAI_UPSTREAM") or DEFAULT_OPENAI_UPSTREAM,
            "exclude_tools": _globs(env.get("HEADROOM_MCP_PROXY_EXCLUDE", "")),
        }
        keep = env.get("HEADROOM_MCP_PROXY_ERROR_KEEP_TOKENS")
        if keep:
            try:
                values["error_keep_tokens"] = max(0, int(keep))
            except ValueError:
                raise ValueError(
                    f"HEADROOM_MCP_PROXY_ERROR_KEEP_TOKENS must be a whole number, got {keep!r}"
                ) from None
        values.update({k: v for k, v in options.items() if v is not None})
        for key in ("anthropic_upstream", "openai_upstream"):
            values[key] = str(values[key]).rstrip("/")
        if isinstance(values.get("exclude_tools"), str):
            values["exclude_tools"] = _globs(str(values["exclude_tools"]))
        return cls(**values)  # type: ignore[arg-type]


def _globs(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())
