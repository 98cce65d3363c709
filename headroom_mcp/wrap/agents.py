"""What each wrapped agent needs: its executable, the base-URL variables set for its process
only, and where (if anywhere) it reads MCP servers from.

Claude Code adds `/v1/messages` itself, so its base URL has no `/v1`; OpenAI-style clients
(Codex's provider table, aider's litellm) expect the `/v1` root.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from headroom_mcp.errors import ConfigError

AgentName = Literal["claude", "codex", "aider"]
AGENT_NAMES: tuple[AgentName, ...] = ("claude", "codex", "aider")
McpConfig = Literal["claude-json", "codex-toml"]


@dataclass(frozen=True)
class AgentSpec:
    """One agent. `mcp` names the config file kind that registers MCP servers (None: aider,
    which has no MCP client)."""

    name: AgentName
    executable: str
    install_hint: str
    mcp: McpConfig | None

    def environment(self, port: int) -> dict[str, str]:
        """Variables added to the agent's environment (never to the wrapper's own)."""
        root = proxy_url(port)
        if self.name == "claude":
            return {"ANTHROPIC_BASE_URL": root}
        if self.name == "aider":
            return {
                "OPENAI_API_BASE": f"{root}/v1",
                "OPENAI_BASE_URL": f"{root}/v1",
                "ANTHROPIC_BASE_URL": root,
            }
        # Codex takes its base URL from the provider table in config.toml, not the environment.
        return {}


AGENTS: dict[str, AgentSpec] = {
    "claude": AgentSpec(
        "claude", "claude", "npm install -g @anthropic-ai/claude-code", "claude-json"
    ),
    "codex": AgentSpec("codex", "codex", "npm install -g @openai/codex", "codex-toml"),
    "aider": AgentSpec(
        "aider", "aider", "python -m pip install aider-install && aider-install", None
    ),
}


def proxy_url(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def agent_spec(name: str) -> AgentSpec:
    try:
        return AGENTS[name]
    except KeyError:
        raise ConfigError(
            f"Unknown agent {name!r}: choose one of {', '.join(AGENT_NAMES)}."
        ) from None


def find_executable(spec: AgentSpec, agent_path: str | None, path: str | None = None) -> str:
    """The agent's executable: `agent_path` when given, else `spec.executable` on PATH."""
    if agent_path:
        candidate = Path(agent_path).expanduser()
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
        raise ConfigError(
            f"--agent-path {agent_path} is not an executable file. Give the path of the "
            f"{spec.name} executable, or leave --agent-path out to look it up on PATH."
        )
    found = shutil.which(spec.executable, path=path)
    if found is None:
        raise ConfigError(
            f"`{spec.executable}` is not on PATH, so {spec.name} cannot be started. Install it "
            f"({spec.install_hint}), or give its location with --agent-path PATH."
        )
    return found
