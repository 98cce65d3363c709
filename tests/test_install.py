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


def test_dry_run_hides_the_secrets_of_other_servers(tmp_path):
    config = tmp_path / "claude.json"
    config.write_text(
        json.dumps(
            {
                "mcpServers": {
                    "github": {
                        "command": "npx",
                        "env": {"GITHUB_TOKEN": "ghp_abcdef1234567890", "LOG_LEVEL": "debug"},
                    },
                    "db": {"command": "pg", "args": ["postgres://ada:hunter2@db/prod"]},
                }
            }
        )
    )
    result = run("install", "--client", "claude-code", "--config", str(config), "--dry-run")
    assert result.exit_code == 0
    assert "ghp_abcdef1234567890" not in result.output and "hunter2" not in result.output
    assert '"GITHUB_TOKEN": "****"' in result.output
    assert '"LOG_LEVEL": "debug"' in result.output  # not a secret: shown


def test_backups_never_overwrite_each_other(tmp_path):
    config = tmp_path / "mcp.json"
    config.write_text(json.dumps({"mcpServers": {}, "first": True}))
    for _ in range(3):  # well within one second
        assert (
            run("install", "--client", "cursor", "--config", str(config), "--no-probe").exit_code
            == 0
        )
    backups = sorted(tmp_path.glob("mcp.json.bak-*"))
    assert len(backups) == 3
    assert json.loads(backups[0].read_text()) == {"mcpServers": {}, "first": True}


def test_install_checks_that_the_server_starts_and_lists_its_tools(tmp_path):
    config = tmp_path / "mcp.json"
    result = run("install", "--client", "cursor", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert "Checked: the server starts and lists 5 tools." in result.output


def test_uninstall_removes_only_our_entry(tmp_path):
    config = tmp_path / "mcp.json"
    other = {"command": "uvx", "args": ["mcp-server-git"]}
    config.write_text(json.dumps({"mcpServers": {"git": other}, "theme": "dark"}))
    run("install", "--client", "cursor", "--config", str(config), "--no-probe")
    result = run("uninstall", "--client", "cursor", "--config", str(config))
    assert result.exit_code == 0 and 'Removed server "headroom"' in result.output
    assert json.loads(config.read_text()) == {"mcpServers": {"git": other}, "theme": "dark"}
    again = run("uninstall", "--client", "cursor", "--config", str(config))
    assert "Nothing to remove" in again.output


def test_install_writes_the_project_roots_for_clients_without_mcp_roots(tmp_path):
    config = tmp_path / "mcp.json"
    project = tmp_path / "project"
    project.mkdir()
    result = run("install", "--client", "cursor", "--config", str(config), "--root", str(project))
    assert result.exit_code == 0, result.output
    entry = json.loads(config.read_text())["mcpServers"]["headroom"]
    assert entry["env"]["HEADROOM_MCP_ROOTS"] == str(project)
