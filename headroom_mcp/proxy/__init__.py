"""The compression proxy: sits between an agent and its LLM API and compresses tool results.

Layout (one job per module):
  config.py             ProxyConfig: upstreams, exclusions, thresholds (from options and env)
  rewrite.py            Rewriter: request body in, request body to forward out (no HTTP)
  sessions.py           per-session memory that replays what was forwarded (prompt-cache safe)
  anthropic_messages.py / openai_chat.py / openai_responses.py: where each API keeps tool results
  app.py                the Starlette app: routes, streaming relay, /livez /stats /metrics
"""
