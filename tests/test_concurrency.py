"""Several server processes share one store: no write is lost, nothing is stored twice."""

import os
import subprocess
import sys
import textwrap

import pytest

from headroom_mcp import retrieve, stats

pytestmark = pytest.mark.slow

WRITER = textwrap.dedent(
    """
    import sys
    from headroom_mcp import compress
    name, count = sys.argv[1], int(sys.argv[2])
    for i in range(count):
        body = "\\n".join(f"{name} line {j} of document {i}" for j in range(120))
        print(compress(body).hash, flush=True)
        print(compress("shared document seen by every writer\\n" * 200).hash, flush=True)
    """
)


def test_two_processes_writing_the_same_store_lose_nothing(isolated_home):
    env = {**os.environ, "HEADROOM_MCP_HOME": str(isolated_home)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, name, "25"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("alpha", "beta")
    ]
    outputs = [w.communicate(timeout=120) for w in writers]
    for writer, (_, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err
    hashes = [h for out, _ in outputs for h in out.split()]
    assert len(hashes) == 100
    for digest in set(hashes):
        assert retrieve(digest).content
    s = stats()
    assert s.compressions == 100
    assert s.store.originals == 51  # 25 + 25 distinct documents, and the shared one once


def test_eight_processes_creating_a_new_store_at_once_all_succeed(tmp_path):
    env = {**os.environ, "HEADROOM_MCP_HOME": str(tmp_path / "fresh")}
    code = "from headroom_mcp import compress; print(compress('x' * 50).hash)"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, [err for _, err in results]
    assert len({out.strip() for out, _ in results}) == 1
