"""The CCR store: originals, their retrievable units (FTS5) and usage events, in one SQLite file.

The store never imports an engine: callers hand it content and units already cut.
"""

from headroom_mcp.store.ccr import CcrStore, StoredOriginal, Unit, UnitHit

__all__ = ["CcrStore", "StoredOriginal", "Unit", "UnitHit"]
