"""What a log line is made of: its timestamp prefix, its level, and its template.

Shared by the router (is this a log?) and the logs engine (which lines matter?).
"""

from __future__ import annotations

import re

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


def timestamp_of(line: str) -> str | None:
    match = TIMESTAMP_RE.match(line)
    return match.group(0).strip() if match else None


def message_of(line: str) -> str:
    """The line without its timestamp prefix."""
    match = TIMESTAMP_RE.match(line)
    return line[match.end() :] if match else line


def template_of(message: str) -> str:
    """The message with numbers, ids, IPs and hex masked as <*>: lines that differ only in
    those share a template; lines with different words (a user name) do not."""
    return _MASK_RE.sub("<*>", message.strip())
