"""Files that look like credentials: by name, by folder, by hard link, by content.

A safety net, not a guarantee: it stops a model from being talked into copying the usual
credential files into its context, but a secret under an innocent name with an unknown format
passes. HEADROOM_MCP_ALLOW_SECRETS names files to read anyway.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Sequence
from pathlib import Path

SECRET_PATTERNS = (
    ".env", ".env.*", "*.env", "*.pem", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore",
    "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*", "id_*_sk*", "*.ppk", ".netrc", "_netrc",
    ".pgpass", ".npmrc", ".pypirc", ".git-credentials", "credentials", "credentials*",
    "*credentials.*", "*.kdbx", "secrets.*", "*.secret", "*.secrets", ".htpasswd",
    "service-account*.json", "*.tfstate", "*.tfstate.*", "*.tfvars", "*_history", ".*_history",
    ".history", ".psql_history", ".mysql_history", ".python_history", ".lesshst", ".viminfo",
    "*.gpg", "*.asc", "*.keychain*", "*.p8", ".boto", "kubeconfig*", ".dockercfg",
    "*.ovpn", "htpasswd", "shadow", "gshadow", "master.key", "*.age",
)  # fmt: skip
SECRET_DIRS = (".ssh", ".gnupg", ".aws", ".docker", ".kube", ".azure", ".gcloud", ".password-store")
BACKUP_SUFFIXES = (".bak", ".old", ".orig", ".backup", ".save", ".swp", "~", ".tmp", ".copy")
HARDLINK_SCAN_ENTRIES = 200_000  # past this many entries a root is too big to look for links
_SIGNATURES = re.compile(
    rb"-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----"
    rb"|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b(?<!EXAMPLE)"
    rb"|aws_secret_access_key\s*[=:]\s*\S{40}"
    rb"|\bgh[pousr]_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{50,}"
    rb"|\bxox[abprs]-[0-9A-Za-z-]{10,}|\bAIza[0-9A-Za-z_-]{35}\b"
    rb"|\bsk_live_[0-9a-zA-Z]{24,}|\bsk-ant-[A-Za-z0-9_-]{20,}"
)
SIGNATURE_OVERLAP = 256  # bytes kept between chunks so a signature split across them is found


def secret_name_reason(path: Path) -> str | None:
    """Why the path's name or folder looks like a secret, or None."""
    name = path.name.lower()
    stripped = name
    for suffix in BACKUP_SUFFIXES:
        if stripped.endswith(suffix) and len(stripped) > len(suffix):
            stripped = stripped[: -len(suffix)]
    for pattern in SECRET_PATTERNS:
        if fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(stripped, pattern):
            return f"its name matches {pattern!r}"
    for part in path.parts[:-1]:
        if part in SECRET_DIRS:
            return f"it is inside a {part} folder"
    return None


def content_reason(data: bytes) -> str | None:
    """Which credential the bytes contain, or None. Search the whole content, in chunks."""
    match = _SIGNATURES.search(data)
    if match is None:
        return None
    found = match.group(0)
    if found.startswith(b"-----"):
        return "it contains a private key"
    if found.startswith((b"AKIA", b"ASIA", b"aws_")):
        return "it contains an AWS key"
    return "it contains an API token"


def hardlink_reason(path: Path, st: os.stat_result, roots: Sequence[Path]) -> str | None:
    """When the file has several hard links: why that is a risk, or None when every other
    link is inside the roots and none has a secret-looking name."""
    if st.st_nlink <= 1:
        return None
    found = 0
    seen = 0
    for root in roots:
        for folder, dirs, files in os.walk(root):
            for name in (*files, *dirs):
                seen += 1
                if seen > HARDLINK_SCAN_ENTRIES:
                    return (
                        f"it has {st.st_nlink} hard links and the roots are too large to check "
                        "where the others are"
                    )
                try:
                    other = os.lstat(os.path.join(folder, name))
                except OSError:
                    continue
                if (other.st_ino, other.st_dev) != (st.st_ino, st.st_dev):
                    continue
                found += 1
                reason = secret_name_reason(Path(folder, name))
                if reason:
                    return f"it is a hard link to {Path(folder, name)}, and {reason}"
    if found < st.st_nlink:
        return (
            f"it has {st.st_nlink} hard links and only {found} are inside the allowed roots, "
            "so it may be a copy of a file outside them"
        )
    return None


def is_allowed_secret(path: Path, allowed: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(str(path), p) or fnmatch.fnmatch(path.name, p) for p in allowed)
