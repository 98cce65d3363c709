"""The headroom-mcp command: serve, install, compress, retrieve, stats.

Each command parses its options, calls the library, and prints. Library errors become
`Error: ...` on stderr with exit code 1 (usage errors exit 2, as click does).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from headroom_mcp.errors import HeadroomMcpError


def _fail(exc: HeadroomMcpError) -> click.ClickException:
    return click.ClickException(str(exc))


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(asdict(value), indent=2, ensure_ascii=False))


@click.group()
@click.version_option(package_name="headroom-mcp")
def cli() -> None:
    """headroom-mcp: compress tool output for AI agents; originals kept, retrievable on demand."""


@cli.command()
@click.option(
    "--transport",
    type=click.Choice(["stdio", "sse", "http"]),
    default="stdio",
    show_default=True,
    help="stdio for local clients; sse or http to serve over HTTP.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address for sse/http.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port for sse/http.")
@click.option(
    "--token",
    envvar="HEADROOM_MCP_TOKEN",
    default=None,
    help="Bearer token required on sse/http (needed off loopback). Visible in the process "
    "list: prefer --token-file. Env: HEADROOM_MCP_TOKEN.",
)
@click.option(
    "--token-file",
    envvar="HEADROOM_MCP_TOKEN_FILE",
    default=None,
    type=click.Path(dir_okay=False),
    help="File holding the bearer token. Env: HEADROOM_MCP_TOKEN_FILE.",
)
@click.option(
    "--log-level",
    default="INFO",
    show_default=True,
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]),
)
def serve(
    transport: str,
    host: str,
    port: int,
    token: str | None,
    token_file: str | None,
    log_level: str,
) -> None:
    """Run the MCP server (stdio by default; logs go to stderr).

    Example: headroom-mcp serve --transport http --port 8765 --token-file ~/.headroom-token
    """
    from headroom_mcp.server import configure_logging
    from headroom_mcp.server import serve as run_server

    configure_logging(log_level)
    try:
        if token_file and not token and transport != "stdio":
            from headroom_mcp.transports import read_token_file

            token = read_token_file(token_file)
        run_server(transport, host, port, token)
    except HeadroomMcpError as exc:
        raise _fail(exc) from exc


@cli.command()
@click.option(
    "--client",
    type=click.Choice(["claude-desktop", "claude-code", "cursor"]),
    required=True,
    help="The MCP client to register with.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Config file to edit instead of the client's default.",
)
@click.option("--name", default="headroom", show_default=True, help="Server name in the config.")
@click.option("--home", default=None, help="Store folder to pass as HEADROOM_MCP_HOME.")
@click.option(
    "--root",
    "roots",
    multiple=True,
    type=click.Path(file_okay=False, exists=True, resolve_path=True),
    help="Project folder headroom_read/headroom_run may use (repeatable), written as "
    "HEADROOM_MCP_ROOTS; needed when the client sends no MCP roots.",
)
@click.option("--dry-run", is_flag=True, help="Print the new config instead of writing it.")
def install(
    client: str,
    config_file: Path | None,
    name: str,
    home: str | None,
    roots: tuple[str, ...],
    dry_run: bool,
) -> None:
    """Add headroom to an MCP client's config, keeping every other server.

    Example: headroom-mcp install --client claude-desktop --root ~/src/app --dry-run
    """
    from headroom_mcp.install import apply_install, config_path, plan_install, server_entry

    path = config_file or config_path(client)
    try:
        env = {"HEADROOM_MCP_HOME": home} if home else {}
        if roots:
            env["HEADROOM_MCP_ROOTS"] = os.pathsep.join(roots)
        plan = plan_install(path, server_entry(env or None), name)
    except HeadroomMcpError as exc:
        raise _fail(exc) from exc
    if dry_run:
        click.echo(f"# {path} would become:")
        click.echo(plan.after, nl=False)
        return
    backup = apply_install(plan)
    verb = "Updated" if plan.replaced else "Added"
    click.echo(f'{verb} server "{name}" in {path}' + (f" (backup: {backup})" if backup else ""))
    click.echo("Restart the client to load it.")


def _read_input(source: str) -> str:
    data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(
            f"{'stdin' if source == '-' else source} is not UTF-8 text (invalid byte at offset "
            f"{exc.start}). headroom compresses text; convert it first (e.g. iconv) or skip it."
        ) from None


@cli.command()
@click.argument("source", default="-")
@click.option("--query", "-q", default=None, help="What you are looking for; steers what is kept.")
@click.option("--kind", default="auto", show_default=True, help="Force a content kind.")
@click.option("--max-tokens", type=int, default=None, help="Cap the output at this many tokens.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole result as JSON.")
def compress(
    source: str, query: str | None, kind: str, max_tokens: int | None, as_json: bool
) -> None:
    """Compress FILE (or stdin with -) and store the original.

    Example: kubectl get pods -o json | headroom-mcp compress - -q "pods not Running"
    """
    from headroom_mcp import api

    try:
        result = api.compress(_read_input(source), query, kind, max_tokens, client="cli")
    except (HeadroomMcpError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        _echo_json(result)
        return
    click.echo(result.compressed)
    click.echo(
        f"hash {result.hash} · {result.kind} · {result.original_tokens} → "
        f"{result.compressed_tokens} tokens ({result.savings_percent:.1f}% saved)",
        err=True,
    )


@cli.command()
@click.argument("hash_")
@click.option("--query", "-q", default=None, help="Return only the parts matching this.")
@click.option("--max-tokens", type=int, default=None, help="Cap the answer at this many tokens.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole result as JSON.")
def retrieve(hash_: str, query: str | None, max_tokens: int | None, as_json: bool) -> None:
    """Print the original stored under HASH, or only the parts matching --query.

    Example: headroom-mcp retrieve 3f9a2c1e5b7d -q "order 1234"
    """
    from headroom_mcp import api

    try:
        result = api.retrieve(hash_, query, max_tokens, client="cli")
    except HeadroomMcpError as exc:
        raise _fail(exc) from exc
    if as_json:
        _echo_json(result)
    else:
        click.echo(result.content, nl=False)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the whole result as JSON.")
def stats(as_json: bool) -> None:
    """Show tokens and cost saved, per kind, across every process sharing the store.

    Example: headroom-mcp stats --json
    """
    from headroom_mcp import api

    try:
        result = api.stats()
    except HeadroomMcpError as exc:
        raise _fail(exc) from exc
    if as_json:
        _echo_json(result)
        return
    click.echo(
        f"{result.compressions} compressions, {result.retrievals} retrievals\n"
        f"tokens: {result.tokens_before:,} → {result.tokens_after:,} "
        f"({result.tokens_saved:,} saved, {result.savings_percent:.1f}%)\n"
        f"estimated cost saved: ${result.estimated_cost_saved_usd:.4f} "
        f"at ${result.price_per_million_tokens_usd:.2f} per million input tokens\n"
        f"store: {result.store.originals} originals, {result.store.original_bytes:,} bytes "
        f"at {result.store.path}\n"
        f"headroom_run sandbox: {result.run_sandbox}"
    )
    for kind, k in result.by_kind.items():
        click.echo(
            f"  {kind:8} {k.compressions:5} calls  {k.tokens_saved:>10,} saved "
            f"({k.savings_percent:.1f}%)"
        )


def main() -> None:
    cli()
