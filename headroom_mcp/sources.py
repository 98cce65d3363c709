"""headroom_read and headroom_run: fetch content inside the server and compress it there,
so the model never pays for the uncompressed text.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from headroom_mcp.api import compress
from headroom_mcp.config import Settings
from headroom_mcp.context import current
from headroom_mcp.errors import AccessDenied
from headroom_mcp.results import ReadResult, RunResult


def _roots(settings: Settings, client_roots: Sequence[Path] | None) -> list[Path]:
    """The client's MCP roots when it offered any, else HEADROOM_MCP_ROOTS, else the cwd when
    it is a project folder (not / or home); AccessDenied saying how to set roots otherwise."""
    from headroom_mcp.access import effective_roots, require_roots

    roots = effective_roots(client_roots, settings.roots)
    require_roots(roots)
    return roots


def read(
    path: str,
    query: str | None = None,
    max_tokens: int | None = None,
    lines: str | None = None,
    *,
    roots: Sequence[Path] | None = None,
    client: str | None = None,
) -> ReadResult:
    """Read a file inside the allowed roots and return it compressed; the original is stored.

    Raises:
        AccessDenied: outside the roots (also through `..` or a symlink), a likely secret,
            binary, or too large.
    """
    from headroom_mcp.file_reading import read_text

    settings, _ = current()
    got = read_text(
        path, _roots(settings, roots), settings.allow_secrets, settings.max_content_bytes, lines
    )
    resolved, text, span = got.path, got.text, got.lines_read
    result = compress(
        text, query, "auto", max_tokens, name=resolved.name, client=client, origin=str(resolved)
    )
    return ReadResult(**asdict(result), path=str(resolved), lines_read=span)


def run(
    argv: list[str],
    query: str | None = None,
    max_tokens: int | None = None,
    cwd: str | None = None,
    *,
    roots: Sequence[Path] | None = None,
    client: str | None = None,
) -> RunResult:
    """Run one allowlisted command (no shell) and return its output compressed.

    Raises:
        AccessDenied: headroom_run is off, the command is not allowlisted, a path argument or
            `cwd` is outside the roots, or the command timed out (its partial output is stored).
    """
    from headroom_mcp.access import resolve_inside
    from headroom_mcp.command_policy import check_argv, ensure_enabled, git_filter_overrides
    from headroom_mcp.runner import child_env, find_executable, kind_for, run_command
    from headroom_mcp.sandbox import sandbox_for

    settings, _ = current()
    ensure_enabled(settings.run_allow, settings.run_allow_exec)
    allowed_roots = _roots(settings, roots)
    workdir = resolve_inside(cwd, allowed_roots) if cwd else allowed_roots[0]
    if not workdir.is_dir():
        raise AccessDenied(f"cwd={cwd!r} is not a folder. Pass a folder inside the roots.")
    checked = check_argv(argv, settings.run_allow, settings.run_allow_exec, workdir, allowed_roots)
    sandbox, sandbox_status = sandbox_for(settings.run_sandbox, settings.run_path)
    command, extra_env = checked.argv, checked.env
    if command[0] == "git":
        # A repository above the roots is outside them: git must not find it.
        extra_env["GIT_CEILING_DIRECTORIES"] = os.pathsep.join(
            str(r.parent) for r in allowed_roots if r.parent != r
        )
        git = find_executable("git", settings.run_path)
        env = child_env(settings.run_path, "/nonexistent", extra_env)
        command = [command[0], *git_filter_overrides(git, workdir, env), *command[1:]]
    output = run_command(
        command, workdir, settings.run_timeout_seconds, settings.run_max_output_bytes,
        search_path=settings.run_path, env=extra_env, sandbox=sandbox, readable=allowed_roots,
    )  # fmt: skip
    if output.timed_out:
        partial = compress(output.text, query, kind_for(argv), client=client, origin=str(workdir))
        raise AccessDenied(
            f"{' '.join(argv)!r} timed out after {settings.run_timeout_seconds:g} s "
            "(HEADROOM_MCP_RUN_TIMEOUT_SECONDS) and was stopped. Its partial output is stored: "
            f'headroom_retrieve(hash="{partial.hash}").'
        )
    result = compress(
        output.text, query, kind_for(argv), max_tokens, client=client, origin=str(workdir)
    )
    fields = asdict(result)
    fields["transforms"] = [*result.transforms, f"sandbox:{sandbox_status}"]
    return RunResult(
        **fields,
        command=list(argv),
        exit_code=output.exit_code,
        output_truncated=output.truncated,
    )
