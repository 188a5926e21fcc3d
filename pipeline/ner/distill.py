"""Soft-label distillation: a teacher model's label distributions as targets.

A student trained on a teacher's confident sentences with hard tags (self-
training) learns only the argmax, and only where the teacher was sure. Here
the student matches the teacher's whole distribution at every word of every
sentence of a transfer corpus (Hinton et al. 2015, "Distilling the knowledge
in a neural network"; DistilBERT): a "B-ORG 0.6 / B-PER 0.3" word teaches
more than a dropped sentence or a bare B-ORG.

The teacher runs once per corpus, in torch fp32 (the same numbers on every CPU,
unlike the int8 graph), on exactly the subword windows the student trains
on; the distributions are cached next to the corpus, keyed by the teacher's
weights, the corpus file and the window length.

Optionally (`hidden_weight`) the student's layers also learn the teacher's
hidden states (TinyBERT, Jiao et al. 2020: intermediate layers pass on more
than the output does): each student layer's output is pulled, by mean
squared error, towards the teacher layer it stands for. Those targets are
too big to cache (a 384-vector per subword per layer), so the teacher runs
alongside the student on every batch.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from pipeline.ner import data as D
from pipeline.ner.gazetteer import FEATURES, features_for, torch_types


@dataclass(frozen=True)
class SoftLabels:
    """The targets of one window: `mask` has a 0 at each word's first subword
    and IGNORE elsewhere (the shape of hard labels), `log_probs` one row of
    teacher log-probabilities per first subword, in order."""

    mask: list[int]
    log_probs: np.ndarray

    def __len__(self) -> int:
        return len(self.mask)


def check_teacher_labels(teacher: Path, labels: Sequence[str]) -> None:
    """Refuse a teacher whose label set differs from the student's: its rows
    would be read against the wrong columns."""
    path = Path(teacher) / "config.json"
    if not path.exists():
        raise ValueError(f"teacher = {teacher}: not a model folder (no config.json)")
    id2label = json.loads(path.read_text(encoding="utf-8")).get("id2label", {})
    theirs = [id2label[k] for k in sorted(id2label, key=int)]
    if theirs != list(labels):
        raise ValueError(f"teacher = {teacher} predicts {theirs}; the student trains on "
                         f"{list(labels)} (set train_types to the teacher's types)")


def _digest(teacher: Path, corpus: Path, max_length: int) -> str:
    h = hashlib.sha1()
    with open(Path(teacher) / "model.safetensors", "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    stat = Path(corpus).stat()
    h.update(f"{Path(corpus).resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{max_length}".encode())
    return h.hexdigest()[:12]


def teacher_log_probs(teacher: Path, ids: Sequence[list[int]], masks: Sequence[list[int]],
                      pad_id: int, batch_size: int = 32,
                      log: Callable[[str], None] = print) -> list[np.ndarray]:
    """Teacher log-probabilities at the non-IGNORE positions of each window
    (float16: 9 labels x a few million words stays small)."""
    import torch
    from transformers import AutoModelForTokenClassification

    model = AutoModelForTokenClassification.from_pretrained(teacher, dtype=torch.float32).eval()
    features = features_for(teacher)  # a teacher trained with name lists reads them
    out: list[np.ndarray | None] = [None] * len(ids)
    batches = D.length_batches([len(x) for x in ids], batch_size, None)
    for n, batch in enumerate(batches, 1):
        arr, att = D.pad_batch([ids[i] for i in batch], pad_id)
        with torch.no_grad():
            types = torch_types(features, arr)
            logits = model(input_ids=torch.from_numpy(arr), attention_mask=torch.from_numpy(att),
                           token_type_ids=types).logits
            lp = torch.log_softmax(logits, -1).numpy()
        for r, i in enumerate(batch):
            keep = [p for p, m in enumerate(masks[i]) if m != D.IGNORE]
            out[i] = lp[r, keep].astype(np.float16)
        if n % 200 == 0:
            log(f"teacher: {n}/{len(batches)} batches")
    return out  # type: ignore[return-value]


def _cached(cache: Path, n_windows: int) -> list[np.ndarray] | None:
    if not cache.exists():
        return None
    saved = np.load(cache)
    rows, bounds = saved["rows"], saved["bounds"]
    if len(bounds) != n_windows + 1:  # another windowing of the same file: recompute
        return None
    return [rows[bounds[i]:bounds[i + 1]] for i in range(n_windows)]


def soft_items(teacher: Path, corpus: Path, ids: Sequence[list[int]],
               masks: Sequence[list[int]], pad_id: int, max_length: int,
               log: Callable[[str], None] = print) -> list[tuple[list[int], SoftLabels]]:
    """(input ids, SoftLabels) for every window of `corpus`, the teacher's
    distributions read from the cache or computed and cached."""
    cache = Path(corpus).with_name(
        f"{Path(corpus).name}.teacher-{_digest(teacher, corpus, max_length)}.npz")
    lps = _cached(cache, len(ids))
    if lps is not None:
        log(f"teacher distributions: {cache.name} (cached)")
    else:
        log(f"teacher distributions: running {teacher} over {len(ids)} windows of "
            f"{Path(corpus).name}")
        lps = teacher_log_probs(teacher, ids, masks, pad_id, log=log)
        tmp = cache.with_suffix(".tmp.npz")
        np.savez(tmp, rows=np.concatenate(lps), bounds=np.cumsum([0] + [len(x) for x in lps]))
        tmp.replace(cache)
    return [(list(i), SoftLabels(list(m), lp)) for i, m, lp in zip(ids, masks, lps)]


def soft_loss(logits, lab, soft_rows, targets, temperature: float):
    """Sum over labelled positions: cross-entropy to the gold tag for hard
    rows, T^2-scaled KL to the teacher's distribution (both softened by T)
    for soft rows; and the number of positions, to take the mean over."""
    import torch
    import torch.nn.functional as F

    labelled = lab != D.IGNORE
    hard = labelled & ~soft_rows[:, None]
    soft = labelled & soft_rows[:, None]
    total = logits.new_zeros(())
    if hard.any():
        total = total + F.cross_entropy(logits[hard], lab[hard], reduction="sum")
    if soft.any():
        t = temperature
        teacher = torch.log_softmax(targets / t, -1)
        student = torch.log_softmax(logits[soft] / t, -1)
        total = total + (t * t) * F.kl_div(student, teacher, log_target=True, reduction="sum")
    return total, int(labelled.sum())


def layer_pairs(student_layers: int, teacher_layers: int) -> list[tuple[int, int]]:
    """(student, teacher) indices into the models' `hidden_states` (0 = the
    embeddings, i = the output of layer i): the embeddings match, and student
    layer i stands for teacher layer i * T / S, TinyBERT's uniform map (6 of
    12: 1-2, 2-4, ..., 6-12, the end of each block of two it replaces)."""
    if not 0 < student_layers <= teacher_layers:
        raise ValueError(f"a student of {student_layers} layers cannot stand for a teacher of "
                         f"{teacher_layers}")
    return [(0, 0)] + [(i, i * teacher_layers // student_layers)
                       for i in range(1, student_layers + 1)]


class HiddenMatch:
    """The teacher's hidden states as targets for the student's, on every batch."""

    def __init__(self, teacher: Path, student_config, weight: float):
        import torch
        from transformers import AutoModelForTokenClassification

        self.teacher = AutoModelForTokenClassification.from_pretrained(
            teacher, dtype=torch.float32).eval()
        for p in self.teacher.parameters():
            p.requires_grad_(False)
        theirs = self.teacher.config
        if theirs.hidden_size != student_config.hidden_size:
            raise ValueError(f"hidden_weight: the teacher {teacher} is {theirs.hidden_size} wide, "
                             f"the student {student_config.hidden_size}; their hidden states "
                             f"match only at the same width")
        self.pairs = layer_pairs(student_config.num_hidden_layers, theirs.num_hidden_layers)
        self.weight = weight

    def loss(self, student_hidden, ids, mask, types=None):
        """Weighted mean squared error over the real (unpadded) positions,
        averaged over the matched layers. `types`: the gazetteer token types,
        given to a teacher that was trained with them."""
        import torch

        if self.teacher.config.type_vocab_size < FEATURES:
            types = None
        elif types is None:
            raise ValueError("hidden_weight: the teacher reads a gazetteer; train the student "
                             "with one too (the `gazetteer` key)")
        with torch.no_grad():
            target = self.teacher(input_ids=ids, attention_mask=mask, token_type_ids=types,
                                  output_hidden_states=True).hidden_states
        real = mask.bool()
        total = sum(torch.nn.functional.mse_loss(student_hidden[s][real], target[t][real])
                    for s, t in self.pairs)
        return self.weight * total / len(self.pairs)
