import re

from headroom_mcp.engines.base import MARKER_PREFIX
from headroom_mcp.engines.prose import ELISION, compress_prose, split_blocks
from headroom_mcp.tokens import count_tokens
from tests.conftest import sample

GPL = sample("prose/gpl3_head.txt")


def shown_sentences(text):
    for line in text.split("\n\n"):
        if line.startswith(MARKER_PREFIX):
            continue
        yield from (part.strip() for part in line.split(ELISION) if part.strip())


def test_kept_sentences_are_whole_and_unaltered():
    result = compress_prose(GPL, "what must you do when you convey object code", None)
    for sentence in shown_sentences(result.text):
        assert sentence in GPL, sentence[:80]
    assert count_tokens(result.text) < 0.5 * count_tokens(GPL)


def test_the_sentence_that_answers_the_query_is_kept():
    result = compress_prose(GPL, "Can you charge a fee for conveying copies?", None)
    assert "You may charge any price or no price for each copy that you convey" in result.text


def test_headings_survive_as_the_outline():
    readme = sample("prose/click_readme.md")
    text = compress_prose(readme * 3, "how do I install click", 200).text
    assert "# Click" in text


def test_without_a_query_lead_sentences_are_kept():
    text = compress_prose(GPL, None, None).text
    assert text.startswith("                    GNU GENERAL PUBLIC LICENSE") or "Preamble" in text
    assert re.search(rf"^{re.escape(MARKER_PREFIX)}: lines \d+-\d+ omitted\]$", text, re.M)


def test_budget_is_respected():
    result = compress_prose(GPL, "source code", 300)
    assert count_tokens(result.text) <= 300


def test_fenced_code_and_list_items_are_whole_blocks():
    doc = (
        "# Title\n\nIntro sentence one. Intro two.\n\n"
        "```python\nx = 1\ny = 2\n```\n\n- item a\n- item b\n"
    )
    blocks, pieces = split_blocks(doc)
    assert [b.kind for b in blocks] == ["heading", "paragraph", "code", "item", "item"]
    code = blocks[2]
    piece = pieces[code.pieces[0]]
    assert doc[piece.start : piece.end] == "```python\nx = 1\ny = 2\n```"


def test_a_paraphrased_question_is_reranked_by_meaning_when_a_model_is_warm():
    from headroom_mcp.engines.prose import compress_prose as prose
    from headroom_mcp.store.embedder import HashingEmbedder

    embed = HashingEmbedder().embed
    result = prose(GPL, "payment demanded when handing over duplicates?", None, embed)
    assert "prose:lexical+semantic" in result.transforms
    for sentence in shown_sentences(result.text):
        assert sentence in GPL
    keywords = prose(GPL, "Can you charge a fee for conveying copies?", None, embed)
    assert "prose:lexical" in keywords.transforms  # the words match: no model call needed
