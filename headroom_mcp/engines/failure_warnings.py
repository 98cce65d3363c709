"""Warning diagnostics: the compiler and analyser warnings of a build, grouped by message.

A build that succeeds can still print dozens of warnings, most of them the same message at
other places. A question about warnings needs each distinct one with where it happened, not
the first few hundred lines. Recognised shapes, whatever the tool:

- gcc, clang, javac, scalac and Python: `file:12:5: warning: msg`,
  `file.py:3: DeprecationWarning: msg`;
- MSBuild, csc and code analysis: `file(12,5): warning CS0168: msg`,
  `MSBUILD : warning : CA2210 : msg`;
- IAR and other embedded compilers: `file.c(121) : Warning[Pe177]: msg`;
- Eclipse's compiler (ecj): `1. WARNING in File.java (at line 82)`, the source, the caret and
  the message, up to the `----------` rule;
- bracketed levels (`[WARNING] msg`, sbt's `[warn] file:4: msg`) and bare `warning: msg`.

A warning's block is its line and the lines that belong to it (source excerpt, caret, notes,
an indented continuation). `key` is its message with numbers and directories masked, so the
same warning at two places is one group; `message` keeps quoted names, so two unused
variables stay two distinct warnings of one group.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from headroom_mcp.engines.failure_scan import indent, prefix_end

_FILE = r"(?:[A-Za-z]:)?[^\s:()\[\]][^:()\[\]]*?"
WARNING_RE = re.compile(
    # gcc/clang/javac/Python: file:line(:col): warning: msg / file.py:3: XWarning: msg
    r"^(?P<file>" + _FILE + r"):(?P<line>\d+)(?::\d+)?:? ?(?:warning|Warning|WARNING|\w+Warning)"
    r"(?:\[[\w\-]+\])?: (?P<msg>.*)"
    # MSBuild/csc/IAR: file(line[,col]) : warning CODE: msg / Warning[Pe177]: msg
    r"|^(?P<file2>" + _FILE + r")\((?P<line2>\d+)(?:,\d+)*\) ?: ?(?:warning|Warning|WARNING)"
    r"(?:\[[\w\-]+\])?(?: ?:)? ?(?P<msg2>.*)"
    # MSBuild without a file: `MSBUILD : warning : CA2210 : msg`, `CSC : warning CS2008: msg`
    r"|^(?P<tool>[A-Z][\w.\-]*) : (?:warning|Warning) ?(?P<msg3>[A-Z]*\d*\s*:.*)"
    # Eclipse ecj: `12. WARNING in /path/File.java (at line 82)`
    r"|^\d+\. WARNING in (?P<file4>.+?) \(at line (?P<line4>\d+)\)$"
    # bare: `warning: msg`, `WARNING: msg`, `Warning: msg`
    r"|^(?:warning|Warning|WARNING)(?:\[[\w\-]+\])?: (?P<msg5>\S.*)"
)
# A bracketed tag before the text: Ant's `[javac]`, `[exec]`; Maven's `[WARNING]`, sbt's `[warn]`.
_TAG_RE = re.compile(r"^\s*\[(?P<tag>\w[\w.\-]*)\] ?")
_WARN_TAGS = {"WARNING", "WARN", "warn", "warning", "Warning"}
# After a warning tag, a place may open the message: sbt's `[warn] src/A.scala:4: msg`.
_PLACE_RE = re.compile(r"^(?P<file>" + _FILE + r"):\[?(?P<line>\d+)(?:[:,]\d+)?\]?:? (?P<msg>\S.*)")
# Cheap test before WARNING_RE: nearly every log line lacks the word.
_HINT_RE = re.compile(r"(?i)warn")
_ECJ_RULE_RE = re.compile(r"^\s*-{6,}\s*$")
_FOLLOW_RE = re.compile(
    r"^(\s*\d*\s*\|( .*)?$|\s*\^[~^]*\s*$|\s+\S|[^\s:][^:]*:\d+(:\d+)?: note: |\s*= (note|help))"
)
_BARE_NOISE_RE = re.compile(
    r"^\[(?:WARNING|WARN|warn|warning)\] *$|^\[WARNING\] -+$|\bwarnings? (?:found|generated)\b"
    r"|^\[WARNING\] (?:JAR will be empty|Using platform encoding)"
)
_NUMBER_RE = re.compile(r"\d+")
_QUOTED_RE = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`|\u2018[^\u2019]*\u2019")
_TRAIL_PROJECT_RE = re.compile(r"\s*\[[^\[\]]*\.\w+proj\]\s*$")  # MSBuild's `[x.csproj]`
MAX_FOLLOW = 12


@dataclass(frozen=True)
class Warning_:
    """One warning: lines first..last (inclusive) of the list it was found in; `row` is the
    line that says it; `where` is `file:line` when the line names one."""

    first: int
    last: int
    row: int
    message: str  # the warning text, numbers masked: equal messages are one distinct warning
    key: str  # the message with quoted names masked too: its group
    where: str


def find_warnings(lines: Sequence[str], skip: set[int] | None = None) -> list[Warning_]:
    """Every warning in `lines` (shown lines: ANSI stripped), in order, none overlapping;
    rows in `skip` (failure blocks) are never a warning's start."""
    found: list[Warning_] = []
    floor = 0
    for i, line in enumerate(lines):
        if i < floor or (skip and i in skip) or not _HINT_RE.search(line):
            continue
        said = _said(line)
        if said is None:
            continue
        warning = _warning(lines, i, said, skip or set())
        found.append(warning)
        floor = warning.last + 1
    return found


def says_warning(line: str) -> bool:
    """Whether `line` (shown: ANSI stripped) opens a warning."""
    return bool(_HINT_RE.search(line)) and _said(line) is not None


def _said(line: str) -> tuple[str, str, str, bool] | None:
    """(file, line number, message, is ecj) when `line` says a warning."""
    body = _text(line)
    tagged = _TAG_RE.match(line[prefix_end(line) :])
    if _BARE_NOISE_RE.search(body):
        return None
    match = WARNING_RE.match(body)
    if match is not None:
        g = match.groupdict()
        file = g["file"] or g["file2"] or g["file4"] or g["tool"] or ""
        number = g["line"] or g["line2"] or g["line4"] or ""
        msg = next((g[k] for k in ("msg", "msg2", "msg3", "msg5") if g[k] is not None), "")
        return file, number, msg, g["file4"] is not None
    rest = line[prefix_end(line) :][tagged.end() :] if tagged is not None else ""
    if tagged is not None and tagged.group("tag") in _WARN_TAGS and rest[:1].strip() and body:
        place = _PLACE_RE.match(body)
        if place is not None:
            return place.group("file"), place.group("line"), place.group("msg"), False
        return "", "", body, False
    return None


def _text(line: str) -> str:
    """`line` without its log prefix and a bracketed tag (`[javac]`, `[WARNING]`)."""
    body = line[prefix_end(line) :].rstrip("\r")
    tagged = _TAG_RE.match(body)
    return (body[tagged.end() :] if tagged else body).strip()


def _follow(line: str) -> str:
    body = line[prefix_end(line) :].rstrip("\r")
    tagged = _TAG_RE.match(body)
    return body[tagged.end() :] if tagged else body


def _warning(
    lines: Sequence[str], i: int, said: tuple[str, str, str, bool], skip: set[int]
) -> Warning_:
    file, number, text, ecj = said
    where = f"{_base(file)}:{number}" if file and number else _base(file)
    if ecj:  # ecj: source, caret, message, up to the rule
        j = i + 1
        while j < len(lines) and j - i <= MAX_FOLLOW and not _ECJ_RULE_RE.match(_follow(lines[j])):
            j += 1
        last = j - 1
        text = _follow(lines[last]).strip() if last > i else ""
    else:
        base = indent(_follow(lines[i]))
        j = i + 1
        while j < len(lines) and j - i <= MAX_FOLLOW and j not in skip:
            follow = _follow(lines[j])
            if not follow.strip() or _said(lines[j]) is not None:
                break
            if not ((_FOLLOW_RE.match(follow) and indent(follow) > base) or "|" in follow[:8]):
                break
            j += 1
        last = j - 1
    text = _TRAIL_PROJECT_RE.sub("", text).strip()
    message = _NUMBER_RE.sub("#", text)
    return Warning_(i, last, i, message, _QUOTED_RE.sub("'…'", message), where)


def _base(path: str) -> str:
    return re.split(r"[/\\]", path.strip())[-1]


def group_warnings(warnings: Sequence[Warning_]) -> dict[str, list[Warning_]]:
    """Warnings by distinct message, in order of first sighting."""
    groups: dict[str, list[Warning_]] = {}
    for warning in warnings:
        groups.setdefault(warning.message, []).append(warning)
    return groups
