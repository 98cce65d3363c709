from headroom_mcp.engines.base import MARKER_PREFIX
from headroom_mcp.engines.text import compress_text
from headroom_mcp.engines.text_structure import text_shape
from headroom_mcp.tokens import count_tokens
from tests.conftest import sample


def numbered(n=2000, special=None):
    lines = [f"step {i} ok: processed batch {i * 7}" for i in range(n)]
    for i, text in (special or {}).items():
        lines[i] = text
    return "\n".join(lines) + "\n"


def test_head_tail_errors_and_query_matches_are_kept_in_order():
    content = numbered(special={500: "ERROR disk full on /var", 1200: "checkpoint zebra saved"})
    text = compress_text(content, "where is zebra", None).text
    lines = text.splitlines()
    assert lines[0] == "step 0 ok: processed batch 0"
    assert "ERROR disk full on /var" in lines
    assert "checkpoint zebra saved" in lines
    assert lines[-1] == "step 1999 ok: processed batch 13993"
    assert lines.index("ERROR disk full on /var") < lines.index("checkpoint zebra saved")


def test_omitted_ranges_are_marked_with_line_numbers():
    text = compress_text(numbered(), None, None).text
    assert f"{MARKER_PREFIX}: lines 9-1995 omitted (1987 lines)]" in text


def test_every_line_shown_is_an_input_line_or_a_marker():
    content = sample("logs/dpkg.log")
    source = set(content.splitlines())
    for line in compress_text(content, "libsystemd0", None).text.splitlines():
        assert line in source or line.startswith(MARKER_PREFIX)


def test_repeated_errors_differing_only_in_numbers_are_shown_once():
    content = numbered(special={i: f"ERROR retry {i} failed" for i in range(100, 160)})
    text = compress_text(content, None, None).text
    assert text.count("ERROR retry") == 1


def test_budget_is_respected():
    result = compress_text(sample("logs/dpkg.log"), "libc-bin", 250)
    assert count_tokens(result.text) <= 250


def test_short_text_comes_back_unchanged():
    assert compress_text("one\ntwo\n", None, None).text == "one\ntwo\n"


def test_a_huge_single_line_is_cut_with_a_marker():
    result = compress_text("x" * 50_000, None, None)
    assert result.text.startswith("x" * 100)
    assert f"{MARKER_PREFIX}: +48000 chars]" in result.text


def test_the_omitted_count_matches_the_lines_not_shown():
    content = numbered(special={i: f"ERROR {i} x" for i in range(300, 320, 2)})
    result = compress_text(content, None, None)
    shown = [line for line in result.text.splitlines() if not line.startswith(MARKER_PREFIX)]
    assert result.omitted == f"{2000 - len(shown)} of 2000 lines omitted"


def _shown(text: str) -> list[str]:
    return [line for line in text.split("\n") if not line.startswith("[headroom")]


def test_a_matching_line_comes_with_what_answers_it_below():
    # psql output: the query line matches the question; its result table is the answer.
    content = sample("plain_text/pgvector_aggregates.out")
    text = compress_text(content, "what does avg() return for vectors", 400).text
    shown = text.split("\n")
    first = shown.index("SELECT avg(v) FROM unnest(ARRAY['[1,2,3]'::vector, '[3,5,7]']) v;")
    assert shown[first + 1 : first + 4] == ["    avg    ", "-----------", " [2,3.5,5]"]


def test_a_matching_line_comes_with_the_headers_it_sits_under():
    # A terraform plan: `instance_class` means little without the resource it belongs to.
    content = sample("plain_text/terraform_rds_plan.txt")
    text = compress_text(content, "which instance class do the RDS instances use", 300).text
    shown = _shown(text)
    attribute = '      + instance_class                        = "db.t4g.medium"'
    assert attribute in shown
    above = shown[: shown.index(attribute)]
    assert '  + resource "aws_rds_cluster_instance" "db" {' in above


def test_lines_that_differ_only_in_numbers_take_two_places_among_the_matches():
    content = sample("plain_text/docker_build_context.txt")
    text = compress_text(content, "did the docker build succeed", None).text
    head = content.split("\n")[:8]  # the head of the file is shown as it is
    progress = [
        line for line in _shown(text) if "Sending build context" in line and line not in head
    ]
    assert len(progress) <= 2 * 2  # two of each shape (`... kB`, `... MB`) of 336
    assert sum(1 for line in _shown(text) if line.startswith("    Step ")) >= 3  # room for them


def test_indentation_gives_each_line_its_headers():
    lines = ["a:", "  b:", "    c: 1", "  d: 2", "e: 3"]
    shape = text_shape(lines)
    assert shape.ancestors(2) == [1, 0]
    assert shape.ancestors(4) == []
    assert shape.block_below(0, 10) == [1, 2, 3]
    assert shape.block_below(1, 10) == [2]


def test_colour_codes_are_left_out_of_what_is_shown():
    lines = [f"\x1b[32m+\x1b[0m create resource number {i}" for i in range(400)]
    result = compress_text("\n".join(lines) + "\n", "resource number 7", 200)
    assert "\x1b" not in result.text
    assert "+ create resource number 7" in result.text.split("\n")
    assert "text:ansi-stripped" in result.transforms


def test_a_name_with_digits_is_its_own_shape_and_a_number_with_its_unit_is_not():
    shapes = text_shape(
        [
            'node_md_disks{device="md4",state="failed"} 1',
            'node_md_disks{device="md11",state="failed"} 2',
            "Sending build context to Docker daemon 1.671 MB",
            "Sending build context to Docker daemon 1.114 MB",
            'create_duration = "10s"',
            'create_duration = "2s"',
        ]
    ).shapes
    assert shapes[0] != shapes[1]
    assert shapes[2] == shapes[3]
    assert shapes[4] == shapes[5]


def test_in_a_list_of_records_a_matching_line_comes_with_its_record_head_and_title():
    # `git log --stat`: a line deep in a commit message is placed by its `commit` line and
    # its subject, whatever lies between them.
    content = sample("plain_text/hiredis_git_log_stat.txt")
    text = compress_text(content, "which commit says BoringSSL rejects a zero length", 400).text
    shown = text.split("\n")
    assert "commit 84659af127c2d902725e106401db5490b2769e2e" in shown
    assert "    Fix verify_name DNS names on BoringSSL" in shown
