"""Reading one file for headroom_read through a single descriptor, so nothing can swap it.

The path is resolved and checked, then opened once with O_NOFOLLOW (a symlink swapped in for
the last component fails the open) and O_NONBLOCK (a FIFO cannot hang us); the descriptor is
fstat-ed (regular files only) and its real path, read back from /proc/self/fd, checked against
the roots again (a folder swapped for a symlink is caught). Every byte then comes from that
descriptor, never more than the size cap, whatever `lines=` asks.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from headroom_mcp.access import is_inside, resolve_inside
from headroom_mcp.errors import AccessDenied, InvalidArgument
from headroom_mcp.secrets import (
    SIGNATURE_OVERLAP,
    content_reason,
    hardlink_reason,
    is_allowed_secret,
    secret_name_reason,
)

CHUNK_BYTES = 1024 * 1024
SNIFF_BYTES = 8192
_MAGIC = (
    (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
    (b"%PDF", "PDF document"), (b"PK\x03\x04", "ZIP archive"), (b"\x7fELF", "ELF executable"),
    (b"\x1f\x8b", "gzip archive"), (b"SQLite format 3", "SQLite database"),
    (b"\xca\xfe\xba\xbe", "Java class / Mach-O"), (b"MZ", "Windows executable"),
)  # fmt: skip
_KINDS = (
    (stat.S_ISDIR, "a folder; headroom_read reads files. List it with headroom_run ls or find"),
    (stat.S_ISFIFO, "a named pipe (FIFO), not a regular file; headroom_read never opens pipes"),
    (stat.S_ISSOCK, "a socket, not a regular file"),
    (stat.S_ISCHR, "a character device, not a regular file"),
    (stat.S_ISBLK, "a block device, not a regular file"),
)


@dataclass(frozen=True)
class FileText:
    path: Path
    text: str
    lines_read: str


def binary_type(head: bytes) -> str | None:
    """A name for the binary format, or None for text."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if b"\x00" in head:
        return "binary data"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the sniff boundary
            return "binary data (not UTF-8)"
    return None


def _refuse_kind(path: Path, mode: int) -> None:
    for test, what in _KINDS:
        if test(mode):
            raise AccessDenied(f"Refusing to read {path}: it is {what}.")


def open_checked(path_text: str, roots: Sequence[Path]) -> tuple[int, Path, os.stat_result]:
    """A read-only descriptor of a regular file inside the roots, its path and its stat."""
    resolved = resolve_inside(path_text, roots)
    try:
        _refuse_kind(resolved, os.lstat(resolved).st_mode)
    except FileNotFoundError:
        raise AccessDenied(
            f"{resolved} does not exist. Check the path (relative paths start at {roots[0]})."
        ) from None
    except OSError as exc:
        raise AccessDenied(f"Cannot read {resolved}: {exc.strerror}.") from None
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY
    try:
        fd = os.open(resolved, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise AccessDenied(
                f"{resolved} turned into a symlink while it was being opened; nothing was read. "
                "Read the file it points to by its own path."
            ) from None
        raise AccessDenied(f"Cannot open {resolved}: {exc.strerror}.") from None
    try:
        st = os.fstat(fd)
        _refuse_kind(resolved, st.st_mode)
        real = _real_path(fd, resolved, st)
        if not is_inside(real, roots):
            raise AccessDenied(
                f"{path_text!r} led to {real}, outside the allowed roots, while it was being "
                "opened (a folder was swapped for a symlink); nothing was read."
            )
    except BaseException:
        os.close(fd)
        raise
    return fd, real, st


def _real_path(fd: int, resolved: Path, st: os.stat_result) -> Path:
    try:
        return Path(os.readlink(f"/proc/self/fd/{fd}").removesuffix(" (deleted)"))
    except OSError:  # no /proc: accept the path only if it still names this very file
        again = os.stat(resolved)
        if (again.st_dev, again.st_ino) != (st.st_dev, st.st_ino):
            raise AccessDenied(f"{resolved} changed while it was being opened; retry.") from None
        return resolved


def check_secret(
    path_text: str, real: Path, st: os.stat_result, roots: Sequence[Path], allowed: Sequence[str]
) -> None:
    if is_allowed_secret(real, allowed):
        return
    reason = (
        secret_name_reason(real)
        or secret_name_reason(Path(path_text))
        or hardlink_reason(real, st, roots)
    )
    if reason:
        raise _secret(real, reason)


def _secret(path: Path, reason: str) -> AccessDenied:
    return AccessDenied(
        f"Refusing to read {path}: {reason}, so it may hold credentials. If the user is sure, "
        "they can add it to HEADROOM_MCP_ALLOW_SECRETS (comma-separated globs)."
    )


def read_text(
    path_text: str,
    roots: Sequence[Path],
    allowed_secrets: Sequence[str],
    max_bytes: int,
    lines: str | None = None,
) -> FileText:
    """The file's text (or the `lines` range of it), read from one descriptor within
    `max_bytes`.

    Raises:
        AccessDenied: outside the roots, not a regular file, a likely secret, binary or over
            the cap.
        InvalidArgument: the path or `lines` is malformed.
    """
    span = _parse_lines(lines) if lines is not None else None
    fd, real, st = open_checked(path_text, roots)
    with os.fdopen(fd, "rb", buffering=0) as handle:
        check_secret(path_text, real, st, roots, allowed_secrets)
        if span is None and st.st_size > max_bytes:
            raise AccessDenied(
                f"{real} is {st.st_size:,} bytes, over the {max_bytes:,}-byte limit "
                "(HEADROOM_MCP_MAX_CONTENT_BYTES). Pass lines='START-END' to read part of it."
            )
        kept, total_lines, head = _stream(handle, real, span, max_bytes, allowed_secrets)
    kind = binary_type(head)
    if kind:
        raise AccessDenied(
            f"Refusing to read {real}: it is {kind} ({st.st_size:,} bytes), not text. headroom "
            "compresses text only."
        )
    try:
        text = kept.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AccessDenied(
            f"Refusing to read {real}: byte {exc.start} is not UTF-8, so it is not text."
        ) from None
    if span is None:
        return FileText(real, text, f"1-{total_lines}")
    first, last = span
    last = min(last if last is not None else total_lines, total_lines)
    return FileText(real, text, f"{first}-{last} of {total_lines}")


def _parse_lines(lines: str) -> tuple[int, int | None]:
    match = re.fullmatch(r"\s*(\d+)\s*(?:(-)\s*(\d+)?)?\s*", lines)
    if not match:
        raise InvalidArgument(f'lines={lines!r} is not a range: use "120-200", "120-" or "120".')
    first = int(match[1])
    last = int(match[3]) if match[3] else (None if match[2] else first)
    if first < 1 or (last is not None and last < first):
        raise InvalidArgument(f"lines={lines!r}: start at 1 and end at or after the start.")
    return first, last


def _stream(
    handle: IO[bytes],
    real: Path,
    span: tuple[int, int | None] | None,
    max_bytes: int,
    allowed_secrets: Sequence[str],
) -> tuple[bytes, int, bytes]:
    """Read the whole descriptor chunk by chunk: keep all of it (no span) or only the lines in
    the span, never more than max_bytes; count lines; scan every chunk for credentials.
    Returns (kept bytes, line count, the first chunk seen, for the binary sniff)."""
    kept: list[bytes] = []
    kept_size = 0
    line_no = 1  # the line the next byte belongs to
    tail = b""
    first_chunk = b""
    ended_with_newline = True
    total_bytes = 0
    scan_secrets = not is_allowed_secret(real, allowed_secrets)
    while chunk := handle.read(CHUNK_BYTES):
        total_bytes += len(chunk)
        if not first_chunk:
            first_chunk = chunk[:SNIFF_BYTES]
        if scan_secrets and (reason := content_reason(tail + chunk)):
            raise _secret(real, reason)
        tail = chunk[-SIGNATURE_OVERLAP:]
        if span is None:
            if total_bytes > max_bytes:
                raise AccessDenied(
                    f"{real} grew past the {max_bytes:,}-byte limit while it was being read "
                    "(HEADROOM_MCP_MAX_CONTENT_BYTES). Pass lines='START-END' to read part of it."
                )
            kept.append(chunk)
        else:
            piece = _lines_of(chunk, line_no, span)
            if piece:
                kept_size += len(piece)
                if kept_size > max_bytes:
                    raise AccessDenied(
                        f"lines {span[0]}-{span[1] or ''} of {real} are over the {max_bytes:,}-"
                        "byte limit (HEADROOM_MCP_MAX_CONTENT_BYTES). Ask for fewer lines."
                    )
                kept.append(piece)
        line_no += chunk.count(b"\n")
        ended_with_newline = chunk.endswith(b"\n")
    total_lines = line_no - 1 if ended_with_newline and total_bytes else line_no
    return b"".join(kept), max(total_lines, 1 if total_bytes else 0), first_chunk


def _lines_of(chunk: bytes, line_no: int, span: tuple[int, int | None]) -> bytes:
    """The bytes of `chunk` (whose first byte is on line `line_no`) that lie in the span."""
    first, last = span
    newlines = chunk.count(b"\n")
    if line_no + newlines < first or (last is not None and line_no > last):
        return b""
    start = 0
    if line_no < first:
        start = _nth_newline(chunk, first - line_no) + 1
    end = len(chunk)
    if last is not None and line_no + newlines > last:
        end = _nth_newline(chunk, last - line_no + 1) + 1
    return chunk[start:end]


def _nth_newline(chunk: bytes, n: int) -> int:
    """Offset of the n-th newline (1-based) in chunk."""
    at = -1
    for _ in range(n):
        at = chunk.index(b"\n", at + 1)
    return at
