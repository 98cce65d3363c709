"""The `wrap` and `unwrap` commands: parse, call headroom_mcp.wrap.run, print.

Kept apart from cli.py so the main command list stays one screen per idea; cli.py adds these
two to its group. Progress lines go to stderr: the agent owns the terminal's stdout.
"""

from __future__ import annotations

import sys

import click

from headroom_mcp.errors import HeadroomMcpError
from headroom_mcp.proxy.config import DEFAULT_PORT
from headroom_mcp.wrap.agents import AGENT_NAMES


def _say(message: str) -> None:
    click.echo(message, err=True)


@click.command()
@click.argument("agent", type=click.Choice(AGENT_NAMES))
@click.argument("agent_args", nargs=-1, type=click.UNPROCESSED)
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int, help="Proxy port.")
@click.option("--dry-run", is_flag=True, help="Print every change (secrets hidden); run nothing.")
@click.option(
    "--agent-path",
    default=None,
    help="The agent's executable, when it is not on PATH under its usual name.",
)
@click.option("--no-probe", is_flag=True, help="Skip starting the MCP server to list its tools.")
def wrap(
    agent: str,
    agent_args: tuple[str, ...],
    port: int,
    dry_run: bool,
    agent_path: str | None,
    no_probe: bool,
) -> None:
    """Run AGENT (claude, codex or aider) through the compressing proxy, with headroom's MCP
    server registered, and put every config file back when it exits. The proxy is started
    unless one already answers on --port, and stopped when the last wrapped agent exits.
    Arguments after -- go to the agent; its exit code is passed on.

    Example: headroom-mcp wrap claude -- --continue
    """
    from headroom_mcp.wrap.plan import dry_run as plan_text
    from headroom_mcp.wrap.request import WrapRequest
    from headroom_mcp.wrap.run import wrap as run_wrapped

    request = WrapRequest(agent, agent_args, port, agent_path, probe=not no_probe)
    try:
        if dry_run:
            click.echo(plan_text(request), nl=False)
            return
        code = run_wrapped(request, _say)
    except HeadroomMcpError as exc:
        raise click.ClickException(str(exc)) from exc
    sys.exit(code)


@click.command()
@click.argument("agent", type=click.Choice(AGENT_NAMES))
def unwrap(agent: str) -> None:
    """Undo what a wrap of AGENT left behind when the wrapper itself was killed: config files
    put back (byte for byte, or only our block/entry taken out when the file changed since),
    and a proxy no wrapped agent uses any more stopped. Running wraps are left alone.

    Example: headroom-mcp unwrap codex
    """
    from headroom_mcp.wrap.run import unwrap as undo

    try:
        messages = undo(agent)
    except HeadroomMcpError as exc:
        raise click.ClickException(str(exc)) from exc
    for message in messages:
        click.echo(message)
