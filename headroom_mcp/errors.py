"""Errors that headroom-mcp raises on purpose, each saying what to do next.

    HeadroomMcpError            base: catch this to handle every anticipated failure
    ├── ContentRejected         the content cannot be stored or compressed as given
    ├── UnknownHash             no original is stored under that hash (never stored, or evicted)
    ├── InvalidArgument         a parameter is out of range or malformed (hash, max_tokens, kind)
    ├── AccessDenied            headroom_read/headroom_run refused: outside the roots, a secret,
    │                           binary, not allowlisted, or timed out
    ├── StoreError              the SQLite store cannot be opened or written
    └── ConfigError             a setting or command-line flag is wrong

Messages are written for whoever reads them next: the model (through an MCP error result) or
a person (through the CLI). Each names the value involved and the next step.
"""

from __future__ import annotations


class HeadroomMcpError(Exception):
    """Base class of every error headroom-mcp raises on purpose."""


class ContentRejected(HeadroomMcpError):
    """The content cannot be taken as text (lone surrogates, invalid UTF-8, over the size cap)."""


class UnknownHash(HeadroomMcpError):
    """No stored original matches the hash."""


class InvalidArgument(HeadroomMcpError):
    """A parameter is malformed or out of range."""


class AccessDenied(HeadroomMcpError):
    """headroom_read or headroom_run refused, saying which setting would allow it."""


class StoreError(HeadroomMcpError):
    """The store cannot be opened, read or written."""


class ConfigError(HeadroomMcpError):
    """A setting or flag is invalid."""
