"""The CRF layer (`crf = true`): training learns transition scores, the model
folder keeps them, and every decoder adds them."""

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from pipeline.ner import crf as C
from pipeline.ner import data as D
from pipeline.ner.decode import viterbi
from pipeline.ner.train import TrainConfig, evaluate, load_config, torch_forward, train

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"

LABELS = D.bio_labels(("PER", "LOC", "ORG", "MISC"))


def test_word_scores_are_the_labelled_positions_in_order():
    logits = torch.arange(2 * 6 * 3, dtype=torch.float).reshape(2, 6, 3)
    lab = torch.tensor([[D.IGNORE, 1, D.IGNORE, 2, 0, D.IGNORE],
                        [D.IGNORE, 0, D.IGNORE, D.IGNORE, D.IGNORE, D.IGNORE]])
    scores, tags, mask = C.word_scores(logits, lab)
    assert scores.shape == (2, 3, 3)
    assert torch.equal(scores[0], logits[0, [1, 3, 4]])
    assert torch.equal(scores[1, 0], logits[1, 1])
    assert tags.tolist() == [[1, 2, 0], [0, 0, 0]]
    assert mask.tolist() == [[True, True, True], [True, False, False]]


def test_loss_of_a_zero_crf_is_the_sequence_cross_entropy_normaliser():
    # With every transition score zero the CRF's sequence likelihood factorises
    # into the words' softmax: the loss is the mean cross-entropy per word.
    torch.manual_seed(0)
    logits = torch.randn(2, 5, len(LABELS))
    lab = torch.tensor([[D.IGNORE, 1, 2, 0, D.IGNORE], [D.IGNORE, 3, 0, D.IGNORE, D.IGNORE]])
    keep = lab != D.IGNORE
    expected = torch.nn.functional.cross_entropy(logits[keep], lab[keep])
    assert C.loss(C.make(len(LABELS)), logits, lab).item() == pytest.approx(expected.item(),
                                                                            rel=1e-5)


def test_learnt_transitions_change_the_decoded_path():
    o, b_per, i_per = LABELS.index("O"), LABELS.index("B-PER"), LABELS.index("I-PER")
    b_loc = LABELS.index("B-LOC")
    # Word 2 leans to B-LOC a little; a learnt B-PER -> I-PER preference wins it back.
    lp = np.log(np.full((2, len(LABELS)), 1e-3))
    lp[0, b_per] = np.log(0.9)
    lp[1, b_loc], lp[1, i_per] = np.log(0.5), np.log(0.4)
    assert viterbi(lp, LABELS) == [b_per, b_loc]
    pairs = np.zeros((len(LABELS), len(LABELS)))
    pairs[b_per, i_per] = 1.0
    zero = np.zeros(len(LABELS))
    assert viterbi(lp, LABELS, C.Transitions(zero, pairs, zero)) == [b_per, i_per]
    # The end score counts too: a strong O ending moves the last word.
    end = np.zeros(len(LABELS))
    end[o] = 10.0
    assert viterbi(lp, LABELS, C.Transitions(zero, pairs, end))[-1] == o
    # BIO stays enforced whatever was learnt.
    pairs[o, i_per] = 50.0
    lp2 = np.log(np.full((2, len(LABELS)), 1e-3))
    lp2[0, o], lp2[1, i_per] = np.log(0.9), np.log(0.9)
    assert viterbi(lp2, LABELS, C.Transitions(zero, pairs, zero)) != [o, i_per]


def test_crf_json_round_trip_and_refuses_other_labels(tmp_path):
    layer = C.make(len(LABELS))
    with torch.no_grad():
        layer.transitions.copy_(torch.arange(len(LABELS) ** 2, dtype=torch.float)
                                .reshape(len(LABELS), len(LABELS)) / 10)
        layer.end_transitions[2] = -1.5
    C.save(layer, LABELS, tmp_path)
    json.loads((tmp_path / C.FILE).read_text(encoding="utf-8"))  # valid JSON
    back = C.load(tmp_path, LABELS)
    np.testing.assert_allclose(back.pairs, C.transitions_of(layer).pairs, atol=1e-4)
    assert back.end[2] == -1.5
    with pytest.raises(ValueError, match="is for labels"):
        C.load(tmp_path, D.bio_labels(("PER", "LOC", "ORG")))
    assert C.load(tmp_path / "nothing", LABELS) is None


def _tiny(tiny_base, out, **kw) -> TrainConfig:
    settings = dict(epochs=2, max_train_sentences=200, layers=1, hidden=64, batch_size=16,
                    max_length=64, encoder_lr=2e-3, head_lr=2e-3, log_every=0, threads=1)
    return TrainConfig(base=tiny_base, output=out, data_dir=SHARED / "data", **{**settings, **kw})


def test_training_with_a_crf_learns_and_ships_its_transitions(tiny_base, tmp_path):
    cfg = _tiny(tiny_base, tmp_path / "crf", crf=True, crf_lr=5e-2)
    result = train(cfg, log=lambda _: None)
    trans = C.load(cfg.output, LABELS)
    assert trans is not None and np.abs(trans.pairs).max() > 0.1  # learnt, not left at zero
    # O -> I-PER never happens in the data: its score falls below O -> O's.
    o, i_per = LABELS.index("O"), LABELS.index("I-PER")
    assert trans.pairs[o, i_per] < trans.pairs[o, o]
    # The saved folder scores what training reported for its best epoch, with
    # the transitions read back from crf.json.
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    model = AutoModelForTokenClassification.from_pretrained(cfg.output, dtype=torch.float32)
    _, dev = D.anercorp_split(cfg.data_dir)
    scores = evaluate(torch_forward(model.eval()), AutoTokenizer.from_pretrained(cfg.output),
                      LABELS, dev, cfg.output_types, cfg.max_length, transitions=trans)
    assert scores["f1"] == pytest.approx(result["best"]["f1"], abs=2e-3)  # saved in fp16
    # Inference decodes with them.
    from pipeline.ner.infer import NerModel

    model = NerModel(cfg.output, runtime="torch")
    np.testing.assert_array_equal(model.transitions.pairs, trans.pairs)
    assert len(model.predict([["قال", "ناصر", "بوريطة", "في", "مراكش"]])) == 1


def test_a_folder_written_over_without_a_crf_loses_the_old_scores(tiny_base, tmp_path):
    out = tmp_path / "model"
    train(_tiny(tiny_base, out, crf=True, epochs=1), log=lambda _: None)
    assert (out / C.FILE).exists()
    train(_tiny(tiny_base, out, epochs=1), log=lambda _: None)
    assert not (out / C.FILE).exists()


@pytest.mark.parametrize("extra, message", [
    ({"pooling": "mean"}, "first subword"),
    ({"average_from": 1}, "average_from"),
])
def test_crf_refuses_settings_it_cannot_honour(tiny_base, tmp_path, extra, message):
    with pytest.raises(ValueError, match=message):
        train(_tiny(tiny_base, tmp_path / "x", crf=True, **extra), log=lambda _: None)


def test_crf_keys_in_a_config_file(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[train]\nbase = "b"\noutput = "o"\ndata_dir = "d"\ncrf = true\n'
                    'crf_lr = 0.005\n', encoding="utf-8")
    cfg = load_config(path)
    assert cfg.crf is True and cfg.crf_lr == 0.005
