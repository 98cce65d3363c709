"""`headroom-mcp wrap AGENT`: run a coding agent through the compressing proxy, with our MCP
server registered, and put every file back when the agent exits.

    agents.py         what each agent needs: its executable, base-URL variables, MCP config
    codex_config.py   the marker block in Codex's config.toml: add, take out, mask for printing
    claude_config.py  our entry in Claude Code's ~/.claude.json: add only when absent
    edits.py          one file edit: backup, record, write atomically, restore
    state.py          what is changed and who is running, under the headroom home (for unwrap)
    proxy_process.py  find a listening proxy, start one, stop it when the last wrapper leaves
    signals.py        forward SIGINT/SIGTERM/SIGHUP to the agent, bounded stop
    request.py        WrapRequest: what the user asked for
    plan.py           the edit an agent needs, and the dry-run text, without changing anything
    run.py            the order of it all: wrap, and unwrap after a killed wrapper
"""
