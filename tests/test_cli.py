import json

from click.testing import CliRunner

from headroom_mcp.cli import cli
from tests.conftest import DATA


def test_compress_a_file_then_retrieve_it_by_hash():
    runner = CliRunner()
    compressed = runner.invoke(cli, ["compress", str(DATA / "logs/dpkg.log"), "--json"])
    assert compressed.exit_code == 0, compressed.output
    result = json.loads(compressed.output)
    assert result["kind"] == "logs"
    back = runner.invoke(cli, ["retrieve", result["hash"]])
    assert back.output == (DATA / "logs/dpkg.log").read_text()


def test_compress_reads_stdin_and_reports_savings_on_stderr():
    runner = CliRunner()
    data = (DATA / "search/grep_click_defs.txt").read_text()
    result = runner.invoke(cli, ["compress", "-", "--query", "echo"], input=data)
    assert result.exit_code == 0
    assert "[headroom:" in result.stdout
    assert "tokens" in result.stderr and "saved" in result.stderr


def test_a_file_that_is_not_utf8_gets_a_clear_error(tmp_path):
    blob = tmp_path / "blob.bin"
    blob.write_bytes(b"\xff\xfe\x00binary")
    result = CliRunner().invoke(cli, ["compress", str(blob)])
    assert result.exit_code == 1
    assert "is not UTF-8 text (invalid byte at offset 0)" in result.output


def test_retrieve_of_an_unknown_hash_exits_1_with_the_next_step():
    result = CliRunner().invoke(cli, ["retrieve", "abcdef123456"])
    assert result.exit_code == 1
    assert "No original is stored under hash" in result.output


def test_stats_after_a_compress():
    runner = CliRunner()
    runner.invoke(cli, ["compress", str(DATA / "json/pip_inspect.json")])
    result = runner.invoke(cli, ["stats"])
    assert result.exit_code == 0
    assert "1 compressions" in result.output and "json" in result.output
    assert json.loads(runner.invoke(cli, ["stats", "--json"]).output)["compressions"] == 1
