"""`headroom-mcp proxy`: the compression proxy as a command. Parses options, binds the port,
prints where it listens and what to set, then serves until interrupted.

Kept apart from cli.py so the HTTP stack (uvicorn, starlette, httpx2) loads only here, and
only once the command runs.
"""

from __future__ import annotations

import errno
import logging
import socket
import sys

import click

from headroom_mcp.errors import HeadroomMcpError
from headroom_mcp.proxy.config import DEFAULT_PORT, ProxyConfig


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before serving so a busy port fails with a clear next step."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    # proto given explicitly: asyncio turns Nagle off (TCP_NODELAY) only on connections whose
    # socket says IPPROTO_TCP, and accepted sockets copy it from this one. With Nagle on, the
    # last small chunks of a relayed stream wait 40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"Port {port} on {host} is already in use (another proxy running?). Stop it, "
                f"or pick another port with --port, e.g. --port {port + 1}."
            ) from None
        raise click.ClickException(
            f"Cannot listen on {host}:{port}: {exc.strerror}. Check --host (an address of this "
            "machine, e.g. 127.0.0.1)."
        ) from None
    sock.listen(2048)
    return sock


def _shown(host: str, port: int) -> str:
    bare = host.strip("[]")
    return f"http://[{bare}]:{port}" if ":" in bare else f"http://{bare}:{port}"


@click.command("proxy")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int, help="Port.")
@click.option(
    "--anthropic-upstream",
    default=None,
    help="Anthropic API base URL. Env: HEADROOM_MCP_ANTHROPIC_UPSTREAM.",
)
@click.option(
    "--openai-upstream",
    default=None,
    help="OpenAI API base URL. Env: HEADROOM_MCP_OPENAI_UPSTREAM.",
)
@click.option(
    "--exclude",
    multiple=True,
    help="Tool-name glob whose results are never compressed (repeatable, e.g. 'mcp__*'). "
    "Env: HEADROOM_MCP_PROXY_EXCLUDE.",
)
@click.option(
    "--inject-retrieve",
    is_flag=True,
    help="Offer the model headroom_retrieve and answer its calls in the proxy.",
)
@click.option(
    "--token",
    envvar="HEADROOM_MCP_TOKEN",
    default=None,
    help="Token required off loopback (clients send it as x-headroom-token). Visible in the "
    "process list: prefer --token-file. Env: HEADROOM_MCP_TOKEN.",
)
@click.option(
    "--token-file",
    envvar="HEADROOM_MCP_TOKEN_FILE",
    default=None,
    type=click.Path(dir_okay=False),
    help="File holding the token. Env: HEADROOM_MCP_TOKEN_FILE.",
)
@click.option(
    "--log-level",
    default="INFO",
    show_default=True,
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]),
)
def proxy(
    host: str,
    port: int,
    anthropic_upstream: str | None,
    openai_upstream: str | None,
    exclude: tuple[str, ...],
    inject_retrieve: bool,
    token: str | None,
    token_file: str | None,
    log_level: str,
) -> None:
    """Run a local HTTP proxy in front of the Anthropic and OpenAI APIs that compresses tool
    results in each request (originals kept, retrievable). Point your agent at it with
    ANTHROPIC_BASE_URL / OPENAI_BASE_URL; keys pass through untouched.

    Example: headroom-mcp proxy --port 8787 --exclude 'mcp__*'
    """
    try:
        if token_file and not token:
            from headroom_mcp.transports import read_token_file

            token = read_token_file(token_file)
        config = ProxyConfig.from_env(
            host=host,
            port=port,
            anthropic_upstream=anthropic_upstream,
            openai_upstream=openai_upstream,
            exclude_tools=exclude or None,
            inject_retrieve=inject_retrieve or None,
            token=token,
        )
    except (HeadroomMcpError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    sock = _bind(host, port)
    try:
        from headroom_mcp.proxy.app import build_proxy_app

        app = build_proxy_app(config)
    except HeadroomMcpError as exc:
        sock.close()
        raise click.ClickException(str(exc)) from exc
    url = _shown(host, sock.getsockname()[1])
    click.echo(
        f"headroom-mcp proxy listening on {url} (Anthropic → {config.anthropic_upstream}, "
        f"OpenAI → {config.openai_upstream}); set:"
    )
    click.echo(f"  export ANTHROPIC_BASE_URL={url}")
    click.echo(f"  export OPENAI_BASE_URL={url}/v1")
    sys.stdout.flush()
    logging.basicConfig(
        stream=sys.stderr, level=log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="on", ws="none", access_log=False)
    )
    server.run(sockets=[sock])
