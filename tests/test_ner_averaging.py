"""Weight averaging in the default recipe (pipeline/ner/train.py): the mean
is the exact mean of the epochs' weights, it is scored on dev like an epoch,
and it is saved only if it beats them."""

import json

import pytest

from tests.conftest import SHARED


def test_running_mean_is_the_mean_of_the_weights():
    import torch

    from pipeline.ner.train import _running_mean

    model = torch.nn.Linear(3, 2)
    seen, mean = [], None
    for n in range(1, 4):
        with torch.no_grad():
            model.weight.normal_()
            model.bias.normal_()
        seen.append({k: v.clone() for k, v in model.state_dict().items()})
        mean = _running_mean(mean, model, n)
    for key in ("weight", "bias"):
        assert torch.allclose(mean[key], torch.stack([s[key] for s in seen]).mean(0), atol=1e-6)


def test_averaged_weights_are_scored_and_kept_only_when_best(tmp_path, tiny_base):
    from pipeline.ner.train import TrainConfig, train

    cfg = TrainConfig(base=tiny_base, output=tmp_path / "model", data_dir=SHARED / "data", epochs=3,
                      max_train_sentences=120, layers=1, hidden=64, batch_size=16,
                      max_length=64, encoder_lr=2e-3, head_lr=2e-3, log_every=0,
                      average_from=2)
    result = train(cfg, log=lambda _: None)
    rows = result["history"]
    assert [r["epoch"] for r in rows] == [1, 2, 3, "mean of 2-3"]
    assert result["best"]["f1"] == max(r["f1"] for r in rows)
    saved = json.loads((cfg.output / "scores.json").read_text(encoding="utf-8"))
    assert saved["best"]["epoch"] == result["best"]["epoch"]
    assert len(saved["history"]) == 4


def test_average_from_must_be_an_earlier_epoch(tmp_path, tiny_base):
    from pipeline.ner.train import TrainConfig, train

    cfg = TrainConfig(base=tiny_base, output=tmp_path / "model", data_dir=SHARED / "data", epochs=2,
                      max_train_sentences=20, layers=1, hidden=64, average_from=2)
    with pytest.raises(ValueError, match="average_from"):
        train(cfg, log=lambda _: None)
