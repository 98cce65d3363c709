"""What a wrap would change, worked out without changing anything: the proxy command, the
config edit for the agent, and the dry-run text (a unified diff with secret values masked).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping

from headroom_mcp.config import load_settings, proxy_command_from_env
from headroom_mcp.errors import ConfigError
from headroom_mcp.install import masked as masked_json
from headroom_mcp.install import server_entry
from headroom_mcp.wrap import claude_config, codex_config
from headroom_mcp.wrap.agents import AgentSpec, agent_spec, find_executable, proxy_url
from headroom_mcp.wrap.edits import FileEdit
from headroom_mcp.wrap.proxy_process import livez, proxy_command
from headroom_mcp.wrap.request import WrapRequest
from headroom_mcp.wrap.state import WrapState


def state_for(env: Mapping[str, str] | None = None) -> WrapState:
    return WrapState(load_settings(env).home / "wrap")


# The agent's own base URL (a company gateway, say) becomes the upstream of a proxy wrap
# starts, so wrapping never routes around it; HEADROOM_MCP_*_UPSTREAM still wins.
_UPSTREAMS = (
    ("--anthropic-upstream", "HEADROOM_MCP_ANTHROPIC_UPSTREAM", ("ANTHROPIC_BASE_URL",)),
    ("--openai-upstream", "HEADROOM_MCP_OPENAI_UPSTREAM", ("OPENAI_BASE_URL", "OPENAI_API_BASE")),
)


def command_for(request: WrapRequest, env: Mapping[str, str]) -> list[str]:
    given = request.proxy_command
    if given is None:
        given = proxy_command_from_env(env)
    command = proxy_command(request.port, given)
    if given is None:
        command += upstream_options(env, proxy_url(request.port))
    return command


def upstream_options(env: Mapping[str, str], own_url: str) -> list[str]:
    """`--anthropic-upstream URL` / `--openai-upstream URL` for base URLs the user had set."""
    options: list[str] = []
    for option, ours, theirs in _UPSTREAMS:
        if env.get(ours):
            continue
        url = next((env[name] for name in theirs if env.get(name)), None)
        if url and not url.rstrip("/").startswith(own_url):
            options += [option, url]
    return options


def plan_edit(
    spec: AgentSpec, port: int, env: Mapping[str, str]
) -> tuple[FileEdit | None, str | None]:
    """The config edit this agent needs now, from the files as they are: (edit, note).
    No edit for aider, or for Claude Code when a "headroom" server is registered already."""
    entry = server_entry()
    if spec.mcp == "claude-json":
        path = claude_config.config_path(env)
        before = path.read_bytes() if path.exists() else None
        if before is not None and claude_config.registered(before.decode("utf-8", "replace")):
            return None, f'{path} already registers an MCP server "headroom"; left as is.'
        after = claude_config.with_entry(path, entry)
        summary = 'MCP server "headroom" added'
        return FileEdit(
            spec.name, spec.mcp, path, before, after.encode(), port, summary, True
        ), None
    if spec.mcp == "codex-toml":
        path = codex_config.config_path(env)
        before = path.read_bytes() if path.exists() else None
        try:
            text = "" if before is None else before.decode("utf-8")
        except UnicodeDecodeError:
            raise ConfigError(f"{path} is not UTF-8 text. Nothing was changed.") from None
        mcp = None if codex_config.mcp_registered(text, path) else entry
        after = codex_config.with_block(text, path, port, mcp)
        what = "model provider headroom" + (" and MCP server headroom" if mcp else "")
        edit = FileEdit(spec.name, spec.mcp, path, before, after.encode(), port, what, bool(mcp))
        return edit, None
    return None, None


def dry_run(request: WrapRequest, env: Mapping[str, str] | None = None) -> str:
    """Everything a wrap would do, as text (secret values masked); nothing is run or written."""
    env = os.environ if env is None else env
    spec = agent_spec(request.agent)
    lines = [f"# headroom-mcp wrap {spec.name} --dry-run: nothing is started or written."]
    try:
        executable = find_executable(spec, request.agent_path, env.get("PATH"))
        lines.append(f"Agent: {' '.join([executable, *request.args])}")
    except ConfigError as exc:
        lines.append(f"Agent: not found. {exc}")
    url = proxy_url(request.port)
    if livez(request.port) == "ok":
        lines.append(f"Proxy: reuse the one answering on {url}/livez (never stopped by wrap).")
    else:
        command = " ".join(command_for(request, env))
        lines.append(f"Proxy: start `{command}`, wait for {url}/livez; stop it after the agent.")
    lines.append("Environment of the agent only:")
    variables = spec.environment(request.port)
    lines += [f"  {k}={v}" for k, v in variables.items()] or ["  (nothing added)"]
    live = [r for r in state_for(env).edits(spec.name) if r.live_holders()]
    if live:
        pids = ", ".join(str(p) for r in live for p in r.live_holders())
        lines.append(f"Files: shared with the running wrap (pid {pids}); nothing new to edit.")
        return "\n".join(lines) + "\n"
    edit, note = plan_edit(spec, request.port, env)
    if note:
        lines.append(f"Files: {note}")
    if edit is not None:
        lines.append(f"Files (put back when the agent exits): {edit.path} ({edit.summary})")
        lines.append(_diff(edit))
    elif spec.mcp is None:
        lines.append(f"Files: none ({spec.name} has no MCP client; the proxy alone compresses).")
    return "\n".join(lines).rstrip("\n") + "\n"


def _diff(edit: FileEdit) -> str:
    mask = codex_config.masked if edit.kind == "codex-toml" else masked_json
    before = "" if edit.before is None else mask(edit.before.decode("utf-8", "replace"))
    after = mask(edit.after.decode("utf-8"))
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            f"{edit.path}" if edit.before is not None else "/dev/null",
            f"{edit.path} (while wrapped)",
        )
    )
