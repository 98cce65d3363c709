"""`wrap` with the real proxy: the agent's request goes through `headroom-mcp proxy`, started
by wrap, to the upstream the user had configured, its tool result compressed on the way; the
proxy is gone when the agent exits."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import pytest

from headroom_mcp.wrap.plan import upstream_options
from headroom_mcp.wrap.proxy_process import livez
from headroom_mcp.wrap.request import WrapRequest
from headroom_mcp.wrap.run import wrap
from tests.conftest import DATA
from tests.proxy_servers import FakeUpstream, Reply, serving, transcript
from tests.wrap_fakes import free_port

# A scripted "claude": one Messages request with a big tool result, through the base URL it
# was given; it writes the answer's status and body next to it.
AGENT = textwrap.dedent(
    """\
    #!{python}
    import json, os, sys, urllib.request
    log = open({log!r}, encoding="utf-8").read()
    body = {{"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": [
        {{"role": "user", "content": "why did the build fail?"}},
        {{"role": "assistant", "content": [{{"type": "tool_use", "id": "t1", "name": "Bash",
                                              "input": {{"command": "make"}}}}]}},
        {{"role": "user", "content": [{{"type": "tool_result", "tool_use_id": "t1",
                                         "content": log}}]}}]}}
    request = urllib.request.Request(
        os.environ["ANTHROPIC_BASE_URL"] + "/v1/messages", data=json.dumps(body).encode(),
        headers={{"content-type": "application/json", "x-api-key": "sk-ant-test",
                  "anthropic-version": "2023-06-01"}})
    with urllib.request.urlopen(request, timeout=60) as reply:
        out = {{"status": reply.status, "body": json.loads(reply.read())}}
    open(os.environ["AGENT_OUT"], "w").write(json.dumps(out))
    """
)


def test_the_agents_own_base_url_becomes_the_upstream_of_the_proxy_wrap_starts():
    gateway = {"ANTHROPIC_BASE_URL": "https://gateway.corp.example/anthropic"}
    assert upstream_options(gateway, "http://127.0.0.1:8787") == [
        "--anthropic-upstream",
        "https://gateway.corp.example/anthropic",
    ]
    chosen = {**gateway, "HEADROOM_MCP_ANTHROPIC_UPSTREAM": "https://other.example"}
    assert upstream_options(chosen, "http://127.0.0.1:8787") == []
    ours = {"ANTHROPIC_BASE_URL": "http://127.0.0.1:8787", "OPENAI_API_BASE": "http://h/v1"}
    assert upstream_options(ours, "http://127.0.0.1:8787") == ["--openai-upstream", "http://h/v1"]


def test_a_wrapped_agent_talks_through_the_real_proxy_which_compresses_and_then_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = DATA / "build" / "buildkite_buildah.log"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    agent = bin_dir / "claude"
    agent.write_text(AGENT.format(python=sys.executable, log=str(log)))
    agent.chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("HEADROOM_MCP_PROXY_COMMAND", raising=False)
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.setenv("AGENT_OUT", str(tmp_path / "out.json"))
    upstream = FakeUpstream(Reply.json(transcript("anthropic_message.json")))
    port = free_port()
    messages: list[str] = []

    with serving(upstream.app) as url:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", url)  # the user's own upstream
        code = wrap(WrapRequest("claude", (), port, probe=False), messages.append)

    assert code == 0, messages
    out = json.loads((tmp_path / "out.json").read_text())
    assert out["status"] == 200 and out["body"]["type"] == "message"
    [received] = upstream.received
    assert received.path == "/v1/messages"
    assert received.header("x-api-key") == "sk-ant-test"
    forwarded = json.loads(received.body)["messages"][-1]["content"][0]["content"]
    original = log.read_text(encoding="utf-8")
    forwarded_text = forwarded if isinstance(forwarded, str) else forwarded[0]["text"]
    assert len(forwarded_text) < len(original)
    assert "headroom_retrieve(" in forwarded_text
    assert livez(port) == "down"
    assert not (home / ".claude.json").exists() or "headroom" not in json.loads(
        (home / ".claude.json").read_text()
    ).get("mcpServers", {})
