"""bubblewrap around headroom_run's commands: the roots read-only, no network, a private /tmp.

Used when `bwrap` (Debian package `bubblewrap`) is installed and works here (user namespaces
can be disabled); otherwise commands run under the argument policy alone, and run results and
stats say so. HEADROOM_MCP_RUN_SANDBOX picks: `auto` (the default), `bwrap` (refuse to run
without it) or `off`.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from headroom_mcp.errors import AccessDenied

SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
PROBE_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Sandbox:
    """The bwrap executable and how to wrap a command in it."""

    bwrap: str

    def wrap(
        self,
        argv: Sequence[str],
        cwd: Path,
        readable: Sequence[Path],
        search_path: str,
        home: str,
    ) -> list[str]:
        args = [self.bwrap, "--unshare-all", "--die-with-parent", "--cap-drop", "ALL"]
        for folder in SYSTEM_DIRS:
            if os.path.islink(folder):
                args += ["--symlink", os.readlink(folder), folder]
            elif os.path.isdir(folder):
                args += ["--ro-bind", folder, folder]
        args += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--dir", home]
        bound = [Path(f) for f in SYSTEM_DIRS]
        # Folders of HEADROOM_MCP_RUN_PATH outside the system ones (a virtualenv's bin): its
        # parent is the environment, which the command needs to start.
        extra = [Path(d).resolve().parent for d in search_path.split(os.pathsep) if d]
        extra += [base for env in extra if (base := _venv_base(env)) is not None]
        for path in [*extra, *readable]:
            if path.is_dir() and not any(path.is_relative_to(b) for b in bound):
                args += ["--ro-bind", str(path), str(path)]
                bound.append(path)
        return [*args, "--chdir", str(cwd), "--", *argv]


def _venv_base(folder: Path) -> Path | None:
    """The Python installation a virtualenv's interpreter links to (pyvenv.cfg `home`)."""
    try:
        config = (folder / "pyvenv.cfg").read_text(encoding="utf-8")
    except OSError:
        return None
    for line in config.splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "home" and value.strip():
            return Path(value.strip()).resolve().parent
    return None


@functools.cache
def _probe(bwrap: str) -> str | None:
    """None when bwrap can start a sandbox here, else why not."""
    sandbox = Sandbox(bwrap)
    true = shutil.which("true", path="/usr/bin:/bin") or "/bin/true"
    try:
        done = subprocess.run(
            sandbox.wrap([true], Path("/"), [], "", "/tmp/home"),
            capture_output=True,
            timeout=PROBE_TIMEOUT_SECONDS,
            env={"PATH": "/usr/bin:/bin"},
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if done.returncode != 0:
        return done.stderr.decode("utf-8", "replace").strip()[:200] or f"exit {done.returncode}"
    return None


def sandbox_for(mode: str, search_path: str) -> tuple[Sandbox | None, str]:
    """The sandbox to use under HEADROOM_MCP_RUN_SANDBOX=`mode`, and a status line for results
    and stats ("bwrap" or "none (...)")."""
    if mode == "off":
        return None, "none (HEADROOM_MCP_RUN_SANDBOX=off; argument policy only)"
    bwrap = shutil.which("bwrap", path=search_path) or shutil.which("bwrap", path="/usr/bin:/bin")
    problem = "bubblewrap is not installed" if bwrap is None else _probe(bwrap)
    if problem is None and bwrap is not None:
        return Sandbox(bwrap), "bwrap"
    if mode == "bwrap":
        raise AccessDenied(
            f"headroom_run needs bubblewrap (HEADROOM_MCP_RUN_SANDBOX=bwrap) but {problem}. Ask "
            "the user to install it (apt-get install bubblewrap) or to set "
            "HEADROOM_MCP_RUN_SANDBOX=auto."
        )
    return None, f"none ({problem}; argument policy only)"
