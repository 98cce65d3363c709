"""The marker block in Codex's config.toml: where it goes, what it means, how it comes out."""

import tomllib
from pathlib import Path

import pytest

from headroom_mcp.errors import ConfigError
from headroom_mcp.install import server_entry
from headroom_mcp.wrap import codex_config
from tests.conftest import DATA

SAMPLE = DATA / "wrap" / "codex_config.toml"
PATH = Path("config.toml")


def sample() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def test_the_block_goes_before_the_first_table_and_the_file_means_the_old_one_plus_ours():
    text = sample()
    edited = codex_config.with_block(text, PATH, 8787, server_entry())
    before, after = tomllib.loads(text), tomllib.loads(edited)
    assert after["model_provider"] == "headroom"
    assert after["model_providers"]["headroom"] == {
        "name": "headroom-mcp proxy",
        "base_url": "http://127.0.0.1:8787/v1",
        "wire_api": "responses",
        "env_key": "OPENAI_API_KEY",
    }
    assert after["mcp_servers"]["headroom"]["args"] == ["-m", "headroom_mcp", "serve"]
    assert after["mcp_servers"]["chrome-devtools"] == before["mcp_servers"]["chrome-devtools"]
    for key in ("model", "sandbox_mode", "features", "hooks", "shell_environment_policy"):
        assert after[key] == before[key], key
    top_level = text[: text.index("[features]")]
    assert edited.startswith(top_level + codex_config.BEGIN)
    assert edited.index(codex_config.END) < edited.index("[features]")


def test_taking_the_block_out_gives_back_the_same_bytes():
    text = sample()
    assert codex_config.without_block(codex_config.with_block(text, PATH, 9001, None)) == text


def test_a_model_provider_line_is_replaced_for_the_run_and_put_back_afterwards():
    text = 'model_provider = "oss"\n' + sample()
    edited = codex_config.with_block(text, PATH, 8787, None)
    assert tomllib.loads(edited)["model_provider"] == "headroom"
    assert [ln for ln in edited.splitlines() if ln.startswith("model_provider")] == [
        'model_provider = "headroom"'
    ]
    assert f'{codex_config.REPLACED}model_provider = "oss"' in edited
    restored = codex_config.without_block(edited)
    assert tomllib.loads(restored) == tomllib.loads(text)
    assert 'model_provider = "oss"\n' in restored


def test_a_file_without_tables_gets_the_block_at_its_end():
    text = 'model = "gpt-5"'  # no final newline
    edited = codex_config.with_block(text, PATH, 8787, None)
    assert edited.startswith('model = "gpt-5"\n' + codex_config.BEGIN)
    assert tomllib.loads(edited)["model"] == "gpt-5"


def test_a_bracket_inside_a_multiline_array_or_string_is_not_taken_for_a_table():
    text = 'matrix = [\n[1, 2],\n]\nnote = """\n[not a table]\n"""\n\n[tui]\nshow = true\n'
    edited = codex_config.with_block(text, PATH, 8787, None)
    assert edited.index(codex_config.BEGIN) > edited.index('"""\n\n')
    parsed = tomllib.loads(edited)
    assert parsed["matrix"] == [[1, 2]] and parsed["tui"] == {"show": True}
    assert parsed["model_provider"] == "headroom"


def test_an_mcp_server_already_named_headroom_is_not_added_twice():
    text = '[mcp_servers.headroom]\ncommand = "headroom-mcp"\nargs = ["serve"]\n'
    assert codex_config.mcp_registered(text, PATH)
    edited = codex_config.with_block(text, PATH, 8787, None)
    assert tomllib.loads(edited)["mcp_servers"]["headroom"]["command"] == "headroom-mcp"


def test_a_provider_of_the_users_named_headroom_stops_the_edit():
    text = '[model_providers.headroom]\nname = "mine"\nbase_url = "http://x/v1"\n'
    with pytest.raises(ConfigError, match=r"already defines \[model_providers.headroom\]"):
        codex_config.with_block(text, PATH, 8787, None)


def test_a_file_that_is_not_toml_is_reported_and_not_edited():
    with pytest.raises(ConfigError, match=r"is not valid TOML .* Nothing was changed"):
        codex_config.with_block('model = "gpt-5\n', PATH, 8787, None)


def test_a_second_block_is_refused_with_the_unwrap_command():
    edited = codex_config.with_block(sample(), PATH, 8787, None)
    with pytest.raises(ConfigError, match="headroom-mcp unwrap codex"):
        codex_config.with_block(edited, PATH, 8787, None)
    assert codex_config.block_port(edited) == 8787


def test_codex_home_decides_where_the_config_is(tmp_path):
    assert codex_config.config_path({"CODEX_HOME": str(tmp_path)}) == tmp_path / "config.toml"
    assert codex_config.config_path({}) == Path.home() / ".codex" / "config.toml"


def test_printing_hides_secret_values_in_tables_and_inline_tables():
    text = (
        '[mcp_servers.github]\ncommand = "npx"\n'
        'env = { GITHUB_TOKEN = "ghp_abcdefghijklmnop", DISPLAY = ":99" }\n'
        '[model_providers.corp]\nbase_url = "https://user:hunter2@llm.corp/v1"\n'
    )
    shown = codex_config.masked(text)
    assert "ghp_abcdefghijklmnop" not in shown and "hunter2" not in shown
    assert 'GITHUB_TOKEN = "****"' in shown and 'DISPLAY = ":99"' in shown
    assert 'command = "npx"' in shown
