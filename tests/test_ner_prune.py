"""Narrower feed-forward blocks (`ffn_size`, pipeline/ner/prune.py): the kept
units carry their trained weights, so the narrowed model computes exactly
what the full model computes with the other units silenced; the units that
add nothing go first; padding does not count; a narrowed student trains,
saves and loads in the stage; a bad size is refused naming the key."""

import json

import numpy as np
import pytest

from tests.conftest import SHARED

WORDS = ["قال", "الرئيس", "عبد", "الله", "في", "عمان", "أمس"]


def _load(folder):
    import torch
    from transformers import AutoModelForTokenClassification

    return AutoModelForTokenClassification.from_pretrained(folder, dtype=torch.float32).eval()


def _windows(folder, n=40):
    """Real ANERcorp training windows, as the trainer encodes them."""
    from transformers import AutoTokenizer

    from pipeline.ner import data as D

    tok = AutoTokenizer.from_pretrained(folder)
    train, _ = D.anercorp_split(SHARED / "data")
    labels = D.bio_labels(("PER", "LOC", "ORG", "MISC"))
    ds = D.encode(tok, D.windowed(tok, train[:n], 64), {l: i for i, l in enumerate(labels)},
                  "first")
    return [list(ids) for ids in ds["input_ids"]], tok.pad_token_id


def test_narrowed_model_equals_the_full_one_with_the_other_units_silenced(tiny_teacher):
    import torch

    from pipeline.ner import prune
    from pipeline.ner.data import pad_batch

    windows, pad = _windows(tiny_teacher)
    full, narrow = _load(tiny_teacher), _load(tiny_teacher)
    width = full.config.intermediate_size
    importance = prune.ffn_importance(full, windows, pad)
    assert [imp.shape for imp in importance] == [(width,)] * full.config.num_hidden_layers
    prune.narrow_ffn(narrow, width // 4, importance)
    assert narrow.config.intermediate_size == width // 4

    with torch.no_grad():  # silence the dropped units in the full model instead
        for layer, imp in zip(full.base_model.encoder.layer, importance):
            dropped = np.argsort(-imp, kind="stable")[width // 4:]
            layer.output.dense.weight[:, torch.from_numpy(dropped)] = 0
        ids, mask = (torch.from_numpy(a) for a in pad_batch(windows[:8], pad))
        assert torch.allclose(narrow(input_ids=ids, attention_mask=mask).logits,
                              full(input_ids=ids, attention_mask=mask).logits, atol=1e-5)
    for layer, imp in zip(narrow.base_model.encoder.layer, importance):
        assert layer.intermediate.dense.weight.shape == (width // 4, full.config.hidden_size)
        assert layer.output.dense.weight.shape == (full.config.hidden_size, width // 4)


def test_units_that_add_nothing_go_first(tiny_teacher):
    """A unit that never fires (zero weights and bias in, so GELU(0) = 0) and a
    unit whose output column is zero both add nothing: importance 0, dropped
    before any unit that adds something."""
    import torch

    from pipeline.ner import prune

    windows, pad = _windows(tiny_teacher)
    model = _load(tiny_teacher)
    layer = model.base_model.encoder.layer[1]
    with torch.no_grad():
        layer.intermediate.dense.weight[3] = 0
        layer.intermediate.dense.bias[3] = 0
        layer.output.dense.weight[:, 7] = 0
    importance = prune.ffn_importance(model, windows, pad)
    assert importance[1][3] == 0 and importance[1][7] == 0
    assert (np.delete(importance[1], [3, 7]) > 0).all()
    width = model.config.intermediate_size
    prune.narrow_ffn(model, width - 2, importance)
    kept_rows = model.base_model.encoder.layer[1].intermediate.dense.weight
    assert not (kept_rows == 0).all(dim=1).any()  # the silent unit is gone


def test_padding_does_not_count(tiny_teacher):
    """Two windows of different lengths batched together (one padded) give the
    token-weighted mean of their importances measured one at a time."""
    from pipeline.ner import prune

    windows, pad = _windows(tiny_teacher)
    long, short = max(windows, key=len), min(windows, key=len)
    assert len(long) > len(short)
    model = _load(tiny_teacher)
    both = prune.ffn_importance(model, [long, short], pad)
    one = prune.ffn_importance(model, [long], pad)
    two = prune.ffn_importance(model, [short], pad)
    for b, x, y in zip(both, one, two):
        expected = (x * len(long) + y * len(short)) / (len(long) + len(short))
        np.testing.assert_allclose(b, expected, rtol=1e-4, atol=1e-7)


def test_narrowed_student_trains_saves_and_loads_in_the_stage(tmp_path, tiny_teacher):
    from pipeline.ner.infer import NerModel
    from pipeline.ner.train import TrainConfig, train

    logs = []
    cfg = TrainConfig(base=tiny_teacher, output=tmp_path / "narrow", data_dir=SHARED / "data",
                      epochs=1, max_train_sentences=60, batch_size=16, max_length=64,
                      encoder_lr=2e-3, head_lr=2e-3, log_every=0, ffn_size=64)
    result = train(cfg, log=logs.append)
    assert 0.0 <= result["best"]["f1"] <= 1.0
    assert any("64 of 256 kept" in line for line in logs)
    saved = json.loads((cfg.output / "config.json").read_text(encoding="utf-8"))
    assert saved["intermediate_size"] == 64
    model = NerModel(cfg.output, runtime="torch")
    (lp,) = model.word_log_probs([WORDS])
    assert lp.shape == (len(WORDS), len(model.labels))


@pytest.mark.parametrize("size", [0, 0.5, -4, 257, True])
def test_a_size_the_base_cannot_give_is_refused(tiny_teacher, size):
    from pipeline.ner import prune

    windows, pad = _windows(tiny_teacher, n=5)
    model = _load(tiny_teacher)
    with pytest.raises(ValueError, match=r"ffn_size must be 1\.\.256"):
        prune.narrow_ffn(model, size, prune.ffn_importance(model, windows, pad))


def test_ffn_size_with_a_fresh_architecture_is_refused(tmp_path, tiny_teacher):
    from pipeline.ner.train import TrainConfig, train

    cfg = TrainConfig(base=tiny_teacher, output=tmp_path / "narrow", data_dir=SHARED / "data",
                      epochs=1, max_train_sentences=10, hidden=32, ffn_size=32, log_every=0)
    with pytest.raises(ValueError, match="ffn_size"):
        train(cfg, log=lambda _: None)
    assert not (tmp_path / "narrow").exists()


def test_a_bad_size_is_refused_before_the_measuring_pass(tiny_teacher):
    """No window is read for a width the base cannot give: with none to read,
    the size is still what the error names."""
    from pipeline.ner.train import narrow_to

    with pytest.raises(ValueError, match=r"ffn_size must be 1\.\.256"):
        narrow_to(_load(tiny_teacher), 4096, [], pad_id=1, features=None)
