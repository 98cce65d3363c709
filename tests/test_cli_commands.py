"""The one-shot commands as a person runs them: real processes, clean stderr, no model load."""

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from headroom_mcp.cli import cli
from tests.conftest import DATA

pytestmark = pytest.mark.slow


def headroom(*args, home, stdin=None, env=None):
    """Run `python -m headroom_mcp ARGS` with the embedding model on (as users have it)."""
    full_env = {**os.environ, "HEADROOM_MCP_HOME": str(home), "HEADROOM_MCP_EMBED_MODEL": ""}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "headroom_mcp", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


def test_every_one_shot_command_exits_without_a_traceback_or_the_model(isolated_home, tmp_path):
    log = DATA / "logs/dpkg.log"
    compressed = headroom("compress", str(log), "--json", home=isolated_home)
    assert compressed.returncode == 0, compressed.stderr
    digest = json.loads(compressed.stdout)["hash"]
    (tmp_path / "notes.txt").write_text("a short note about libc-bin\n")
    runs = [
        compressed,
        headroom("retrieve", digest, "-q", "libc-bin", home=isolated_home),
        headroom("search", "libc-bin", home=isolated_home),
        headroom("stats", home=isolated_home),
        headroom(
            "read", "notes.txt", home=isolated_home, env={"HEADROOM_MCP_ROOTS": str(tmp_path)}
        ),
        headroom("forget", digest, home=isolated_home),
    ]
    for done in runs:
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr, done.stderr
    assert "not loaded by one-shot commands" in runs[3].stdout
    assert "libc-bin" in runs[1].stdout


def test_a_one_shot_compress_never_imports_torch(isolated_home):
    code = (
        "import sys; from headroom_mcp.cli import cli\n"
        "try:\n    cli(['compress', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH', file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(DATA / "logs/dpkg.log")],
        capture_output=True,
        text=True,
        env={**os.environ, "HEADROOM_MCP_HOME": str(isolated_home), "HEADROOM_MCP_EMBED_MODEL": ""},
        timeout=120,
    )
    assert done.stderr.strip().endswith("NO-TORCH"), done.stderr


def test_compress_of_a_missing_file_says_what_to_do():
    result = CliRunner().invoke(cli, ["compress", "nope.txt"])
    assert result.exit_code == 1
    assert "Cannot read nope.txt: No such file or directory" in result.output
    assert "Give the path of a text file, or -" in result.output


def test_run_prints_how_the_command_ended(monkeypatch, tmp_path):
    monkeypatch.setenv("HEADROOM_MCP_ROOTS", str(tmp_path))
    monkeypatch.setenv("HEADROOM_MCP_RUN_ALLOW", "grep")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("alpha\nbeta\n")
    result = CliRunner().invoke(cli, ["run", "--", "grep", "-n", "beta", "a.txt"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("[headroom run: `grep -n beta a.txt` exited with code 0]")
    assert "2:beta" in result.output


def test_forget_makes_the_hash_unknown():
    runner = CliRunner()
    stored = json.loads(
        runner.invoke(cli, ["compress", str(DATA / "logs/dpkg.log"), "--json"]).output
    )
    assert runner.invoke(cli, ["forget", stored["hash"]]).exit_code == 0
    gone = runner.invoke(cli, ["retrieve", stored["hash"]])
    assert gone.exit_code == 1 and "No original is stored under hash" in gone.output


def test_doctor_on_a_healthy_setup_ticks_every_check(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))  # no client configs: shown as facts, not failures
    result = CliRunner().invoke(cli, ["doctor"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("✓ store:") and "integrity ok" in line for line in lines)
    assert any(line.startswith("✓ server: starts and lists 5 tools") for line in lines)
    assert any(line.startswith("✓ torch:") for line in lines)
    assert not any(line.startswith("✗") for line in lines)


def test_doctor_on_a_broken_setup_names_each_fix(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    cursor = tmp_path / ".cursor" / "mcp.json"
    cursor.parent.mkdir()
    cursor.write_text(json.dumps({"mcpServers": {"headroom": {"command": "/gone/python"}}}))
    monkeypatch.setenv("HEADROOM_MCP_EMBED_MODEL", str(tmp_path / "no-such-model"))
    result = CliRunner().invoke(cli, ["doctor"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    model = next(line for line in lines if "embedding model" in line)
    assert model.startswith("✗") and "fix: set HEADROOM_MCP_EMBED_MODEL" in model
    client = next(line for line in lines if line.startswith("✗ cursor"))
    assert "/gone/python, which does not exist" in client
    assert "fix: headroom-mcp install --client cursor" in client
