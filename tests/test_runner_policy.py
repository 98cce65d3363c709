"""headroom_run under attack: every way the review turned the allowlist into arbitrary command
execution or reads outside the roots, each on a real temp tree, now refused or contained."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from headroom_mcp import AccessDenied, retrieve, run
from headroom_mcp.sandbox import sandbox_for

HAS_GIT = shutil.which("git") is not None
VENV_BIN = str(Path(sys.executable).parent)
SANDBOXED = sandbox_for("auto", "/usr/bin:/bin")[0] is not None


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A root with a file, and a folder outside it holding a secret and a symlink to it."""
    root = tmp_path / "project"
    (root / "sub").mkdir(parents=True)
    (root / "notes.txt").write_text("hello from inside\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd").write_text("root:x:0:0:outside secret\n")
    (root / "etclink").symlink_to(outside)
    monkeypatch.setenv("HEADROOM_MCP_ROOTS", str(root))
    monkeypatch.setenv("HEADROOM_MCP_TOKEN", "server-token-123")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws-secret-456")
    return root, outside


@pytest.fixture
def git_repo(tree, tmp_path):
    """A repository whose own config runs a canary from every hook git offers a reader."""
    root, _ = tree
    canary = tmp_path / "canary"
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}

    def git(*args):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "a@example.com")
    git("config", "user.name", "a")
    (root / ".gitattributes").write_text("* filter=evil diff=evil\n")
    git("add", ".")
    git("commit", "-qm", "first")
    (root / "notes.txt").write_text("hello from inside\nchanged\n")
    touch = f"sh -c 'echo ran >> {canary}; cat'"
    git("config", "filter.evil.clean", touch)
    git("config", "diff.external", touch)
    git("config", "diff.evil.textconv", touch)
    git("config", "core.fsmonitor", touch)
    git("config", "core.pager", touch)
    git("config", "log.showSignature", "true")
    git("config", "gpg.program", touch)
    return root, canary


@pytest.mark.parametrize(
    "argv",
    [
        ["git", "log", "--pretty=tformat:echo pwned", "--output=evil.sh"],
        ["git", "log", "--output", "/tmp/elsewhere"],
        ["git", "diff", "--ext-diff"],
        ["git", "show", "--textconv", "HEAD"],
        ["git", "-c", "core.pager=sh", "log"],
        ["git", "-C", "/", "log"],
        ["git", "diff", "--no-index", "/etc/passwd", "notes.txt"],
        ["rg", "--pre", "sh", "-e", ".", "notes.txt"],
        ["rg", "--pre=sh", "x"],
        ["rg", "-z", "x"],
        ["rg", "--search-zip", "x"],
        ["rg", "-L", "x"],
        ["grep", "-R", "x", "."],
        ["find", ".", "-exec", "sh", "-c", "id", ";"],
        ["find", ".", "-execdir", "id", ";"],
        ["find", ".", "-ok", "id", ";"],
        ["find", ".", "-delete"],
        ["find", ".", "-fprint", "out.txt"],
        ["find", "-L", "."],
        ["tail", "-f", "notes.txt"],
        ["ls", "-L", "etclink"],
    ],
    ids=lambda argv: " ".join(argv)[:40],
)
def test_options_that_write_execute_or_follow_links_are_refused(tree, monkeypatch, argv):
    monkeypatch.setenv("HEADROOM_MCP_RUN_ALLOW", "rg,grep,find,ls,tail,git log,git diff,git show")
    with pytest.raises(AccessDenied, match="not allowed"):
        run(argv)
    assert not (tree[0] / "evil.sh").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["/usr/bin/grep", "x", "notes.txt"],
        ["./grep", "x"],
        ["../outside/bin/grep", "x"],
    ],
)
def test_argv0_must_be_a_bare_name(tree, monkeypatch, argv):
    monkeypatch.setenv("HEADROOM_MCP_RUN_ALLOW", "grep")
    with pytest.raises(AccessDenied, match="bare command name"):
        run(argv)


@pytest.mark.parametrize(
    ("argv", "cwd"),
    [
        (["grep", "-rh", "root", "etclink"], None),
        (["grep", "root", "etclink/passwd"], None),
        (["grep", "root", "sub/../../outside/passwd"], None),
        (["grep", "root", "../../outside/passwd"], "sub"),
        (["grep", "-f", "etclink/passwd", "notes.txt"], None),
        (["grep", "--file=../outside/passwd", "notes.txt"], None),
        (["ls", "etclink"], None),
        (["wc", "-l", "etclink/passwd"], None),
        (["find", "etclink", "-name", "passwd"], None),
        (["find", ".", "-newer", "etclink/passwd"], None),
        (["git", "diff", "etclink/passwd"], None),
    ],
)
def test_paths_are_resolved_from_the_commands_cwd_with_symlinks_followed(
    tree, monkeypatch, argv, cwd
):
    monkeypatch.setenv("HEADROOM_MCP_RUN_ALLOW", "grep,ls,wc,find,git diff")
    with pytest.raises(AccessDenied, match="outside the allowed roots"):
        run(argv, cwd=cwd)


def test_relative_paths_count_from_the_commands_cwd(tree, monkeypatch):
    monkeypatch.setenv("HEADROOM_MCP_RUN_ALLOW", "grep")
    result = run(["grep", "-c", "hello", "../notes.txt"], cwd="sub")
    assert result.exit_code == 0
    assert result.compressed.strip() == "1"


def test_explicit_secret_paths_are_refused(tree, monkeypatch):
    (tree[0] / ".env").write_text("TOKEN=abc\n")
    monkeypatch.setenv("HEADROOM_MCP_RUN_ALLOW", "grep")
    with pytest.raises(AccessDenied, match="may hold credentials"):
        run(["grep", "TOKEN", ".env"])


def test_commands_without_a_policy_cannot_be_allowlisted(tree, monkeypatch):
    monkeypatch.setenv("HEADROOM_MCP_RUN_ALLOW", "sh,grep")
    with pytest.raises(AccessDenied, match="no argument policy"):
        run(["sh", "-c", "id"])


def test_pytest_runs_project_code_so_it_needs_its_own_opt_in(tree, tmp_path, monkeypatch):
    root, _ = tree
    canary = tmp_path / "conftest-ran"
    (root / "conftest.py").write_text(f"open({str(canary)!r}, 'w').write('ran')\n")
    monkeypatch.setenv("HEADROOM_MCP_RUN_ALLOW", "grep,pytest")
    with pytest.raises(AccessDenied, match="HEADROOM_MCP_RUN_ALLOW_EXEC"):
        run(["pytest", "-q"])
    assert not canary.exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["pytest", "--basetemp=/outside/x"],
        ["pytest", "--basetemp", "../outside/x"],
        ["pytest", "--junitxml=/outside/report.xml"],
        ["pytest", "-o", "cache_dir=/outside/cache"],
    ],
)
def test_even_opted_in_pytest_gets_no_paths_outside_the_roots(tree, monkeypatch, argv):
    monkeypatch.setenv("HEADROOM_MCP_RUN_ALLOW_EXEC", "pytest")
    with pytest.raises(AccessDenied, match="outside the allowed roots"):
        run(argv)


@pytest.fixture
def exec_pytest(tree, monkeypatch):
    monkeypatch.setenv("HEADROOM_MCP_RUN_ALLOW_EXEC", "pytest")
    monkeypatch.setenv("HEADROOM_MCP_RUN_PATH", f"{VENV_BIN}:/usr/bin:/bin")
    return tree[0]


def test_the_child_sees_none_of_the_servers_environment(exec_pytest):
    (exec_pytest / "test_env.py").write_text(
        "import os\ndef test_env():\n    print(sorted(os.environ.items()))\n"
    )
    result = run(["pytest", "-q", "-s", "-p", "no:cacheprovider", "test_env.py"])
    assert result.exit_code == 0, result.compressed
    assert "'PATH'" in result.compressed
    assert "server-token-123" not in result.compressed
    assert "aws-secret-456" not in result.compressed
    assert "HEADROOM_MCP" not in result.compressed


@pytest.mark.parametrize("sandbox", ["off", "auto"])
def test_a_timeout_kills_the_whole_process_group_and_keeps_the_partial_output(
    exec_pytest, monkeypatch, sandbox
):
    monkeypatch.setenv("HEADROOM_MCP_RUN_SANDBOX", sandbox)
    monkeypatch.setenv("HEADROOM_MCP_RUN_TIMEOUT_SECONDS", "2")
    (exec_pytest / "test_spawn.py").write_text(
        "import subprocess, time\n"
        "def test_spawn():\n"
        "    child = subprocess.Popen(['sleep', '60'])\n"
        "    print('spawned', child.pid, flush=True)\n"
        "    time.sleep(60)\n"
    )
    started = time.monotonic()
    with pytest.raises(AccessDenied, match=r"timed out after 2 s.*hash=\"(\w+)\"") as info:
        run(["pytest", "-q", "-s", "-p", "no:cacheprovider", "test_spawn.py"])
    assert time.monotonic() - started < 2 + 1
    digest = str(info.value).rsplit('hash="', 1)[1].split('"')[0]
    assert "spawned" in retrieve(digest).content
    leftovers = subprocess.run(
        ["pgrep", "-f", "^sleep 60$"], capture_output=True, text=True, check=False
    ).stdout.split()
    assert [pid for pid in leftovers if _state(pid) not in ("Z", "")] == []


def _state(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return ""


@pytest.mark.skipif(not SANDBOXED, reason="bubblewrap is not installed or cannot run here")
def test_in_the_sandbox_roots_are_read_only_and_the_rest_is_hidden(exec_pytest, tmp_path):
    (exec_pytest / "test_escape.py").write_text(
        "import os, pathlib\n"
        "def test_escape():\n"
        "    try:\n"
        "        pathlib.Path('written.txt').write_text('x')\n"
        "    except OSError as exc:\n"
        "        print('write refused', exc.errno)\n"
        f"    print('outside visible', os.path.exists({str(tmp_path / 'outside')!r}))\n"
    )
    result = run(["pytest", "-q", "-s", "-p", "no:cacheprovider", "test_escape.py"])
    assert "sandbox:bwrap" in result.transforms
    assert "write refused" in result.compressed
    assert "outside visible False" in result.compressed
    assert not (exec_pytest / "written.txt").exists()


def test_without_the_sandbox_run_says_it_relies_on_the_policy_alone(tree, monkeypatch):
    monkeypatch.setenv("HEADROOM_MCP_RUN_ALLOW", "grep")
    monkeypatch.setenv("HEADROOM_MCP_RUN_SANDBOX", "off")
    result = run(["grep", "-c", "hello", "notes.txt"])
    assert result.exit_code == 0
    assert any(t.startswith("sandbox:none") and "policy only" in t for t in result.transforms)


@pytest.mark.skipif(not HAS_GIT, reason="git is not installed")
@pytest.mark.parametrize("sandbox", ["off", "auto"])
@pytest.mark.parametrize(
    "argv",
    [
        ["git", "diff"],
        ["git", "status"],
        ["git", "log", "-p", "-1"],
        ["git", "show", "HEAD"],
        ["git", "blame", "notes.txt"],
        ["git", "grep", "-n", "hello"],
    ],
    ids=lambda argv: " ".join(argv[:2]),
)
def test_a_hostile_repository_config_runs_nothing(git_repo, monkeypatch, argv, sandbox):
    _, canary = git_repo
    monkeypatch.setenv("HEADROOM_MCP_RUN_SANDBOX", sandbox)
    monkeypatch.setenv(
        "HEADROOM_MCP_RUN_ALLOW", "git diff,git status,git log,git show,git blame,git grep"
    )
    result = run(argv)
    assert result.exit_code == 0, result.compressed
    assert not canary.exists()


def test_stats_say_how_run_is_confined(tree, monkeypatch):
    from headroom_mcp import stats

    assert stats().run_sandbox.startswith("off")
    monkeypatch.setenv("HEADROOM_MCP_RUN_ALLOW", "grep")
    expected = "bwrap" if SANDBOXED else "none"
    assert stats().run_sandbox.startswith(expected)
    monkeypatch.setenv("HEADROOM_MCP_RUN_SANDBOX", "off")
    assert "policy only" in stats().run_sandbox


@pytest.mark.skipif(not HAS_GIT, reason="git is not installed")
def test_git_does_not_find_a_repository_above_the_roots(tmp_path, monkeypatch):
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=env)
    (tmp_path / "secret.txt").write_text("outside the root\n")
    subprocess.run(["git", "-C", str(tmp_path), "add", "secret.txt"], check=True, env=env)
    root = tmp_path / "sub"
    root.mkdir()
    monkeypatch.setenv("HEADROOM_MCP_ROOTS", str(root))
    monkeypatch.setenv("HEADROOM_MCP_RUN_ALLOW", "git status")
    monkeypatch.setenv("HEADROOM_MCP_RUN_SANDBOX", "off")
    result = run(["git", "status", "--porcelain"])
    assert result.exit_code != 0
    assert "secret.txt" not in result.compressed
    assert "not a git repository" in result.compressed
