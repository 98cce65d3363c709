"""Compiler, type-checker and linter diagnostics: which file, which severity, which rule.

A long list of diagnostics (tsc's `src/a.ts(12,5): error TS2345: ...`, mypy's
`a.py:12: error: ...  [arg-type]`, eslint's stylish report, rustc and clippy's `error[E0308]:`
with its ` --> src/main.rs:4:5`) is read by file and by rule: "which errors are in
lib/veo.ts?", "what does clippy say about cast_possible_truncation?". This module finds each
diagnostic's file, severity and rule code (counted from the input, never guessed), so the
build kind can say how many each file has and put the ones a query names first.

Recognised shapes:

- tsc, MSBuild, csc: `file(12,5): error TS2345: msg`, tsc's pretty `file:12:5 - error TS2345:`;
- gcc, clang, javac, mypy, pyright, eslint's unix format: `file:12:5: error: msg [code]`;
- flake8, ruff, pylint: `file:12:5: F401 msg`;
- rustc and clippy: `error[E0308]: msg` / `warning: msg` and the ` --> file:12:5` under it, the
  rule from `[E0308]` or the lint the diagnostic names (`clippy::cast_possible_truncation`,
  `#[warn(unused_variables)]`, the lint's documentation link);
- eslint's stylish report: a file's path alone on a line, then `  12:5  error  msg  rule`;
- go vet, inside the failure block failure_compilers found: `file.go:12:5: msg`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from headroom_mcp.engines.base import MARKER_PREFIX

_PATH = r"(?:[A-Za-z]:)?[^\s:'\"]+?"
_PAREN_RE = re.compile(  # tsc, MSBuild, csc
    r"^\s*(?P<file>" + _PATH + r")\((?P<line>\d+)(?:,\d+)*\) ?: (?:fatal )?"
    r"(?P<sev>error|warning)(?: (?P<code>[A-Z]+\d+))? ?: "
)
_TSC_PRETTY_RE = re.compile(
    r"^(?P<file>" + _PATH + r"):(?P<line>\d+):\d+ - (?P<sev>error|warning) (?P<code>TS\d+): "
)
_COLON_RE = re.compile(  # gcc, clang, javac, mypy, pyright, eslint -f unix
    r"^(?P<file>" + _PATH + r"):(?P<line>\d+)(?::\d+)?:? (?:fatal )?(?P<sev>error|warning)"
    r"(?:\[(?P<code2>[\w\-]+)\])?: (?P<msg>.*?)(?:\s+\[(?P<code>[\w\-/@.=]+)\])?\s*$"
)
_LINTER_RE = re.compile(  # flake8, ruff, pylint: `file:12:5: F401 msg`
    r"^(?P<file>" + _PATH + r"\.\w+):(?P<line>\d+)(?::\d+)?: (?P<code>[A-Z]{1,3}\d{2,4})\b:? "
)
_RUSTC_RE = re.compile(r"^(?P<sev>error|warning)(?:\[(?P<code>[\w:]+)\])?: (?P<msg>.+)")
_RUSTC_PLACE_RE = re.compile(r"^\s*--> (?P<file>" + _PATH + r"):(?P<line>\d+)(?::\d+)?\s*$")
_RUSTC_LINT_RE = re.compile(
    r"\bclippy::(?P<clippy>[a-z][\w-]*)|#\[(?:warn|deny|forbid)\((?P<attr>[a-z][\w:]*)\)\]"
    r"|index\.html#(?P<doc>[a-z][\w]*)"
)
_RUSTC_LOOKAHEAD = 4  # lines between a rustc headline and its ` --> ` place
_RUSTC_MAX_LINES = 60  # a rustc diagnostic's lines searched for the lint it names
_STYLISH_FILE_RE = re.compile(r"^(?P<file>(?:[A-Za-z]:)?[^\s:]*[/\\.][^\s:]*\.\w+)\s*$")
_STYLISH_ROW_RE = re.compile(
    r"^\s+(?P<line>\d+):\d+\s+(?P<sev>error|warning)\s+(?P<msg>.+?)(?:\s{2,}(?P<code>[@\w/\-]+))?\s*$"
)
_GO_RE = re.compile(r"^(?:\./|\.\./)?(?P<file>[\w./\-]+\.go):(?P<line>\d+)(?::\d+)?: \S")
_WARNING_LETTERS = ("W", "C", "R", "N", "D")  # pycodestyle/pylint: warning, convention, ...


@dataclass(frozen=True)
class Diagnostic:
    """One diagnostic: the row that says it, the file it is about, `error` or `warning`, and
    its rule code ("TS2345", "E0308", "arg-type", "cast_possible_truncation"; "" when the
    tool printed none)."""

    row: int
    file: str
    severity: str
    code: str


def find_diagnostics(bodies: Sequence[str], go_rows: set[int] | None = None) -> list[Diagnostic]:
    """Every diagnostic in `bodies` (lines without ANSI codes or a log prefix), in order.
    `go_rows` are the rows of go build/vet blocks, where `file.go:12: msg` is a diagnostic
    (elsewhere it may be a test's own output)."""
    found: list[Diagnostic] = []
    stylish_file = ""  # eslint's stylish report: the path line its rows are under
    for i, body in enumerate(bodies):
        if _STYLISH_FILE_RE.match(body):
            stylish_file = body.strip()
            continue
        if ":" not in body:
            continue
        diagnostic = _said(bodies, i, body, stylish_file, go_rows or set())
        if diagnostic is not None:
            found.append(diagnostic)
    return _rustc_lints_shared(bodies, found)


def _said(
    bodies: Sequence[str], i: int, body: str, stylish_file: str, go_rows: set[int]
) -> Diagnostic | None:
    for pattern in (_PAREN_RE, _TSC_PRETTY_RE, _COLON_RE):
        match = pattern.match(body)
        if match is not None:
            groups = match.groupdict()
            code = groups.get("code") or groups.get("code2") or ""
            return Diagnostic(i, match.group("file"), match.group("sev"), code.lstrip("-"))
    match = _LINTER_RE.match(body)
    if match is not None:
        code = match.group("code")
        severity = "warning" if code.startswith(_WARNING_LETTERS) else "error"
        return Diagnostic(i, match.group("file"), severity, code)
    match = _RUSTC_RE.match(body)
    if match is not None:
        return _rustc(bodies, i, match)
    match = _STYLISH_ROW_RE.match(body)
    if match is not None and stylish_file:
        return Diagnostic(i, stylish_file, match.group("sev"), match.group("code") or "")
    if i in go_rows:
        match = _GO_RE.match(body)
        if match is not None:
            return Diagnostic(i, match.group("file"), "error", "")
    return None


def _rustc(bodies: Sequence[str], i: int, match: re.Match[str]) -> Diagnostic | None:
    """A rustc/clippy diagnostic: its headline, and the ` --> ` place within a few lines (a
    headline without one, `error: aborting due to ...`, is a summary, not a diagnostic)."""
    place = None
    for k in range(i + 1, min(len(bodies), i + 1 + _RUSTC_LOOKAHEAD)):
        place = _RUSTC_PLACE_RE.match(bodies[k])
        if place is not None:
            break
    if place is None:
        return None
    code = match.group("code") or ""
    if not code or code.startswith("clippy::"):
        code = code.removeprefix("clippy::") or _rustc_lint(bodies, i)
    return Diagnostic(i, place.group("file"), match.group("sev"), code)


def _rustc_lint(bodies: Sequence[str], i: int) -> str:
    """The lint a rustc diagnostic names in its notes (clippy prints it with the first
    diagnostic of each lint, and with each one as a documentation link)."""
    for k in range(i + 1, min(len(bodies), i + _RUSTC_MAX_LINES)):
        body = bodies[k]
        if _RUSTC_RE.match(body):
            break
        lint = _RUSTC_LINT_RE.search(body)
        if lint is not None:
            name = lint.group("clippy") or lint.group("attr") or lint.group("doc") or ""
            return name.removeprefix("clippy::").replace("-", "_")
    return ""


_MASK_RE = re.compile(r"`[^`]*`|\d+")


def _rustc_lints_shared(bodies: Sequence[str], found: list[Diagnostic]) -> list[Diagnostic]:
    """rustc names a lint (`= note: #[warn(unused_variables)] on by default`) with its first
    diagnostic only: a later one with the same message, names and numbers aside, is the same
    lint, when every diagnostic of that message that names one names the same."""
    lints: dict[str, set[str]] = {}
    keys: dict[int, str] = {}
    for d in found:
        match = _RUSTC_RE.match(bodies[d.row])
        if match is not None:
            keys[d.row] = _MASK_RE.sub("#", match.group("msg"))
            if d.code:
                lints.setdefault(keys[d.row], set()).add(d.code)
    out = []
    for d in found:
        named = lints.get(keys.get(d.row, ""), set())
        if not d.code and len(named) == 1:
            d = Diagnostic(d.row, d.file, d.severity, next(iter(named)))
        out.append(d)
    return out


MAX_OVERVIEW_FILES = 12
MAX_OVERVIEW_CODES = 5
MIN_OVERVIEW_DIAGNOSTICS = 8  # fewer are read in a glance: no overview


def overview(diagnostics: Sequence[Diagnostic], max_files: int = MAX_OVERVIEW_FILES) -> list[str]:
    """Marker lines counting each file's errors and warnings and its most frequent rule codes,
    the files with the most first, then one line for the files left out; empty when there
    are too few diagnostics to need one, or one file and no codes to tell apart."""
    if len(diagnostics) < MIN_OVERVIEW_DIAGNOSTICS:
        return []
    by_file: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_file.setdefault(d.file, []).append(d)
    if len(by_file) < 2 and not any(d.code for d in diagnostics):
        return []
    ranked = sorted(by_file.items(), key=lambda item: -len(item[1]))  # stable: first seen
    lines = [
        f"{MARKER_PREFIX}: {file}: {_counts(ds)}{_codes(ds)}]" for file, ds in ranked[:max_files]
    ]
    rest = [d for _, ds in ranked[max_files:] for d in ds]
    if rest:
        files = len(ranked) - max_files
        lines.append(f"{MARKER_PREFIX}: {files} more files: {_counts(rest)}]")
    return lines


def _counts(diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.severity == "error")
    warnings = len(diagnostics) - errors
    parts = [_plural(errors, "error"), _plural(warnings, "warning")]
    return ", ".join(p for p in parts if p)


def _plural(n: int, word: str) -> str:
    return "" if n == 0 else f"{n} {word}" + ("" if n == 1 else "s")


def _codes(diagnostics: Sequence[Diagnostic]) -> str:
    counts = Counter(d.code for d in diagnostics if d.code)
    if not counts:
        return ""
    common = counts.most_common(MAX_OVERVIEW_CODES)
    shown = [f"{code} x{n}" if n > 1 else code for code, n in common]
    more = ", …" if len(counts) > MAX_OVERVIEW_CODES else ""
    return f" ({', '.join(shown)}{more})"
