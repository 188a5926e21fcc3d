"""Narrower feed-forward blocks: keep the units a trained encoder uses most.

Two thirds of an e5-small layer's multiply-adds are in its feed-forward block
(384 -> 1536 -> 384); attention's projections are the other third. Dropping
whole layers (`keep_layers`) removes both; this removes only feed-forward
units, in every layer, so each layer keeps its attention and its place in
the stack. The student is then trained as any other (train.py `ffn_size`).

Which units: a unit's importance is the mean absolute value of its GELU
output over real (not padding) subwords of training windows, times the norm
of the column that carries it back to the hidden state -- what it actually
adds to the residual stream, on the text the model will learn from (never
the dev split). Each layer keeps its `size` most important units, in their
original order; the Hugging Face config has one `intermediate_size`, so
every layer keeps the same number.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from pipeline.ner.data import pad_batch
from pipeline.ner.gazetteer import PieceFeatures, torch_types

# Windows measured for the importance: the ranking is stable well before
# this (a few tens of thousands of subwords) and the pass takes seconds.
IMPORTANCE_WINDOWS = 512
BATCH = 32


def _layers(model):
    return model.base_model.encoder.layer


def ffn_importance(model, windows: Sequence[Sequence[int]], pad_id: int,
                   features: PieceFeatures | None = None) -> list[np.ndarray]:
    """Per encoder layer, one importance per feed-forward unit (see above)."""
    import torch

    layers = _layers(model)
    sums = [torch.zeros(layer.intermediate.dense.out_features, dtype=torch.float64)
            for layer in layers]
    real = None  # the batch's real-subword mask (batch, length, 1), read by the hooks

    def hook(i):
        def add(_module, _inputs, out):
            sums[i] += (out.abs() * real).sum(dim=(0, 1)).double()
        return add

    handles = [layer.intermediate.register_forward_hook(hook(i)) for i, layer in enumerate(layers)]
    was_training = model.training
    model.eval()
    tokens = 0
    try:
        with torch.inference_mode():
            windows = windows[:IMPORTANCE_WINDOWS]
            for at in range(0, len(windows), BATCH):
                ids, mask = pad_batch(windows[at:at + BATCH], pad_id)
                ids_t, mask_t = torch.from_numpy(ids), torch.from_numpy(mask)
                real = mask_t.unsqueeze(-1).float()
                tokens += int(mask.sum())
                model(input_ids=ids_t, attention_mask=mask_t,
                      token_type_ids=torch_types(features, ids))
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    if not tokens:
        raise ValueError("ffn_size: no training windows to measure the feed-forward units on")
    out = []
    for layer, total in zip(layers, sums):
        back = layer.output.dense.weight.detach().double().norm(dim=0)  # one per unit
        out.append((total / tokens * back).numpy())
    return out


def check_size(model, size: int) -> None:
    """ValueError naming the key unless `size` is a width `model` can give."""
    width = _layers(model)[0].intermediate.dense.out_features
    if isinstance(size, bool) or not isinstance(size, int) or not 0 < size <= width:
        raise ValueError(f"ffn_size must be 1..{width} (the base's feed-forward width), not {size}")


def narrow_ffn(model, size: int, importance: Sequence[np.ndarray]) -> None:
    """Keep each layer's `size` most important feed-forward units (in place)."""
    import torch

    check_size(model, size)
    for layer, imp in zip(_layers(model), importance):
        keep = torch.from_numpy(np.sort(np.argsort(-imp, kind="stable")[:size]))
        up, down = layer.intermediate.dense, layer.output.dense
        new_up = torch.nn.Linear(up.in_features, size, dtype=up.weight.dtype)
        new_down = torch.nn.Linear(size, down.out_features, dtype=down.weight.dtype)
        with torch.no_grad():
            new_up.weight.copy_(up.weight[keep])
            new_up.bias.copy_(up.bias[keep])
            new_down.weight.copy_(down.weight[:, keep])
            new_down.bias.copy_(down.bias)
        layer.intermediate.dense, layer.output.dense = new_up, new_down
    model.config.intermediate_size = size
