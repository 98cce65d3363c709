"""A project's compression rules, from `.headroom-mcp.toml` at its root.

    [[json]]                      # rules of your own (these win over learned ones)
    tool = "gh api"               # a tool name or command prefix; "*" or absent: every tool
    drop = ["body_html"]          # field names or dotted paths left out of JSON output
    keep = ["html_url"]           # shown even where the engine would leave them out

    [budgets]                     # default token budget per kind when the caller gives none
    logs = 1500

`headroom-mcp learn` writes the same tables under `learned` (`[[learned.json]]`,
`[learned.budgets]`) inside a marked block. A field any rule keeps is never dropped, and the
JSON engine never drops a field the query names.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from headroom_mcp.engines.json_rules import FieldRules
from headroom_mcp.errors import ConfigError

RULES_FILE = ".headroom-mcp.toml"
ANY_TOOL = "*"


@dataclass(frozen=True)
class JsonFieldRule:
    tool: str
    drop: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()

    def applies_to(self, tool: str | None) -> bool:
        if self.tool == ANY_TOOL:
            return True
        return tool is not None and (tool == self.tool or tool.startswith(self.tool + " "))


@dataclass(frozen=True)
class ProjectRules:
    """Field rules (own ones first) and budgets per kind (own ones win)."""

    json: tuple[JsonFieldRule, ...] = ()
    budgets: Mapping[str, int] = field(default_factory=dict)

    def field_rules(self, tool: str | None = None) -> FieldRules | None:
        """The rules for output of `tool` (a tool name or command line; None when unknown,
        which applies only rules for every tool). Keep rules apply whatever the tool."""
        keep = frozenset(k for rule in self.json for k in rule.keep)
        drop = frozenset(d for rule in self.json if rule.applies_to(tool) for d in rule.drop)
        if not drop and not keep:
            return None
        return FieldRules(drop=drop - keep, keep=keep)

    def budget(self, kind: str) -> int | None:
        return self.budgets.get(kind)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f'{where} must be a list of field names, e.g. ["body_html"].')
    return tuple(value)


def _section(data: Mapping[str, Any], where: str) -> tuple[list[JsonFieldRule], dict[str, int]]:
    rules = []
    entries = data.get("json", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{where}json must be an array of tables: write [[{where}json]].")
    for n, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}json entry {n + 1} is not a table.")
        tool = entry.get("tool", ANY_TOOL)
        if not isinstance(tool, str):
            raise ConfigError(f"{where}json entry {n + 1}: tool must be a string.")
        rules.append(
            JsonFieldRule(
                tool,
                _strings(entry.get("drop", []), f"{where}json entry {n + 1}: drop"),
                _strings(entry.get("keep", []), f"{where}json entry {n + 1}: keep"),
            )
        )
    budgets = data.get("budgets", {})
    if not isinstance(budgets, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in budgets.values()
    ):
        raise ConfigError(f"[{where}budgets] must map kinds to positive token counts.")
    return rules, dict(budgets)


def load_project_rules(root: Path) -> ProjectRules:
    """The rules in `root/.headroom-mcp.toml` (none when the file is absent).

    Raises ConfigError when the file is not valid TOML or a rule has the wrong shape."""
    path = root / RULES_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ProjectRules()
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path} is not valid TOML ({exc}). Fix it, or delete the learned block and run "
            "`headroom-mcp learn` again."
        ) from None
    own_rules, own_budgets = _section(data, "")
    learned = data.get("learned", {})
    learned_rules, learned_budgets = _section(
        learned if isinstance(learned, dict) else {}, "learned."
    )
    return ProjectRules(
        json=(*own_rules, *learned_rules), budgets={**learned_budgets, **own_budgets}
    )
