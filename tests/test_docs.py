"""Documentation covers every tool, command and variable (sqlite-utils' test_docs idea)."""

import re
from pathlib import Path

import pytest

from headroom_mcp.cli import cli
from headroom_mcp.config import ENV_VARS
from headroom_mcp.proxy.config import PROXY_ENVIRONMENT

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def test_every_environment_variable_is_documented():
    text = (DOCS / "configuration.md").read_text()
    for name in ENV_VARS:
        assert f"`{name}`" in text, name


def test_every_proxy_variable_is_documented_with_the_others_and_in_the_proxy_guide():
    for doc in ("configuration.md", "proxy.md"):
        text = (DOCS / doc).read_text()
        for name in PROXY_ENVIRONMENT:
            assert f"`{name}`" in text, (doc, name)


def test_configuration_reads_only_documented_variables():
    source = (ROOT / "headroom_mcp" / "config.py").read_text()
    assert set(re.findall(r'"(HEADROOM_MCP_[A-Z_]+)"', source)) == set(ENV_VARS)


@pytest.mark.parametrize(
    "tool",
    ["headroom_compress", "headroom_retrieve", "headroom_stats", "headroom_read", "headroom_run"],
)
def test_every_tool_has_a_section_with_a_real_call(tool):
    text = (DOCS / "tools.md").read_text()
    assert f"## {tool}" in text


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_and_docs(command):
    assert cli.commands[command].help
    assert "Example:" in cli.commands[command].help
    assert f"`headroom-mcp {command}" in (DOCS / "getting-started.md").read_text()


def test_the_readme_opens_with_the_two_commands_and_ci_runs_the_test_command():
    lines = (ROOT / "README.md").read_text().splitlines()
    commands = [line for line in lines[:20] if line.startswith("python3 -m venv")]
    assert len(commands) == 2
    assert commands[0].endswith("headroom-mcp serve")
    assert commands[1] in (ROOT / ".ci" / "run").read_text()
