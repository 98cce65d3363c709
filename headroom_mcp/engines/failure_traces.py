"""Recognisers for runtime stack traces: Python, Java/Kotlin/Scala, Node, .NET, Go panics,
Rust panics (and color-eyre's panic and error reports), Ruby, PHP, Elixir and Erlang.

Each takes the lines (as a View), the trigger line and its match, and returns the whole trace
as a Found, or None when the trigger was a false alarm. A trace ends at the first line its
grammar does not allow, so a log line after it is never swallowed.
"""

from __future__ import annotations

import re

from headroom_mcp.engines.failure_scan import MAX_LOOKBACK_LINES, Found, View, indent

MAX_MESSAGE_LINES = 20  # continuation lines of one exception message

# -- Python -----------------------------------------------------------------------------------

PY_TRACEBACK_RE = re.compile(r"Traceback \(most recent call last\):\s*$")
_PY_FRAME_RE = re.compile(r'^[\s>]*File "[^"]*", line \d+')  # loguru marks a frame with ">"
_PY_CHAIN_RE = re.compile(
    r"^\s*(During handling of the above exception|The above exception was the direct cause)"
)
_PY_REPEAT_RE = re.compile(r"^\s*(\[Previous line repeated \d+ more times?\]|\.\.\.)\s*$")


def python_traceback(view: View, i: int, _: re.Match[str]) -> Found | None:
    """`Traceback (most recent call last):`, frames with their source and caret lines, the
    exception line (with its message continuation), and any chained tracebacks after it."""
    important: list[int] = []
    found: Found | None = None
    start = i
    while True:
        base = indent(view.body(start))
        frames: list[int] = []
        j = start + 1
        while j < len(view):
            body = view.body(j)
            if _PY_FRAME_RE.match(body):
                frames.append(j)
            elif view.blank(j) and _py_goes_on(view, j, base, bool(frames)):
                pass  # loguru and better-exceptions put blank lines between frames
            elif not (frames and indent(body) > base) and not _PY_REPEAT_RE.match(body):
                break
            j += 1
        if j >= len(view) or not frames or indent(view.body(j)) < base or view.blank(j):
            return found  # truncated: no exception line
        exc = j
        j += 1
        while j < len(view) and j - exc <= MAX_MESSAGE_LINES and indent(view.body(j)) > base:
            j += 1
        important += [start, frames[0], frames[-1], exc]
        found = Found(i, j - 1, "python", exc, frames[-1], frames[0], important)
        k = j
        while k < len(view) and view.blank(k):
            k += 1
        if k >= len(view) or not _PY_CHAIN_RE.match(view.body(k)):
            return found
        nxt = k + 1
        while nxt < len(view) and view.blank(nxt):
            nxt += 1
        if nxt >= len(view) or not PY_TRACEBACK_RE.search(view.body(nxt)):
            return found
        important.append(k)
        start = nxt


_PY_EXCEPTION_RE = re.compile(r"^[A-Za-z_][\w.]*(: |:?\s*$)")


def _py_goes_on(view: View, j: int, base: int, framed: bool) -> bool:
    """Whether the traceback goes on after the blank line `j`: the next non-blank line is a
    frame, or (after a frame) a more indented line or the exception line."""
    k = j + 1
    while k < len(view) and view.blank(k):
        k += 1
    if k >= len(view) or k - j > 2:
        return False
    body = view.body(k)
    if _PY_FRAME_RE.match(body):
        return True
    return framed and (indent(body) > base or bool(_PY_EXCEPTION_RE.match(body[base:])))


# -- frame runs: Java (and Kotlin, Scala), Node, .NET -----------------------------------------

AT_FRAME_RE = re.compile(r"^\s+at \S")
_JAVA_FRAME_RE = re.compile(r"^\s*at [\w$.<>/@\- ]+\((?:[^()]*\.\w+:\d+|Native Method|Unknown "
                            r"Source|[\w$.\- ]*)\)")  # fmt: skip
_NODE_FRAME_RE = re.compile(r"^\s*at .*:\d+:\d+\)?\s*$|^\s*at .*\((?:native|<anonymous>)\)$")
_DOTNET_FRAME_RE = re.compile(r"^\s*at [\w.`<>\[\]|+]+\(.*\)( in .+:line \d+)?\s*$")
_FRAME_CHAIN_RE = re.compile(
    r"^\s*(\.\.\. \d+ (more|common frames omitted)|(Caused by|Suppressed|\[cause\]): |--->"
    r"|--- End of (inner exception )?stack trace|Wrapped by: )"
)
_EXCEPTION_WORD_RE = re.compile(
    r"(Exception|Error|Throwable|Failure|Failed|Fault|Unhandled|Uncaught|Panic)\b"
)
_QUALIFIED_EXCEPTION_RE = re.compile(
    r"^\s*(Exception in thread \S+ |Caused by: |Unhandled exception\. |Uncaught )?"
    r"([\w$]+\.)+[\w$]*(Exception|Error|Throwable|Failure|Fault)\b"
)
_NODE_CARET_RE = re.compile(r"^\s*\^+\s*$")
_NODE_LOCATION_RE = re.compile(r"^\S.*:\d+$")


def _frame_flavor(body: str) -> str | None:
    if _NODE_FRAME_RE.match(body):
        return "node"
    if " in " in body and ":line " in body and _DOTNET_FRAME_RE.match(body):
        return "dotnet"
    if _JAVA_FRAME_RE.match(body):
        return "java"
    if _DOTNET_FRAME_RE.match(body):
        return "dotnet"
    return None


def _headline_above(view: View, i: int) -> int:
    """The exception line a frame run at `i` belongs to: within MAX_LOOKBACK_LINES above it,
    the topmost line naming a qualified exception class (`java.lang.AssertionError: `, which
    may sit above a blank line and a multi-line message), else the topmost line with an
    exception word, else the line just above."""
    qualified = worded = None
    k = i - 1
    while k >= max(view.floor, i - MAX_LOOKBACK_LINES):
        body = view.body(k)
        if not body.strip():
            if k - 1 < view.floor or not _QUALIFIED_EXCEPTION_RE.match(view.body(k - 1)):
                break
        elif AT_FRAME_RE.match(body):
            break
        elif _QUALIFIED_EXCEPTION_RE.match(body):
            qualified = k
        elif _EXCEPTION_WORD_RE.search(body):
            worded = k
        k -= 1
    if qualified is not None:
        return qualified
    if worded is not None:
        return worded
    return i - 1 if i - 1 >= view.floor and not view.blank(i - 1) else i


def frame_run(view: View, i: int, _: re.Match[str]) -> Found | None:
    """A run of `at ...` frames with the exception line above it, `Caused by:` /
    `Suppressed:` / ` ---> ` chains and `... N more` lines; Node's source excerpt and caret
    above the exception line are taken too."""
    flavor = _frame_flavor(view.body(i))
    if flavor is None:
        return None
    head = _headline_above(view, i)
    first = head
    if (
        flavor == "node"
        and head - 4 >= view.floor
        and view.blank(head - 1)
        and _NODE_CARET_RE.match(view.body(head - 2))
        and _NODE_LOCATION_RE.match(view.body(head - 4))
    ):
        first = head - 4
    important = [head, i]
    outermost = i
    causes: list[int] = []
    j = i
    while j < len(view):
        body = view.body(j)
        if AT_FRAME_RE.match(body):
            if not causes:
                outermost = j
            elif j - 1 in causes or not AT_FRAME_RE.match(view.body(j - 1)):
                important.append(j)  # innermost frame of a cause
        elif _FRAME_CHAIN_RE.match(body):
            if "..." not in body[:8] and "End of" not in body:
                causes.append(j)
        elif (
            causes
            and j - causes[-1] <= 5
            and (not view.blank(j) or (j + 1 < len(view) and AT_FRAME_RE.match(view.body(j + 1))))
        ):
            pass  # a multi-line cause message, maybe with a blank line before its frames
        else:
            break
        j += 1
    last = j - 1
    if flavor == "node" and j < len(view) and view.body(j).lstrip().startswith("{"):
        close = next((k for k in range(j, min(j + 20, len(view)))
                      if view.body(k).strip() == "}"), None)  # fmt: skip
        last = close if close is not None else last
    important += [*causes, outermost]
    return Found(first, view.trim(first, last), flavor, head, i, outermost, important)


# -- Go, Rust ---------------------------------------------------------------------------------

# `goroutine 21 [running]:`, and with Go 1.23 `goroutine 21 gp=0x1400 m=4 [running]:`
_GO_ROUTINE = r"goroutine \d+ (?:\w+=\w+ )*\[[^\]]+\]:$"
GO_PANIC_RE = re.compile(rf"^(panic: |fatal error: |{_GO_ROUTINE})")
_GO_FUNC_RE = re.compile(r"^[\w.*/()\[\]{}\-,]+\(.*\)$|^created by ")
_GO_FILE_RE = re.compile(r"^\t.+:\d+( \+0x[0-9a-f]+)?( (fp|sp|pc)=0x[0-9a-f]+)*$")
_GO_EXTRA_RE = re.compile(
    rf"^(\[signal |{_GO_ROUTINE}|panic: |\s+panic: |exit status \d+$|runtime stack:$"
    r"|\.\.\.(additional|\d+) frames elided\.\.\.$|runtime: )"
)


def go_panic(view: View, i: int, _: re.Match[str]) -> Found | None:
    """`panic: ...` (or `fatal error:`, with the `runtime:` lines above it) and the goroutine
    dumps after it; the first goroutine's header (the one that failed) is important."""
    innermost = None
    routines: list[int] = []
    j = i + 1
    last = i
    while j < len(view):
        body = view.body(j)
        if _GO_FILE_RE.match(body):
            if innermost is None and "/runtime/" not in body and "/src/testing/" not in body:
                innermost = j
            last = j
        elif _GO_FUNC_RE.match(body) or _GO_EXTRA_RE.match(body):
            if body.startswith("goroutine "):
                routines.append(j)
            last = j
        elif not body.strip():
            pass
        else:
            break
        j += 1
    if last == i and not view.body(i).startswith("panic: "):
        return None
    files = [k for k in range(i, last + 1) if _GO_FILE_RE.match(view.body(k))]
    outermost = files[-1] if files else None
    first = i
    while first - 1 >= view.floor and view.body(first - 1).startswith("runtime: "):
        first -= 1
    return Found(first, last, "go-panic", i, innermost, outermost, [first, i, *routines[:1]])


RUST_PANIC_RE = re.compile(r"^thread '[^']*'( \([^)]*\))? panicked at ")
_RUST_BT_RE = re.compile(r"^\s+(\d+: |at )")
_RUST_LIB_RE = re.compile(r"/rustc/|library/(std|core|alloc|test)/|rust_begin_unwind|core::|std::")


def rust_panic(view: View, i: int, _: re.Match[str]) -> Found | None:
    """`thread 'x' panicked at file:l:c:` with the message lines, `note:` lines and any
    `stack backtrace:` below it."""
    j = i + 1
    message = i + 1 if j < len(view) and not view.blank(j) else i
    innermost = None
    while j < len(view):
        body = view.body(j)
        if not body.strip() or RUST_PANIC_RE.match(body) or body.startswith("---- "):
            break
        if _RUST_BT_RE.match(body) and innermost is None and not _RUST_LIB_RE.search(body):
            innermost = j
        j += 1
    return Found(i, j - 1, "rust-panic", i, innermost or i, None, [i, message])


# color-eyre and eyre reports: `The application panicked (crashed).` with `Message:` and
# `Location:`, or `Error:` with the numbered chain of causes (`   0: message`), then
# `━━━━ SPANTRACE ━━━━` / `━━━━ BACKTRACE ━━━━` sections of numbered frames, each with an
# `at path:line` line under it, and `⋮ N frames hidden ⋮` where color-eyre filtered frames.
EYRE_RE = re.compile(
    r"^(The application panicked \(crashed\)\.|Error:\s*$)|^\s*━+ (SPANTRACE|BACKTRACE) ━+\s*$"
)
_EYRE_SECTION_RE = re.compile(r"^\s*━+ (SPANTRACE|BACKTRACE) ━+\s*$")
_EYRE_NUMBERED_RE = re.compile(r"^\s+\d+: \S")
_EYRE_HEAD_RE = re.compile(r"^(\s*$|\s+\d+: \S|Location:|Error:\s*$|\s+\S+\.rs:\d+\s*$)")
_EYRE_LINE_RE = re.compile(
    r"^(\s*$|\s+\d+: \S|\s+at \S|Location:|Message:|Error:\s*$|\s*━+ \w+ ━+\s*$"
    r"|\s*⋮ .* ⋮\s*$|(Note|Warning|Suggestion|Help): |Run with (COLORBT_SHOW_HIDDEN|RUST_BACKTRACE)"
    r"|Backtrace omitted|\s{3,}\S)"
)
# Frames of the standard library, the test harness and the error-reporting crates themselves
_EYRE_LIB_FRAME_RE = re.compile(
    r"^\s*\d+: <?(std|core|alloc|test|backtrace|eyre|color_eyre|color_backtrace"
    r"|color_spantrace|tracing_error|tracing|tracing_core|rust_begin_unwind|__rust\w*)\b"
)


def eyre_report(view: View, i: int, match: re.Match[str]) -> Found | None:
    """A color-eyre panic report or eyre error report, from its first line (the chain above
    a section header when the `Error:` line is not in the log) to its last `Run with ...`
    hint. Important: the message, `Location:`, the first backtrace frame (where it panicked)
    and the innermost frame of the user's own code, with their `at` lines."""
    if view.body(i).startswith("Error:"):
        k = i + 1
        while k < len(view) and view.blank(k):
            k += 1
        if k >= len(view) or not _EYRE_NUMBERED_RE.match(view.body(k)):
            return None
    first = i
    if not view.body(i).startswith("The application"):  # the chain may be above: its top
        while first - 1 >= view.floor and _EYRE_HEAD_RE.match(view.body(first - 1)):
            first -= 1
        while first < i and view.blank(first):
            first += 1
    j = i + 1
    while j < len(view) and _EYRE_LINE_RE.match(view.body(j)):
        j += 1
    last = view.trim(first, j - 1)
    rows = range(first, last + 1)
    panic = view.body(first).startswith("The application panicked")
    message = next((k for k in rows if view.body(k).startswith("Message:")), None)
    error = next((k for k in rows if view.body(k).startswith("Error:")), None)
    if message is None and error is not None:  # `Error:` and its chain of causes
        message = next((k for k in rows if k > error and _EYRE_NUMBERED_RE.match(view.body(k))),
                       None)  # fmt: skip
    important = [first]
    for k in rows:
        if view.body(k).startswith("Error:") and k + 1 <= last:
            important += [k, k + 1]  # an error's own section: `Error:` and its message
        if view.body(k).startswith("Location:"):
            important.append(k)
            if view.body(k).strip() == "Location:" and k + 1 <= last:
                important.append(k + 1)
    section = next((k for k in rows if "BACKTRACE" in view.body(k) and
                    _EYRE_SECTION_RE.match(view.body(k))), None)  # fmt: skip
    frames = [k for k in rows if section is not None and k > section
              and _EYRE_NUMBERED_RE.match(view.body(k))]  # fmt: skip
    own = [k for k in frames if not _EYRE_LIB_FRAME_RE.match(view.body(k))]
    innermost = own[0] if own else (frames[0] if frames else None)
    for k in dict.fromkeys(frames[:1] + own[:1]):
        important.append(k)
        if k + 1 <= last and view.body(k + 1).lstrip().startswith("at "):
            important.append(k + 1)
    flavor = "rust-panic" if panic else "rust-error"
    outermost = frames[-1] if frames else None
    return Found(first, last, flavor, first, innermost, outermost, important, message)


# -- Ruby, PHP, Elixir, Erlang ----------------------------------------------------------------

RUBY_TRACE_RE = re.compile(r"^\S.*\.rb:\d+:in [`'].*(\(\w+(::\w+)*\)|: .+)$")
_RUBY_FROM_RE = re.compile(r"^\s+(from \S.*:\d+:in |\.\.\. \d+ levels)")


def ruby_trace(view: View, i: int, _: re.Match[str]) -> Found | None:
    """`file.rb:N:in 'method': message (ErrorClass)` and its `from ...` lines."""
    j = i + 1
    while j < len(view) and _RUBY_FROM_RE.match(view.body(j)):
        j += 1
    if j == i + 1 and not view.body(i).rstrip().endswith(")"):
        return None
    return Found(i, j - 1, "ruby", i, i, j - 1, [i])


RUBY_FRAME_RE = re.compile(r"^\s+(\S+ \([\w.\-]+\) )?[\w./\-]+\.rb:\d+:in [`']")


def ruby_frames(view: View, i: int, _: re.Match[str]) -> Found | None:
    """Rails' form: `NoMethodError (message):`, maybe a blank line, then indented
    `app/x.rb:69:in 'method'` frames (gems' frames as `rack (2.0.3) lib/...`)."""
    head = i - 1
    while head > i - 3 and head >= view.floor and view.blank(head):
        head -= 1
    if head < view.floor or view.blank(head):
        return None
    j = i
    while j < len(view) and (
        RUBY_FRAME_RE.match(view.body(j))
        or (view.blank(j) and j + 1 < len(view) and RUBY_FRAME_RE.match(view.body(j + 1)))
    ):
        j += 1
    return Found(head, j - 1, "ruby", head, i, j - 1, [head])


PHP_FATAL_RE = re.compile(
    r"^(PHP )?(Fatal error|Parse error|Uncaught \w)|^Stack trace:$|^\[stacktrace\]$"
)
_PHP_LINE_RE = re.compile(
    r"^(PHP )?\s*(#\d+ |Stack trace:|thrown in |Next [\w\\]+|\[stacktrace\]$"
    r"|\[previous exception\] )"
)
_PHP_CLOSE_RE = re.compile(r'^"\}\s*$')  # Monolog's end of the JSON context holding the trace


def php_fatal(view: View, i: int, _: re.Match[str]) -> Found | None:
    """`PHP Fatal error:  Uncaught ...`, `Stack trace:`, `#0 ...` frames, `thrown in`."""
    head = i
    if view.body(i).startswith(("Stack trace:", "[stacktrace]")):
        head = i - 1 if i - 1 >= view.floor and not view.blank(i - 1) else i
    j = i + 1
    frames: list[int] = []
    causes: list[int] = []  # Laravel's `[previous exception] [object] (...)` and `Next ...`
    while j < len(view):
        body = view.body(j)
        if (view.blank(j) and frames and j + 1 < len(view)
                and view.body(j + 1).startswith("[previous exception]")):  # fmt: skip
            j += 1
            continue
        if not _PHP_LINE_RE.match(body):
            break
        if "#" in body[:10]:
            frames.append(j)
        elif body.startswith(("[previous exception]", "Next ")):
            causes.append(j)
        j += 1
    if j < len(view) and frames and _PHP_CLOSE_RE.match(view.body(j)):
        j += 1
    innermost = frames[0] if frames else None
    outermost = frames[-2] if len(frames) > 1 else innermost  # the last is `{main}`
    return Found(head, j - 1, "php", head, innermost, outermost, [head, *causes])


ELIXIR_RE = re.compile(r"^\s*\*\* \([\w.]+\) ")
# `(app 1.0) lib/x.ex:12: Mod.fun/1`, and the Erlang frames of OTP (`gen_server.erl:615:`)
_ELIXIR_FRAME_RE = re.compile(r"^\s+(\([\w ]+[\d.]*\) )?[\w/.\-]+\.(exs?|erl):\d+: ")
_ELIXIR_LIBRARY_RE = re.compile(r"^\s+\((elixir|stdlib|kernel|ex_unit|logger|mix|erts)\b")
_ELIXIR_TAIL_RE = re.compile(r"^(Last message|State|Client .* is alive|    \S)")
_ELIXIR_HEAD_RE = re.compile(r"terminating|raised an exception|crashed")


def elixir_error(view: View, i: int, _: re.Match[str]) -> Found | None:
    """`** (RuntimeError) message` with its `(app 1.0) lib/x.ex:N: Mod.fun/1` frames; the
    logger's `GenServer x terminating` / `Process x raised an exception` line above it and
    `Last message:` / `State:` after it. The innermost frame is the first of the
    application's own (not elixir's or stdlib's)."""
    head = i
    if i - 1 >= view.floor and _ELIXIR_HEAD_RE.search(view.body(i - 1)):
        head = i - 1
    frames: list[int] = []
    j = i + 1
    while j < len(view):
        body = view.body(j)
        if _ELIXIR_FRAME_RE.match(body):
            frames.append(j)
        elif not (frames and _ELIXIR_TAIL_RE.match(body)) and not (
            not frames and indent(body) > indent(view.body(i))
        ):
            break
        j += 1
    own = [k for k in frames if not _ELIXIR_LIBRARY_RE.match(view.body(k))]
    innermost = (own or frames)[0] if frames else None
    outermost = frames[-1] if frames else None
    return Found(head, j - 1, "elixir", i, innermost, outermost, [head, i])


ERLANG_RE = re.compile(
    r"^=(CRASH|ERROR|SUPERVISOR) REPORT=|^\*\* (Generic server|exception (error|exit|throw))"
)
_ERLANG_REASON_RE = re.compile(
    r"(exception (error|exit|throw)|[Rr]eason( for termination)?\b|\{badmatch|"
    r"\{badarg|\{undef|\{function_clause|\{case_clause)"
)


def erlang_report(view: View, i: int, _: re.Match[str]) -> Found | None:
    """An OTP crash/error report (until a blank line or the next report), or an `** ...`
    error block from the shell or gen_server."""
    j = i + 1
    while j < len(view):
        body = view.body(j)
        if (
            not body.strip()
            or body.startswith("=")
            or (body.startswith("**") and i > 0 and ERLANG_RE.match(body))
        ):
            break
        j += 1
    reason = next((k for k in range(i, j) if _ERLANG_REASON_RE.search(view.body(k))), i)
    innermost = next((k for k in range(reason + 1, j) if "in function" in view.body(k)
                      or ".erl" in view.body(k)), None)  # fmt: skip
    return Found(i, j - 1, "erlang", reason, innermost, None, [i, reason])
