"""headroom_read and headroom_run: compress at the source, refuse what they must."""

import shutil

import pytest
from mcp import Client
from mcp.types import ListRootsResult, Root

from headroom_mcp import AccessDenied, read, retrieve, run
from headroom_mcp.server import app
from tests.conftest import DATA


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(DATA / "code/json_decoder.py", root / "decoder.py")
    shutil.copy(DATA / "logs/dpkg.log", root / "dpkg.log")
    monkeypatch.setenv("HEADROOM_MCP_ROOTS", str(root))
    return root


def test_read_compresses_a_source_file_by_its_extension_and_keeps_the_original(project):
    result = read("decoder.py", query="How does raw_decode work?")
    assert result.kind == "code"
    assert result.path == str(project / "decoder.py")
    assert "def raw_decode(self, s, idx=0):" in result.compressed
    assert result.compressed_tokens < result.original_tokens
    assert retrieve(result.hash).content == (project / "decoder.py").read_text()


def test_read_a_line_range(project):
    result = read("dpkg.log", lines="10-12")
    assert result.lines_read == "10-12 of 1500"
    assert result.compressed == "".join((project / "dpkg.log").read_text().splitlines(True)[9:12])


def test_read_refuses_dot_dot_escapes(project):
    (project.parent / "outside.txt").write_text("secret plans")
    with pytest.raises(AccessDenied, match="outside the allowed roots"):
        read("../outside.txt")


def test_read_refuses_symlink_escapes(project):
    (project.parent / "outside.txt").write_text("secret plans")
    (project / "link.txt").symlink_to(project.parent / "outside.txt")
    with pytest.raises(AccessDenied, match=r"through a symlink.*outside the allowed roots"):
        read("link.txt")


@pytest.mark.parametrize("name", [".env", "id_rsa", "server.pem", "credentials.json", ".netrc"])
def test_read_refuses_likely_secrets_unless_allowed(project, monkeypatch, name):
    (project / name).write_text("TOKEN=abc123\n")
    with pytest.raises(AccessDenied, match=r"may hold credentials.*HEADROOM_MCP_ALLOW_SECRETS"):
        read(name)
    monkeypatch.setenv("HEADROOM_MCP_ALLOW_SECRETS", name)
    assert read(name).compressed == "TOKEN=abc123\n"


def test_read_refuses_a_file_holding_a_private_key_whatever_its_name(project):
    (project / "notes.txt").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n")
    with pytest.raises(AccessDenied, match="contains a private key"):
        read("notes.txt")


def test_read_refuses_binary_files_naming_type_and_size(project):
    (project / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    with pytest.raises(AccessDenied, match=r"PNG image \(108 bytes\)"):
        read("logo.png")


def test_run_is_off_until_allowlisted(project):
    with pytest.raises(AccessDenied, match="HEADROOM_MCP_RUN_ALLOW"):
        run(["grep", "-rn", "def ", "."])


def test_run_refuses_commands_not_on_the_allowlist(project, monkeypatch):
    monkeypatch.setenv("HEADROOM_MCP_RUN_ALLOW", "grep,git log")
    with pytest.raises(AccessDenied, match="'rm' is not allowed"):
        run(["rm", "-rf", "."])
    with pytest.raises(AccessDenied, match="not allowed"):
        run(["git", "push"])


def test_run_refuses_paths_outside_the_roots(project, monkeypatch):
    monkeypatch.setenv("HEADROOM_MCP_RUN_ALLOW", "grep")
    with pytest.raises(AccessDenied, match="outside the allowed roots"):
        run(["grep", "-r", "root", "/etc"])


def test_run_grep_is_compressed_as_search_results_with_its_exit_code(project, monkeypatch):
    monkeypatch.setenv("HEADROOM_MCP_RUN_ALLOW", "grep")
    result = run(["grep", "-rn", "status", "."], query="which lines mention libc-bin")
    assert result.exit_code == 0
    assert result.kind == "search"
    assert result.command == ["grep", "-rn", "status", "."]
    nothing = run(["grep", "-rn", "no-such-text-anywhere", "."])
    assert nothing.exit_code == 1 and nothing.compressed == ""


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
async def test_both_tools_work_over_mcp_with_the_clients_roots(tmp_path, monkeypatch):
    client_root = tmp_path / "workspace"
    client_root.mkdir()
    shutil.copy(DATA / "search/grep_click_defs.txt", client_root / "hits.txt")
    monkeypatch.setenv("HEADROOM_MCP_ROOTS", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("HEADROOM_MCP_RUN_ALLOW", "grep")

    async def roots(context, params=None):
        return ListRootsResult(roots=[Root(uri=client_root.as_uri(), name="workspace")])

    # Roots travel over the initialize-handshake protocol that desktop clients speak.
    async with Client(app, list_roots_callback=roots, mode="legacy") as client:
        tools = {t.name for t in (await client.list_tools()).tools}
        assert {"headroom_read", "headroom_run"} <= tools
        got = await client.call_tool(
            "headroom_read", {"path": "hits.txt", "query": "echo", "format": "json"}
        )
        assert not got.is_error, got.content[0].text
        assert got.structured_content["kind"] == "search"
        ran = await client.call_tool(
            "headroom_run", {"argv": ["grep", "-c", "def", "hits.txt"], "format": "json"}
        )
        assert not ran.is_error, ran.content[0].text
        assert ran.structured_content["exit_code"] == 0
        as_text = await client.call_tool(
            "headroom_run", {"argv": ["grep", "-c", "def", "hits.txt"]}
        )
        assert as_text.content[0].text.startswith(
            "[headroom run: `grep -c def hits.txt` exited with code 0]"
        )
        refused = await client.call_tool("headroom_read", {"path": "/etc/passwd"})
        assert refused.is_error and "outside the allowed roots" in refused.content[0].text


@pytest.mark.anyio
async def test_without_client_roots_the_configured_roots_apply(project):
    async with Client(app) as client:
        got = await client.call_tool(
            "headroom_read", {"path": "dpkg.log", "lines": "1-3", "format": "json"}
        )
    assert not got.is_error, got.content[0].text
    assert got.structured_content["path"] == str(project / "dpkg.log")


@pytest.mark.anyio
async def test_originals_read_under_one_root_stay_hidden_from_servers_with_other_roots(
    tmp_path, monkeypatch
):
    root_a, root_b = tmp_path / "a", tmp_path / "b"
    root_a.mkdir()
    root_b.mkdir()
    (root_a / "plans.txt").write_text("zanzibar launch codes\n" * 40)
    monkeypatch.setenv("HEADROOM_MCP_ROOTS", str(root_a))
    async with Client(app) as client:
        read_a = await client.call_tool("headroom_read", {"path": "plans.txt", "format": "json"})
        shared = await client.call_tool(
            "headroom_compress", {"content": "zanzibar shared notes\n" * 40, "format": "json"}
        )
    digest = read_a.structured_content["hash"]
    uri = f"headroom://original/{digest}"

    monkeypatch.setenv("HEADROOM_MCP_ROOTS", str(root_b))
    async with Client(app) as client:
        found = await client.call_tool("headroom_retrieve", {"query": "zanzibar"})
        by_hash = await client.call_tool("headroom_retrieve", {"hash": digest})
        listed = {str(r.uri) for r in (await client.list_resources()).resources}
        with pytest.raises(Exception, match="No original is stored"):
            await client.read_resource(uri)
    assert shared.structured_content["hash"] in found.content[0].text
    assert digest not in found.content[0].text
    assert by_hash.is_error and "No original is stored" in by_hash.content[0].text
    assert uri not in listed

    monkeypatch.setenv("HEADROOM_MCP_ROOTS", str(root_a))
    async with Client(app) as client:
        again = await client.call_tool("headroom_retrieve", {"hash": digest})
        assert uri in {str(r.uri) for r in (await client.list_resources()).resources}
    assert not again.is_error
    assert retrieve(digest).content.startswith("zanzibar launch codes")  # the CLI sees all
