"""`python -m headroom_mcp` runs the CLI."""

from headroom_mcp.cli import main

main()
