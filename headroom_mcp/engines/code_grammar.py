"""Grammar files with embedded code: yacc/bison (`.y`, `.yy`) and lex/flex (`.l`, `.ll`).

Such a file is three sections split by `%%` lines: declarations (`%token`, `%type`, `%left`,
`%option`, start conditions) with `%{ ... %}` blocks of C, the rules (`name : alt { action } |
... ;` for yacc, `pattern { action }` for lex), and an epilogue of C. The C (prologue blocks and
epilogue) goes through the C path: the grammar parts are blanked, row for row, and what is
left is parsed as C, so its functions fold and open like any C file's. Each yacc rule becomes a
symbol named by its nonterminal (its first line is its signature), each lex pattern group a
symbol named by its pattern; declaration paragraphs are ranked like any outline item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

GRAMMAR_LANGUAGES = frozenset({"yacc", "lex"})
GRAMMAR_EXTENSIONS = {".y": "yacc", ".yy": "yacc", ".l": "lex", ".ll": "lex"}
CPP_EXTENSIONS = frozenset({".yy", ".ll"})
_SECTION_RE = re.compile(r"^%%\s*$")
_YACC_RE = re.compile(
    r"^%(token|type|left|right|nonassoc|precedence|union|start|define|expect|parse-param"
    r"|lex-param|destructor|locations|pure[-_]parser|code)\b",
    re.MULTILINE,
)
_LEX_RE = re.compile(r"^%(option|x|s|pointer|array)\b|^%\{", re.MULTILINE)
_RULE_START_RE = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(?:\[[\w.]+\]\s*)?:(?!:)")
SNIFF_CHARS = 20_000
MIN_RULE_FOLD_LINES = 3


def grammar_from_name(name: str | None) -> str | None:
    """'yacc' or 'lex' for a grammar file's name."""
    return GRAMMAR_EXTENSIONS.get(PurePath(name).suffix.lower()) if name else None


def grammar_language(content: str) -> str | None:
    """'yacc' or 'lex' when the content has a grammar file's shape: a `%%` line after
    declarations that use grammar directives (`%token`, `%{`, `%option`)."""
    sample = content[:SNIFF_CHARS]
    match = re.search(r"^%%\s*$", sample, re.MULTILINE)
    if match is None:
        return None
    head = sample[: match.start()]
    if _YACC_RE.search(head):
        return "yacc"
    if _LEX_RE.search(head):
        return "lex"
    return None


@dataclass(frozen=True)
class GrammarPart:
    """A grammar item: a rule, a lex pattern group, or a paragraph of declarations."""

    first: int
    last: int
    name: str
    kind: str  # "rule", "pattern" or "declarations"


@dataclass(frozen=True)
class GrammarLayout:
    code_rows: frozenset[int]  # rows of C: inside `%{ %}` blocks and the epilogue
    parts: tuple[GrammarPart, ...]
    cpp: bool


def _scan_c(line: str, depth: int, comment: bool) -> tuple[int, bool]:
    """Brace depth and block-comment state after a line of C (strings and chars skipped)."""
    i, n = 0, len(line)
    while i < n:
        if comment:
            end = line.find("*/", i)
            if end < 0:
                return depth, True
            comment, i = False, end + 2
            continue
        c = line[i]
        if c == "/" and line.startswith("/*", i):
            comment, i = True, i + 2
            continue
        if c == "/" and line.startswith("//", i):
            break
        if c in "\"'":
            i += 1
            while i < n and line[i] != c:
                i += 2 if line[i] == "\\" else 1
        elif c == "{":
            depth += 1
        elif c == "}":
            depth = max(0, depth - 1)
        i += 1
    return depth, comment


def _lex_pattern_end(line: str) -> int:
    """Where a lex pattern ends: the first blank outside quotes, classes and `{...}`."""
    i, n, bracket, brace = 0, len(line), False, 0
    while i < n:
        c = line[i]
        if c == "\\":
            i += 2
            continue
        if bracket:
            bracket = c != "]"
        elif c == '"':
            i += 1
            while i < n and line[i] != '"':
                i += 2 if line[i] == "\\" else 1
        elif c == "[":
            bracket = True
        elif c == "{" and brace == 0 and i + 1 < n and not line[i + 1].isspace():
            brace = 1
        elif c == "}" and brace:
            brace = 0
        elif c.isspace() and brace == 0:
            return i
        i += 1
    return n


def layout(lines: list[str], language: str, name: str | None = None) -> GrammarLayout:
    """The grammar file's sections: C rows, rules or pattern groups, declaration paragraphs."""
    seps = [r for r, line in enumerate(lines) if _SECTION_RE.match(line)]
    if not seps:
        raise ValueError("no %% line: not a grammar file")
    first_sep = seps[0]
    second_sep = seps[1] if len(seps) > 1 else len(lines)
    code: set[int] = set(range(second_sep + 1, len(lines)))
    parts: list[GrammarPart] = []
    parts += _declarations(lines, first_sep, code)
    if language == "yacc":
        parts += _yacc_rules(lines, first_sep + 1, second_sep)
    else:
        parts += _lex_groups(lines, first_sep + 1, second_sep)
    suffix = PurePath(name).suffix.lower() if name else ""
    return GrammarLayout(frozenset(code), tuple(parts), suffix in CPP_EXTENSIONS)


def _declarations(lines: list[str], end: int, code: set[int]) -> list[GrammarPart]:
    """Paragraphs of declarations (split at blank lines outside braces); `%{ %}` rows are C."""
    parts: list[GrammarPart] = []
    start: int | None = None
    depth, comment, in_code = 0, False, False
    for row in range(end):
        stripped = lines[row].strip()
        if in_code:
            if stripped == "%}":
                in_code = False
            else:
                code.add(row)
            continue
        if stripped == "%{":
            if start is not None:
                parts.append(GrammarPart(start, row - 1, "", "declarations"))
                start = None
            in_code = True
            continue
        if not stripped and depth == 0 and not comment:
            if start is not None:
                parts.append(GrammarPart(start, row - 1, "", "declarations"))
                start = None
            continue
        if start is None and stripped:
            start = row
        depth, comment = _scan_c(lines[row], depth, comment)
    if start is not None:
        last = max(r for r in range(start, end) if lines[r].strip())
        parts.append(GrammarPart(start, last, "", "declarations"))
    return parts


def _close(lines: list[str], first: int, before: int) -> int:
    """The last non-blank row of a part that runs up to `before`."""
    last = before - 1
    while last > first and not lines[last].strip():
        last -= 1
    return last


def _yacc_rules(lines: list[str], start: int, end: int) -> list[GrammarPart]:
    """One part per rule, from the line naming its nonterminal to the line before the next."""
    starts: list[tuple[int, str]] = []
    depth, comment = 0, False
    for row in range(start, end):
        if depth == 0 and not comment and (match := _RULE_START_RE.match(lines[row])):
            starts.append((row, match.group(1)))
        depth, comment = _scan_c(lines[row], depth, comment)
    out = []
    for n, (row, name) in enumerate(starts):
        before = starts[n + 1][0] if n + 1 < len(starts) else end
        out.append(GrammarPart(row, _close(lines, row, before), name, "rule"))
    return out


def _lex_groups(lines: list[str], start: int, end: int) -> list[GrammarPart]:
    """One part per top-level pattern with its action (a `<STATE>{` scope is one group)."""
    starts: list[tuple[int, str]] = []
    action, scopes, comment = 0, 0, False
    for row in range(start, end):
        line = lines[row]
        stripped = line.strip()
        if action == 0 and not comment:
            if not stripped:
                continue
            if stripped == "}" and scopes:
                scopes -= 1
                continue
            if stripped.startswith(("/*", "//")):  # a comment between patterns
                action, comment = _scan_c(line, action, comment)
                continue
            at = len(line) - len(line.lstrip())
            cut = at + _lex_pattern_end(line[at:])
            pattern = line[at:cut]
            if at == 0 and scopes == 0:
                starts.append((row, pattern.rstrip("{")))
            if at and scopes == 0:  # indented code copied into the scanner
                action, comment = _scan_c(line, action, comment)
                continue
            if pattern.startswith("<") and pattern.endswith("{"):
                scopes += 1
                continue
            action, comment = _scan_c(line[cut:], action, comment)
        else:
            action, comment = _scan_c(line, action, comment)
    out = []
    for n, (row, name) in enumerate(starts):
        before = starts[n + 1][0] if n + 1 < len(starts) else end
        out.append(GrammarPart(row, _close(lines, row, before), name, "pattern"))
    return out


def c_view(lines: list[str], code_rows: frozenset[int]) -> str:
    """The file with every row that is not C emptied: same rows, so C nodes keep their rows."""
    return "\n".join(line if r in code_rows else "" for r, line in enumerate(lines))
