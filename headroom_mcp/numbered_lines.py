"""Numbered-line content: what agents' file-read tools return, seen through its numbers.

Claude Code's Read shows `     1→text` (the number right-aligned in 6 columns), older versions
and `cat -n` show `     1\ttext`, other agents `1: text` or `  1 | text`. Routed as it is,
a numbered Python file is plain text to the router and the code, log and JSON engines never
see it. So `split_numbered` takes the numbers off (the bare text keeps every line, in place),
the router and the engines work on the bare text, and `Numbered.renumber` puts each shown
line's own prefix back and shifts the line numbers our markers name to the numbering the
model saw. The store keeps the original, numbers included; `units_in_original` maps the
units cut from the bare text onto it.

    numbered = split_numbered(read_output)
    if numbered:
        engine_output = compress(numbered.bare, ...)
        shown = numbered.renumber(engine_output)

Detection is strict, so that a log whose lines start with ids, CSV rows or grep -n output
(`file:12:text`) stay what they are: every line of the numbered span has the same shape, the
numbers go up by exactly one, the padding is the same on every line, and only a few lines
(a header, a trailer such as a reminder the tool appends) may stand outside the span.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from headroom_mcp.engines.base import MARKER_PREFIX, EngineResult
from headroom_mcp.store import Unit
from headroom_mcp.tokens import count_tokens, estimate_tokens

# (style, the prefix of one numbered line: padding, number, separator). The separator must be
# followed by the text, or end the line (an empty line of the file).
STYLES: dict[str, re.Pattern[str]] = {
    "arrow": re.compile(r"( *)(\d+)→"),  # Claude Code Read: `     1→text`
    "tab": re.compile(r"( *)(\d+)\t"),  # cat -n, older Read: `     1\ttext`
    "colon": re.compile(r"( *)(\d+):(?: |$)"),  # `1: text`
    "pipe": re.compile(r"( *)(\d+) \|(?: |$)"),  # `  1 | text`
}
CAT_N_WIDTH = 6  # cat -n pads to 6 columns; a tab after a bare number is a TSV id column
MIN_NUMBERED_LINES = 3
MAX_OUTSIDE_LINES = 10  # non-blank lines before or after the numbered span (header, trailer)
LOOK_FOR_FIRST = 11  # non-blank lines searched for the first numbered one
HEAD_CHARS = 64_000


@dataclass(frozen=True)
class Numbered:
    """Content split into its bare text and the prefix every line had.

    `bare` has the same lines as the original, each without its number prefix; `prefixes`
    holds that prefix per line ("" for a line outside the numbered span or a blank line).
    `first` is the number on the first numbered line, at row `first_row` (0-based), and
    `style` names the shape (a key of STYLES)."""

    original: str = field(repr=False)
    bare: str = field(repr=False)
    prefixes: tuple[str, ...] = field(repr=False)
    first: int
    first_row: int
    style: str
    _rows: list[Rows] = field(default_factory=list, repr=False, compare=False)

    @property
    def shift(self) -> int:
        """What to add to a 1-based row of the bare text to get the number the model sees."""
        return self.first - self.first_row - 1

    @property
    def label(self) -> str:
        """For transforms: the style and the first number, e.g. "numbered:arrow@200"."""
        return f"numbered:{self.style}@{self.first}"

    def renumber(self, text: str, *, shift_markers: bool = True) -> str:
        """An engine's output over the bare text, with each line that is a line of the input
        given back its prefix, and the line numbers in our markers shifted to the numbering
        the model sees (`shift_markers=False` where markers name other files' lines, as the
        search engine's do)."""
        lines = text.split("\n")
        rows = align(lines, self.rows)
        out: list[str] = []
        for line, row in zip(lines, rows, strict=True):
            if row is not None:
                out.append(self.prefixes[row] + line)
            elif shift_markers and is_marker(line):
                out.append(shift_line_numbers(line, self.shift))
            else:
                out.append(line)
        return "\n".join(out)

    @property
    def rows(self) -> Rows:
        """The bare text's rows, indexed once (renumber may run more than once per content)."""
        if not self._rows:
            self._rows.append(Rows(self.bare))
        return self._rows[0]

    def units_in_original(self, units: Sequence[Unit]) -> list[Unit]:
        """Units cut from the bare text, as slices of the original (a unit starting a line
        starts with its number) whose locations name the numbers the model sees."""
        bare_starts = _line_starts(self.bare)
        original_starts = _line_starts(self.original)

        def to_original(offset: int) -> int:
            row = bisect.bisect_right(bare_starts, offset) - 1
            column = offset - bare_starts[row]
            if column == 0:
                return original_starts[row]
            return original_starts[row] + len(self.prefixes[row]) + column

        return [
            Unit(
                to_original(u.start),
                to_original(u.end),
                shift_line_numbers(u.location, self.shift),
                u.tags,
            )
            for u in units
        ]

    def engine_budget(self, budget: int) -> int:
        """The budget for the engines, so that their output with the numbers back still fits
        `budget`: the share of the content's tokens that is not number prefixes."""
        bare = estimate_tokens(self.bare)
        whole = max(1, estimate_tokens(self.original))
        return max(1, budget * min(bare, whole) // whole)


def split_numbered(content: str) -> Numbered | None:
    """The content as bare text with its numbering, or None when it is not numbered lines."""
    found = _first_numbered(content[:HEAD_CHARS].split("\n"))
    if found is None:
        return None  # the common case, decided without splitting a large content
    first_row, style = found
    lines = content.split("\n")
    pattern = STYLES[style]
    head = pattern.match(lines[first_row])
    assert head is not None
    padded = len(head.group(1)) > 0
    width = len(head.group(1)) + len(head.group(2)) if padded else 0
    expected = int(head.group(2))
    prefixes = [""] * len(lines)
    bare = list(lines)
    last_row = first_row
    row = first_row
    while row < len(lines):
        match = pattern.match(lines[row])
        if match is None:
            if lines[row].strip():
                break  # the numbered span ends here: only a trailer may follow
            row += 1
            continue
        spaces, digits = match.group(1), match.group(2)
        if int(digits) != expected or len(spaces) != max(0, width - len(digits)):
            return None
        if style == "tab" and len(spaces) + len(digits) < CAT_N_WIDTH:
            return None
        prefixes[row] = match.group(0)
        bare[row] = lines[row][match.end() :]
        expected += 1
        last_row = row
        row += 1
    numbered = expected - int(head.group(2))
    outside = _non_blank(lines[:first_row]) + _non_blank(lines[last_row + 1 :])
    if numbered < MIN_NUMBERED_LINES or outside > min(MAX_OUTSIDE_LINES, max(2, numbered // 4)):
        return None
    return Numbered(content, "\n".join(bare), tuple(prefixes), int(head.group(2)), first_row, style)


def _first_numbered(lines: list[str]) -> tuple[int, str] | None:
    """Row and style of the first numbered line among the first few non-blank ones."""
    seen = 0
    for row, line in enumerate(lines):
        if not line.strip():
            continue
        for style, pattern in STYLES.items():
            if pattern.match(line):
                return row, style
        seen += 1
        if seen >= LOOK_FOR_FIRST:
            return None
    return None


def _non_blank(lines: list[str]) -> int:
    return sum(1 for line in lines if line.strip())


def _line_starts(text: str) -> list[int]:
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


# -- markers -------------------------------------------------------------------------------

_NUMBER_LIST = r"\d+(?:-\d+)?(?:, \d+(?:-\d+)?)*(?!\d)"
# "line 12", "lines 24-911", "lines 12, 40, 77" — not "the same line 4 more times"
_LINES_RE = re.compile(rf"\b(lines? )({_NUMBER_LIST})(?! more| times)")
_FOLD_RE = re.compile(r"\(L(\d+)-(\d+)\)")  # the code engine: "N lines folded (L24-911)"
_OMITTED_RE = re.compile(r"\blines? (\d+)(?:-(\d+))? omitted|lines folded \(L(\d+)-(\d+)\)")
_CUT_MARK = f"…{MARKER_PREFIX}: +"  # cut_long_line: the head of a long line, then this


def is_marker(line: str) -> bool:
    """Our own line (the code engine indents its fold markers like the code around them)."""
    return line.lstrip().startswith(MARKER_PREFIX)


def shift_line_numbers(text: str, shift: int) -> str:
    """Line numbers named in `text` ("line 12", "lines 24-911", "lines 3, 9", "(L24-911)")
    moved by `shift`."""
    if shift == 0:
        return text

    def moved(match: re.Match[str]) -> str:
        return re.sub(r"\d+", lambda n: str(int(n.group(0)) + shift), match.group(0))

    return _FOLD_RE.sub(moved, _LINES_RE.sub(moved, text))


def omitted_rows(line: str) -> tuple[int, int] | None:
    """The 0-based rows (first, last) a marker says it stands for, if it names a gap."""
    match = _OMITTED_RE.search(line) if is_marker(line) else None
    if match is None:
        return None
    numbers = [int(g) for g in match.groups() if g is not None]
    return numbers[0] - 1, numbers[-1] - 1


# -- aligning shown lines with input rows --------------------------------------------------

BREAK = 2  # a shown line that does not follow the previous one in the input
OFF_MARKER = 4  # a pair of shown lines the marker between them does not fit
LOOSE_MARKER = 1  # the marker fits, but not exactly
MAX_CANDIDATES = 4000  # rows one shown line may be; bounds the work for very common lines
NO_ROW = 1 << 62  # past the last row


class Rows:
    """The bare text's rows, indexed: where each line occurs, and which rows are blank."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.where: dict[str, list[int]] = {}
        self._blank_before = [0]
        for row, line in enumerate(self.lines):
            self.where.setdefault(line, []).append(row)
            self._blank_before.append(self._blank_before[-1] + (not line.strip()))

    def all_blank(self, first: int, last: int) -> bool:
        """Whether rows first..last (inclusive; none when last < first) are all blank."""
        if first < 0 or last >= len(self.lines):
            return False
        return last < first or self._blank_before[last + 1] - self._blank_before[first] == (
            last - first + 1
        )

    def candidates(self, line: str) -> list[int]:
        """The rows a shown line can be: where it occurs, or, for a long line the engine cut,
        the rows it is the head of."""
        exact = self.where.get(line)
        if exact:
            return exact
        cut = line.find(_CUT_MARK)
        if cut > 0:
            head = line[:cut]
            return [r for r, text in enumerate(self.lines) if text.startswith(head)]
        return []


@dataclass
class _Shown:
    """What align learns from the shown lines: each line's candidate rows, the omission
    marker just before it, how many blank lines just before it (with nothing else between
    it and the previous line)."""

    candidates: list[list[int]] = field(default_factory=list)
    gaps: list[tuple[int, int] | None] = field(default_factory=list)
    blanks: list[int | None] = field(default_factory=list)


def align(shown: list[str], rows: Rows) -> list[int | None]:
    """For each shown line, the input row it is (None: a marker, a line not in the input, a
    blank line not inside a run of shown rows, or a line that cannot be placed).

    Engines keep lines verbatim and in order, so the shown lines are a subsequence of the
    rows; a line that occurs many times is placed where it continues a run of shown lines or
    fits the omission markers around it, else at its first occurrence after the previous
    shown line. Blank lines (which engines also add between blocks) are numbered only where
    the rows around them leave no doubt."""
    seen = _Shown()
    pending: tuple[int, int] | None = None
    blanks: int | None = 0
    for line in shown:
        gap = omitted_rows(line) if is_marker(line) else None
        if is_marker(line) or not line.strip():
            if gap is not None:
                pending = gap if pending is None else (pending[0], gap[1])
            blanks = blanks + 1 if blanks is not None and not is_marker(line) else None
            seen.candidates.append([])
            seen.gaps.append(None)
            seen.blanks.append(None)
            continue
        seen.candidates.append(rows.candidates(line))
        seen.gaps.append(pending)
        seen.blanks.append(blanks)
        if seen.candidates[-1]:
            pending, blanks = None, 0
        else:
            blanks = None
    placed: list[int | None] = [None] * len(shown)
    chain = _in_order(seen.candidates, placed)
    _best_path(chain, seen, pending, rows, placed)
    _place_blank_runs(shown, rows, placed)
    return placed


def _place_blank_runs(shown: list[str], rows: Rows, placed: list[int | None]) -> None:
    """Number a run of blank shown lines where the rows on either side (placed lines, or the
    ends of omission markers) leave exactly that many blank rows between them."""
    k = 0
    while k < len(shown):
        if shown[k].strip() or placed[k] is not None:
            k += 1
            continue
        end = k
        while end + 1 < len(shown) and not shown[end + 1].strip():
            end += 1
        left = _edge_row(shown, placed, k - 1, before=True)
        right = _edge_row(shown, placed, end + 1, before=False, past_end=len(rows.lines))
        between = None if left is None or right is None else (left + 1, right - 1)
        if between and between[1] - between[0] == end - k and rows.all_blank(*between):
            placed[k : end + 1] = range(between[0], between[1] + 1)
        k = end + 1


def _edge_row(
    shown: list[str], placed: list[int | None], k: int, *, before: bool, past_end: int = 0
) -> int | None:
    """The row just before (or after) a run of blank shown lines: the placed line's row, the
    last (first) row an omission marker stands for, or the edge of the text."""
    if k < 0:
        return -1
    if k >= len(shown):
        return past_end
    if placed[k] is not None:
        return placed[k]
    gap = omitted_rows(shown[k])
    if gap is None:
        return None
    return gap[1] if before else gap[0]


def _in_order(candidates: list[list[int]], placed: list[int | None]) -> list[int]:
    """The shown lines that can be placed in input order, narrowed to rows that allow it.

    Lines found exactly once anchor the order (their longest increasing run; a unique line
    outside it is shown out of order and keeps its own number). Between anchors, the other
    lines keep the rows that leave room for the lines around them."""
    anchors = [k for k, c in enumerate(candidates) if len(c) == 1]
    kept = set(_longest_increasing(anchors, [candidates[k][0] for k in anchors]))
    for k in anchors:
        if k not in kept:
            placed[k] = candidates[k][0]
    chain = [k for k, c in enumerate(candidates) if c and (len(c) > 1 or k in kept)]
    # Earliest feasible rows forward, then latest feasible rows backward.
    bounds = _anchor_bounds(chain, candidates, kept)
    earliest: dict[int, int] = {}
    floor = -1
    feasible: list[int] = []
    for k in chain:
        low = max(floor, bounds[k][0])
        rows = candidates[k]
        i = bisect.bisect_right(rows, low)
        if i == len(rows) or rows[i] >= bounds[k][1]:
            continue  # no row fits between its neighbours: left unnumbered
        earliest[k] = floor = rows[i]
        feasible.append(k)
    ceiling = NO_ROW
    for k in reversed(feasible):
        rows = candidates[k]
        i = bisect.bisect_left(rows, ceiling) - 1
        latest = rows[i]
        low = bisect.bisect_left(rows, earliest[k])
        candidates[k] = rows[low : i + 1][:MAX_CANDIDATES]
        ceiling = latest
    return feasible


def _anchor_bounds(
    chain: list[int], candidates: list[list[int]], kept: set[int]
) -> dict[int, tuple[int, int]]:
    """For each line of the chain, the rows of the nearest anchors before and after it."""
    lows: dict[int, int] = {}
    low = -1
    for k in chain:
        lows[k] = low
        if k in kept:
            low = candidates[k][0]
    bounds: dict[int, tuple[int, int]] = {}
    high = NO_ROW
    for k in reversed(chain):
        bounds[k] = (lows[k], high)
        if k in kept:
            high = candidates[k][0]
    return bounds


def _longest_increasing(keys: list[int], values: list[int]) -> list[int]:
    """The keys of the longest strictly increasing run of values (patience sorting)."""
    tails: list[int] = []  # value at the end of the best run of each length
    ends: list[int] = []  # index (into keys) of that end
    before: list[int] = [-1] * len(keys)
    for i, value in enumerate(values):
        j = bisect.bisect_left(tails, value)
        before[i] = ends[j - 1] if j > 0 else -1
        if j == len(tails):
            tails.append(value)
            ends.append(i)
        else:
            tails[j], ends[j] = value, i
    run: list[int] = []
    i = ends[-1] if ends else -1
    while i != -1:
        run.append(keys[i])
        i = before[i]
    return run[::-1]


def _best_path(
    chain: list[int],
    seen: _Shown,
    trailing: tuple[int, int] | None,
    rows: Rows,
    placed: list[int | None],
) -> None:
    """Rows for the chain's lines that break the fewest runs and fit the markers best (ties:
    the earliest rows), by dynamic programming over each line's candidate rows."""
    if not chain:
        return
    cost: list[dict[int, float]] = []
    back: list[dict[int, int]] = []
    first = chain[0]
    cost.append({c: _start_cost(c, seen.gaps[first]) for c in seen.candidates[first]})
    back.append({})
    for position, k in enumerate(chain[1:], start=1):
        prev_rows = seen.candidates[chain[position - 1]]
        step = _Step(prev_rows, cost[-1], seen.gaps[k], seen.blanks[k], rows)
        here: dict[int, float] = {}
        came: dict[int, int] = {}
        for c in seen.candidates[k]:
            here[c], came[c] = step.best(c)
        cost.append(here)
        back.append(came)
    last = cost[-1]
    end = min(last, key=lambda c: (last[c] + _end_cost(c, trailing), c))
    for position in range(len(chain) - 1, -1, -1):
        placed[chain[position]] = end
        if position:
            end = back[position][end]


class _Step:
    """The cheapest ways to reach a row from the rows of the previous shown line."""

    def __init__(
        self,
        rows: list[int],
        cost: dict[int, float],
        gap: tuple[int, int] | None,
        blanks: int | None,
        text: Rows,
    ) -> None:
        self.rows, self.cost, self.gap, self.blanks, self.text = rows, cost, gap, blanks, text
        self.best_upto: list[tuple[float, int]] = []  # cheapest (cost, row) in rows[:i + 1]
        for row in rows:
            item = (cost[row], row)
            upto = self.best_upto
            upto.append(item if not upto or item < upto[-1] else upto[-1])

    def _cheapest_before(self, c: int) -> tuple[float, int] | None:
        below = bisect.bisect_left(self.rows, c)
        return self.best_upto[below - 1] if below else None

    def best(self, c: int) -> tuple[float, int]:
        """(cost, previous row) of the cheapest path that places this line at row `c`."""
        options: list[tuple[float, int]] = []
        anywhere = self._cheapest_before(c)
        if self.gap is None:
            run = c - 1 - (self.blanks or 0)  # the row a run of shown lines continues from
            if self.blanks is not None and run in self.cost and self.text.all_blank(run + 1, c - 1):
                options.append((self.cost[run], run))
            if anywhere is not None:
                options.append((anywhere[0] + BREAK, anywhere[1]))
        else:
            first, last = self.gap
            if c == last + 1 and first - 1 in self.cost:
                options.append((self.cost[first - 1] + BREAK, first - 1))
            fitting = self._cheapest_before(min(first, c))
            if c > last and fitting is not None:
                options.append((fitting[0] + BREAK + LOOSE_MARKER, fitting[1]))
            if anywhere is not None:
                options.append((anywhere[0] + BREAK + OFF_MARKER, anywhere[1]))
        return min(options, default=(float(NO_ROW), self.rows[0]))


def _start_cost(c: int, gap: tuple[int, int] | None) -> float:
    if gap is None:
        return 0.0
    first, last = gap
    if first <= 0 and c == last + 1:
        return 0.0
    return LOOSE_MARKER if c > last else OFF_MARKER


def _end_cost(c: int, gap: tuple[int, int] | None) -> float:
    if gap is None:
        return 0.0
    first, _ = gap
    if c == first - 1:
        return 0.0
    return LOOSE_MARKER if c < first else OFF_MARKER


# -- compressing ---------------------------------------------------------------------------

Run = Callable[[int | None], tuple[str, EngineResult, list[str]]]
MAX_TRIES = 3


def compress_numbered(
    numbered: Numbered, run: Run, budget: int | None
) -> tuple[str, EngineResult, list[str]]:
    """Run the engines (`run(budget)`, over the bare text) and put the numbers back, within
    `budget` with the numbers counted: the engines get the budget less the share the numbers
    take, and less again if the numbered output still came out over it."""
    engine_budget = None if budget is None else numbered.engine_budget(budget)
    for _ in range(MAX_TRIES):
        kind, result, skipped = run(engine_budget)
        text = numbered.renumber(result.text, shift_markers=kind != "search")
        renumbered = replace(result, transforms=(numbered.label, *result.transforms), text=text)
        if budget is None or engine_budget is None:
            break
        used = count_tokens(text)
        if used <= budget or engine_budget <= 1:
            break
        engine_budget = max(1, engine_budget * budget // used - 1)
    return kind, renumbered, skipped
