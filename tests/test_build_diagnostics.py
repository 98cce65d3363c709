"""Long lists of compiler and linter diagnostics (tsc, clippy) read by file and by rule: a
count per file under the header, and the diagnostics a query names by path or code first.
Samples in tests/data/build (sources in SOURCES.md)."""

from __future__ import annotations

import re
from collections import Counter

from headroom_mcp import compress, retrieve
from headroom_mcp.engines.build_output import compress_build_output, parse
from headroom_mcp.engines.diagnostics import find_diagnostics
from headroom_mcp.engines.query_names import query_names
from tests.conftest import sample

TSC = "build/tsc_lightdom.txt"
CLIPPY = "build/clippy_literals.stderr"
_TSC_LINE_RE = re.compile(r"^(\S+)\(\d+,\d+\): error (TS\d+): ")


def tsc_lines(content: str) -> list[re.Match[str]]:
    return [m for line in content.splitlines() if (m := _TSC_LINE_RE.match(line))]


def test_every_tsc_error_is_a_diagnostic_of_its_file_and_code():
    content = sample(TSC)
    found = parse(content).diagnostics
    expected = [(m.group(1), m.group(2)) for m in tsc_lines(content)]
    assert [(d.file, d.code) for d in found] == expected
    assert {d.severity for d in found} == {"error"}


def test_a_long_tsc_report_opens_with_each_files_count_of_errors_most_first():
    content = sample(TSC)
    text = compress_build_output(content, None, None).text
    per_file = Counter(m.group(1) for m in tsc_lines(content))
    (top, n), (second, m) = per_file.most_common(2)
    codes = Counter(x.group(2) for x in tsc_lines(content) if x.group(1) == top)
    code, times = codes.most_common(1)[0]
    lines = text.splitlines()
    assert lines[1].startswith(f"[headroom: {top}: {n} errors ({code} x{times}")
    assert lines[2].startswith(f"[headroom: {second}: {m} errors")
    summary = [line for line in lines if line.startswith("[headroom: ") and "more files:" in line]
    assert len(summary) == 1  # the files left out, in one line


def test_a_query_naming_a_file_shows_all_of_that_files_errors():
    content = sample(TSC)
    wanted = [m.group(0) for m in tsc_lines(content) if m.group(1) == "src/apps/HeadlessApp.ts"]
    query = "Which errors does tsc report in HeadlessApp.ts?"
    text = compress_build_output(content, query, 600).text
    lines = text.splitlines()
    for prefix in wanted:
        assert any(line.startswith(prefix) for line in lines), prefix
    without = compress_build_output(content, "Which errors does tsc report?", 600).text
    assert sum(1 for p in wanted if p in without) < len(wanted)  # it is the name that did it


def test_a_query_naming_a_lint_shows_each_of_its_diagnostics_whole():
    content = sample(CLIPPY)
    text = compress_build_output(content, "what does clippy say about zero_prefixed_literal", 700)
    # the lint is named once, with its first diagnostic; the others share its message
    places = [
        f"--> tests/ui/literals.rs:{p}" for p in ("39:27", "47:17", "81:13", "84:13", "87:13")
    ]
    for place in places:
        assert place in text.text
    assert text.text.count("remove the `0` to avoid confusion") == 5
    plain = compress_build_output(content, "what does clippy say?", 700).text
    assert sum(1 for place in places if place in plain) < 5  # it is the lint's name that did it


def test_clippy_diagnostics_count_by_the_lint_each_message_belongs_to():
    content = sample(CLIPPY)
    counts = Counter(d.code for d in parse(content).diagnostics)
    messages = Counter(
        line for line in content.splitlines() if line.startswith("error: this is a decimal")
    )
    assert counts["zero_prefixed_literal"] == sum(messages.values())
    assert "" not in counts  # every diagnostic's lint is known
    assert sum(counts.values()) == content.count("\n  --> ")


def test_query_names_keep_paths_and_codes_whole():
    names = query_names("Which errors does tsc report in lib/veo.ts, and what is TS2345?")
    assert names.paths == ("lib/veo.ts",)
    assert names.codes == ("TS2345",)
    assert names.names_file("./lib/veo.ts") and not names.names_file("lib/veo.tsx")
    lint = query_names("what does clippy say about cast_possible_truncation in src/main.rs")
    assert lint.names_code("cast-possible-truncation")
    assert lint.names_file("src/main.rs")
    assert not query_names("why did the build fail?")


def test_other_tools_diagnostics_are_found_by_file_severity_and_code():
    # Shapes from tools' documentation: mypy, gcc, eslint (stylish), flake8, tsc --pretty.
    lines = [
        "app/models.py:12: error: Incompatible return value type  [return-value]",
        "src/x.c:3:5: warning: unused variable 'y' [-Wunused-variable]",
        "/home/u/proj/src/app.js",
        "  1:10  error  'foo' is defined but never used  no-unused-vars",
        "  2:1   warning  Unexpected console statement  no-console",
        "pkg/util.py:7:1: F401 'os' imported but unused",
        "src/a.ts:12:5 - error TS2322: Type 'string' is not assignable to type 'number'.",
    ]
    found = [(d.file, d.severity, d.code) for d in find_diagnostics(lines)]
    assert found == [
        ("app/models.py", "error", "return-value"),
        ("src/x.c", "warning", "Wunused-variable"),
        ("/home/u/proj/src/app.js", "error", "no-unused-vars"),
        ("/home/u/proj/src/app.js", "warning", "no-console"),
        ("pkg/util.py", "error", "F401"),
        ("src/a.ts", "error", "TS2322"),
    ]


def test_retrieval_with_a_path_returns_that_files_errors_first():
    content = sample(TSC)
    file = "src/components/admin/AdminDashboard.tsx"
    wanted = [m.group(0) for m in tsc_lines(content) if m.group(1) == file]
    result = compress(content)
    back = retrieve(result.hash, query=f"type errors in {file}", max_tokens=3000)
    for prefix in wanted:  # all 19, though every part of the report says "error" and "type"
        assert prefix in back.content
    assert "the paths and codes it names" in back.search
