"""Code engine: keep a source file's outline, fold function bodies, open what the query needs.

Kept verbatim: imports, top-level declarations, class/struct/interface/enum/trait/impl headers,
every function and method signature with its decorators or annotations, the first line of doc
comments and docstrings, constants and type aliases. Folded, each to one marker line naming its
line range: function bodies, the rest of long doc comments, and long statements that hold no
function (big literal tables, `if __name__ == "__main__":` blocks). Symbols whose name (or,
failing that, body) matches the query keep their body and doc comment, best match first, while
the budget lasts. Content that does not parse raises ValueError; the caller falls back to text.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from headroom_mcp.engines.base import MARKER_PREFIX, EngineResult, query_terms
from headroom_mcp.engines.code_grammar import (
    GRAMMAR_LANGUAGES,
    MIN_RULE_FOLD_LINES,
    c_view,
    grammar_language,
    layout,
)
from headroom_mcp.engines.code_languages import (
    TRANSPARENT_TYPES,
    detect_language,
    parse,
    parses_fairly,
)
from headroom_mcp.engines.select_budget import fit, identifier_words, query_words, relevance
from headroom_mcp.tokens import count_tokens, estimate_tokens

if TYPE_CHECKING:
    from tree_sitter import Node, Tree

FUNCTION_TYPES = (
    "function_definition", "function_declaration", "method_definition", "method_declaration",
    "constructor_declaration", "function_item", "func_literal", "method", "singleton_method",
    "arrow_function", "function_expression", "generator_function_declaration",
    "local_function_statement", "destructor_declaration", "operator_declaration",
    "accessor_declaration", "lambda_expression", "closure_expression", "anonymous_function",
)  # fmt: skip
MIN_FOLD_LINES = 3
BIG_STATEMENT_LINES = 15  # a non-function statement longer than this is folded to its first line
TIGHT_STATEMENT_LINES = 3
LONG_COMMENT_LINES = 4  # doc comments longer than this keep only their first meaningful line
DOC_KEEP_LINES = 2
LONG_TYPE_DOC_LINES = 12  # a struct/class/enum doc is API documentation: kept up to this long
MAX_ERROR_SHARE = 0.3
NAME_MATCH = 10.0
PARTIAL_NAME_MATCH = 4.0
MAX_BODY_ONLY_MATCHES = 2
BODY_ONLY_SHARE = 0.1  # a body-only match longer than this share of the file stays folded
QUESTION_WORDS = frozenset(
    """work works working handle handles handled signature declaration declared definition
    defined parameters parameter arguments argument implemented implementation called
    used""".split()
)  # words of the question, not names, once another word names a symbol
DEFAULT_UNFOLD_SHARE = 0.4  # without max_tokens, unfolded bodies stay under this share of lines
_TRIVIAL_COMMENT = re.compile(r"^\s*(/\*\*?|\*/|///?|#|--|\*)\s*$")
_WORD = re.compile(r"[A-Za-z0-9_]+")


@dataclass
class Symbol:
    """A function or method: its name, its foldable body and its doc comment."""

    name: str
    start: int
    end: int
    body: tuple[int, int] | None  # rows folded when the symbol stays closed
    doc: tuple[int, int] | None  # rows of the doc comment beyond its first meaningful line
    score: float = 0.0
    nested: list[int] = field(default_factory=list)  # rows of nested named defs, kept visible
    doc_start: int | None = None  # first row of its doc comment, if it has one

    def body_folds(self) -> list[tuple[int, int]]:
        """The body fold, split around the signatures of nested named functions."""
        if self.body is None:
            return []
        folds, start = [], self.body[0]
        for row in sorted(set(self.nested)):
            if self.body[0] <= row <= self.body[1]:
                folds.append((start, row - 1))
                start = row + 1
        folds.append((start, self.body[1]))
        return [(a, b) for a, b in folds if b >= a]


@dataclass
class Outline:
    symbols: list[Symbol] = field(default_factory=list)
    fixed_folds: list[tuple[int, int]] = field(default_factory=list)


def _name_of(node: Node) -> str:
    name = node.child_by_field_name("name")
    target = name
    declarator = node.child_by_field_name("declarator")
    while target is None and declarator is not None:
        inner = declarator.child_by_field_name("declarator")
        if inner is None or declarator.type in ("identifier", "field_identifier"):
            target = declarator
        declarator = inner
    if target is None and node.parent is not None:
        # const f = () => {...}; obj = { f: function () {...} }
        for field_name in ("name", "left", "key"):
            target = node.parent.child_by_field_name(field_name)
            if target is not None:
                break
    return target.text.decode("utf-8", "replace") if target is not None and target.text else ""


ANONYMOUS_TYPES = frozenset(
    {"arrow_function", "function_expression", "lambda_expression", "closure_expression",
     "func_literal", "anonymous_function"}
)  # fmt: skip


def _function_nodes(tree: Tree, language_obj: object) -> tuple[list[Node], dict[int, list[int]]]:
    """Top-most function nodes, and for each (by id) the rows of the named functions nested in
    it, whose signatures stay visible when it is folded."""
    from tree_sitter import Query, QueryCursor

    kinds = [k for k in FUNCTION_TYPES if language_obj.id_for_node_kind(k, True)]  # type: ignore[attr-defined]
    if not kinds:
        return [], {}
    query = Query(language_obj, "[" + " ".join(f"({k})" for k in kinds) + "] @f")  # type: ignore[arg-type]
    found = QueryCursor(query).captures(tree.root_node).get("f", [])
    ids = {n.id for n in found}
    top, nested_in = [], {}
    for node in found:
        parent = node.parent
        outermost = None
        while parent is not None:
            if parent.id in ids:
                outermost = parent
            parent = parent.parent
        if outermost is None:
            top.append(node)
        elif node.type not in ANONYMOUS_TYPES:
            nested_in[node.id] = outermost.id
    rows: dict[int, list[int]] = {}
    for node in found:
        if node.id in nested_in:
            rows.setdefault(nested_in[node.id], []).append(node.start_point.row)
    return sorted(top, key=lambda n: n.start_byte), rows


_ATTRIBUTE_TYPES = ("attribute_item", "decorator", "annotation", "marker_annotation",
                    "attribute_list")  # fmt: skip


def end_row(node: Node) -> int:
    """Last row holding the node's text (a line comment's span ends at column 0 of the next)."""
    end = node.end_point
    return end.row - 1 if end.column == 0 and end.row > node.start_point.row else end.row


def _comment_rows(node: Node) -> tuple[int, int] | None:
    """Rows of the comment block right above `node` (or above its decorator wrapper)."""
    anchor = node
    while anchor.parent is not None and anchor.parent.type in (
        "decorated_definition", "export_statement", "template_declaration",
    ):  # fmt: skip
        anchor = anchor.parent
    sibling = anchor.prev_sibling
    expected = anchor.start_point.row - 1
    while sibling is not None and sibling.type in _ATTRIBUTE_TYPES:  # #[inline], @Override
        expected = sibling.start_point.row - 1
        sibling = sibling.prev_sibling
    first = last = None
    while sibling is not None and "comment" in sibling.type and end_row(sibling) == expected:
        first = sibling.start_point.row
        last = last if last is not None else end_row(sibling)
        expected = first - 1
        sibling = sibling.prev_sibling
    return (first, last) if first is not None and last is not None else None


def _doc_fold(lines: list[str], rows: tuple[int, int] | None) -> tuple[int, int] | None:
    """The part of a comment block to fold: all but its first DOC_KEEP_LINES meaningful lines
    (a doc comment's summary sentence usually wraps onto a second line)."""
    if rows is None or rows[1] - rows[0] + 1 <= LONG_COMMENT_LINES:
        return None
    row, kept = rows[0], 0
    while row <= rows[1] and kept < DOC_KEEP_LINES:
        if not _TRIVIAL_COMMENT.match(lines[row]):
            kept += 1
        row += 1
    return (row, rows[1]) if rows[1] - row + 1 >= 2 else None


def _body_fold(node: Node, data: bytes, *, keep_docstring: bool = True) -> tuple[int, int] | None:
    body = node.child_by_field_name("body")
    if body is None:
        return None
    start, end = body.start_point.row, body.end_point.row
    if data[body.start_byte : body.start_byte + 1] == b"{":
        start += 1  # keep the line that opens the body; fold through the closing brace
    elif keep_docstring:
        first = body.named_children[0] if body.named_children else None
        if (
            first is not None
            and first.type == "expression_statement"
            and first.named_children
            and first.named_children[0].type == "string"
        ):
            start = first.start_point.row + 1  # a docstring: keep its first line
    if end - start + 1 < MIN_FOLD_LINES:
        return None
    return (start, end)


def build_outline(
    lines: list[str], data: bytes, tree: Tree, language_obj: object, *, tight: bool = False
) -> Outline:
    """Symbols and fixed folds. `tight` folds docstrings, whole comment blocks and shorter
    statements too, for budgets below the normal outline."""
    outline = Outline()
    big = TIGHT_STATEMENT_LINES if tight else BIG_STATEMENT_LINES
    functions, nested_rows = _function_nodes(tree, language_obj)
    containers: set[int] = set()
    for node in functions:
        parent = node.parent
        while parent is not None:
            containers.add(parent.id)
            parent = parent.parent
        outline.symbols.append(
            Symbol(
                name=_name_of(node),
                start=node.start_point.row,
                end=node.end_point.row,
                body=_body_fold(node, data, keep_docstring=not tight),
                doc=_whole(_comment_rows(node)) if tight else _doc_fold(lines, _comment_rows(node)),
                nested=nested_rows.get(node.id, []),
                doc_start=(rows := _comment_rows(node)) and rows[0],
            )
        )
    function_ids = {n.id for n in functions}
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        run: list[Node] = []
        for child in [*node.named_children, None]:
            if child is not None and "comment" in child.type:
                if run and child.start_point.row != end_row(run[-1]) + 1:
                    _fold_comment_run(lines, run, outline, tight)
                    run = []
                run.append(child)
                continue
            if run:
                _fold_comment_run(lines, run, outline, tight)
                run = []
            if child is None or child.id in function_ids:
                continue
            if child.id in containers or child.type in TRANSPARENT_TYPES:
                stack.append(child)
            elif child.end_point.row - child.start_point.row + 1 > big:
                outline.fixed_folds.append((child.start_point.row + 1, child.end_point.row))
    return outline


def _whole(rows: tuple[int, int] | None) -> tuple[int, int] | None:
    return rows if rows is not None and rows[1] > rows[0] else None


def _fold_comment_run(lines: list[str], run: list[Node], outline: Outline, tight: bool) -> None:
    """Fold a long comment block: a function's doc folds with its symbol instead, and the doc
    of a type (struct, class, enum) is kept unless it is very long."""
    rows = (run[0].start_point.row, end_row(run[-1]))
    if _documents(run[-1]) == "function":
        return
    if tight:
        if (whole := _whole(rows)) is not None:
            outline.fixed_folds.append(whole)
        return
    limit = LONG_TYPE_DOC_LINES if _documents(run[-1]) == "declaration" else LONG_COMMENT_LINES
    if rows[1] - rows[0] + 1 > limit:
        fold = _doc_fold(lines, rows)
        if fold is not None:
            outline.fixed_folds.append(fold)


def _documents(comment: Node) -> str | None:
    """What the comment sits right above: 'function', 'declaration', or None."""
    nxt = comment.next_named_sibling
    row = end_row(comment) + 1
    while nxt is not None and nxt.type in _ATTRIBUTE_TYPES and nxt.start_point.row == row:
        row = end_row(nxt) + 1
        nxt = nxt.next_named_sibling
    if nxt is None or nxt.start_point.row != row or "comment" in nxt.type:
        return None
    if nxt.type in FUNCTION_TYPES or nxt.type in ("decorated_definition", "export_statement"):
        return "function"
    return "declaration"


_QUALIFIER_RE = re.compile(r"([A-Za-z_]\w*)(?:::|\.|->)(?=[A-Za-z_])")


def qualifier_words(query: str | None) -> set[str]:
    """Words the query uses as qualifiers (`RE2` in `RE2::GlobalReplace`, `self` in
    `self.run`): they say where the named thing lives, they do not name it."""
    return {m.lower() for m in _QUALIFIER_RE.findall(query or "")}


def own_name(name: str) -> str:
    """A symbol's own name without its qualifiers (`RE2::Hex` gives `Hex`)."""
    return re.split(r"::|\.", name)[-1] if name else name


def names_a_declaration(tree: Tree, query: str | None) -> bool:
    """Whether a word of the query (not a qualifier) is the exact name of a function declared
    without a body (a prototype, a method of a class declaration): a question about a header's
    API, answered by one declaration and its doc comment."""
    naming = {t for t in query_terms(query) if len(t) >= 3} - qualifier_words(query)
    if not naming:
        return False
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "function_definition" or node.type in FUNCTION_TYPES:
            continue
        if node.type == "function_declarator":
            target = node.child_by_field_name("declarator")
            text = target.text if target is not None else None
            if text and own_name(text.decode("utf-8", "replace")).lower() in naming:
                return True
            continue
        stack += node.named_children
    return False


def score_symbols(symbols: list[Symbol], lines: list[str], query: str | None) -> None:
    terms = query_terms(query)
    if not terms:
        return
    bodies = [
        Counter(w.lower() for w in _WORD.findall("\n".join(lines[s.start : s.end + 1])))
        for s in symbols
    ]
    df = Counter(t for body in bodies for t in terms if body[t])
    n = len(symbols) or 1
    qualifiers = qualifier_words(query)
    naming = [t for t in terms if t not in qualifiers]
    names = {own_name(s.name).lower().strip("_") for s in symbols}
    if any(t.strip("_") in names for t in naming if t not in QUESTION_WORDS):
        naming = [t for t in naming if t not in QUESTION_WORDS]  # "how does f work?"
    for symbol, body in zip(symbols, bodies, strict=True):
        name = own_name(symbol.name).lower()
        name_words = set(_WORD.findall(name.replace("_", " "))) | {name, name.strip("_")}
        if any(t in name_words or t == name.strip("_") for t in naming):
            symbol.score = NAME_MATCH
        elif any(len(t) >= 4 and t in name for t in naming):
            symbol.score = PARTIAL_NAME_MATCH
        body_score = sum(math.log(1 + n / df[t]) * min(body[t], 3) for t in terms if body[t])
        symbol.score += body_score / 10


def choose_open(symbols: list[Symbol], total_lines: int) -> list[Symbol]:
    """Symbols to show whole: name matches first, then the best body-only matches."""
    ranked = sorted((s for s in symbols if s.score > 0), key=lambda s: (-s.score, s.start))
    named = [s for s in ranked if s.score >= PARTIAL_NAME_MATCH]
    body_only = [
        s
        for s in ranked
        if s.score < PARTIAL_NAME_MATCH and s.end - s.start < BODY_ONLY_SHARE * total_lines
    ][:MAX_BODY_ONLY_MATCHES]  # a long function that merely mentions the query stays folded
    chosen: list[Symbol] = []
    lines_used = 0
    for symbol in [*named, *body_only]:
        size = symbol.end - symbol.start + 1
        if chosen and lines_used + size > DEFAULT_UNFOLD_SHARE * total_lines:
            continue
        chosen.append(symbol)
        lines_used += size
    return chosen


MARKER_NAMES = 3  # a fold marker names this many of the symbols it hides, and counts the rest
_NAMEABLE = re.compile(r"[\w$.:~<>\"@-]{1,40}")


def _row_of(name: tuple[int, str]) -> int:
    return name[0]


def fold_names(first: int, last: int, names: Sequence[tuple[int, str]]) -> str:
    """What a fold hides, for its marker: the symbols whose first line it holds (a body fold
    names nothing: its signature is the line above), and the retrieve call that brings the
    first back (`api` adds the hash in the footer)."""
    lo = bisect.bisect_left(names, first, key=_row_of)  # names are in row order
    hi = bisect.bisect_right(names, last, key=_row_of)
    hidden = list(dict.fromkeys(n for _, n in names[lo:hi] if _NAMEABLE.fullmatch(n)))
    if not hidden:
        return ""
    shown = ", ".join(hidden[:MARKER_NAMES])
    more = f" +{len(hidden) - MARKER_NAMES} more" if len(hidden) > MARKER_NAMES else ""
    hint = re.sub(r"[^\w$.:~-]", "", hidden[0])  # `"include"`, a lex pattern, asks for include
    call = f' · headroom_retrieve(query="{hint}")' if hint else ""
    return f": {shown}{more}{call}"


def render(
    lines: list[str], folds: list[tuple[int, int]], names: Sequence[tuple[int, str]] = ()
) -> tuple[str, int]:
    """Lines with each fold replaced by one marker line naming its rows and the symbols it
    hides (`names`: first row and name of each); returns text and lines folded."""
    names = sorted(names)
    marks: dict[int, int] = {}
    last_end = -1
    for first, last in sorted(folds):
        if last > first and first > last_end:  # one-line folds save nothing; overlaps skipped
            marks[first] = last
            last_end = last
    out: list[str] = []
    folded = 0
    row = 0
    while row < len(lines):
        if row not in marks:
            out.append(lines[row])
            row += 1
            continue
        last = marks[row]
        first_text = next((lines[r] for r in range(row, last + 1) if lines[r].strip()), "")
        indent = first_text[: len(first_text) - len(first_text.lstrip())]
        count = last - row + 1
        what = fold_names(row, last, names)
        out.append(f"{indent}{MARKER_PREFIX}: {count} lines folded (L{row + 1}-{last + 1}){what}]")
        folded += count
        row = last + 1
    return "\n".join(out), folded


@dataclass(frozen=True)
class Item:
    """An item of the outline the budget ranks: its rows, its name, its text."""

    first: int
    last: int
    name: str
    text: str
    comment: bool = False


@dataclass(frozen=True)
class ParsedCode:
    language: str
    tree: Tree
    data: bytes
    lines: list[str]
    outline: Outline
    items: tuple[Item, ...] = ()  # outline items the tree does not hold (grammar rules)


@functools.lru_cache(maxsize=1)
def parse_outline(content: str, language: str | None = None) -> ParsedCode:
    """Parse and outline `content`, cached for the call that follows (the store's unit splitter
    and the engine both need it). Raises ValueError when it does not parse as code."""
    grammar = language if language in GRAMMAR_LANGUAGES else None
    if language is None:
        grammar = grammar_language(content)
    if grammar is not None:
        return _parse_grammar(content, grammar)
    data = content.encode("utf-8")
    if language is not None:
        tree = parse(data, language)
    else:
        language, tree = detect_language(content, data)
    if not parses_fairly(tree, language):
        raise ValueError(f"content does not parse as {language}")
    lines = content.split("\n")
    return ParsedCode(language, tree, data, lines, build_outline(lines, data, tree, tree.language))


def _parse_grammar(content: str, grammar: str) -> ParsedCode:
    """A yacc or lex file: its C (prologue blocks, epilogue) outlined as C, each rule or
    pattern group a symbol named by its nonterminal or pattern, declarations ranked items."""
    lines = content.split("\n")
    shape = layout(lines, grammar)
    data = c_view(lines, shape.code_rows).encode("utf-8")
    tree = parse(data, "c")
    if not parses_fairly(tree, "c") and parses_fairly(cpp := parse(data, "cpp"), "cpp"):
        tree = cpp  # C++ actions and epilogue (bison's C++ skeletons)
    outline = build_outline(lines, data, tree, tree.language)
    items = []
    for part in shape.parts:
        text = "\n".join(lines[part.first : part.last + 1])
        if part.kind != "declarations":
            long = part.last - part.first >= MIN_RULE_FOLD_LINES
            body = (part.first + 1, part.last) if long else None
            outline.symbols.append(Symbol(part.name, part.first, part.last, body, None))
        comment = part.kind == "declarations" and text.lstrip().startswith(("/*", "//"))
        if comment and (fold := _doc_fold(lines, (part.first, part.last))) is not None:
            outline.fixed_folds.append(fold)  # a license block above the prologue
        items.append(Item(part.first, part.last, part.name, text, comment))
    outline.symbols.sort(key=lambda s: s.start)
    return ParsedCode(grammar, tree, data, lines, outline, tuple(items))


def compress_code(
    content: str, query: str | None, budget: int | None, language: str | None = None
) -> EngineResult:
    """Outline `content` (folded bodies), opening the symbols that match `query`; over the
    budget (`max_tokens`, else `default_budget`), the outline itself is ranked."""
    parsed = parse_outline(content, language)
    language, tree, lines = parsed.language, parsed.tree, parsed.lines
    # The cached outline is shared: give this call its own symbols to score.
    outline = Outline(
        [replace(s) for s in parsed.outline.symbols], list(parsed.outline.fixed_folds)
    )
    score_symbols(outline.symbols, lines, query)
    opened = choose_open(outline.symbols, len(lines))
    transforms = [f"code:{language}:{len(outline.symbols)} symbols"]
    declared = budget is None and names_a_declaration(tree, query)
    share = NAMED_BUDGET_SHARE if declared else DEFAULT_BUDGET_SHARE
    limit = budget if budget is not None else default_budget(content, share)
    folds = _folds(outline, opened)
    names = [(s.start, own_name(s.name)) for s in outline.symbols]
    names += [(item.first, item.name) for item in parsed.items if item.name]
    text, folded = render(lines, folds, names)
    if count_tokens(text) > limit:
        if budget is None:  # a default budget never folds opened bodies: it makes room
            limit = max(limit, _opened_cost(lines, opened) + FOLD_MARKER_TOKENS * 8)
        ranked_folds = _ranked_outline(
            lines, tree, outline, opened, folds, query, limit, parsed.items, names
        )
        if ranked_folds is None:
            ranked_folds, ranked_text, ranked_folded = [(0, len(lines) - 1)], "", len(lines)
        else:
            ranked_text, ranked_folded = render(lines, ranked_folds, names)
        keeps_opened = ranked_folded < len(lines) - 1 and not any(
            a <= s.end and s.start <= b for a, b in ranked_folds for s in opened if b > a
        )
        if budget is not None or (keeps_opened and (declared or not opened)):
            text, folded = ranked_text, ranked_folded
            transforms.append("code:ranked")
    if opened:
        transforms.append(f"code:opened:{len(opened)}")
    omitted = f"{folded} of {len(lines)} lines folded" if folded else None
    return EngineResult(text, tuple(transforms), omitted)


def _opened_cost(lines: list[str], opened: list[Symbol]) -> int:
    rows = {r for s in opened for r in range(s.start, s.end + 1)}
    return sum(count_tokens(lines[r]) + 1 for r in rows)


DEFAULT_BUDGET_SHARE = 0.4
NAMED_BUDGET_SHARE = 0.2  # the query names a function the file declares without a body
MIN_BUDGET_TOKENS = 1000
MAX_DEFAULT_BUDGET_TOKENS = 8000
FOLD_MARKER_TOKENS = 12
STRUCTURE = 500.0  # rows that hold the units together (`#ifndef X_H`, `class A {`, `}`)
OPENED = 1000.0
DOC_BELOW = 0.5  # a doc comment ranks just after the item it documents


def default_budget(content: str, share_of_input: float = DEFAULT_BUDGET_SHARE) -> int:
    """40% of the input's tokens (20% when the query names a function it declares without a
    body), at least 1,000 and at most 8,000."""
    share = int(estimate_tokens(content) * share_of_input)
    return max(MIN_BUDGET_TOKENS, min(MAX_DEFAULT_BUDGET_TOKENS, share))


def tree_items(tree: Tree, functions: set[int]) -> list[Item]:
    """The outline's items the syntax tree holds (see `outline_units`)."""
    return [
        Item(
            first,
            last,
            _name_text(node),
            node.text.decode("utf-8", "replace") if node.text else "",
            "comment" in node.type,
        )
        for first, last, node in outline_units(tree, functions)
    ]


def _any_between(ordered: list[int], start: int, end: int) -> bool:
    """Whether a value of `ordered` (sorted) lies in [start, end)."""
    k = bisect.bisect_left(ordered, start)
    return k < len(ordered) and ordered[k] < end


def outline_units(tree: Tree, functions: set[int]) -> list[tuple[int, int, Node]]:
    """Row spans of the outline's items: top-level nodes, looking inside transparent blocks
    (include guards, `extern "C"`, namespaces) and inside nodes that hold functions (classes)."""
    out: list[tuple[int, int, Node]] = []
    starts = sorted(functions)
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        # what opens the block (a guard's name, `"C"`, a class's name and bases) is structure
        heads = {
            n.id
            for f in ("name", "condition", "value")
            if (n := node.child_by_field_name(f)) is not None
        }
        for child in node.named_children:
            if child.id in heads:
                continue
            holds = (
                _any_between(starts, child.start_byte, child.end_byte)
                and child.start_byte not in functions
            )
            if child.type in TRANSPARENT_TYPES or holds:
                body = child.child_by_field_name("body")
                inside = child.type not in TRANSPARENT_TYPES and body is not None
                stack.append(body if inside and body is not None else child)
            else:
                out.append((child.start_point.row, end_row(child), child))
    return sorted(out, key=lambda u: u[0])


def _ranked_outline(
    lines: list[str],
    tree: Tree,
    outline: Outline,
    opened: list[Symbol],
    folds: list[tuple[int, int]],
    query: str | None,
    budget: int,
    extra: tuple[Item, ...] = (),
    names: list[tuple[int, str]] | None = None,
) -> list[tuple[int, int]] | None:
    """Rank the outline's items (opened symbols, then items matching the query, then
    declarations, then comments); the folds that leave out what the budget cannot hold, or
    None when not even one marker fits (the caller shows nothing)."""
    starts = {s.start for s in outline.symbols}
    functions = {n.start_byte for n in _walk_functions(tree, starts)}
    units = sorted([*tree_items(tree, functions), *extra], key=lambda u: u.first)
    if names is not None:  # declarations the tree names (prototypes) are named by markers too
        names += [(u.first, own_name(u.name)) for u in units if u.name]
        names.sort()
    named = names or []
    hidden = [False] * len(lines)
    fold_starts = set()
    for first, last in folds:
        if last > first:
            fold_starts.add(first)
            for r in range(first + 1, last + 1):
                hidden[r] = True

    def cost(unit: Item) -> int:
        total = 0
        for r in range(unit.first, unit.last + 1):
            if r in fold_starts:
                total += FOLD_MARKER_TOKENS
            elif not hidden[r]:
                total += count_tokens(lines[r]) + 1
        return total

    terms = query_words(query)
    heads = [identifier_words(lines[u.first] + " " + u.name) for u in units]
    bodies = [identifier_words(u.text) for u in units]
    head_scores = relevance(heads, terms)
    body_scores = relevance(bodies, terms)
    opened_rows = [(s.start, s.end) for s in opened]
    scores = []
    for n, unit in enumerate(units):
        score = 10 * head_scores[n] + body_scores[n]
        if any(unit.first <= a <= unit.last for a, _ in opened_rows):
            score += OPENED
        elif not unit.comment:
            score += 1.0
        scores.append(score)
    for n in range(len(units) - 2, -1, -1):  # a comment right above a wanted item documents it
        documented = scores[n + 1] - DOC_BELOW
        above = units[n].last + 1 == units[n + 1].first
        if documented > 1.0 and above and units[n].comment:
            scores[n] = max(scores[n], documented)
    covered = [False] * len(lines)
    for unit in units:
        for r in range(unit.first, unit.last + 1):
            covered[r] = True
    glue = sum(
        count_tokens(lines[r]) + 1 for r in range(len(lines)) if not covered[r] and lines[r].strip()
    )
    costs = [cost(u) for u in units]
    ranked = sorted(range(len(units)), key=lambda i: (-scores[i], i))

    def folds_for(chosen: list[int]) -> list[tuple[int, int]]:
        keep = set(chosen)
        out: list[tuple[int, int]] = []
        for i, unit in enumerate(units):
            first, last = unit.first, unit.last
            if i in keep:
                continue
            if out and all(not lines[r].strip() for r in range(out[-1][1] + 1, first)):
                out[-1] = (out[-1][0], last)  # neighbours folded into one marker
            else:
                out.append((first, last))
        union: list[tuple[int, int]] = []  # an outline fold that overlaps one grows with it
        for first, last in sorted([*out, *folds]):
            if union and first <= union[-1][1]:
                union[-1] = (union[-1][0], max(union[-1][1], last))
            else:
                union.append((first, last))
        return union

    chosen, text = fit(
        ranked,
        lambda picked: render(lines, folds_for(picked), named)[0],
        budget,
        lambda i: costs[i],
        floor=glue + FOLD_MARKER_TOKENS * 4,
    )
    if count_tokens(text) > budget:  # not even the structure fits: one marker, or nothing
        whole = [(0, len(lines) - 1)]
        return whole if count_tokens(render(lines, whole, named)[0]) <= budget else None
    return folds_for(chosen)


def _name_text(node: Node) -> str:
    return (
        _name_of(node)
        if node.child_by_field_name("name") or node.child_by_field_name("declarator")
        else ""
    )


def _walk_functions(tree: Tree, starts: set[int]) -> list[Node]:
    """Nodes of the outline's functions (by their first row)."""
    found: list[Node] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type in FUNCTION_TYPES and node.start_point.row in starts:
            found.append(node)
            continue
        stack += node.named_children
    return found


def _folds(outline: Outline, opened: list[Symbol]) -> list[tuple[int, int]]:
    open_ids = {id(s) for s in opened}
    folds = list(outline.fixed_folds)
    for symbol in outline.symbols:
        if id(symbol) in open_ids:
            continue
        folds += symbol.body_folds()
        if symbol.doc is not None:
            folds.append(symbol.doc)
    # Folds inside an opened symbol (a long statement in its body) stay open with it.
    return [
        f for f in folds if not any(s.start <= f[0] <= s.end for s in opened if id(s) in open_ids)
    ]
