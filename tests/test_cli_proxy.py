"""`headroom-mcp proxy`: its options, its errors, and what it prints when it starts."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from click.testing import CliRunner

from headroom_mcp.cli import cli
from tests.test_imports import loaded_after


def test_a_busy_port_says_which_option_picks_another():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["proxy", "--port", str(port)])
    assert result.exit_code == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in result.output
    assert f"--port {port + 1}" in result.output


def test_listening_off_loopback_without_a_token_is_refused_with_the_fix():
    result = CliRunner().invoke(cli, ["proxy", "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code == 1
    assert "--token-file" in result.output


def test_an_unreadable_token_file_is_named(tmp_path):
    missing = tmp_path / "nope"
    result = CliRunner().invoke(cli, ["proxy", "--token-file", str(missing), "--port", "0"])
    assert result.exit_code == 1
    assert str(missing) in result.output


def test_the_cli_loads_no_http_stack_until_the_proxy_runs():
    modules = loaded_after("import headroom_mcp.cli")
    for heavy in ("uvicorn", "starlette", "httpx2", "prometheus_client"):
        assert heavy not in modules, heavy


@pytest.mark.slow
def test_the_proxy_prints_where_it_listens_and_the_two_variables_to_set():
    pytest.importorskip("headroom_mcp.proxy.rewrite", reason="the rewriter lands separately")
    with subprocess.Popen(
        [sys.executable, "-m", "headroom_mcp", "proxy", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            lines = [process.stdout.readline() for _ in range(3)]
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert lines[0].startswith("headroom-mcp proxy listening on http://127.0.0.1:")
    url = lines[0].split(" on ")[1].split(" ")[0]
    assert lines[1].strip() == f"export ANTHROPIC_BASE_URL={url}"
    assert lines[2].strip() == f"export OPENAI_BASE_URL={url}/v1"
