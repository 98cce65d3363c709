"""headroom_read under attack: races, pipes, huge files, default roots, secret look-alikes."""

import contextlib
import os
import threading
from pathlib import Path

import anyio
import pytest
from mcp import Client

from headroom_mcp import AccessDenied, read
from headroom_mcp.file_reading import read_text
from headroom_mcp.server import app

SECRET = "root:x:0:0:OUTSIDE-SECRET\n"


@pytest.fixture
def root(tmp_path, monkeypatch):
    folder = tmp_path / "project"
    folder.mkdir()
    (tmp_path / "outside.txt").write_text(SECRET)
    monkeypatch.setenv("HEADROOM_MCP_ROOTS", str(folder))
    return folder


def test_swapping_the_file_for_a_symlink_never_leaks_the_outside_file(root, tmp_path):
    target = root / "file.txt"
    target.write_text("inside\n")
    stop = threading.Event()

    def swap():
        while not stop.is_set():
            spare = root / "spare"
            spare.symlink_to(tmp_path / "outside.txt")
            os.replace(spare, target)
            spare.write_text("inside\n")
            os.replace(spare, target)

    swapper = threading.Thread(target=swap)
    swapper.start()
    leaks = served = 0
    try:
        for _ in range(3000):
            try:
                got = read_text("file.txt", [root], (), 1 << 20)
            except AccessDenied:
                continue
            served += 1
            leaks += "OUTSIDE-SECRET" in got.text
    finally:
        stop.set()
        swapper.join()
    assert leaks == 0
    assert served > 0


def test_swapping_a_folder_for_a_symlink_never_leaks(root, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "f.txt").write_text(SECRET)
    (root / "dir").mkdir()
    (root / "dir" / "f.txt").write_text("inside\n")
    stop = threading.Event()

    def swap():
        while not stop.is_set():
            os.rename(root / "dir", root / "real")
            (root / "dir").symlink_to(tmp_path / "elsewhere")
            os.unlink(root / "dir")
            os.rename(root / "real", root / "dir")

    swapper = threading.Thread(target=swap)
    swapper.start()
    leaks = 0
    try:
        for _ in range(2000):
            with contextlib.suppress(AccessDenied):
                leaks += "OUTSIDE-SECRET" in read_text("dir/f.txt", [root], (), 1 << 20).text
    finally:
        stop.set()
        swapper.join()
    assert leaks == 0


def test_a_named_pipe_is_refused_at_once_and_never_hangs(root):
    os.mkfifo(root / "pipe")
    with pytest.raises(AccessDenied, match=r"named pipe \(FIFO\)"):
        read("pipe")


def test_lines_reads_a_range_of_a_file_over_the_size_cap_without_reading_it_all(root, monkeypatch):
    monkeypatch.setenv("HEADROOM_MCP_MAX_CONTENT_BYTES", "10000")
    (root / "big.log").write_text("".join(f"line {i}\n" for i in range(1, 200_001)))
    with pytest.raises(AccessDenied, match="over the 10,000-byte limit"):
        read("big.log")
    got = read("big.log", lines="150000-150002")
    assert got.compressed == "line 150000\nline 150001\nline 150002\n"
    assert got.lines_read == "150000-150002 of 200000"
    with pytest.raises(AccessDenied, match="Ask for fewer lines"):
        read("big.log", lines="1-")


@pytest.mark.parametrize("where", ["/", "home"])
def test_without_roots_a_server_started_in_slash_or_home_refuses(tmp_path, monkeypatch, where):
    monkeypatch.delenv("HEADROOM_MCP_ROOTS", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "notes.txt").write_text("hello\n")
    monkeypatch.chdir("/" if where == "/" else tmp_path)
    with pytest.raises(AccessDenied, match="HEADROOM_MCP_ROOTS") as info:
        read("/etc/passwd" if where == "/" else "notes.txt")
    assert "No allowed roots" in str(info.value)


def test_without_roots_a_project_working_directory_is_still_served(tmp_path, monkeypatch):
    monkeypatch.delenv("HEADROOM_MCP_ROOTS", raising=False)
    project = tmp_path / "home" / "project"
    project.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (project / "notes.txt").write_text("hello\n")
    monkeypatch.chdir(project)
    assert read("notes.txt").compressed == "hello\n"


@pytest.mark.parametrize(
    "name",
    [
        "credentials.txt",
        "id_rsa.bak",
        "id_ed25519.old",
        "terraform.tfstate",
        "terraform.tfstate.backup",
        ".bash_history",
        ".zsh_history",
        ".env.bak",
        "prod.tfvars",
    ],
)
def test_secret_look_alike_names_are_refused(root, name):
    (root / name).write_text("value\n")
    with pytest.raises(AccessDenied, match="may hold credentials"):
        read(name)


def test_a_hard_link_to_a_secret_is_refused(root):
    (root / ".env").write_text("API_KEY=abc\n")
    os.link(root / ".env", root / "notes.txt")
    with pytest.raises(AccessDenied, match=r"hard link to .*\.env"):
        read("notes.txt")


def test_a_hard_link_to_a_file_outside_the_roots_is_refused(root, tmp_path):
    os.link(tmp_path / "outside.txt", root / "notes.txt")
    with pytest.raises(AccessDenied, match="only 1 are inside the allowed roots"):
        read("notes.txt")


def test_hard_links_that_stay_inside_the_roots_are_fine(root):
    (root / "a.txt").write_text("shared\n")
    os.link(root / "a.txt", root / "b.txt")
    assert read("b.txt").compressed == "shared\n"


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n", "private key"),
        ("-----BEGIN PGP PRIVATE KEY BLOCK-----\n", "private key"),
        ("aws_access_key_id = AKIAZ3XAMPLEKEY12345\n", "AWS key"),
        ("token: ghp_" + "a" * 36 + "\n", "API token"),
    ],
)
def test_credentials_deep_inside_a_file_are_found(root, secret, reason):
    (root / "notes.md").write_text("harmless line\n" * 5000 + secret + "more\n" * 10)
    with pytest.raises(AccessDenied, match=reason):
        read("notes.md")
    with pytest.raises(AccessDenied, match=reason):
        read("notes.md", lines="1-3")


def test_documentation_example_keys_are_not_secrets(root):
    (root / "aws.md").write_text("Use a key like AKIAIOSFODNN7EXAMPLE in examples.\n")
    assert "AKIAIOSFODNN7EXAMPLE" in read("aws.md").compressed


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("a\x00b.txt", "NUL character"),
        ("loop", "symlink loop"),
        ("x/" * 3000, "over the 4,096"),
        ("missing.txt", "does not exist"),
    ],
    ids=["nul", "loop", "long", "missing"],
)
async def test_every_refusal_over_mcp_names_its_reason(root, path, reason):
    (root / "loop").symlink_to(root / "loop")
    with anyio.fail_after(10):
        async with Client(app) as client:
            got = await client.call_tool("headroom_read", {"path": path})
    assert got.is_error
    assert reason in got.content[0].text


def test_read_text_reports_the_real_path(root):
    (root / "a.txt").write_text("x\n")
    assert read_text("a.txt", [root], (), 100).path == Path(root / "a.txt")
