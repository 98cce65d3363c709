"""`headroom-mcp wrap` as a real process: signals sent to the wrapper, two wrapped agents
sharing one proxy, and `unwrap` after the wrapper itself was killed."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from headroom_mcp.wrap import codex_config
from tests.conftest import DATA
from tests.wrap_fakes import (
    agent_record,
    answers_livez,
    fake_proxy_command,
    free_port,
    install_fake_agents,
    read_line,
)

ROOT = Path(__file__).resolve().parents[1]
WAIT_SECONDS = 30


@pytest.fixture
def env(tmp_path, isolated_home):
    home = tmp_path / "home"
    (home / ".codex").mkdir(parents=True)
    (home / ".codex" / "config.toml").write_bytes(
        (DATA / "wrap" / "codex_config.toml").read_bytes()
    )
    values = {
        **os.environ,
        "HOME": str(home),
        "PATH": f"{install_fake_agents(tmp_path)}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "HEADROOM_MCP_HOME": str(isolated_home),
        "HEADROOM_MCP_PROXY_COMMAND": json.dumps(fake_proxy_command(tmp_path)),
        "FAKE_AGENT_MODE": "wait",
        "FAKE_AGENT_WATCH": str(home / ".codex" / "config.toml"),
        "OPENAI_API_KEY": "sk-test-not-a-real-key",
    }
    for name in ("CODEX_HOME", "CLAUDE_CONFIG_DIR", "ANTHROPIC_BASE_URL"):
        values.pop(name, None)
    return values


@pytest.fixture
def processes():
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        process.wait(timeout=WAIT_SECONDS)
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def start(processes, env, agent, port, record: Path, *args: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "headroom_mcp", "wrap", agent, "--no-probe"]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--", *args],
        env={**env, "FAKE_AGENT_RECORD": str(record)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    processes.append(process)
    assert read_line(process, WAIT_SECONDS) == "ready\n", process.stderr
    return process


def finish(process: subprocess.Popen[bytes]) -> int:
    """Let the waiting fake agent go, and return the wrapper's exit code."""
    assert process.stdin is not None
    process.stdin.write(b"\n")
    process.stdin.close()
    return process.wait(timeout=WAIT_SECONDS)


def unwrap(env, agent: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "headroom_mcp", "unwrap", agent],
        env=env,
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
        check=True,
    )
    return done.stdout


def config(env) -> Path:
    return Path(env["HOME"]) / ".codex" / "config.toml"


def test_two_wrapped_agents_share_one_proxy_and_the_last_one_out_stops_it(env, processes, tmp_path):
    port = free_port()
    first = start(processes, env, "claude", port, tmp_path / "claude.json")
    assert answers_livez(port)
    second = start(processes, env, "codex", port, tmp_path / "codex.json")
    assert "in use by a running wrap" in unwrap(env, "codex"), "unwrap leaves running wraps be"
    assert codex_config.BEGIN in config(env).read_text()

    assert finish(first) == 0
    assert answers_livez(port), "the codex wrap still uses the proxy"
    assert finish(second) == 0
    assert not answers_livez(port)
    assert config(env).read_bytes() == (DATA / "wrap" / "codex_config.toml").read_bytes()
    assert b"stopped the proxy" in second.stderr.read()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_to_the_wrapper_reaches_the_agent_and_the_config_is_restored(
    env, processes, tmp_path, sig
):
    port = free_port()
    wrapper = start(processes, env, "codex", port, tmp_path / "codex.json")
    agent_pid = agent_record(tmp_path / "codex.json")["pid"]
    assert codex_config.BEGIN in config(env).read_text()

    os.kill(wrapper.pid, sig)

    assert wrapper.wait(timeout=WAIT_SECONDS) == 128 + sig, wrapper.stderr.read()
    with pytest.raises(ProcessLookupError):
        os.kill(agent_pid, 0)
    assert config(env).read_bytes() == (DATA / "wrap" / "codex_config.toml").read_bytes()
    assert not answers_livez(port)


def kill_wrapper(wrapper: subprocess.Popen[bytes]) -> None:
    """SIGKILL the wrapper, then let its orphaned agent end (it sees stdin close)."""
    wrapper.kill()
    wrapper.wait(timeout=WAIT_SECONDS)
    assert wrapper.stdin is not None and wrapper.stdout is not None
    wrapper.stdin.close()
    assert read_line(wrapper, WAIT_SECONDS) == "", "the agent holds stdout until it exits"


def test_after_the_wrapper_is_killed_unwrap_restores_the_config_and_stops_the_proxy(
    env, processes, tmp_path
):
    port = free_port()
    kill_wrapper(start(processes, env, "codex", port, tmp_path / "codex.json"))
    assert codex_config.BEGIN in config(env).read_text()
    assert answers_livez(port)

    said = unwrap(env, "codex")

    assert "byte for byte" in said and "stopped the proxy" in said
    assert config(env).read_bytes() == (DATA / "wrap" / "codex_config.toml").read_bytes()
    assert not answers_livez(port)
    assert unwrap(env, "codex") == "Nothing to restore for codex.\n"


def test_unwrap_keeps_what_the_user_changed_after_the_crash(env, processes, tmp_path):
    port = free_port()
    kill_wrapper(start(processes, env, "codex", port, tmp_path / "codex.json"))
    added = "\n[tui]\nshow_task_summary = true\n"
    with config(env).open("a") as handle:
        handle.write(added)

    said = unwrap(env, "codex")

    assert "took out only our block" in said
    original = (DATA / "wrap" / "codex_config.toml").read_text(encoding="utf-8")
    assert config(env).read_text(encoding="utf-8") == original + added


def test_the_next_wrap_cleans_up_after_a_killed_one(env, processes, tmp_path):
    port = free_port()
    kill_wrapper(start(processes, env, "codex", port, tmp_path / "first.json"))

    again = start(processes, env, "codex", port, tmp_path / "second.json")
    seen = agent_record(tmp_path / "second.json")

    assert finish(again) == 0
    assert b"did not exit cleanly" in again.stderr.read()
    assert config(env).read_bytes() == (DATA / "wrap" / "codex_config.toml").read_bytes()
    assert not answers_livez(port)
    assert seen["files"][str(config(env))].count(codex_config.BEGIN) == 1
