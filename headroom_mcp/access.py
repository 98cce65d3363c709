"""Where headroom_read and headroom_run may go: inside the allowed roots, after symlinks.

Roots are the client's MCP roots when it offers them, else HEADROOM_MCP_ROOTS, else the working
directory, unless that is `/`, the home folder or above it: then read and run refuse, saying
how to set roots. A path is checked after resolving `..` and symlinks, so neither can lead
outside a root.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence
from pathlib import Path

from headroom_mcp.errors import AccessDenied, InvalidArgument

MAX_PATH_CHARS = 4096  # Linux PATH_MAX
MAX_NAME_CHARS = 255  # Linux NAME_MAX
NO_ROOTS = (
    "No allowed roots: the client offered no MCP roots, HEADROOM_MCP_ROOTS is not set, and the "
    "server's working directory ({cwd}) is too broad to serve. Ask the user to set "
    "HEADROOM_MCP_ROOTS to the project folder(s) in the server's environment (or run "
    "`headroom-mcp install --root PROJECT`), or to use a client that sends MCP roots."
)


def is_too_broad(folder: Path) -> bool:
    """`/`, the home folder, or a folder above it: never a default root."""
    home = Path.home().resolve()
    return folder == Path(folder.anchor) or folder == home or home.is_relative_to(folder)


def effective_roots(
    client_roots: Sequence[Path] | None, configured: Sequence[Path], cwd: Path | None = None
) -> list[Path]:
    """The roots in force: the client's, else the configured ones, else the working directory
    when it is a project folder. Empty when there are none (callers refuse)."""
    if client_roots:
        return [Path(r).expanduser().resolve() for r in client_roots]
    if configured:
        return [Path(r).expanduser().resolve() for r in configured]
    here = (cwd or Path.cwd()).resolve()
    return [] if is_too_broad(here) else [here]


def require_roots(roots: Sequence[Path]) -> None:
    if not roots:
        raise AccessDenied(NO_ROOTS.format(cwd=Path.cwd()))


def check_path_text(path_text: object) -> str:
    """The path as given, when it can name a file at all; InvalidArgument with the reason."""
    if not isinstance(path_text, str) or not path_text:
        raise InvalidArgument('path must be a non-empty string, e.g. "src/app.py".')
    if "\x00" in path_text:
        raise InvalidArgument(
            "The path contains a NUL character, which no file name can hold. Pass the path "
            "without it."
        )
    if len(path_text) > MAX_PATH_CHARS or any(
        len(part) > MAX_NAME_CHARS for part in path_text.split("/")
    ):
        raise InvalidArgument(
            f"The path is {len(path_text):,} characters long, over the {MAX_PATH_CHARS:,} a path "
            f"(or {MAX_NAME_CHARS} a single name) may have. Pass a shorter path."
        )
    return path_text


def _resolved(candidate: Path, shown: str) -> Path:
    try:
        return Path(os.path.realpath(candidate, strict=False))
    except (OSError, RuntimeError) as exc:
        raise AccessDenied(f"{shown!r} cannot be resolved: {exc}.") from None


def check_inside(candidate: Path, roots: Sequence[Path], *, shown: str) -> Path:
    """The resolved path (symlinks followed) if it lies inside a root; AccessDenied otherwise."""
    require_roots(roots)
    resolved = _resolved(candidate, shown)
    if _has_loop(candidate):
        raise AccessDenied(
            f"{shown!r} is a symlink loop (it points back at itself). Pass the real file's path."
        )
    if is_inside(resolved, roots):
        return resolved
    via_link = candidate.is_symlink() or any(p.is_symlink() for p in candidate.parents)
    how = " through a symlink" if via_link else ""
    raise AccessDenied(
        f"{shown!r} resolves{how} to {resolved}, outside the allowed roots "
        f"({', '.join(str(r) for r in roots)}). Use paths inside them, or ask the user to add a "
        "root to HEADROOM_MCP_ROOTS."
    )


def _has_loop(candidate: Path) -> bool:
    try:
        os.stat(candidate)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def is_inside(resolved: Path, roots: Sequence[Path]) -> bool:
    return any(resolved == root or resolved.is_relative_to(root) for root in roots)


def resolve_inside(path_text: str, roots: Sequence[Path], base: Path | None = None) -> Path:
    """`path_text` (relative to `base`, else the first root) resolved inside a root."""
    require_roots(roots)
    check_path_text(path_text)
    given = Path(path_text).expanduser()
    candidate = given if given.is_absolute() else (base or roots[0]) / given
    return check_inside(candidate, roots, shown=path_text)
