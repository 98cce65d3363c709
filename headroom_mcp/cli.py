"""The headroom-mcp command: serve, proxy (cli_proxy.py), install, uninstall, doctor, compress,
retrieve, search, read, run, forget, stats, learn, and wrap/unwrap (cli_wrap.py).

Each command parses its options, calls the library, and prints. Library errors become
`Error: ...` on stderr with exit code 1 (usage errors exit 2, as click does). Every command
but `serve` and `proxy` is one-shot: it starts no embedding worker, so it never loads the model.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from headroom_mcp.cli_proxy import proxy
from headroom_mcp.cli_wrap import unwrap, wrap
from headroom_mcp.errors import HeadroomMcpError


def _fail(exc: HeadroomMcpError) -> click.ClickException:
    return click.ClickException(str(exc))


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(asdict(value), indent=2, ensure_ascii=False))


LONG_RUNNING = ("serve", "proxy")


@click.group()
@click.version_option(package_name="headroom-mcp")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """headroom-mcp: compress tool output for AI agents; originals kept, retrievable on demand."""
    if ctx.invoked_subcommand not in LONG_RUNNING:
        from headroom_mcp.context import one_shot

        one_shot()


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


CLIENT_OPTION = click.option(
    "--client",
    type=click.Choice(["claude-desktop", "claude-code", "cursor"]),
    required=True,
    help="The MCP client whose config to edit.",
)
CONFIG_OPTION = click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Config file to edit instead of the client's default.",
)


@cli.command()
@CLIENT_OPTION
@CONFIG_OPTION
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
@click.option("--dry-run", is_flag=True, help="Print the new config (secrets hidden); write none.")
@click.option("--no-probe", is_flag=True, help="Skip starting the server to list its tools.")
def install(
    client: str,
    config_file: Path | None,
    name: str,
    home: str | None,
    roots: tuple[str, ...],
    dry_run: bool,
    no_probe: bool,
) -> None:
    """Add headroom to an MCP client's config, keeping every other server, then check that
    the server starts and lists its tools.

    Example: headroom-mcp install --client claude-desktop --root ~/src/app --dry-run
    """
    from headroom_mcp.install import (
        apply_install,
        config_path,
        masked,
        plan_install,
        server_entry,
    )

    path = config_file or config_path(client)
    env = {"HEADROOM_MCP_HOME": home} if home else {}
    if roots:
        env["HEADROOM_MCP_ROOTS"] = os.pathsep.join(roots)
    entry = server_entry(env or None)
    try:
        plan = plan_install(path, entry, name)
    except HeadroomMcpError as exc:
        raise _fail(exc) from exc
    if dry_run:
        click.echo(f"# {path} would become (secret values shown as ****):")
        click.echo(masked(plan.after), nl=False)
        return
    backup = apply_install(plan)
    verb = "Updated" if plan.replaced else "Added"
    click.echo(f'{verb} server "{name}" in {path}' + (f" (backup: {backup})" if backup else ""))
    if not no_probe:
        from headroom_mcp.probe import probe_entry

        probed = probe_entry(entry)
        if not probed.ok:
            raise click.ClickException(
                f"The entry was written, but the server did not start: {probed.error}. Run "
                "`headroom-mcp doctor` for details, or `headroom-mcp uninstall --client "
                f"{client}` to take the entry out."
            )
        click.echo(f"Checked: the server starts and lists {len(probed.tools)} tools.")
    click.echo("Restart the client to load it.")


@cli.command()
@CLIENT_OPTION
@CONFIG_OPTION
@click.option("--name", default="headroom", show_default=True, help="Server name in the config.")
@click.option("--dry-run", is_flag=True, help="Print the new config (secrets hidden); write none.")
def uninstall(client: str, config_file: Path | None, name: str, dry_run: bool) -> None:
    """Remove headroom's entry from an MCP client's config; every other server stays.

    Example: headroom-mcp uninstall --client cursor
    """
    from headroom_mcp.install import apply_install, config_path, masked, plan_uninstall

    path = config_file or config_path(client)
    try:
        plan = plan_uninstall(path, name)
    except HeadroomMcpError as exc:
        raise _fail(exc) from exc
    if plan is None:
        click.echo(f'Nothing to remove: {path} has no "{name}" server.')
        return
    if dry_run:
        click.echo(f"# {path} would become (secret values shown as ****):")
        click.echo(masked(plan.after), nl=False)
        return
    backup = apply_install(plan)
    click.echo(f'Removed server "{name}" from {path} (backup: {backup}).')
    click.echo("Restart the client to unload it.")


@cli.command()
@click.option("--name", default="headroom", show_default=True, help="Server name in configs.")
def doctor(name: str) -> None:
    """Check the install: versions, store, embedding model, torch build, client configs, and
    whether a server starts. One line each, ✓ or ✗ with the fix; exit 1 if any ✗.

    Example: headroom-mcp doctor
    """
    from headroom_mcp.config import load_settings
    from headroom_mcp.doctor import run_checks

    try:
        settings = load_settings()
    except HeadroomMcpError as exc:
        raise _fail(exc) from exc
    checks = run_checks(settings, name)
    for check in checks:
        click.echo(check.line())
    if any(c.status == "fail" for c in checks):
        sys.exit(1)


def _read_input(source: str) -> str:
    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        raise click.ClickException(
            f"Cannot read {source}: {exc.strerror or exc}. Give the path of a text file, or - "
            "to read standard input."
        ) from None
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

    content = _read_input(source)
    try:
        with _progress_bar(len(content)) as report:
            result = api.compress(content, query, kind, max_tokens, client="cli", progress=report)
    except HeadroomMcpError as exc:
        raise _fail(exc) from exc
    if as_json:
        _echo_json(result)
        return
    click.echo(result.compressed)
    click.echo(
        f"hash {result.hash} · {result.kind} · {result.original_tokens:,} → "
        f"{result.compressed_tokens:,} tokens ({result.savings_percent:.1f}% saved)",
        err=True,
    )


PROGRESS_MIN_CHARS = 2 * 1024**2


@contextlib.contextmanager
def _progress_bar(size: int) -> Iterator[Callable[[float, str], None] | None]:
    """A progress bar on stderr for content large enough to take seconds (click's bar,
    shown only on a terminal)."""
    if size < PROGRESS_MIN_CHARS:
        yield None
        return
    with click.progressbar(length=100, label="compressing", file=sys.stderr, show_eta=False) as bar:
        shown = 0

        def report(fraction: float, message: str) -> None:
            nonlocal shown
            bar.label = message
            bar.update(int(fraction * 100) - shown)
            shown = int(fraction * 100)

        yield report


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
        click.echo(result.content, nl=not result.complete)


@cli.command()
@click.argument("query")
@click.option("--max-tokens", type=int, default=None, help="Cap the answer at this many tokens.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole result as JSON.")
def search(query: str, max_tokens: int | None, as_json: bool) -> None:
    """Search everything stored (every agent's, every session's) for QUERY.

    Example: headroom-mcp search "payment timeout"
    """
    from headroom_mcp import api

    try:
        result = api.retrieve(None, query, max_tokens, client="cli")
    except HeadroomMcpError as exc:
        raise _fail(exc) from exc
    if as_json:
        _echo_json(result)
    else:
        click.echo(result.content)


@cli.command()
@click.argument("path")
@click.option("--query", "-q", default=None, help="What you are looking for; steers what is kept.")
@click.option("--max-tokens", type=int, default=None, help="Cap the output at this many tokens.")
@click.option("--lines", default=None, help='A line range to read, e.g. "120-200".')
@click.option("--json", "as_json", is_flag=True, help="Print the whole result as JSON.")
def read(
    path: str, query: str | None, max_tokens: int | None, lines: str | None, as_json: bool
) -> None:
    """Read PATH compressed, as headroom_read does (inside HEADROOM_MCP_ROOTS; secrets and
    binaries refused).

    Example: headroom-mcp read src/app.py -q "how is the token refreshed"
    """
    from headroom_mcp import sources

    try:
        result = sources.read(path, query, max_tokens, lines, client="cli")
    except HeadroomMcpError as exc:
        raise _fail(exc) from exc
    if as_json:
        _echo_json(result)
    else:
        click.echo(result.compressed)


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("argv", nargs=-1, required=True, type=click.UNPROCESSED)
@click.option("--query", "-q", default=None, help="What you are looking for; steers what is kept.")
@click.option("--max-tokens", type=int, default=None, help="Cap the output at this many tokens.")
@click.option("--cwd", default=None, help="Folder to run in (inside the roots).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole result as JSON.")
def run(
    argv: tuple[str, ...], query: str | None, max_tokens: int | None, cwd: str | None,
    as_json: bool,
) -> None:  # fmt: skip
    """Run an allowlisted command as headroom_run does (HEADROOM_MCP_RUN_ALLOW) and print its
    output compressed. Put the command after --.

    Example: headroom-mcp run -q "failing tests" -- pytest -q
    """
    from headroom_mcp import sources
    from headroom_mcp.presenting import run_text

    try:
        result = sources.run(list(argv), query, max_tokens, cwd, client="cli")
    except HeadroomMcpError as exc:
        raise _fail(exc) from exc
    if as_json:
        _echo_json(result)
    else:
        click.echo(run_text(result))


@cli.command()
@click.argument("hash_")
@click.option("--json", "as_json", is_flag=True, help='Print {"forgot": HASH} as JSON.')
def forget(hash_: str, as_json: bool) -> None:
    """Delete the original stored under HASH, with its index entries.

    Example: headroom-mcp forget 3f9a2c1e5b7d
    """
    from headroom_mcp import api

    try:
        short = api.forget(hash_)
    except HeadroomMcpError as exc:
        raise _fail(exc) from exc
    click.echo(json.dumps({"forgot": short}) if as_json else f"Forgot {short}.")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the whole result as JSON.")
def stats(as_json: bool) -> None:
    """Show tokens and cost saved (net of retrieval), per kind, across every process sharing
    the store.

    Example: headroom-mcp stats --json
    """
    from headroom_mcp import api
    from headroom_mcp.presenting import stats_text

    try:
        result = api.stats()
    except HeadroomMcpError as exc:
        raise _fail(exc) from exc
    if as_json:
        _echo_json(result)
    else:
        click.echo(stats_text(result))


@cli.command()
@click.option(
    "--project",
    type=click.Path(file_okay=False, exists=True, resolve_path=True, path_type=Path),
    default=".",
    help="Project root: sessions whose cwd is inside it are read; rules are written there.",
)
@click.option(
    "--target",
    type=click.Choice(["CLAUDE.local.md", "CLAUDE.md", "AGENTS.md"]),
    default="CLAUDE.local.md",
    show_default=True,
    help="Instructions file that gets the rules block.",
)
@click.option("--all", "every", is_flag=True, help="Read every session, of every project.")
@click.option(
    "--session",
    "session_paths",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Read only this session file (repeatable; Claude Code .jsonl or Codex rollout-*.jsonl).",
)
@click.option("--dry-run", is_flag=True, help="Print the changes as a unified diff; write none.")
@click.option("--report", is_flag=True, help="Print what was found as a table; write nothing.")
@click.option(
    "--claude-home",
    envvar="CLAUDE_CONFIG_DIR",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Claude Code's folder (default ~/.claude). Env: CLAUDE_CONFIG_DIR.",
)
@click.option(
    "--codex-home",
    envvar="CODEX_HOME",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Codex's folder (default ~/.codex). Env: CODEX_HOME.",
)
def learn(
    project: Path,
    target: str,
    every: bool,
    session_paths: tuple[Path, ...],
    dry_run: bool,
    report: bool,
    claude_home: Path | None,
    codex_home: Path | None,
) -> None:
    """Mine past Claude Code and Codex sessions of this project, offline, for rules: commands
    that keep failing and what fixed them, retry loops, output that filled the context. Rules
    go between markers in CLAUDE.local.md (or --target); compression rules go to
    .headroom-mcp.toml, which the JSON engine honours.

    Example: headroom-mcp learn --dry-run
    """
    from headroom_mcp import learn as learning
    from headroom_mcp.config import load_settings
    from headroom_mcp.context import current

    home = Path.home()
    try:
        if session_paths:
            sessions = learning.read_sessions(list(session_paths))
        else:
            sources = learning.SessionSources(
                claude_home or home / ".claude", codex_home or home / ".codex"
            )
            sessions = learning.find_sessions(project, sources, every=every)
        store = current()[1] if load_settings().db_path.exists() else None
        findings = learning.mine(sessions, store)
    except HeadroomMcpError as exc:
        raise _fail(exc) from exc
    if report:
        click.echo(learning.report_table(findings, project, home))
        return
    changes = learning.plan_changes(project, findings, len(sessions), target, home)
    if dry_run:
        for change in changes:
            click.echo(change.diff(), nl=False)
        if not changes:
            click.echo(f"Nothing to change ({len(sessions)} sessions read).")
        return
    for path in learning.apply_changes(changes):
        click.echo(f"Updated {path.relative_to(project)}")
    if not changes:
        click.echo(f"Nothing to change ({len(sessions)} sessions read).")


cli.add_command(proxy)
cli.add_command(wrap)
cli.add_command(unwrap)


def main() -> None:
    cli()
