"""Every kind of content headroom knows, one module each, in one table.

To add a kind: write `headroom_mcp/kinds/<name>.py` with NAME, `score`, `compress` and `units`
(see `kinds/base.py`), add a line to KIND_MODULES, and add its tests. Nothing else branches on
a kind's name. Modules load on first use, so start-up imports none of them.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from headroom_mcp.kinds.base import KindDeclined, Options, Sample

# name -> module; the order breaks ties between equal scores (more specific kinds first).
KIND_MODULES: dict[str, str] = {
    "json": "headroom_mcp.kinds.json_data",
    "html": "headroom_mcp.kinds.html",
    "diff": "headroom_mcp.kinds.diff",
    "test_report": "headroom_mcp.kinds.test_report",
    "build": "headroom_mcp.kinds.build",
    "logs": "headroom_mcp.kinds.logs",
    "search": "headroom_mcp.kinds.search",
    "code": "headroom_mcp.kinds.code",
    "prose": "headroom_mcp.kinds.prose",
    "text": "headroom_mcp.kinds.text",
}
KIND_NAMES: tuple[str, ...] = tuple(KIND_MODULES)

__all__ = ["KIND_MODULES", "KIND_NAMES", "KindDeclined", "Options", "Sample", "kind_module"]


def kind_module(name: str) -> ModuleType:
    """The module of kind `name` (imported on first use)."""
    return importlib.import_module(KIND_MODULES[name])
