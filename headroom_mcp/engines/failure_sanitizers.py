"""Recognisers for the reports of the LLVM/GCC sanitizers: AddressSanitizer (and its
MemorySanitizer and HWAddressSanitizer siblings), LeakSanitizer, ThreadSanitizer and
UndefinedBehaviorSanitizer.

A report is a headline (`==42==ERROR: AddressSanitizer: heap-use-after-free on address ...`)
and several stacks, each under a section line that says which one it is (`READ of size 8 at
... thread T0`, `freed by thread T0 here:`, `previously allocated by thread T0 here:`,
`Previous write of size 4 at ... by thread T2:`). The answer to "what went wrong" is spread
over those stacks: the access, where the memory was freed and where it was allocated. So
every section line and the innermost frame of the user's own code in each stack are
important; the shadow-byte map and its legend end the block (failure_blocks ranks them with
library frames: a cut drops them first).

LeakSanitizer lists one stack per leak: each `Direct leak of N byte(s) in M object(s)
allocated from:` is a block of its own, so leaks from the same place are counted once and
every leak's size and allocation site survive a cut; the first one carries the report's
`ERROR: LeakSanitizer` line.
"""

from __future__ import annotations

import re

from headroom_mcp.engines.failure_scan import Found, View

# `==42==ERROR: AddressSanitizer: ...`, `WARNING: ThreadSanitizer: data race (pid=7)`,
# `==42==WARNING: MemorySanitizer: use-of-uninitialized-value`. LeakSanitizer's headline
# opens the first leak's block instead (LEAK_RE).
SANITIZER_RE = re.compile(
    r"^(==\d+==\s*)?(ERROR|WARNING): (Address|Memory|HWAddress|Thread)Sanitizer: "
    r"(?!detected memory leaks)"
)
_FRAME_RE = re.compile(r"^\s*#\d+ +(0x[0-9a-fA-F]+|<null>|\w+ in )")
_SECTION_RE = re.compile(  # a line that says what the stack under it is
    r"(?i)^\s*((previous |atomic )*(read|write|access) of size \d+"
    r"|.* here:$|\s+\S.*:$|.*\bsignal is caused by )"
)
_ACCESS_RE = re.compile(
    r"(?i)^\s*((previous |atomic )*(read|write) of size \d+|.*signal is caused)"
)
_SHADOW_RE = re.compile(
    r"^(=>|\s+)0x[0-9a-fA-F]+:|^Shadow byte|^\s+[A-Z][\w ]*:\s+([0-9a-f]{2} ?)+$"
)
# The shadow-byte map's and legend's first lines (the rows under them are indented): with the
# runtime's frames, what failure_blocks ranks as library lines.
SHADOW_MAP_RE = re.compile(r"^Shadow byte|^=>0x[0-9a-fA-F]+:")
_SUMMARY_RE = re.compile(r"^SUMMARY: \w+Sanitizer: ")
_REPORT_LINE_RE = re.compile(  # what else a report holds between its stacks
    r"^(0x[0-9a-fA-F]+ is located |\s*Address 0x|\s+This frame has |\s+\[\d+, \d+\) "
    r"|\s*\[0x[0-9a-fA-F]+,0x[0-9a-fA-F]+\) is |(HINT|Hint|SCARINESS|Cause|Thread): "
    r"|==\d+==|\w*Sanitizer can not |\s+(Location is |Mutex M\d+ |As if synchronized)"
    r"|\s*(Uninitialized value was (created|stored)|Memory was marked|ORIGIN: ))"
)
RUNTIME_FRAME_RE = re.compile(  # frames of the sanitizer's runtime and the C/C++ runtime
    r"#\d+ \w+ in (__interceptor_|__asan|__lsan|__tsan|__msan|__hwasan|__ubsan"
    r"|__sanitizer|__GI_|__libc_|_start\b|operator (new|delete)\b|(malloc|calloc|realloc|free"
    r"|strdup|strndup|memalign|posix_memalign|aligned_alloc|valloc|memcpy|memmove|memset|memcmp"
    r"|strlen|strnlen|strcpy|strncpy|strcmp|strncmp|strcat|strncat|pthread_\w+)\b)"
    r"|compiler-rt/|sanitizer_common/|_asan_rtl_|/libc\.so|libc\+\+|libstdc\+\+|clang_rt\."
    r"|/csu/libc-start\.c|\(<unknown module>\)|/usr/lib/|\(/lib(?:32|64)?/"
)
_CLOSE_RE = re.compile(r"^(==\d+==ABORTING|=+$)")  # ASan's last line; TSan's closing rule
MAX_STACKS = 3  # stacks whose section line and user frame are important (TSan lists more)
MAX_GAP = 2  # blank lines inside a report


def sanitizer_report(view: View, i: int, _: re.Match[str]) -> Found | None:
    """An ASan/MSan/HWASan/TSan report, from its headline through its SUMMARY line, the
    shadow-byte map and legend and `==42==ABORTING` (TSan's closing `=====` line)."""
    j = i + 1
    last = i
    while j < len(view):
        body = view.body(j)
        if view.blank(j):
            if not _goes_on(view, j):
                break
        elif SANITIZER_RE.match(body) or LEAK_RE.match(body):
            break  # the next report
        elif _CLOSE_RE.match(body) and (last > i or "ABORTING" in body):
            last = j
            break
        elif _FRAME_RE.match(body) or _report_line(body):
            last = j
        else:
            break
        j += 1
    stacks = _stacks(view, i, last)
    if not stacks:
        return None
    flavor = _flavor(view.body(i))
    important = [i]
    for head, frames in stacks[:MAX_STACKS]:
        if head is not None and head != i:
            important.append(head)
        important.append(_user_frame(view, frames))
    # The SUMMARY line restates the headline (with a module path where a frame has no source
    # line): not important.
    access = next((k for k in range(i, last + 1) if _ACCESS_RE.match(view.body(k))), None)
    important += [access] if access is not None else []
    first_frames = stacks[0][1]
    innermost = _user_frame(view, first_frames)
    # No entry frame: below a deep stack's user frames it is `main` or a thread's start, and
    # the frames near it would take a cut's room from the other stacks' user frames.
    return Found(i, last, flavor, i, innermost, None, important)


def _report_line(body: str) -> bool:
    return bool(
        _SECTION_RE.match(body)
        or _REPORT_LINE_RE.match(body)
        or _SHADOW_RE.match(body)
        or _SUMMARY_RE.match(body)
    )


def _goes_on(view: View, j: int) -> bool:
    """Whether the report goes on after the blank line `j`: a frame or report line follows
    within MAX_GAP lines."""
    k = j
    while k < len(view) and k - j < MAX_GAP and view.blank(k):
        k += 1
    if k >= len(view) or view.blank(k):
        return False
    body = view.body(k)
    return bool(_FRAME_RE.match(body) or _SUMMARY_RE.match(body) or _SHADOW_RE.match(body)
                or _SECTION_RE.match(body) or _REPORT_LINE_RE.match(body))  # fmt: skip


def _flavor(headline: str) -> str:
    match = re.search(r"(Address|Memory|HWAddress|Thread)Sanitizer", headline)
    short = {"Address": "asan", "Memory": "msan", "HWAddress": "hwasan", "Thread": "tsan"}
    return short[match.group(1)] if match else "asan"


def _stacks(view: View, first: int, last: int) -> list[tuple[int | None, list[int]]]:
    """Each run of frames in first..last, with the section line above it (None where the
    line above is not one, as when a blank line separates them)."""
    stacks: list[tuple[int | None, list[int]]] = []
    k = first
    while k <= last:
        if not _FRAME_RE.match(view.body(k)):
            k += 1
            continue
        start = k
        while k <= last and _FRAME_RE.match(view.body(k)):
            k += 1
        above = start - 1
        while above > first and view.blank(above):
            above -= 1
        body = view.body(above)
        head = above if above == first or _SECTION_RE.match(body) or LEAK_RE.match(body) else None
        stacks.append((head, list(range(start, k))))
    return stacks


def _user_frame(view: View, frames: list[int]) -> int:
    """The innermost frame that is not the sanitizer's or the C/C++ runtime's (malloc, free,
    operator new, interceptors, libc): where the user's code allocated, freed or accessed the
    memory. The innermost frame when all are."""
    own = (k for k in frames if not RUNTIME_FRAME_RE.search(view.body(k)))
    return next(own, frames[0])


# -- LeakSanitizer ----------------------------------------------------------------------------

LEAK_RE = re.compile(r"^(Direct|Indirect) leak of \d+ byte\(s\) in \d+ object\(s\) allocated from:")
_LSAN_HEAD_RE = re.compile(r"^(==\d+==\s*)?ERROR: LeakSanitizer: ")


def lsan_leak(view: View, i: int, _: re.Match[str]) -> Found | None:
    """One leak: its `Direct leak of N byte(s) in M object(s) allocated from:` line and its
    frames; the first leak of a report starts at the report's `ERROR: LeakSanitizer:` line."""
    j = i + 1
    while j < len(view) and _FRAME_RE.match(view.body(j)):
        j += 1
    frames = list(range(i + 1, j))
    if not frames:
        return None
    first = i
    k = i - 1
    while k >= view.floor and i - k <= MAX_GAP and view.blank(k):
        k -= 1
    if k >= view.floor and _LSAN_HEAD_RE.match(view.body(k)):
        first = k
    innermost = _user_frame(view, frames)
    return Found(first, j - 1, "lsan", i, innermost, None, [first, i, innermost])


# -- UndefinedBehaviorSanitizer ---------------------------------------------------------------

UBSAN_RE = re.compile(r"^\S+:\d+:\d+: runtime error: ")


def ubsan_error(view: View, i: int, _: re.Match[str]) -> Found | None:
    """`file.cc:12:3: runtime error: signed integer overflow: ...`, the stack under it (when
    UBSAN_OPTIONS asks for one) and its `SUMMARY: UndefinedBehaviorSanitizer:` line."""
    j = i + 1
    while j < len(view) and _FRAME_RE.match(view.body(j)):
        j += 1
    frames = list(range(i + 1, j))
    last = j - 1
    if j < len(view) and _SUMMARY_RE.match(view.body(j)):
        last = j
    innermost = _user_frame(view, frames) if frames else i
    return Found(i, last, "ubsan", i, innermost, None, [i, innermost])
