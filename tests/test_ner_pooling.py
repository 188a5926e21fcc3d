"""Subword pooling (`pooling` in the training config): with "mean", every
subword of a word learns the word's tag and the word's distribution is the
mean of its subwords', in training, in the dev evaluation and at inference."""

import json

import numpy as np
import pytest

from pipeline.ner import data as D
from pipeline.ner.decode import log_softmax, pool_word
from tests.conftest import SHARED

pytestmark = pytest.mark.skipif(not (SHARED / "data" / "ner" / D.ANERCORP_TRAIN).exists(),
                                reason="shared NER data absent")


def test_mean_pooling_labels_every_subword_with_its_words_tag(tiny_base):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_base)
    # "وسوريا" and "بوخارست" are several pieces each in this vocabulary.
    sentence = (["زار", "الوفد", "وسوريا", "وبوخارست"], ["O", "O", "B-LOC", "B-LOC"])
    label2id = {l: i for i, l in enumerate(D.bio_labels(("LOC",)))}
    first = D.encode(tokenizer, [sentence], label2id, "first")[0]
    mean = D.encode(tokenizer, [sentence], label2id, "mean")[0]
    word_ids = tokenizer(sentence[0], is_split_into_words=True).word_ids()
    assert len(word_ids) > len(sentence[0]) + 2  # some word has several pieces
    for wid, a, b in zip(word_ids, first["labels"], mean["labels"]):
        if wid is None:
            assert a == b == D.IGNORE
        else:
            assert b == label2id[sentence[1][wid]]
    # "first" keeps one label a word; "mean" one a subword.
    assert sum(l != D.IGNORE for l in first["labels"]) == len(sentence[0])
    assert sum(l != D.IGNORE for l in mean["labels"]) == len(word_ids) - 2


def test_pool_word_is_the_first_row_or_the_renormalised_mean():
    rows = log_softmax(np.array([[2.0, 0.0, -1.0], [0.0, 3.0, 0.0], [1.0, 1.0, 1.0]]))
    np.testing.assert_array_equal(pool_word(rows, 0, 3, "first"), rows[0])
    pooled = pool_word(rows, 0, 2, "mean")
    assert np.exp(pooled).sum() == pytest.approx(1.0)
    expected = np.exp(rows[:2].mean(axis=0))
    np.testing.assert_allclose(np.exp(pooled), expected / expected.sum())
    assert pooled.argmax() == 1  # the second piece's confident label wins the mean
    np.testing.assert_array_equal(pool_word(rows, 2, 1, "mean"), rows[2])


def test_an_unknown_pooling_is_refused_by_name(tiny_base, tmp_path):
    from pipeline.ner.train import TrainConfig, train

    cfg = TrainConfig(base=tiny_base, output=tmp_path / "never", data_dir=SHARED / "data",
                      epochs=1, max_train_sentences=20, layers=1, hidden=64, log_every=0,
                      pooling="max")
    with pytest.raises(ValueError, match=r"pooling must be one of 'first', 'mean', not 'max'"):
        train(cfg, log=lambda _: None)
    assert not cfg.output.exists()


@pytest.fixture(scope="module")
def mean_model(tmp_path_factory, tiny_base):
    from pipeline.ner.train import TrainConfig, train

    cfg = TrainConfig(base=tiny_base, output=tmp_path_factory.mktemp("pool") / "model",
                      data_dir=SHARED / "data", epochs=1, max_train_sentences=120, layers=2,
                      hidden=64, batch_size=16, max_length=128, encoder_lr=2e-3,
                      head_lr=2e-3, log_every=0, pooling="mean")
    train(cfg, log=lambda _: None)
    return cfg.output


def test_inference_pools_as_the_dev_evaluation_did(mean_model):
    """The stage's model reads `pooling` from the folder and scores words as
    the training loop's dev evaluation does, long sentences (several
    windows) included."""
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    from pipeline.ner.infer import NerModel
    from pipeline.ner.train import torch_forward, word_log_probs

    saved = json.loads((mean_model / "training_config.json").read_text(encoding="utf-8"))
    assert saved["pooling"] == "mean"
    model = NerModel(mean_model, "torch")
    assert model.pooling == "mean"
    _, dev = D.anercorp_split(SHARED / "data")
    sentences = [w for w, _ in dev if 4 <= len(w) <= 40][:12]
    net = AutoModelForTokenClassification.from_pretrained(mean_model).eval()
    tokenizer = AutoTokenizer.from_pretrained(mean_model)
    pooled = word_log_probs(torch_forward(net), tokenizer, sentences, 128, pooling="mean")
    first = word_log_probs(torch_forward(net), tokenizer, sentences, 128, pooling="first")
    for ours, ref, other in zip(model.word_log_probs(sentences), pooled, first):
        np.testing.assert_allclose(ours, ref, atol=1e-3)
    assert max(np.abs(p - f).max() for p, f in zip(pooled, first)) > 1e-3


def test_stage_keeps_offsets_with_mean_pooling(mean_model, seed_texts):
    from pathlib import Path

    from pipeline.document import Document
    from pipeline.ner.stage import EntitiesSettings, EntitiesStage
    from pipeline.text.stage import TokenizeSettings, TokenizeStage

    tokenize = TokenizeStage(TokenizeSettings(), Path("."))
    stage = EntitiesStage(EntitiesSettings(model=str(mean_model), runtime="torch"), Path("/"))
    for name, text in seed_texts.items():
        doc = stage(tokenize(Document(name, text)))
        for e in doc.entities:
            assert doc.text[e.start:e.end] == e.text
            assert 0.0 < e.score <= 1.0
