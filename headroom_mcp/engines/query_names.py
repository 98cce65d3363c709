"""File paths and rule codes a query names, matched whole.

Word splitting turns `lib/veo.ts` into lib, veo and ts, and every diagnostic of a TypeScript
project holds "ts"; `TS2345` or `cast_possible_truncation` are one word but the words beside
them ("error", "type") are in every line. A query that names a path or a code names the
lines to show first, so both the build kind and retrieval look for these names as written:
a path (`lib/veo.ts`, `src/main.rs`, a file name `veo.ts`, a folder `src/components`) as a
path or its tail, a code (`TS2345`, `E0308`, `arg-type`, `cast_possible_truncation`)
whatever its case and whether it is written with `_` or `-`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_TOKEN_RE = re.compile(r"[\w.@~+\-/\\]+")
_PATH_RE = re.compile(
    r"^(?:[\w.@~+\-]*\w[/\\])+[\w.@~+\-]*\w$"  # has a folder: lib/veo.ts, src/components
    r"|^[\w@~+\-.]*\w\.[A-Za-z][A-Za-z0-9]{0,5}$"  # a file name with an extension: veo.ts
)
_CODE_RE = re.compile(
    r"^[A-Za-z]{1,5}\d{2,6}$"  # TS2345, E0308, CS0103, F401, SC2086
    r"|^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)+$"  # arg-type, no-unused-vars, cast_possible_truncation
)
_NOT_FILES = frozenset({"e.g", "i.e", "etc.", "vs."})


@dataclass(frozen=True)
class Names:
    """The paths and codes of a query, each as the regex that finds it in a line."""

    paths: tuple[str, ...]
    codes: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.paths or self.codes)

    def patterns(self) -> list[re.Pattern[str]]:
        return [path_pattern(p) for p in self.paths] + [code_pattern(c) for c in self.codes]

    def in_text(self, text: str) -> int:
        """How many of the names `text` holds."""
        return sum(1 for pattern in self.patterns() if pattern.search(text))

    def names_file(self, file: str) -> bool:
        """`file` is a path the query names, or lies under one, or has its name."""
        return any(path_pattern(p).search(file) for p in self.paths)

    def names_code(self, code: str) -> bool:
        wanted = {_norm(c) for c in self.codes}
        return bool(code) and _norm(code) in wanted


NO_NAMES = Names((), ())


def query_names(query: str | None) -> Names:
    """The file paths and rule codes written in `query`, in order, without repeats."""
    if not query:
        return NO_NAMES
    paths: dict[str, None] = {}
    codes: dict[str, None] = {}
    for raw in _TOKEN_RE.findall(query):
        token = raw.strip(".-/\\")
        if not token or token.lower() in _NOT_FILES:
            continue
        if _PATH_RE.match(token) and not token.replace(".", "").isdigit():
            paths.setdefault(token, None)
        elif _CODE_RE.match(token):
            codes.setdefault(token, None)
    return Names(tuple(paths), tuple(codes))


@functools.lru_cache(maxsize=256)
def path_pattern(path: str) -> re.Pattern[str]:
    """A path as written, or as the tail of a longer one (`lib/veo.ts` in
    `./src/lib/veo.ts(3,1)`), never inside another name (`veo.tsx`, `preveo.ts`)."""
    return re.compile(r"(?<![\w.\-])" + re.escape(path) + r"(?![\w\-])")


@functools.lru_cache(maxsize=256)
def code_pattern(code: str) -> re.Pattern[str]:
    """A code whatever its case, `_` and `-` alike (`cast-possible-truncation` in clippy's
    `-D clippy::cast-possible-truncation` note is `cast_possible_truncation`)."""
    body = "[-_]".join(re.escape(part) for part in re.split(r"[-_]", code))
    return re.compile(r"(?<![\w\-])" + body + r"(?![\w\-])", re.IGNORECASE)


def _norm(code: str) -> str:
    return code.lower().replace("-", "_")
