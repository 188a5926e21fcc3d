"""Cross-sentence context (`context` in the training config): every window
sees that many subwords of its neighbours on each side, unlabelled, in
training, in the dev evaluation and at inference, and never across documents."""

import json

import numpy as np
import pytest

from pipeline.ner import data as D
from tests.conftest import SHARED

pytestmark = pytest.mark.skipif(not (SHARED / "data" / "ner" / D.ANERCORP_TRAIN).exists(),
                                reason="shared NER data absent")

BOS, EOS = 0, 2


def test_add_context_takes_neighbours_pieces_across_several_windows():
    rows = [[BOS, 5, 6, EOS], [BOS, 7, EOS], [BOS, 8, 9, 10, EOS]]
    out, shifts = D.add_context(rows, 2)
    assert out == [[BOS, 5, 6, 7, 8, EOS],
                   [BOS, 5, 6, 7, 8, 9, EOS],
                   [BOS, 6, 7, 8, 9, 10, EOS]]  # the last window reaches back two windows
    assert shifts == [0, 2, 2]
    assert D.add_context(rows, 0) == (rows, [0, 0, 0])


def test_context_labels_stay_on_the_windows_own_words():
    rows = [[BOS, 5, 6, EOS], [BOS, 7, 70, EOS], [BOS, 8, EOS]]
    labels = [[D.IGNORE, 1, 2, D.IGNORE], [D.IGNORE, 3, D.IGNORE, D.IGNORE],
              [D.IGNORE, 4, D.IGNORE]]
    out, shifts = D.add_context(rows, 1)
    placed = [D.context_labels(lab, s, len(r)) for lab, s, r in zip(labels, shifts, out)]
    for row, lab, orig_row, orig_lab in zip(out, placed, rows, labels):
        assert len(lab) == len(row)
        kept = [(t, l) for t, l in zip(row, lab) if l != D.IGNORE]
        assert kept == [(t, l) for t, l in zip(orig_row, orig_lab) if l != D.IGNORE]


@pytest.fixture(scope="module")
def context_model(tmp_path_factory, tiny_base):
    from pipeline.ner.train import TrainConfig, train

    cfg = TrainConfig(base=tiny_base, output=tmp_path_factory.mktemp("ctx") / "model",
                      data_dir=SHARED / "data", epochs=1, max_train_sentences=120, layers=2,
                      hidden=64, batch_size=16, max_length=128, encoder_lr=2e-3,
                      head_lr=2e-3, log_every=0, context=16)
    train(cfg, log=lambda _: None)
    return cfg.output


def _short_dev_sentences(n: int) -> list[list[str]]:
    _, dev = D.anercorp_split(SHARED / "data")
    return [w for w, _ in dev if 4 <= len(w) <= 30][:n]


def test_inference_sees_the_context_the_dev_evaluation_saw(context_model):
    """The stage's model reads `context` from the folder and scores words as
    the training loop's dev evaluation does."""
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    from pipeline.ner.infer import NerModel
    from pipeline.ner.train import torch_forward, word_log_probs

    saved = json.loads((context_model / "training_config.json").read_text(encoding="utf-8"))
    assert saved["context"] == 16
    model = NerModel(context_model, "torch")
    assert model.context == 16
    sentences = _short_dev_sentences(12)
    net = AutoModelForTokenClassification.from_pretrained(context_model).eval()
    reference = word_log_probs(torch_forward(net), AutoTokenizer.from_pretrained(context_model),
                               sentences, 128, context=16)
    for ours, ref in zip(model.word_log_probs(sentences), reference):
        np.testing.assert_allclose(ours, ref, atol=1e-3)


def test_context_changes_predictions_but_never_crosses_documents(context_model):
    from pipeline.ner.infer import NerModel

    model = NerModel(context_model, "torch")
    first, second = _short_dev_sentences(2)
    alone = model.word_log_probs([second])[0]
    separate = model.word_log_probs([first, second], documents=[0, 1])[1]
    together = model.word_log_probs([first, second], documents=[0, 0])[1]
    np.testing.assert_allclose(separate, alone, atol=1e-5)
    assert np.abs(together - alone).max() > 1e-3


def test_stage_keeps_offsets_with_context(context_model):
    from pathlib import Path

    from pipeline.document import Document
    from pipeline.ner.stage import EntitiesSettings, EntitiesStage
    from pipeline.text.stage import TokenizeSettings, TokenizeStage

    tokenize = TokenizeStage(TokenizeSettings(), Path("."))
    stage = EntitiesStage(EntitiesSettings(model=str(context_model), runtime="torch"), Path("/"))
    texts = ["قال وزير الخارجية الفرنسي في باريس إن الاتحاد الأوروبي سيجتمع. "
             "وزار الرئيس بغداد وسوريا ولبنان.",
             "أعلنت وزارة الدفاع الأمريكية أن التحالف سيواصل عملياته في العراق."]
    docs = [tokenize(Document(str(i), text)) for i, text in enumerate(texts)]
    alone = [e for t in texts for e in stage(tokenize(Document("x", t))).entities]
    together = []
    for doc in stage.pipe(docs):
        for e in doc.entities:
            assert doc.text[e.start:e.end] == e.text
        together.extend(doc.entities)
    # Documents batched together see no context from each other.
    key = [(e.start, e.end, e.label, e.score) for e in together]
    assert key == [(e.start, e.end, e.label, e.score) for e in alone]


def test_a_context_too_wide_for_the_encoder_is_refused_by_name(tiny_base, tmp_path):
    from pipeline.ner.train import TrainConfig, train

    cfg = TrainConfig(base=tiny_base, output=tmp_path / "never", data_dir=SHARED / "data",
                      epochs=1, max_train_sentences=20, layers=1, hidden=64, max_length=128,
                      log_every=0, context=200)
    with pytest.raises(ValueError, match=r"context must be 0 \(none\) up to 192"):
        train(cfg, log=lambda _: None)
    assert not cfg.output.exists()
