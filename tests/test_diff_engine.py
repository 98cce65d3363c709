import pytest

from headroom_mcp.engines.diff import compress_diff, parse_diff, trim_hunk
from headroom_mcp.tokens import count_tokens
from tests.conftest import sample

CONTENT = sample("diff/pip_23_to_26_commands.diff")


def changed(text):
    return [
        line
        for line in text.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_every_changed_line_is_kept_in_order_when_the_diff_fits_the_budget():
    result = compress_diff(CONTENT, None, 100_000)
    assert changed(result.text) == changed(CONTENT)
    assert not result.text.startswith("[headroom")  # all shown: the diff names every file
    original = set(CONTENT.split("\n"))
    heads = {line.split(" @@")[0] + " @@" for line in original if line.startswith("@@ ")}
    assert all(
        line in original or line in heads or line.startswith("[headroom")
        for line in result.text.split("\n")
    )  # input lines, markers, and hunk headers without a heading shown just above
    assert count_tokens(result.text) < 0.85 * count_tokens(CONTENT)


def test_file_headers_are_compacted_to_the_diff_git_line():
    text = compress_diff(CONTENT, None, None).text
    assert (
        "diff --git a/pip/_internal/commands/install.py b/pip/_internal/commands/install.py" in text
    )
    assert not any(line.startswith(("index ", "+++ b/", "--- a/")) for line in text.splitlines())


def test_unchanged_context_is_trimmed_and_the_hunk_header_kept_whole():
    hunk = ["@@ -1,9 +1,9 @@ def f():", " a", " b", " c", "-d", "+D", " e", " f", " g"]
    kept, trimmed = trim_hunk(hunk)
    assert kept == ["@@ -1,9 +1,9 @@ def f():", "-d", "+D"]
    assert trimmed == 6


def test_a_run_of_hunks_in_one_function_shows_its_heading_once():
    diff = (
        "diff --git a/src/a.c b/src/a.c\n--- a/src/a.c\n+++ b/src/a.c\n"
        "@@ -10,3 +10,3 @@ int run(void)\n-a();\n+b();\n"
        "@@ -40,3 +40,3 @@ int run(void)\n-c();\n+d();\n"
        "@@ -90,3 +90,3 @@ static void stop(void)\n-e();\n+f();\n"
    )
    lines = compress_diff(diff, None, None).text.splitlines()
    assert lines[1:] == [
        "@@ -10,3 +10,3 @@ int run(void)", "-a();", "+b();",
        "@@ -40,3 +40,3 @@", "-c();", "+d();",
        "@@ -90,3 +90,3 @@ static void stop(void)", "-e();", "+f();",
    ]  # fmt: skip


def test_lockfiles_collapse_to_a_stat_line():
    diff = (
        "diff --git a/Cargo.lock b/Cargo.lock\nindex 1..2 100644\n"
        "--- a/Cargo.lock\n+++ b/Cargo.lock\n"
        '@@ -1,3 +1,3 @@\n [[package]]\n-version = "1.0"\n+version = "1.1"\n'
        "diff --git a/src/main.rs b/src/main.rs\n--- a/src/main.rs\n+++ b/src/main.rs\n"
        "@@ -1,2 +1,2 @@\n-fn main() {}\n+fn main() { run() }\n"
    )
    text = compress_diff(diff, None, None).text
    assert "[headroom: lockfile: +1 -1 lines in 1 hunks not shown]" in text
    assert "+fn main() { run() }" in text


def test_commit_headers_and_messages_are_kept():
    show = (
        "commit 0123456789abcdef0123456789abcdef01234567\nAuthor: A\nDate: now\n\n    fix it\n\n"
        + CONTENT
    )
    sections = parse_diff(show.splitlines())
    assert sections[0].lines[:5] == show.splitlines()[:5]
    assert "    fix it" in compress_diff(show, None, None).text


def test_max_tokens_keeps_the_hunks_of_the_file_the_query_names():
    result = compress_diff(CONTENT, "what changed in install.py", 6000)
    assert count_tokens(result.text) <= 6000
    assert "diff --git a/pip/_internal/commands/install.py" in result.text
    assert "+_IMPORT_AUDIT_HOOK_INSTALLED = False" in result.text
    assert result.text.startswith("[headroom: ")  # hunks left out: the file summary first
    assert "pip/_internal/commands/__init__.py +" in result.text  # in the summary


@pytest.mark.parametrize("budget", [50, 300, 1000, 4000])
def test_output_never_exceeds_max_tokens(budget):
    assert count_tokens(compress_diff(CONTENT, "install", budget).text) <= budget
