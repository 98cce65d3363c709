"""Our marker block in Codex's config.toml: a `headroom` model provider pointing at the proxy,
selected by a top-level `model_provider`, and (when not registered already) our MCP server.

TOML puts every top-level key before the first table, so the block goes just before the file's
first table header (or at the end of a file without one): `model_provider = "headroom"` stays
a top-level key and our tables end where the user's first table begins. A top-level
`model_provider` line the user had is taken out (a key may appear once) and kept, as a comment
inside the block, so that taking the block out puts it back. The result must parse with
tomllib and mean exactly the old file plus our keys; otherwise nothing is written.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from headroom_mcp.errors import ConfigError
from headroom_mcp.install import MASK, secret_setting

BEGIN = "# >>> headroom-mcp wrap >>>"
END = "# <<< headroom-mcp wrap <<<"
PROVIDER = "headroom"
REPLACED = "# headroom-mcp wrap replaced: "
_HEADER_RE = re.compile(r"\s*\[")
_MODEL_PROVIDER_RE = re.compile(r"""\s*(model_provider|"model_provider"|'model_provider')\s*=""")
_PORT_RE = re.compile(r'base_url = "http://127\.0\.0\.1:(\d+)/v1"')
_STRING_SETTING_RE = re.compile(
    r"""([A-Za-z0-9_\-]+|"[^"]*"|'[^']*')(\s*=\s*)("(?:[^"\\]|\\.)*"|'[^']*')"""
)


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """$CODEX_HOME/config.toml, else ~/.codex/config.toml (where Codex itself looks)."""
    env = os.environ if env is None else env
    home = env.get("CODEX_HOME")
    return (Path(home).expanduser() if home else Path.home() / ".codex") / "config.toml"


def _toml_string(value: str) -> str:
    # A JSON string is a valid TOML basic string: same quotes, same escapes (\" \\ \n \uXXXX).
    return json.dumps(value, ensure_ascii=False)


def _parse(text: str, path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path} is not valid TOML ({exc}). Nothing was changed. Fix the file (Codex will "
            "not start with it either), then wrap again."
        ) from None


def render_block(port: int, mcp_entry: Mapping[str, Any] | None, replaced: str | None) -> str:
    """The block's text, each line ending in a newline."""
    lines = [
        BEGIN,
        "# Added by `headroom-mcp wrap codex` while Codex runs; taken out when it exits.",
        "# Still here after Codex exited (the wrapper was killed)? `headroom-mcp unwrap codex`.",
    ]
    if replaced is not None:
        lines.append(REPLACED + replaced.rstrip("\r\n"))
    lines += [
        f"model_provider = {_toml_string(PROVIDER)}",
        "",
        f"[model_providers.{PROVIDER}]",
        'name = "headroom-mcp proxy"',
        f"base_url = {_toml_string(f'http://127.0.0.1:{port}/v1')}",
        'wire_api = "responses"',
        'env_key = "OPENAI_API_KEY"',
    ]
    if mcp_entry is not None:
        args = ", ".join(_toml_string(str(a)) for a in mcp_entry.get("args", []))
        lines += [
            "",
            f"[mcp_servers.{PROVIDER}]",
            f"command = {_toml_string(str(mcp_entry['command']))}",
            f"args = [{args}]",
        ]
        env = mcp_entry.get("env") or {}
        if env:
            pairs = ", ".join(f"{_toml_string(k)} = {_toml_string(str(v))}" for k, v in env.items())
            lines.append(f"env = {{ {pairs} }}")
    lines.append(END)
    return "".join(line + "\n" for line in lines)


def has_block(text: str) -> bool:
    return BEGIN in text


def block_port(text: str) -> int | None:
    """The proxy port an existing block points at."""
    start = text.find(BEGIN)
    match = _PORT_RE.search(text, start) if start >= 0 else None
    return int(match.group(1)) if match else None


def mcp_registered(text: str, path: Path) -> bool:
    """Whether the file already has an MCP server named like ours (then we add none)."""
    servers = _parse(text, path).get("mcp_servers")
    return isinstance(servers, dict) and PROVIDER in servers


def with_block(text: str, path: Path, port: int, mcp_entry: Mapping[str, Any] | None) -> str:
    """`text` with our block added. Raises ConfigError when the file does not parse, already
    has a block, or has a `headroom` provider of its own."""
    if has_block(text):
        raise ConfigError(
            f"{path} already holds a headroom-mcp wrap block, left by a wrapper that did not "
            "exit cleanly. Run `headroom-mcp unwrap codex` to take it out, then wrap again."
        )
    before = _parse(text, path)
    providers = before.get("model_providers")
    if isinstance(providers, dict) and PROVIDER in providers:
        raise ConfigError(
            f"{path} already defines [model_providers.{PROVIDER}]. Nothing was changed. Rename "
            "or remove that table, then wrap again."
        )
    lines = text.splitlines(keepends=True)
    header = _first_table_header(lines)
    replaced: str | None = None
    kept = []
    for index, line in enumerate(lines):
        if index < header and replaced is None and _MODEL_PROVIDER_RE.match(line):
            replaced = line
            continue
        kept.append(line)
    if replaced is not None:
        header -= 1
    head = "".join(kept[:header])
    if head and not head.endswith("\n"):
        head += "\n"
    block = render_block(port, mcp_entry, replaced)
    after = head + block + "".join(kept[header:])
    _check_meaning(before, _parse(after, path), path, with_mcp=mcp_entry is not None)
    return after


def _first_table_header(lines: list[str]) -> int:
    """Index of the first line opening a table (`[t]` or `[[t]]`), len(lines) when none.

    A line starting with `[` inside a multi-line string or array is not a header: the text
    before a real header parses on its own, the text before those does not.
    """
    for index, line in enumerate(lines):
        if _HEADER_RE.match(line):
            try:
                tomllib.loads("".join(lines[:index]))
            except tomllib.TOMLDecodeError:
                continue
            return index
    return len(lines)


def _check_meaning(
    before: dict[str, Any], after: dict[str, Any], path: Path, *, with_mcp: bool
) -> None:
    """The edited file must mean the old one, less its model_provider, plus our keys."""
    expected = dict(before)
    expected.pop("model_provider", None)
    got = dict(after)
    ok = got.pop("model_provider", None) == PROVIDER
    providers = dict(got.get("model_providers") or {})
    ok = ok and providers.pop(PROVIDER, None) is not None
    got["model_providers"] = providers
    if not providers and "model_providers" not in before:
        del got["model_providers"]
    if with_mcp:
        servers = dict(got.get("mcp_servers") or {})
        ok = ok and servers.pop(PROVIDER, None) is not None
        got["mcp_servers"] = servers
        if not servers and "mcp_servers" not in before:
            del got["mcp_servers"]
    if not ok or got != expected:
        raise ConfigError(
            f"Adding the headroom block to {path} would change more than our keys (an unusual "
            "layout of the file). Nothing was changed. Add the provider by hand (see "
            "`headroom-mcp wrap codex --dry-run`), or simplify the file's top-level keys."
        )


def without_block(text: str) -> str:
    """`text` with our block taken out and the model_provider line it replaced put back where
    the block was (still a top-level key: the block sat before the first table). Text without
    a block comes back unchanged."""
    start = text.find(BEGIN)
    if start < 0:
        return text
    line_start = text.rfind("\n", 0, start) + 1
    end = text.find(END, start)
    if end < 0:
        # The end marker was deleted by hand: take out only the lines we wrote.
        return text
    end_line = text.find("\n", end)
    stop = len(text) if end_line < 0 else end_line + 1
    block = text[line_start:stop]
    restored = ""
    for line in block.splitlines():
        if line.startswith(REPLACED):
            restored = line[len(REPLACED) :] + "\n"
    return text[:line_start] + restored + text[stop:]


def masked(text: str) -> str:
    """The TOML text with the values of secret-looking string settings replaced by MASK, for
    printing (inline tables included, e.g. an MCP server's env = { API_KEY = "..." })."""

    def hide(match: re.Match[str]) -> str:
        key, sep, value = match.groups()
        if secret_setting(key.strip("\"'"), value[1:-1]):
            return f"{key}{sep}{_toml_string(MASK)}"
        return match.group(0)

    return "".join(
        line if line.lstrip().startswith("#") else _STRING_SETTING_RE.sub(hide, line)
        for line in text.splitlines(keepends=True)
    )
