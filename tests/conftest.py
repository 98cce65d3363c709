"""Every test gets its own store: HEADROOM_MCP_HOME points at a temp dir, never at user data."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dev"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "headroom-home"
    monkeypatch.setenv("HEADROOM_MCP_HOME", str(home))
    # Lexical unless a test turns embeddings on (tests/test_semantic.py): rankings must not
    # depend on how far a background worker got. The real model has its own slow test.
    monkeypatch.setenv("HEADROOM_MCP_EMBED_MODEL", "off")
    for name in (
        "HEADROOM_MCP_TTL_SECONDS",
        "HEADROOM_MCP_MAX_STORE_BYTES",
        "HEADROOM_MCP_TOKEN",
        "HEADROOM_MCP_MIN_TOKENS",
        "HEADROOM_MCP_MAX_CONTENT_BYTES",
        "HEADROOM_MCP_TOKEN_FILE",
        "HEADROOM_MCP_ANTHROPIC_UPSTREAM",
        "HEADROOM_MCP_OPENAI_UPSTREAM",
        "HEADROOM_MCP_PROXY_EXCLUDE",
        "HEADROOM_MCP_PROXY_ERROR_KEEP_TOKENS",
    ):
        monkeypatch.delenv(name, raising=False)
    yield home
    from headroom_mcp import context

    context.stop_workers()
    context._BACKGROUND["embedding"] = True  # the CLI's one-shot mode must not leak
    for store in context.STORES.values():
        store.close()
    context.STORES.clear()


@pytest.fixture
def python_exe() -> str:
    return sys.executable


def sample(relative: str) -> str:
    return (DATA / relative).read_text(encoding="utf-8")
