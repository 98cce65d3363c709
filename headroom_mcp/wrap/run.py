"""The order of a wrap: find the agent, join or start the proxy, edit its config files, probe
our MCP server, run the agent, and undo it all when the agent ends, however it ends.

Every step that changes something is recorded in the state folder first (state.py), under a
lock shared by all wrappers, so two wrapped agents share one proxy and one config edit, the
last one out restores them, and `unwrap` can finish the job for a wrapper that was killed.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from headroom_mcp.errors import ConfigError, HeadroomMcpError
from headroom_mcp.install import server_entry
from headroom_mcp.probe import ProbeResult, probe_entry
from headroom_mcp.wrap import claude_config, codex_config
from headroom_mcp.wrap.agents import AgentSpec, agent_spec, find_executable, proxy_url
from headroom_mcp.wrap.edits import apply_edit, restore_edit
from headroom_mcp.wrap.plan import command_for, plan_edit, state_for
from headroom_mcp.wrap.proxy_process import livez, start_proxy, stop_child, stop_pid
from headroom_mcp.wrap.request import WrapRequest
from headroom_mcp.wrap.signals import Interrupted, SignalForwarder
from headroom_mcp.wrap.state import (
    EditRecord,
    ProxyRecord,
    Session,
    WrapState,
    edit_id,
    pid_alive,
    write_atomic,
)

Say = Callable[[str], None]
Prober = Callable[[dict[str, Any]], ProbeResult]


@dataclass
class _Held:
    """What this wrapper holds, for its cleanup."""

    session: bool = False
    records: list[str] = field(default_factory=list)
    proxy: subprocess.Popen[bytes] | None = None


def wrap(
    request: WrapRequest,
    say: Say,
    *,
    env: Mapping[str, str] | None = None,
    prober: Prober = probe_entry,
) -> int:
    """Run the agent wrapped; returns its exit status (128 + N when signal N ended it).

    Raises HeadroomMcpError (after undoing whatever was done) when the agent is missing, a
    config file cannot be edited, or the proxy does not come up.
    """
    env = dict(os.environ if env is None else env)
    spec = agent_spec(request.agent)
    executable = find_executable(spec, request.agent_path, env.get("PATH"))
    state = state_for(env)
    pid = os.getpid()
    held = _Held()
    with SignalForwarder() as signals:
        try:
            entry = _set_up(request, spec, state, pid, held, env, say)
            if entry is not None and request.probe:
                _probe(entry, prober, say)
            if spec.name == "codex" and not env.get("OPENAI_API_KEY"):
                say(
                    "headroom-mcp: OPENAI_API_KEY is not set; the headroom provider sends it "
                    "to the proxy (env_key), so Codex will ask for it."
                )
            agent_env = {**env, **spec.environment(request.port)}
            for message in _overridden(env, agent_env):
                say(message)
            return signals.run([executable, *request.args], agent_env)
        except Interrupted as stop:
            say(f"Stopped by {stop}; restoring.")
            return 128 + stop.signum
        finally:
            signals.phase = "cleanup"
            for message in _leave(state, spec, request.port, pid, held):
                say(message)


def _set_up(
    request: WrapRequest,
    spec: AgentSpec,
    state: WrapState,
    pid: int,
    held: _Held,
    env: Mapping[str, str],
    say: Say,
) -> dict[str, Any] | None:
    """Register this wrapper, make sure a proxy answers, edit the config. Returns the MCP
    entry to probe (None when we registered none)."""
    with state.lock():
        for message in _reap(state, spec.name):
            say(message)
        held.session = True
        state.add_session(Session(pid, spec.name, request.port))
        _ensure_proxy(request, state, pid, held, env, say)
        return _edit_config(spec, request.port, state, pid, held, env, say)


def _ensure_proxy(
    request: WrapRequest,
    state: WrapState,
    pid: int,
    held: _Held,
    env: Mapping[str, str],
    say: Say,
) -> None:
    port = request.port
    url = proxy_url(port)
    status = livez(port)
    if status == "ok":
        say(f"headroom-mcp: using the proxy already answering on {url}.")
        return
    if status == "other":
        raise HeadroomMcpError(
            f"Port {port} is taken by something that is not a headroom proxy ({url}/livez does "
            "not answer ok). Pick a free port with --port, or stop what listens there."
        )
    command = command_for(request, env)
    held.proxy = start_proxy(port, command, state.proxy_log(port))
    state.save_proxy(ProxyRecord(port, held.proxy.pid, command, started_by=pid))
    say(f"headroom-mcp: started the proxy on {url} (log: {state.proxy_log(port)}).")


def _edit_config(
    spec: AgentSpec,
    port: int,
    state: WrapState,
    pid: int,
    held: _Held,
    env: Mapping[str, str],
    say: Say,
) -> dict[str, Any] | None:
    if spec.mcp is None:
        return None
    path = (claude_config if spec.mcp == "claude-json" else codex_config).config_path(env)
    record = state.edit(edit_id(spec.name, path))
    if record is not None and record.live_holders():
        if spec.mcp == "codex-toml" and record.port != port:
            raise ConfigError(
                f"{spec.name} is already wrapped on port {record.port} (wrap pid "
                f"{record.live_holders()[0]}), and {path} can point at one port only. Run "
                f"with --port {record.port} to share it, or wait until that agent exits."
            )
        record.holders = [*record.live_holders(), pid]
        state.save_edit(record)
        held.records.append(record.id)
        return None
    edit, note = plan_edit(spec, port, env)
    if note:
        say(f"headroom-mcp: {note}")
    if edit is None:
        return None
    held.records.append(edit_id(spec.name, path))  # before the write: a signal may land in it
    apply_edit(state, edit, pid)
    say(f"headroom-mcp: {edit.summary} in {edit.path}; restored when {spec.name} exits.")
    return server_entry() if edit.registers_mcp else None


def _overridden(env: Mapping[str, str], agent_env: Mapping[str, str]) -> list[str]:
    """Say so when the agent had a base URL of its own: requests now go to the proxy, which
    forwards them there when wrap starts it (a proxy already running keeps its upstream)."""
    return [
        f"headroom-mcp: {name} was {env[name]}; the agent now uses {agent_env[name]}, and a "
        "proxy started by wrap forwards there (HEADROOM_MCP_ANTHROPIC_UPSTREAM / "
        "HEADROOM_MCP_OPENAI_UPSTREAM win when set; a proxy already running keeps its own)."
        for name in sorted(agent_env)
        if env.get(name) and env[name] != agent_env[name]
    ]


def _probe(entry: dict[str, Any], prober: Prober, say: Say) -> None:
    result = prober(entry)
    if result.ok:
        say(f"headroom-mcp: checked, the MCP server starts and lists {len(result.tools)} tools.")
    else:
        say(
            f"headroom-mcp: the MCP server did not start ({result.error}). The agent runs "
            "without its tools (the proxy still compresses); run `headroom-mcp doctor` to see "
            "why."
        )


def _leave(state: WrapState, spec: AgentSpec, port: int, pid: int, held: _Held) -> list[str]:
    """Drop this wrapper from everything it held; restore and stop what no one else holds."""
    messages: list[str] = []
    with state.lock():
        for record_id in held.records:
            record = state.edit(record_id)
            if record is None:
                continue
            record.holders = [p for p in record.live_holders() if p != pid]
            if record.holders:
                state.save_edit(record)
            else:
                messages.append(f"headroom-mcp: {restore_edit(state, record)}")
        if held.session:
            state.remove_session(pid)
        messages += _stop_unused_proxies(state, held.proxy)
    return messages


def _stop_unused_proxies(state: WrapState, own: subprocess.Popen[bytes] | None = None) -> list[str]:
    """Stop each proxy a wrapper started on a port no live wrapper uses any more."""
    in_use = {session.port for session in state.sessions()}
    messages = []
    for record in state.proxies():
        if record.port in in_use:
            continue
        running = pid_alive(record.pid)
        if own is not None and own.pid == record.pid:
            stop_child(own)
            gone = True
        else:
            gone = stop_pid(record.pid, record.command)
        state.delete_proxy(record.port)
        if running and gone:
            messages.append(f"headroom-mcp: stopped the proxy on {proxy_url(record.port)}.")
    return messages


def _reap(state: WrapState, agent: str) -> list[str]:
    """Restore edits whose wrappers all died (the caller holds the lock)."""
    return [
        f"headroom-mcp: an earlier wrap of {agent} did not exit cleanly. "
        + restore_edit(state, record)
        for record in state.edits(agent)
        if not record.live_holders()
    ]


def unwrap(agent: str, env: Mapping[str, str] | None = None) -> list[str]:
    """Undo what crashed wrappers of `agent` left behind; what running wrappers hold stays
    (they restore it when their agent exits). Returns what was done, line by line."""
    env = os.environ if env is None else env
    spec = agent_spec(agent)
    state = state_for(env)
    messages: list[str] = []
    with state.lock():
        records: list[EditRecord] = state.edits(spec.name)
        for record in records:
            live = record.live_holders()
            if live:
                messages.append(
                    f"{record.path} is in use by a running wrap (pid "
                    f"{', '.join(map(str, live))}); it is restored when that agent exits."
                )
            else:
                messages.append(restore_edit(state, record))
        if spec.mcp == "codex-toml" and not records:
            messages += _orphan_codex_block(codex_config.config_path(env))
        messages += _stop_unused_proxies(state)
    return messages or [f"Nothing to restore for {spec.name}."]


def _orphan_codex_block(path: Path) -> list[str]:
    """A block with no record (the state folder was deleted or another HEADROOM_MCP_HOME was
    used): take it out, since no wrapper we know of relies on it."""
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    new = codex_config.without_block(text)
    if new == text:
        return []
    write_atomic(path, new.encode("utf-8"))
    return [f"Took our block out of {path} (no backup was recorded for it)."]
