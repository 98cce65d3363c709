"""What a log line is made of: its timestamp prefix, its level, and its template.

Shared by the router (is this a log?) and the logs engine (which lines matter?).

Logs do not all start with a timestamp: a file name or a numeric id can come first
(`nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO ...`,
`Thread-12::ERROR::2016-...`), or a level (`ERROR: ...`, `[WARN] ...`), or an Android
`03-17 16:13:38.811  1702  2395 D Tag: msg`. A line looks like a log line when a timestamp
or a level token appears within its first HEAD_CHARS characters, or when it shares the
prefix shape (first word, digits masked) that most lines of the log have.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

TIMESTAMP_RE = re.compile(
    r"^\s*(\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?(Z|[+-]\d{2}:?\d{2})?\]?"  # ISO
    r"|\[?\d{2}[-/]\d{2}[-/ ]\d{2,4}[ T:]\d{2}:\d{2}(:\d{2})?([.,]\d+)?\]?"  # 03-17 16:13:38.811
    r"|\d{6} \d{6}"  # HDFS 081109 203615
    r"|[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}"  # syslog: Jun  9 06:06:20
    r"|\[?[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}(:\d{2})?( \d{4})?\]?"  # Apache
    r"|\d{10}(\.\d+)?(?=\s)"  # epoch seconds
    r"|\[?\d{2}:\d{2}:\d{2}([.,]\d+)?\]?)"
)
LEVEL_RE = re.compile(
    r"\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL|CRITICAL|SEVERE|PANIC|EMERG|ALERT)\b"
    r"|^[VDIWEF]/\w"
)
SEVERE_LEVEL_RE = re.compile(
    r"\b(ERROR|FATAL|CRITICAL|SEVERE|PANIC|EMERG|ALERT|error|fatal|crit|emerg|alert)\b"
    r"|\s[EF]\s+\w[\w.$]*\s?:|^[EF]/\w",  # Android: "1702  2395 E Tag:" and "E/Tag"
    re.MULTILINE,
)
_MASK_RE = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"  # uuid
    r"|\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b"  # IPv4[:port]
    r"|\b0x[0-9a-fA-F]+\b|\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{6,}\b"  # hex ids
    r"|(?<![A-Za-z])-?\d+(?:\.\d+)?"  # numbers, also inside blk_-123 or pid[24200]
)


HEAD_CHARS = 100  # how far into a line its timestamp or level may start
SHARE_SAMPLE_LINES = 4000  # log_line_share looks at this many lines, spread over the input
SHAPE_SHARE = 0.5  # a first-word shape this common marks a log's own prefix
# A timestamp anywhere in a line's head: ISO date-time (also `2017-05-16_13:53:08`), a clock
# time, `03-17 16:13`, syslog `Jun  9 06:06`, Apache `[Sun Dec 04 04:47:44 2005]`.
TIMESTAMP_ANY_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}[T _]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|\b\d{2}[-/]\d{2}[-/ ]\d{2,4}[ T:]\d{2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"
    r"|\b[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}"
    r"|\b\d{6} \d{6}\b"
    r"|\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?"
)
_SHAPE_RE = re.compile(r"\d+")


def timestamp_of(line: str) -> str | None:
    """The line's timestamp: its leading one, or the first within its head."""
    match = TIMESTAMP_RE.match(line)
    if match:
        return match.group(0).strip()
    found = TIMESTAMP_ANY_RE.search(line, 0, HEAD_CHARS)
    return found.group(0) if found else None


def prefix_shape(line: str) -> str:
    """The line's first word with digits masked: `25746`, `Thread-12::ERROR::2016-...` and
    `nova-api.log.1.2017-...` each keep one shape from line to line."""
    word = line.split(None, 1)[0] if line.strip() else ""
    return _SHAPE_RE.sub("0", word[:40])


def dominant_shape(lines: Sequence[str]) -> str | None:
    """The prefix shape at least SHAPE_SHARE of the non-blank, unindented lines share, when it
    holds a number (an id, a date): a common first word alone ("the") makes no prefix."""
    shapes = Counter(prefix_shape(line) for line in lines if line[:1].strip())
    if not shapes:
        return None
    shape, count = shapes.most_common(1)[0]
    return shape if "0" in shape and count >= SHAPE_SHARE * sum(shapes.values()) else None


def looks_like_log_line(line: str, shape: str | None = None) -> bool:
    """A timestamp or a level token in the line's head, or the log's own prefix shape."""
    if TIMESTAMP_ANY_RE.search(line, 0, HEAD_CHARS) or LEVEL_RE.search(line, 0, HEAD_CHARS):
        return True
    return shape is not None and line[:1].strip() != "" and prefix_shape(line) == shape


def log_line_share(lines: Sequence[str]) -> float:
    """Share of non-blank lines that look like log lines (see looks_like_log_line), from up
    to SHARE_SAMPLE_LINES lines spread evenly over the input; 0.0 when all are blank."""
    step = max(1, len(lines) // SHARE_SAMPLE_LINES)
    sample = [line for line in lines[::step] if line.strip()]
    if not sample:
        return 0.0
    shape = dominant_shape(sample)
    return sum(1 for line in sample if looks_like_log_line(line, shape)) / len(sample)


def message_of(line: str) -> str:
    """The line without its timestamp prefix (the leading one, or one within its head)."""
    match = TIMESTAMP_RE.match(line)
    if match:
        return line[match.end() :]
    found = TIMESTAMP_ANY_RE.search(line, 0, HEAD_CHARS)
    return line[found.end() :] if found else line


def template_of(message: str) -> str:
    """The message with numbers, ids, IPs and hex masked as <*>: lines that differ only in
    those share a template; lines with different words (a user name) do not."""
    return _MASK_RE.sub("<*>", message.strip())
