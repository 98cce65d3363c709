import os
import stat
import time

import pytest

from headroom_mcp import StoreError, UnknownHash, compress, retrieve, stats
from headroom_mcp.store import CcrStore, Unit
from headroom_mcp.store import db as store_db
from headroom_mcp.store.schema import SCHEMA_VERSION


def put(store, text):
    return store.put(text, kind="text", tokens=len(text), units=[Unit(0, len(text), "line 1")])


def test_the_store_file_is_private_to_the_user(isolated_home):
    compress("hello")
    mode = stat.S_IMODE(os.stat(isolated_home / "store.db").st_mode)
    assert mode == 0o600


def test_the_store_records_its_schema_version(isolated_home):
    compress("hello")
    conn = store_db.connect(isolated_home / "store.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_store_from_a_newer_version_is_refused_without_damage(isolated_home):
    compress("hello")
    conn = store_db.connect(isolated_home / "store.db")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    store = CcrStore(isolated_home / "store.db", ttl_seconds=60, max_bytes=10**9)
    with pytest.raises(StoreError, match="newer than this headroom-mcp"):
        store.resolve("abcdef")


def test_originals_expire_after_the_ttl_since_last_use(tmp_path):
    store = CcrStore(tmp_path / "s.db", ttl_seconds=100, max_bytes=10**9)
    old = put(store, "old content")
    store.query("SELECT 1")
    conn = store._conn()
    conn.execute("UPDATE originals SET last_used_at = ?", (time.time() - 1000,))
    with pytest.raises(UnknownHash, match="expired"):
        store.resolve(old.short)
    put(store, "new content")  # a write sweeps expired originals away
    assert store.query("SELECT COUNT(*) FROM originals")[0][0] == 1
    assert store.query("SELECT COUNT(*) FROM units")[0][0] == 1


def test_the_size_cap_evicts_least_recently_used_but_never_the_new_entry(tmp_path):
    store = CcrStore(tmp_path / "s.db", ttl_seconds=10**6, max_bytes=2500)
    first = put(store, "a" * 1000)
    second = put(store, "b" * 1000)
    store.get(first.digest)  # first is now the most recently used
    third = put(store, "c" * 1000)
    assert store.resolve(first.short) == first.digest
    assert store.resolve(third.short) == third.digest
    with pytest.raises(UnknownHash):
        store.resolve(second.short)
    huge = put(store, "d" * 5000)  # over the cap alone: kept, everything else goes
    assert store.resolve(huge.short) == huge.digest


def test_two_digests_sharing_a_short_prefix_get_distinct_short_hashes(tmp_path):
    store = CcrStore(tmp_path / "s.db", ttl_seconds=10**6, max_bytes=10**9)
    real = put(store, "some content")
    conn = store._conn()
    fake_digest = real.digest[:12] + "0" * 52
    conn.execute("PRAGMA foreign_keys = OFF")  # rewrite the digest as if another content had it
    conn.execute("UPDATE originals SET digest = ? WHERE digest = ?", (fake_digest, real.digest))
    conn.execute("UPDATE units SET digest = ? WHERE digest = ?", (fake_digest, real.digest))
    conn.execute("PRAGMA foreign_keys = ON")
    again = put(store, "some content")
    assert again.short != real.short and again.short.startswith(real.short)
    assert store.get(store.resolve(again.short)).content == "some content"


def test_stats_report_the_store_size(isolated_home):
    compress("x" * 100)
    s = stats()
    assert s.store.originals == 1 and s.store.original_bytes == 100
    assert s.store.path == str(isolated_home / "store.db")


def test_retrieve_refreshes_the_ttl(monkeypatch):
    monkeypatch.setenv("HEADROOM_MCP_TTL_SECONDS", "3600")
    result = compress("y" * 50)
    assert retrieve(result.hash).content == "y" * 50


def test_a_store_folder_open_to_others_is_made_private(isolated_home):
    isolated_home.mkdir(mode=0o777)
    isolated_home.chmod(0o777)
    compress("hello " * 10)
    assert isolated_home.stat().st_mode & 0o777 == 0o700


def test_expiry_counts_from_when_compress_finishes(monkeypatch):
    from types import SimpleNamespace

    from headroom_mcp import api
    from headroom_mcp.store import ccr

    monkeypatch.setenv("HEADROOM_MCP_TTL_SECONDS", "5")
    monkeypatch.setenv("HEADROOM_MCP_MIN_TOKENS", "0")
    clock = [1_000_000.0]
    monkeypatch.setattr(ccr, "time", SimpleNamespace(time=lambda: clock[0], sleep=lambda s: None))
    slow_engine = api.run_kinds

    def slow(*args, **kwargs):
        clock[0] += 60  # a compress slower than the TTL
        return slow_engine(*args, **kwargs)

    monkeypatch.setattr(api, "run_kinds", slow)
    content = "".join(f"line {i} of a long log\n" for i in range(400))
    result = compress(content)
    assert retrieve(result.hash).content == content
