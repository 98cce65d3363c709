"""Compression engines: pure functions of (content, query, budget) -> EngineResult.

Engines never touch the store, the network, the clock or configuration; only `api` stores.
"""
