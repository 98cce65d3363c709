"""Tree-sitter grammars (one wheel each, no downloads) and how to tell which one a file needs.

The language comes from the file name when there is one, else from the content: a cheap
keyword score picks up to three candidates, each is parsed, and the one with the fewest
syntax errors wins.
"""

from __future__ import annotations

import functools
import importlib
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node, Parser, Tree


@dataclass(frozen=True)
class Grammar:
    module: str
    function: str = "language"


GRAMMARS: dict[str, Grammar] = {
    "python": Grammar("tree_sitter_python"),
    "javascript": Grammar("tree_sitter_javascript"),
    "typescript": Grammar("tree_sitter_typescript", "language_typescript"),
    "tsx": Grammar("tree_sitter_typescript", "language_tsx"),
    "go": Grammar("tree_sitter_go"),
    "rust": Grammar("tree_sitter_rust"),
    "java": Grammar("tree_sitter_java"),
    "c": Grammar("tree_sitter_c"),
    "cpp": Grammar("tree_sitter_cpp"),
    "csharp": Grammar("tree_sitter_c_sharp"),
    "ruby": Grammar("tree_sitter_ruby"),
    "php": Grammar("tree_sitter_php", "language_php"),
    "bash": Grammar("tree_sitter_bash"),
}

EXTENSIONS: dict[str, str] = {
    ".py": "python", ".pyi": "python", ".js": "javascript", ".mjs": "javascript",
    ".cjs": "javascript", ".jsx": "javascript", ".ts": "typescript", ".mts": "typescript",
    ".cts": "typescript", ".tsx": "tsx", ".go": "go", ".rs": "rust", ".java": "java",
    ".c": "c", ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".hpp": "cpp",
    ".hh": "cpp", ".hxx": "cpp", ".cs": "csharp", ".rb": "ruby", ".php": "php", ".sh": "bash",
    ".bash": "bash", ".zsh": "bash",
    ".y": "yacc", ".yy": "yacc", ".l": "lex", ".ll": "lex",  # grammars: see code_grammar.py
}  # fmt: skip

_SIGNS: dict[str, list[str]] = {
    "python": [r"^\s*def \w+\(.*\).*:\s*$", r"^\s*class \w+.*:\s*$", r"^(from \S+ )?import \w",
               r"^\s*(elif|except|finally)\b.*:\s*$", r"\bself\.", r'^\s*"""'],
    "javascript": [r"\bfunction\b", r"=>", r"\b(const|let|var) \w+ =", r"\brequire\(",
                   r"^export (default )?", r"\bconsole\."],
    "typescript": [r"^\s*(export )?(interface|type) \w+", r":\s*(string|number|boolean)\b",
                   r"\bimport .* from '", r"\b(public|private|readonly) \w+:", r"<\w+>\("],
    "tsx": [r"</[A-Za-z]\w*>", r"<\w+[^<>]*/>", r"\bclassName=", r"^\s*(export )?type \w+ =",
            r"^\s*(export )?interface \w+", r":\s*(string|number|boolean)\b"],
    "go": [r"^package \w+", r"^func ", r":=", r"\bif err != nil\b", r"^\s*\"[\w./-]+\"$"],
    "rust": [r"^\s*(pub(\(crate\))? )?fn \w+", r"\blet mut\b", r"^\s*impl\b", r"^use \w+(::\w+)*",
             r"\)\s*->\s*[\w&(<\[]", r"\bSelf\b", r"&self\b", r"^\s*///", r"\bmatch \w+ \{"],
    "java": [r"^package [\w.]+;", r"^import [\w.]+(\.\*)?;",
             r"\b(public|private|protected) (static )?(final )?[\w<>\[\], ]+ \w+\(",
             r"@Override", r"\bnew \w+\("],
    "c": [r"^#include [<\"]", r"^#include \"[\w/]+\.h\"",
          r"^(static )?(inline )?\w+ \*?\w+\([\w ,*]*\)\s*\{?$",
          r"^#(define|ifdef|ifndef|endif)\b", r"\bstatic \w+ \*?\w+\(",
          r"\bstruct \w+ \{?", r"->\w+", r"\bNULL\b", r"\bsizeof\("],
    "cpp": [r"\bstd::", r"^\s*template\s*<", r"^\s*namespace \w+", r"\bclass \w+", r"::\w+\(",
            r"#include <\w+>$", r"\bnullptr\b"],
    "csharp": [r"^using System", r"^\s*namespace [\w.]+", r"\b(public|private|internal) (class|"
               r"interface|enum|struct)\b", r"\{ get; (set; )?\}", r"\bvar \w+ = new\b"],
    "ruby": [r"^\s*def \w+[?!]?(\(.*\))?\s*$", r"^\s*end\s*$", r"^\s*require ['\"]",
             r"\bdo \|\w+\|", r"^\s*module \w+", r"\battr_(reader|accessor)\b"],
    "php": [r"<\?php", r"\$\w+\s*=", r"\bfunction \w+\(", r"->\w+\(", r"\bnamespace [\w\\]+;"],
    "bash": [r"^#!.*\b(ba|z)?sh\b", r"^\s*(fi|done|esac)\s*$", r"\bthen\s*$", r"\$\{?\w+\}?",
             r"^\s*(local|export) \w+=", r"\[\[ "],
}  # fmt: skip
_SIGN_RES = {lang: [re.compile(s, re.MULTILINE) for s in signs] for lang, signs in _SIGNS.items()}
SNIFF_CHARS = 12_000
GOOD_PARSE_ERROR_SHARE = 0.05
FAIR_PARSE_ERROR_SHARE = 0.3
CLEAR_LEAD = 4  # a language whose signs outnumber the best-parsing one's this much wins


def language_from_name(name: str | None) -> str | None:
    """The language a file name says (`.h` says nothing: C or C++, the content decides)."""
    if not name:
        return None
    return EXTENSIONS.get(PurePath(name).suffix.lower())


@functools.cache
def parser_for(language: str) -> Parser:
    from tree_sitter import Language, Parser

    grammar = GRAMMARS[language]
    module = importlib.import_module(grammar.module)
    return Parser(Language(getattr(module, grammar.function)()))


# Blocks whose content is top-level code: include guards and `#if` regions, `extern "C"`,
# namespaces. Engines descend into them; they are never folded whole.
TRANSPARENT_TYPES = frozenset({
    "preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif", "preproc_elifdef",
    "linkage_specification", "declaration_list", "namespace_definition",
    "namespace_declaration", "file_scoped_namespace_declaration",
})  # fmt: skip


def top_level(node: Node) -> list[Node]:
    """The node's children, with transparent blocks replaced by what they hold."""
    out: list[Node] = []
    for child in node.children:
        if child.type in TRANSPARENT_TYPES:
            out += top_level(child)
        else:
            out.append(child)
    return out


def error_share(tree: Tree) -> float:
    """Share of the top-level nodes (inside include guards and other transparent blocks)
    that are, or contain, syntax errors."""
    children = top_level(tree.root_node)
    if not children:
        return 0.0
    return sum(1 for c in children if c.type == "ERROR" or c.has_error) / len(children)


def error_node_share(tree: Tree) -> float:
    """Share of the top-level nodes that are syntax errors themselves, not declarations that
    hold one (a macro tree-sitter cannot expand, `UV_EXTERN int f(void);`, spoils only its
    declaration)."""
    children = top_level(tree.root_node)
    return sum(1 for c in children if c.type == "ERROR") / len(children) if children else 0.0


MACRO_LANGUAGES = frozenset({"c", "cpp"})
MAX_ERROR_NODE_SHARE = 0.05


def parses_fairly(tree: Tree, language: str) -> bool:
    """Few top-level nodes hold errors, or (C, C++) few are errors themselves: export macros
    such as `ZEXTERN`/`UV_EXTERN` spoil declarations one by one without hiding the outline."""
    if error_share(tree) <= FAIR_PARSE_ERROR_SHARE:
        return True
    return language in MACRO_LANGUAGES and error_node_share(tree) <= MAX_ERROR_NODE_SHARE


# `class LEVELDB_EXPORT Env {`: an export macro between the keyword and the name makes
# tree-sitter read the class as a function whose body is the class body.
_EXPORT_MACRO_RE = re.compile(
    rb"^([ \t]*(?:template\s*<[^>\n]*>\s*)?(?:class|struct|union)[ \t]+)([A-Z][A-Z0-9_]{2,})"
    rb"(?=[ \t]+[A-Za-z_]\w*[ \t]*(?:final\b|:|\{|$))",
    re.MULTILINE,
)


def mask_export_macros(content: bytes) -> bytes:
    """C++ with `class EXPORT_MACRO Name` blanked to spaces: same bytes, rows and columns, so
    every node still points at the original text."""
    return _EXPORT_MACRO_RE.sub(lambda m: m.group(1) + b" " * len(m.group(2)), content)


def parse(content: bytes, language: str) -> Tree:
    if language == "cpp":
        content = mask_export_macros(content)
    return parser_for(language).parse(content)


def detect_language(text: str, data: bytes) -> tuple[str, Tree]:
    """The likeliest language that parses cleanly (else the best-parsing of the top three).

    A long file is judged on its first DETECT_PARSE_BYTES: a grammar that misreads the file
    can take ten times as long over it as the right one, and the head tells them apart."""
    head = data
    if len(data) > DETECT_PARSE_BYTES:
        cut = data.rfind(b"\n", 0, DETECT_PARSE_BYTES)
        head = data[: cut + 1 if cut > 0 else DETECT_PARSE_BYTES]
    lang, tree = _detect(text, head)
    if head is data:
        return lang, tree
    return lang, parse(data, lang)


DETECT_PARSE_BYTES = 64 * 1024


def _detect(text: str, data: bytes) -> tuple[str, Tree]:
    sample = text[:SNIFF_CHARS]
    scores = {lang: sum(len(rx.findall(sample)) for rx in res) for lang, res in _SIGN_RES.items()}
    candidates = sorted(scores, key=lambda lang: -scores[lang])[:3]
    best: tuple[float, str, Tree] | None = None
    top = candidates[0]
    for lang in candidates:
        tree = parse(data, lang)
        errors = error_share(tree)
        if errors <= GOOD_PARSE_ERROR_SHARE:
            return lang, tree  # the likeliest language that parses cleanly wins
        if (
            lang == top
            and all(scores[top] >= CLEAR_LEAD * max(1, scores[other]) for other in candidates[1:])
            and parses_fairly(tree, top)
        ):
            return top, tree  # far ahead by its signs and readable: no other grammar tried
        if best is None or errors < best[0]:
            best = (errors, lang, tree)
    assert best is not None
    if best[1] != top and scores[top] >= CLEAR_LEAD * max(1, scores[best[1]]):
        tree = parse(data, top)
        if parses_fairly(tree, top):
            return top, tree  # C with macros tree-sitter misreads is still C, not bash
    return best[1], best[2]
