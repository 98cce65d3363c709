"""headroom_read and headroom_run: fetch content inside the server and compress it there,
so the model never pays for the uncompressed text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from headroom_mcp.api import compress
from headroom_mcp.config import Settings
from headroom_mcp.context import current
from headroom_mcp.errors import AccessDenied, InvalidArgument
from headroom_mcp.results import ReadResult, RunResult


def _roots(settings: Settings, client_roots: Sequence[Path] | None) -> list[Path]:
    """The client's MCP roots when it offered any, else HEADROOM_MCP_ROOTS, else the cwd."""
    chosen = client_roots or settings.roots or (Path.cwd(),)
    return [Path(r).expanduser().resolve() for r in chosen]


def _line_range(text: str, lines: str) -> tuple[str, str]:
    """The 1-based inclusive range START-END (or START) of `text`, and how it was read."""
    match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)?)?\s*", lines)
    if not match:
        raise InvalidArgument(f'lines={lines!r} is not a range: use "120-200", "120-" or "120".')
    all_lines = text.splitlines(keepends=True)
    first = int(match[1])
    last = int(match[2]) if match[2] else (len(all_lines) if "-" in lines else first)
    if first < 1 or last < first:
        raise InvalidArgument(f"lines={lines!r}: start at 1 and end at or after the start.")
    return "".join(
        all_lines[first - 1 : last]
    ), f"{first}-{min(last, len(all_lines))} of {len(all_lines)}"


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
    from headroom_mcp.access import check_readable, resolve_inside

    settings, _ = current()
    resolved = resolve_inside(path, _roots(settings, roots))
    limit = settings.max_content_bytes if lines is None else 2**62
    check_readable(resolved, settings.allow_secrets, limit)
    try:
        text = resolved.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AccessDenied(
            f"Refusing to read {resolved}: byte {exc.start} is not UTF-8, so it is not text."
        ) from None
    span = f"1-{text.count(chr(10)) + 1}"
    if lines is not None:
        text, span = _line_range(text, lines)
    result = compress(text, query, "auto", max_tokens, name=resolved.name, client=client)
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
    from headroom_mcp.runner import check_command, kind_for, run_command

    settings, _ = current()
    allowed_roots = _roots(settings, roots)
    check_command(argv, settings.run_allow, allowed_roots)
    workdir = resolve_inside(cwd, allowed_roots) if cwd else allowed_roots[0]
    output = run_command(argv, workdir, settings.run_timeout_seconds, settings.run_max_output_bytes)
    if output.timed_out:
        partial = compress(output.text, query, kind_for(argv), client=client)
        raise AccessDenied(
            f"{' '.join(argv)!r} timed out after {settings.run_timeout_seconds:g} s "
            "(HEADROOM_MCP_RUN_TIMEOUT_SECONDS) and was stopped. Its partial output is stored: "
            f'headroom_retrieve(hash="{partial.hash}").'
        )
    result = compress(output.text, query, kind_for(argv), max_tokens, client=client)
    return RunResult(
        **asdict(result),
        command=list(argv),
        exit_code=output.exit_code,
        output_truncated=output.truncated,
    )
