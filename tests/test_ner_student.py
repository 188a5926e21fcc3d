"""A smaller student from a trained model (`keep_layers` in the recipe,
pipeline/ner/train.py): the kept layers carry their trained weights, the
saved folder is a smaller model that the stage loads, and a bad list is
refused with the key's name."""

import json

import pytest

from tests.conftest import SHARED


def test_kept_layers_carry_the_teachers_weights(tiny_teacher):
    import torch
    from transformers import AutoModelForTokenClassification

    from pipeline.ner.train import keep_encoder_layers

    full = AutoModelForTokenClassification.from_pretrained(tiny_teacher, dtype=torch.float32)
    student = AutoModelForTokenClassification.from_pretrained(tiny_teacher, dtype=torch.float32)
    keep_encoder_layers(student, [0, 2])
    assert len(student.base_model.encoder.layer) == 2
    assert student.config.num_hidden_layers == 2
    for new, old in ((0, 0), (1, 2)):
        a = student.base_model.encoder.layer[new].state_dict()
        b = full.base_model.encoder.layer[old].state_dict()
        assert a.keys() == b.keys()
        assert all(torch.equal(a[k], b[k]) for k in a)
    ids = torch.tensor([[0, 5, 6, 7, 2]])
    assert student(input_ids=ids).logits.shape == full(input_ids=ids).logits.shape


def test_student_trains_saves_and_loads_in_the_stage(tmp_path, tiny_teacher):
    from pipeline.ner.infer import NerModel
    from pipeline.ner.train import TrainConfig, train

    cfg = TrainConfig(base=tiny_teacher, output=tmp_path / "student", data_dir=SHARED / "data",
                      epochs=1, max_train_sentences=60, batch_size=16, max_length=64,
                      encoder_lr=2e-3, head_lr=2e-3, log_every=0, keep_layers=[1])
    result = train(cfg, log=lambda _: None)
    assert 0.0 <= result["best"]["f1"] <= 1.0
    saved = json.loads((cfg.output / "config.json").read_text(encoding="utf-8"))
    assert saved["num_hidden_layers"] == 1
    model = NerModel(cfg.output, runtime="torch")
    words = ["قال", "الرئيس", "عبد", "الله", "في", "عمان"]
    (lp,) = model.word_log_probs([words])
    assert lp.shape == (len(words), len(model.labels))


@pytest.mark.parametrize("keep", [[2, 0], [0, 3], [0, 0]])
def test_bad_layer_lists_are_refused(tiny_teacher, keep):
    import torch
    from transformers import AutoModelForTokenClassification

    from pipeline.ner.train import keep_encoder_layers

    model = AutoModelForTokenClassification.from_pretrained(tiny_teacher, dtype=torch.float32)
    with pytest.raises(ValueError, match="keep_layers"):
        keep_encoder_layers(model, keep)


def test_keep_layers_with_a_fresh_architecture_is_refused(tmp_path, tiny_teacher):
    from pipeline.ner.train import TrainConfig, train

    cfg = TrainConfig(base=tiny_teacher, output=tmp_path / "student", data_dir=SHARED / "data",
                      epochs=1, max_train_sentences=10, layers=2, keep_layers=[0], log_every=0)
    with pytest.raises(ValueError, match="keep_layers"):
        train(cfg, log=lambda _: None)
    assert not (tmp_path / "student").exists()
