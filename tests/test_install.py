import json

from click.testing import CliRunner

from headroom_mcp.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_install_keeps_other_servers_and_backs_up_the_file(tmp_path):
    config = tmp_path / "claude_desktop_config.json"
    original = {
        "mcpServers": {"git": {"command": "uvx", "args": ["mcp-server-git"]}},
        "theme": "dark",
    }
    config.write_text(json.dumps(original))
    result = run("install", "--client", "claude-desktop", "--config", str(config))
    assert result.exit_code == 0, result.output
    written = json.loads(config.read_text())
    assert written["theme"] == "dark"
    assert written["mcpServers"]["git"] == original["mcpServers"]["git"]
    assert written["mcpServers"]["headroom"]["args"] == ["-m", "headroom_mcp", "serve"]
    backups = list(tmp_path.glob("claude_desktop_config.json.bak-*"))
    assert len(backups) == 1 and json.loads(backups[0].read_text()) == original


def test_install_twice_updates_the_entry_in_place(tmp_path):
    config = tmp_path / "mcp.json"
    run("install", "--client", "cursor", "--config", str(config))
    result = run("install", "--client", "cursor", "--config", str(config), "--home", "/data/h")
    assert "Updated" in result.output
    servers = json.loads(config.read_text())["mcpServers"]
    assert list(servers) == ["headroom"]
    assert servers["headroom"]["env"] == {"HEADROOM_MCP_HOME": "/data/h"}


def test_dry_run_prints_the_change_and_writes_nothing(tmp_path):
    config = tmp_path / "claude.json"
    result = run("install", "--client", "claude-code", "--config", str(config), "--dry-run")
    assert result.exit_code == 0
    assert '"headroom"' in result.output
    assert not config.exists()


def test_a_config_that_is_not_json_is_left_untouched(tmp_path):
    config = tmp_path / "claude_desktop_config.json"
    config.write_text('{"mcpServers": {,}')
    result = CliRunner().invoke(
        cli, ["install", "--client", "claude-desktop", "--config", str(config)]
    )
    assert result.exit_code == 1
    assert "is not valid JSON (line 1, column 17). Nothing was changed." in result.output
    assert config.read_text() == '{"mcpServers": {,}'


def test_install_writes_the_project_roots_for_clients_without_mcp_roots(tmp_path):
    config = tmp_path / "mcp.json"
    project = tmp_path / "project"
    project.mkdir()
    result = run("install", "--client", "cursor", "--config", str(config), "--root", str(project))
    assert result.exit_code == 0, result.output
    entry = json.loads(config.read_text())["mcpServers"]["headroom"]
    assert entry["env"]["HEADROOM_MCP_ROOTS"] == str(project)
