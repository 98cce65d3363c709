"""Recognisers for compiler diagnostics: gcc/clang (and javac, which prints the same shape),
rustc, tsc, Maven's javac report and go build/vet.

A diagnostic is its `file:line:col: error: message` line, the source excerpt and caret under
it, and the `note:` / `= help:` / `symbol:` lines that belong to it; warnings are not
failures and are never a block's start.
"""

from __future__ import annotations

import re

from headroom_mcp.engines.failure_scan import Found, View, indent

CC_ERROR_RE = re.compile(r"^(?P<file>[^\s:][^:]*?):(\d+):(\d+:)? (fatal error|error): ")
_CC_CONTEXT_RE = re.compile(
    r"^(In file included from |\s+from |.*: (In|At) (function|member function|constructor"
    r"|instantiation|static member function|global scope|top level)|.*: required from )"
)
_CC_FOLLOW_RE = re.compile(
    r"^(\s*\d*\s*\|( .*)?$|\s*\^[~^]*\s*$|\s+(symbol|location|required|found|reason|where)"
    r"\s*:|[^\s:][^:]*:\d+:(\d+:)? note: |\s+\S)"
)
_CC_OTHER_RE = re.compile(r"^[^\s:][^:]*:\d+:(\d+:)? (warning|remark): ")
_CC_COMPILER_EXTS = {".java": "javac", ".kt": "javac", ".scala": "javac"}


def cc_diagnostic(view: View, i: int, match: re.Match[str]) -> Found | None:
    """gcc/clang/javac `file:line:col: error: msg` with the `In function` lines above it and
    the source excerpt, caret and notes below it."""
    file = match.group("file")
    if file.endswith(".go"):
        return None
    ext = file[file.rfind(".") :]
    flavor = _CC_COMPILER_EXTS.get(ext, "gcc")
    first = i
    while first - 1 >= view.floor and _CC_CONTEXT_RE.match(view.body(first - 1)):
        first -= 1
    j = i + 1
    while j < len(view) and j - i <= 30:
        body = view.body(j)
        if CC_ERROR_RE.match(body) or _CC_OTHER_RE.match(body) or not body.strip():
            break
        if not _CC_FOLLOW_RE.match(body) and j > i + 1:
            break
        j += 1
    return Found(first, j - 1, flavor, i, i, first, [i])


MAVEN_JAVAC_RE = re.compile(r"^\[ERROR\] (?P<file>\S+\.(java|kt|scala)):\[\d+(,\d+)?\] ")


def maven_javac(view: View, i: int, _: re.Match[str]) -> Found | None:
    """Maven's compiler plugin: `[ERROR] /src/Foo.java:[10,5] cannot find symbol` and its
    indented `[ERROR]   symbol: ...` lines."""
    j = i + 1
    while j < len(view) and re.match(r"^(\[ERROR\])?\s{2,}\S", view.body(j)):
        j += 1
    return Found(i, j - 1, "javac", i, i, None, [i])


RUSTC_ERROR_RE = re.compile(r"^error(\[E\d{4}\])?: (?!aborting due to|could not compile)")
# `LL |` is how rustc's own UI tests write a line number.
_RUSTC_FOLLOW_RE = re.compile(
    r"^\s*(-->|::: |(\d+|LL)?\s*\||=\s*(note|help)|\.\.\.$)|^(note|help): "
)


def rustc_diagnostic(view: View, i: int, _: re.Match[str]) -> Found | None:
    """`error[E0308]: mismatched types` with its ` --> src/x.rs:l:c` and the excerpt lines."""
    j = i + 1
    location = None
    while j < len(view) and _RUSTC_FOLLOW_RE.match(view.body(j)):
        if location is None and "-->" in view.body(j)[:12]:
            location = j
        j += 1
    if j == i + 1 and "[E" not in view.body(i)[:8]:
        return None  # a bare `error: ...` from some other tool
    important = [i] + ([location] if location is not None else [])
    return Found(i, j - 1, "rustc", i, location, None, important)


TSC_ERROR_RE = re.compile(r"^(\S.*?)(\(\d+,\d+\): | ?:\d+:\d+ - )error TS\d+: ")
_TSC_EXCERPT_RE = re.compile(r"^(\d+\s.*|\s+~+\s*|\s+\S.*)$")


def tsc_diagnostic(view: View, i: int, _: re.Match[str]) -> Found | None:
    """`src/x.ts(10,5): error TS2322: ...` or `src/x.ts:10:5 - error TS2322: ...`, with the
    message's indented continuation and the pretty excerpt (`10   code` / `   ~~~`)."""
    j = i + 1
    while j < len(view) and j - i <= 20:
        body = view.body(j)
        if TSC_ERROR_RE.match(body):
            break
        if not body.strip():
            if j + 1 < len(view) and re.match(r"^\d+\s", view.body(j + 1)):
                j += 1  # the blank line between the message and the pretty excerpt
                continue
            break
        if not _TSC_EXCERPT_RE.match(body):
            break
        j += 1
    return Found(i, j - 1, "tsc", i, i, None, [i])


GO_DIAG_RE = re.compile(r"^(\./|\.\./)?[\w./\-]+\.go:\d+(:\d+)?: \S")  # older go: no column
_GO_HEADER_RE = re.compile(r"^# [\w./\-@]+( \[[\w./\-@ ]+\])?$")


def go_diagnostics(view: View, i: int, _: re.Match[str]) -> Found | None:
    """go build / go vet: the `# package` header and the `file.go:l:c: message` lines under
    it (each one important), with their indented continuation lines."""
    first = i - 1 if i - 1 >= view.floor and _GO_HEADER_RE.match(view.body(i - 1)) else i
    diags: list[int] = []
    j = i
    while j < len(view):
        body = view.body(j)
        if GO_DIAG_RE.match(body) or body.startswith("vet: "):
            diags.append(j)
        elif not (diags and indent(body) > 0 and body.strip()):
            break
        j += 1
    return Found(first, j - 1, "go-vet", i, i, None, [first, *diags[:10]])


MSBUILD_ERROR_RE = re.compile(
    r"^\s*(?P<file>\S.*?)(\(\d+(,\d+)*\))? ?: (fatal )?error [A-Z]{2,}\d+ ?: "
)


def msbuild_error(view: View, i: int, _: re.Match[str]) -> Found | None:
    """MSBuild, csc and other Visual Studio tools: `File.cs(12,5): error CS0103: msg`,
    `Microsoft.Common.targets(2703,9): error MSB3021: msg`, `CSC : error CS2001: msg`; one
    line each (the project in brackets at its end)."""
    return Found(i, i, "msbuild", i, i, None, [i])


SBT_ERROR_RE = re.compile(r"^\[error\] (?P<file>\S+\.\w+):\d+(:\d+)?: \S")
_SBT_END_RE = re.compile(r"^\[error\] (\(\S+\) |Total time: |\S+\.\w+:\d+(:\d+)?: )")


def sbt_error(view: View, i: int, _: re.Match[str]) -> Found | None:
    """sbt's compiler report: `[error] src/A.scala:6: msg` and the `[error]` lines under it
    (explanation, source excerpt, caret), up to the next diagnostic or sbt's own summary."""
    j = i + 1
    while j < len(view) and j - i <= 30:
        body = view.body(j)
        if not body.startswith("[error] ") or _SBT_END_RE.match(body):
            break
        j += 1
    return Found(i, j - 1, "scalac", i, i, None, [i])
