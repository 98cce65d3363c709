"""Which files headroom_read may open: inside the allowed roots, not secrets, not binary.

Roots are the client's MCP roots when it offers them, else HEADROOM_MCP_ROOTS, else the
working directory. A path is checked after resolving `..` and symlinks, so neither can lead
outside a root. Files that look like secrets (.env, private keys, credential stores) are
refused unless HEADROOM_MCP_ALLOW_SECRETS names them, so a model cannot be talked into copying
credentials into its context.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from pathlib import Path

from headroom_mcp.errors import AccessDenied

SECRET_PATTERNS = (
    ".env", ".env.*", "*.env", "*.pem", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore",
    "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "*.ppk", ".netrc", "_netrc", ".pgpass",
    ".npmrc", ".pypirc", ".git-credentials", "credentials", "credentials.json", "*.kdbx",
    "secrets.*", "*.secret", "*.secrets", ".htpasswd", "service-account*.json",
)  # fmt: skip
SECRET_DIRS = (".ssh", ".gnupg", ".aws", ".docker", ".kube")
PRIVATE_KEY_MARK = b"PRIVATE KEY-----"
SNIFF_BYTES = 8192
_MAGIC = (
    (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
    (b"%PDF", "PDF document"), (b"PK\x03\x04", "ZIP archive"), (b"\x7fELF", "ELF executable"),
    (b"\x1f\x8b", "gzip archive"), (b"SQLite format 3", "SQLite database"),
    (b"\xca\xfe\xba\xbe", "Java class / Mach-O"), (b"MZ", "Windows executable"),
)  # fmt: skip


def resolve_inside(path_text: str, roots: Sequence[Path]) -> Path:
    """The resolved path if it lies inside a root; AccessDenied otherwise."""
    if not roots:
        raise AccessDenied("No allowed roots are configured. Set HEADROOM_MCP_ROOTS.")
    given = Path(path_text).expanduser()
    candidate = given if given.is_absolute() else roots[0] / given
    resolved = candidate.resolve()
    for root in roots:
        if resolved == root or resolved.is_relative_to(root):
            return resolved
    via_link = candidate.is_symlink() or any(p.is_symlink() for p in candidate.parents)
    how = " through a symlink" if via_link else ""
    raise AccessDenied(
        f"{path_text!r} resolves{how} to {resolved}, outside the allowed roots "
        f"({', '.join(str(r) for r in roots)}). Read files inside them, or add a root to "
        "HEADROOM_MCP_ROOTS."
    )


def secret_reason(path: Path, head: bytes) -> str | None:
    """Why the file looks like a secret, or None."""
    name = path.name.lower()
    for pattern in SECRET_PATTERNS:
        if fnmatch.fnmatch(name, pattern):
            return f"its name matches {pattern!r}"
    for part in path.parts[:-1]:
        if part in SECRET_DIRS:
            return f"it is inside a {part} folder"
    if PRIVATE_KEY_MARK in head:
        return "it contains a private key"
    return None


def is_allowed_secret(path: Path, allowed: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(str(path), p) or fnmatch.fnmatch(path.name, p) for p in allowed)


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


def check_readable(path: Path, allowed_secrets: Sequence[str], max_bytes: int) -> None:
    """AccessDenied with the reason when the file must not be read."""
    if not path.exists():
        raise AccessDenied(f"{path} does not exist.")
    if path.is_dir():
        raise AccessDenied(f"{path} is a folder; headroom_read reads files.")
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    reason = secret_reason(path, head)
    if reason and not is_allowed_secret(path, allowed_secrets):
        raise AccessDenied(
            f"Refusing to read {path}: {reason}, so it may hold credentials. If you are sure, "
            "add it to HEADROOM_MCP_ALLOW_SECRETS (comma-separated globs)."
        )
    kind = binary_type(head)
    if kind:
        raise AccessDenied(
            f"Refusing to read {path}: it is {kind} ({size:,} bytes), not text. headroom "
            "compresses text only."
        )
    if size > max_bytes:
        raise AccessDenied(
            f"{path} is {size:,} bytes, over the {max_bytes:,}-byte limit "
            "(HEADROOM_MCP_MAX_CONTENT_BYTES). Pass lines='START-END' to read part of it."
        )
