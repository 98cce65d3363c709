"""Failures that repeat with the same error signature, what fixed them, and retry loops.

A failed call's correction is the next successful call of the same tool within
CORRECTION_LOOKAHEAD calls of its thread that is not the same call again and is related to it
(the same program, or mostly the same words or arguments). The rule is phrased from the
difference between the two: another program (`python` → `python3`), another path, an added
flag, an added prefix (`uv run`), or else the two calls side by side.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Sequence

from headroom_mcp.learn.findings import Evidence, Finding, in_sessions, times
from headroom_mcp.learn.model import Session, ToolCall
from headroom_mcp.learn.signatures import call_key, error_signature, family, normalise_command

MIN_REPEATED_FAILURES = 2  # the same failure this often makes a rule when a correction is known
MIN_UNFIXED_FAILURES = 3  # ... and this often when none is
MIN_RETRIES = 3  # the same call this often in one session is a retry loop
CORRECTION_LOOKAHEAD = 6
RELATED_RATIO = 0.5
MAX_SHOWN_CHARS = 80


def threads(session: Session) -> dict[str, list[ToolCall]]:
    out: dict[str, list[ToolCall]] = defaultdict(list)
    for call in session.calls:
        out[call.thread].append(call)
    return out


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 1] + "…"


def _words(call: ToolCall) -> list[str]:
    return normalise_command(call.command or "").split()


def _related(failed: ToolCall, other: ToolCall) -> bool:
    if other.name != failed.name:
        return False
    if failed.command is not None and other.command is not None:
        if family(failed) == family(other):
            return True
        ratio = difflib.SequenceMatcher(None, _words(failed), _words(other)).ratio()
        return ratio >= RELATED_RATIO
    keys = set(failed.args) | set(other.args)
    same = sum(1 for k in keys if failed.args.get(k) == other.args.get(k))
    return bool(keys) and same >= len(keys) - 1


def correction_of(failed: ToolCall, following: Sequence[ToolCall]) -> ToolCall | None:
    """The call that did what `failed` meant to do, if one followed soon."""
    key = call_key(failed)
    for other in following[:CORRECTION_LOOKAHEAD]:
        if other.is_error or call_key(other) == key or not _related(failed, other):
            continue
        return other if other.answered else None
    return None


def _looks_like_path(word: str) -> bool:
    return "/" in word or ("." in word.strip(".") and not word.startswith("-"))


def phrase_correction(failed: ToolCall, fixed: ToolCall) -> str:
    """An imperative rule from a failed call and the call that worked."""
    if failed.command is None or fixed.command is None:
        changed = sorted(k for k in fixed.args if fixed.args.get(k) != failed.args.get(k))
        if len(changed) == 1:
            key = changed[0]
            old, new = failed.args.get(key), fixed.args.get(key)
            if isinstance(new, str) and _looks_like_path(new):
                # Not shortened: an absolute path is made relative only when the block is written.
                return f"Use the path `{new}`, not `{old}`, with {fixed.name}"
            return f"Call {fixed.name} with {key}=`{_shown(str(new))}`, not `{_shown(str(old))}`"
        return f"Call {fixed.name} as `{_shown(call_key(fixed))}`"
    a, b = _words(failed), _words(fixed)
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            i = diff[0]
            if i == 0:
                return f"Run `{b[0]}`, not `{a[0]}`"
            if _looks_like_path(b[i]):
                return f"Use the path `{b[i]}`, not `{a[i]}` (in `{family(fixed)}`)"
            return f"Use `{b[i]}` instead of `{a[i]}` in `{family(fixed)} …`"
    if len(b) > len(a) and b[len(b) - len(a) :] == a:
        prefix = " ".join(b[: len(b) - len(a)])
        return f"Run `{prefix} {a[0]}`, not bare `{a[0]}`"
    extra = list((Counter(b) - Counter(a)).elements())
    if extra and not Counter(a) - Counter(b) and all(w.startswith("-") for w in extra):
        return f"Pass `{' '.join(extra)}` to `{family(fixed)}`"
    return f"Run `{_shown(fixed.command)}` instead of `{_shown(failed.command)}`"


def find_failures(sessions: Sequence[Session]) -> list[Finding]:
    """Repeated failures: with a known correction a `correction` finding, else a `failure`."""
    groups: dict[tuple[str, str], list[tuple[Session, ToolCall, ToolCall | None]]] = defaultdict(
        list
    )
    for session in sessions:
        for calls in threads(session).values():
            for i, call in enumerate(calls):
                if call.is_error and call.answered:
                    fix = correction_of(call, calls[i + 1 :])
                    key = (family(call), error_signature(call.result))
                    groups[key].append((session, call, fix))
    findings = []
    for (fam, signature), items in sorted(groups.items()):
        sessions_seen = len({s.session_id for s, _, _ in items})
        evidence = tuple(
            Evidence(
                s.short_id,
                c.turn,
                f"`{_shown(c.command or call_key(c))}` failed"
                + (f"; then `{_shown(f.command or call_key(f))}` worked" if f else ""),
            )
            for s, c, f in items
        )
        phrases = Counter(phrase_correction(c, f) for _, c, f in items if f is not None)
        where = f"{times(len(items))} {in_sessions(sessions_seen)}: `{signature}`"
        if phrases and len(items) >= MIN_REPEATED_FAILURES:
            phrase, _ = sorted(phrases.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            rule = f"{phrase} (failed {where})."
            findings.append(
                Finding("correction", fam, rule, len(items), sessions_seen, 0, evidence)
            )
        elif len(items) >= MIN_UNFIXED_FAILURES and not _one_loop(items):
            rule = f"Do not call `{fam}` as before: it failed {where}."
            findings.append(Finding("failure", fam, rule, len(items), sessions_seen, 0, evidence))
    return findings


def _one_loop(items: list[tuple[Session, ToolCall, ToolCall | None]]) -> bool:
    """All the failures are one call repeated in one session: a retry loop, reported as such."""
    return len({(s.session_id, call_key(c)) for s, c, _ in items}) == 1


def find_retry_loops(sessions: Sequence[Session]) -> list[Finding]:
    """The same call, normalised, MIN_RETRIES or more times in one session."""
    loops: dict[str, list[tuple[Session, list[ToolCall]]]] = defaultdict(list)
    for session in sessions:
        by_key: dict[str, list[ToolCall]] = defaultdict(list)
        for call in session.calls:
            by_key[call_key(call)].append(call)
        for key, calls in by_key.items():
            failed = sum(1 for c in calls if c.is_error)
            same = len({c.result for c in calls}) == 1
            if len(calls) >= MIN_RETRIES and (failed or same):
                loops[key].append((session, calls))
    findings = []
    for key, runs in sorted(loops.items()):
        total = sum(len(calls) for _, calls in runs)
        failed = sum(1 for _, calls in runs for c in calls if c.is_error)
        shown = _shown(key)
        evidence = tuple(
            Evidence(s.short_id, calls[0].turn, f"{len(calls)} runs, turns {calls[0].turn}-"
                     f"{calls[-1].turn}, {sum(c.is_error for c in calls)} failed")
            for s, calls in runs
        )  # fmt: skip
        loop_counts = f"ran {total} times {in_sessions(len(runs))}"
        if failed:
            rule = (
                f"Do not rerun `{shown}` unchanged after it fails; read the error and change "
                f"something first ({loop_counts}, {failed} failed)."
            )
        else:
            rule = f"Reuse the output of `{shown}` instead of running it again ({loop_counts}, "
            rule += "same result each time)."
        findings.append(Finding("retry", shown, rule, total, len(runs), 0, evidence))
    return findings
