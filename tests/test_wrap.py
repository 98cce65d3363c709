"""`wrap` run in-process with a fake agent on PATH and a stand-in proxy: what the agent sees,
what is put back afterwards, and when the proxy is started, shared and stopped."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from headroom_mcp.cli import cli
from headroom_mcp.errors import ConfigError, HeadroomMcpError
from headroom_mcp.probe import ProbeResult
from headroom_mcp.wrap import codex_config
from headroom_mcp.wrap.plan import state_for
from headroom_mcp.wrap.request import WrapRequest
from headroom_mcp.wrap.run import wrap
from tests.conftest import DATA
from tests.wrap_fakes import (
    agent_record,
    answers_livez,
    fake_proxy_command,
    free_port,
    install_fake_agents,
    start_fake_proxy,
)

CLAUDE_JSON = {
    "numStartups": 12,
    "mcpServers": {"git": {"command": "uvx", "args": ["mcp-server-git"]}},
    "projects": {"/src/app": {"allowedTools": []}},
}


@dataclass
class Scene:
    home: Path
    record: Path
    port: int
    messages: list[str]

    @property
    def claude_json(self) -> Path:
        return self.home / ".claude.json"

    @property
    def codex_toml(self) -> Path:
        return self.home / ".codex" / "config.toml"

    def run(self, agent: str, *args: str, **options: object) -> int:
        request = replace(WrapRequest(agent, args, self.port, probe=False), **options)
        return wrap(request, self.messages.append)

    def seen(self) -> dict[str, object]:
        return agent_record(self.record)


@pytest.fixture
def scene(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    bin_dir = install_fake_agents(tmp_path)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    for name in ("CODEX_HOME", "CLAUDE_CONFIG_DIR", "FAKE_AGENT_MODE", "FAKE_AGENT_WATCH"):
        monkeypatch.delenv(name, raising=False)
    for name in ("ANTHROPIC_BASE_URL", "OPENAI_API_BASE", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    monkeypatch.setenv("FAKE_AGENT_RECORD", str(tmp_path / "record.json"))
    monkeypatch.setenv("HEADROOM_MCP_PROXY_COMMAND", json.dumps(fake_proxy_command(tmp_path)))
    scene = Scene(home, tmp_path / "record.json", free_port(), [])
    yield scene
    for proxy in state_for().proxies():  # a failed test must not leave a proxy running
        with contextlib.suppress(ProcessLookupError):
            os.kill(proxy.pid, signal.SIGKILL)


def watch(monkeypatch, *paths: Path) -> None:
    monkeypatch.setenv("FAKE_AGENT_WATCH", os.pathsep.join(str(p) for p in paths))


def test_claude_sees_the_proxy_url_and_our_mcp_entry_and_both_are_gone_afterwards(
    scene, monkeypatch
):
    scene.claude_json.write_text(json.dumps(CLAUDE_JSON, indent=2))
    original = scene.claude_json.read_bytes()
    watch(monkeypatch, scene.claude_json)

    code = scene.run("claude", "--print", "hello")

    assert code == 0
    seen = scene.seen()
    assert seen["argv"][1:] == ["--print", "hello"]
    assert seen["env"]["ANTHROPIC_BASE_URL"] == f"http://127.0.0.1:{scene.port}"
    during = json.loads(seen["files"][str(scene.claude_json)])
    assert during["mcpServers"]["headroom"]["args"] == ["-m", "headroom_mcp", "serve"]
    assert during["mcpServers"]["git"] == CLAUDE_JSON["mcpServers"]["git"]
    assert scene.claude_json.read_bytes() == original
    assert "ANTHROPIC_BASE_URL" not in os.environ
    assert not answers_livez(scene.port), "the proxy wrap started must stop with the agent"
    assert any("Restored" in m and "byte for byte" in m for m in scene.messages)


def test_codex_runs_with_the_marker_block_and_the_config_comes_back_byte_for_byte(
    scene, monkeypatch
):
    scene.codex_toml.parent.mkdir()
    scene.codex_toml.write_bytes((DATA / "wrap" / "codex_config.toml").read_bytes())
    original = scene.codex_toml.read_bytes()
    watch(monkeypatch, scene.codex_toml)

    assert scene.run("codex", "exec", "fix the tests") == 0

    during = scene.seen()["files"][str(scene.codex_toml)]
    assert codex_config.BEGIN in during and codex_config.END in during
    parsed = tomllib.loads(during)
    assert parsed["model_provider"] == "headroom"
    assert parsed["model_providers"]["headroom"]["base_url"] == (
        f"http://127.0.0.1:{scene.port}/v1"
    )
    assert parsed["model_providers"]["headroom"]["wire_api"] == "responses"
    assert "headroom" in parsed["mcp_servers"] and "chrome-devtools" in parsed["mcp_servers"]
    assert scene.codex_toml.read_bytes() == original


def test_codex_home_is_where_the_block_goes(scene, monkeypatch, tmp_path):
    codex_home = tmp_path / "elsewhere"
    monkeypatch.setenv("CODEX_HOME", str(codex_home))
    watch(monkeypatch, codex_home / "config.toml")

    assert scene.run("codex") == 0

    assert codex_config.BEGIN in scene.seen()["files"][str(codex_home / "config.toml")]
    assert not (codex_home / "config.toml").exists(), "a file wrap created is removed again"
    assert not scene.codex_toml.exists()


def test_a_non_zero_exit_code_is_passed_on_and_the_config_still_restored(scene, monkeypatch):
    scene.codex_toml.parent.mkdir()
    scene.codex_toml.write_text('model_provider = "oss"\nmodel = "gpt-oss:20b"\n')
    original = scene.codex_toml.read_bytes()
    monkeypatch.setenv("FAKE_AGENT_MODE", "exit3")

    assert scene.run("codex") == 3
    assert scene.codex_toml.read_bytes() == original


def test_an_agent_killed_with_sigkill_still_gets_its_files_restored(scene, monkeypatch):
    scene.claude_json.write_text(json.dumps(CLAUDE_JSON))
    original = scene.claude_json.read_bytes()
    monkeypatch.setenv("FAKE_AGENT_MODE", "sigkill")

    assert scene.run("claude") == 128 + signal.SIGKILL
    assert scene.claude_json.read_bytes() == original
    assert not answers_livez(scene.port)


def test_aider_gets_openai_and_anthropic_base_urls_and_no_file_is_touched(scene):
    assert scene.run("aider", "--model", "gpt-4o") == 0

    env = scene.seen()["env"]
    root = f"http://127.0.0.1:{scene.port}"
    assert env["OPENAI_API_BASE"] == env["OPENAI_BASE_URL"] == f"{root}/v1"
    assert env["ANTHROPIC_BASE_URL"] == root
    assert list(scene.home.iterdir()) == []
    assert state_for().edits() == []


def test_when_claude_rewrites_its_config_only_our_entry_is_taken_out(scene, monkeypatch):
    scene.claude_json.write_text(json.dumps(CLAUDE_JSON))
    watch(monkeypatch, scene.claude_json)
    monkeypatch.setenv("FAKE_AGENT_MODE", "touch")

    assert scene.run("claude") == 0

    after = json.loads(scene.claude_json.read_text())
    assert after["numStartups"] == 13, "the agent's own change survives"
    assert "headroom" not in after["mcpServers"] and "git" in after["mcpServers"]
    assert any("took out only our" in m for m in scene.messages)


def test_a_headroom_server_the_user_registered_is_left_alone(scene, monkeypatch):
    config = {"mcpServers": {"headroom": {"command": "/opt/headroom/bin/python"}}}
    scene.claude_json.write_text(json.dumps(config))
    original = scene.claude_json.read_bytes()
    watch(monkeypatch, scene.claude_json)

    assert scene.run("claude") == 0

    assert scene.seen()["files"][str(scene.claude_json)] == original.decode()
    assert scene.claude_json.read_bytes() == original
    assert any("already registers" in m for m in scene.messages)


def test_a_proxy_already_listening_is_used_and_left_running(scene, monkeypatch, tmp_path):
    theirs = start_fake_proxy(tmp_path, scene.port)
    failing = [sys.executable, "-c", "raise SystemExit('must not be started')"]
    monkeypatch.setenv("HEADROOM_MCP_PROXY_COMMAND", json.dumps(failing))
    try:
        assert scene.run("claude") == 0
        assert answers_livez(scene.port), "a proxy the user started is never stopped"
        assert any("already answering" in m for m in scene.messages)
    finally:
        theirs.kill()
        theirs.wait(timeout=10)


def test_stale_wrapper_pids_do_not_keep_a_started_proxy_running(scene, monkeypatch, tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    sessions = state_for().root / "sessions"
    sessions.mkdir(parents=True)
    stale = {"pid": int(dead.stdout), "agent": "claude", "port": scene.port}
    (sessions / f"{dead.stdout.strip()}.json").write_text(json.dumps(stale))

    failing = [sys.executable, "-c", "raise SystemExit('the parameter wins over the variable')"]
    monkeypatch.setenv("HEADROOM_MCP_PROXY_COMMAND", json.dumps(failing))

    assert scene.run("aider", proxy_command=fake_proxy_command(tmp_path)) == 0

    assert any("started the proxy" in m for m in scene.messages)
    assert not answers_livez(scene.port)
    assert list(sessions.iterdir()) == []


def test_a_proxy_that_does_not_come_up_is_reported_and_nothing_stays_changed(scene, monkeypatch):
    scene.codex_toml.parent.mkdir()
    scene.codex_toml.write_text('model = "gpt-5"\n')
    failing = [sys.executable, "-c", "import sys; sys.exit('boom: no upstream configured')"]
    monkeypatch.setenv("HEADROOM_MCP_PROXY_COMMAND", json.dumps(failing))

    with pytest.raises(HeadroomMcpError) as raised:
        scene.run("codex")

    message = str(raised.value)
    assert "exited with code 1" in message and "boom: no upstream configured" in message
    assert "Next step" in message
    assert scene.codex_toml.read_text() == 'model = "gpt-5"\n'
    assert not scene.record.exists(), "the agent must not start without its proxy"
    assert state_for().edits() == [] and state_for().sessions() == []


def test_a_missing_agent_names_how_to_install_it_or_where_to_point(scene, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ConfigError, match=r"npm install -g @openai/codex.*--agent-path"):
        scene.run("codex")
    assert not answers_livez(scene.port)


def test_agent_path_runs_an_executable_off_path(scene, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert scene.run("aider", agent_path=str(tmp_path / "bin" / "aider")) == 0
    assert scene.seen()["argv"][0] == str(tmp_path / "bin" / "aider")


def test_a_probe_failure_is_reported_and_the_agent_still_runs(scene, monkeypatch):
    watch(monkeypatch, scene.claude_json)

    def failing_probe(entry):
        return ProbeResult(False, (), "ModuleNotFoundError: No module named 'headroom_mcp'")

    request = WrapRequest("claude", (), scene.port, probe=True)
    assert wrap(request, scene.messages.append, prober=failing_probe) == 0

    warning = next(m for m in scene.messages if "did not start" in m)
    assert "No module named 'headroom_mcp'" in warning and "headroom-mcp doctor" in warning
    assert scene.record.exists()


def test_dry_run_prints_the_changes_with_secrets_hidden_and_changes_nothing(scene):
    scene.codex_toml.parent.mkdir()
    text = (
        '[mcp_servers.github]\ncommand = "npx"\nenv = { GITHUB_TOKEN = "ghp_0123456789abcdef" }\n'
    )
    scene.codex_toml.write_text(text)

    result = CliRunner().invoke(cli, ["wrap", "codex", "--dry-run", "--port", str(scene.port)])

    assert result.exit_code == 0, result.output
    assert '+model_provider = "headroom"' in result.output
    assert f'+base_url = "http://127.0.0.1:{scene.port}/v1"' in result.output
    assert "ghp_0123456789abcdef" not in result.output and "****" in result.output
    assert scene.codex_toml.read_text() == text
    assert not scene.record.exists() and not answers_livez(scene.port)
    assert not state_for().root.exists()


def test_dry_run_for_claude_lists_the_environment_of_the_agent(scene):
    result = CliRunner().invoke(cli, ["wrap", "claude", "--dry-run", "--port", str(scene.port)])
    assert f"  ANTHROPIC_BASE_URL=http://127.0.0.1:{scene.port}" in result.output
    assert '+    "headroom": {' in result.output
    assert not scene.claude_json.exists()


def test_an_agent_that_cannot_be_executed_is_reported_and_everything_restored(scene, tmp_path):
    broken = tmp_path / "not-a-program"
    broken.write_bytes(b"\x00\x01 no shebang, no binary format")
    broken.chmod(0o755)

    with pytest.raises(HeadroomMcpError, match=r"Could not start .*not-a-program.*--agent-path"):
        scene.run("claude", agent_path=str(broken))

    assert not scene.claude_json.exists()
    assert not answers_livez(scene.port)


def test_a_base_url_the_user_had_set_is_named_when_the_proxy_takes_its_place(scene, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "https://gateway.corp.example")

    assert scene.run("claude") == 0

    assert scene.seen()["env"]["ANTHROPIC_BASE_URL"] == f"http://127.0.0.1:{scene.port}"
    note = next(m for m in scene.messages if "gateway.corp.example" in m)
    assert "HEADROOM_MCP_ANTHROPIC_UPSTREAM" in note
    assert os.environ["ANTHROPIC_BASE_URL"] == "https://gateway.corp.example"


def test_a_proxy_command_variable_that_is_not_a_json_list_says_how_to_write_it(scene, monkeypatch):
    monkeypatch.setenv("HEADROOM_MCP_PROXY_COMMAND", "headroom-mcp proxy --port {port}")
    with pytest.raises(ConfigError, match=r'is not a JSON list of strings. Give one like \["'):
        scene.run("aider")
