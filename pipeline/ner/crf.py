"""A linear-chain CRF over the words' scores (TrainConfig `crf = true`).

Without it every word's tag is learnt on its own (cross-entropy on the
first subword) and a Viterbi pass with the invalid BIO transitions forbidden
(decode.py) joins them at inference. With it, training maximises the
likelihood of the whole tag sequence of a window: the model's scores plus a
learnt start score per tag, a score per pair of neighbouring tags and an end
score per tag (pytorch-crf's `CRF`). The learnt scores are saved as `crf.json`
in the model folder and added to the same Viterbi pass, in every runtime: the
network's outputs (and so the ONNX graph) do not change.

The sequence is the window's words in order: the positions whose label is
not IGNORE, that is each word's first subword (context subwords and later
subwords are IGNORE), so `pooling = "first"` only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from pipeline.ner import data as D

FILE = "crf.json"


@dataclass(frozen=True)
class Transitions:
    """Learnt scores added to a sentence's word scores when decoding."""

    start: np.ndarray  # [labels]: the first word's tag
    pairs: np.ndarray  # [labels, labels]: from row tag to column tag
    end: np.ndarray  # [labels]: the last word's tag


def make(n_labels: int):
    """A CRF layer whose scores start at zero: at first the network's scores
    alone decide, as they do without a CRF."""
    import torch
    from torchcrf import CRF

    with torch.random.fork_rng():  # its random start is zeroed: leave the run's stream as it was
        crf = CRF(n_labels, batch_first=True)
    with torch.no_grad():
        for p in crf.parameters():
            p.zero_()
    return crf


def word_scores(logits, labels):
    """The window's words as CRF sequences: [batch, words, labels] scores of
    the labelled positions, their [batch, words] tags and mask. pytorch-crf
    needs every sequence to start with a word; a window without one (only
    possible for an empty sentence) is read as one O word."""
    import torch

    keep = labels != D.IGNORE
    counts = keep.sum(1)
    width = max(int(counts.max()), 1)
    scores = logits.new_zeros(logits.shape[0], width, logits.shape[-1])
    tags = torch.zeros(logits.shape[0], width, dtype=torch.long, device=logits.device)
    mask = torch.zeros(logits.shape[0], width, dtype=torch.bool, device=logits.device)
    for b in range(logits.shape[0]):
        n = int(counts[b])
        scores[b, :n] = logits[b][keep[b]]
        tags[b, :n] = labels[b][keep[b]]
        mask[b, :n] = True
    mask[:, 0] = True
    return scores, tags, mask


def loss(crf, logits, labels):
    """Negative log-likelihood of the gold tag sequences, per word (the scale
    of the cross-entropy it replaces, so the same learning rates fit)."""
    scores, tags, mask = word_scores(logits, labels)
    return -crf(scores, tags, mask, reduction="token_mean")


def transitions_of(crf) -> Transitions | None:
    """The layer's current scores (None for no layer: decoding without them)."""
    if crf is None:
        return None

    def arr(p):
        return p.detach().float().cpu().numpy().astype(np.float64)

    return Transitions(arr(crf.start_transitions), arr(crf.transitions), arr(crf.end_transitions))


def save(crf, labels: Sequence[str], folder: Path) -> None:
    t = transitions_of(crf)
    # One line per key and per row of the matrix: a file a reader can scan.
    rows = ",\n  ".join(json.dumps(r) for r in t.pairs.round(4).tolist())
    text = (f'{{"labels": {json.dumps(list(labels), ensure_ascii=False)},\n'
            f'"start": {json.dumps(t.start.round(4).tolist())},\n'
            f'"transitions": [\n  {rows}],\n'
            f'"end": {json.dumps(t.end.round(4).tolist())}}}\n')
    (Path(folder) / FILE).write_text(text, encoding="utf-8")


def write(folder: Path, crf, labels: Sequence[str]) -> None:
    """A model folder's crf.json: the layer's scores, or no file for a model
    without one (a folder written over must not keep an earlier model's)."""
    if crf is not None:
        save(crf, labels, folder)
    else:
        (Path(folder) / FILE).unlink(missing_ok=True)


def load(folder: Path, labels: Sequence[str]) -> Transitions | None:
    """The folder's learnt transitions (None: a model trained without a CRF).
    Refuses a file whose labels are not the model's: its rows would be read
    against the wrong tags."""
    path = Path(folder) / FILE
    if not path.exists():
        return None
    record = json.loads(path.read_text(encoding="utf-8"))
    if record.get("labels") != list(labels):
        raise ValueError(f"{path} is for labels {record.get('labels')}; the model predicts "
                         f"{list(labels)}")
    n = len(labels)
    t = Transitions(np.asarray(record["start"], dtype=np.float64),
                    np.asarray(record["transitions"], dtype=np.float64),
                    np.asarray(record["end"], dtype=np.float64))
    if t.start.shape != (n,) or t.pairs.shape != (n, n) or t.end.shape != (n,):
        raise ValueError(f"{path}: start, transitions and end must be {n}, {n}x{n} and {n} "
                         f"numbers")
    return t


def widen(t: Transitions, n_labels: int) -> Transitions:
    """The scores for `n_labels` labels, labels added after the trained ones
    starting at zero (fine-tuning that adds entity types)."""
    n = len(t.start)
    if n_labels == n:
        return t
    pairs = np.zeros((n_labels, n_labels))
    pairs[:n, :n] = t.pairs
    return Transitions(np.pad(t.start, (0, n_labels - n)), pairs,
                       np.pad(t.end, (0, n_labels - n)))


def to_record(crf) -> dict:
    """Full-precision scores for a checkpoint's JSON state (crf.json rounds)."""
    t = transitions_of(crf)
    return {"start": t.start.tolist(), "transitions": t.pairs.tolist(), "end": t.end.tolist()}


def from_record(record: dict) -> Transitions:
    return Transitions(np.asarray(record["start"]), np.asarray(record["transitions"]),
                       np.asarray(record["end"]))


def load_into(crf, transitions: Transitions) -> None:
    """Start a CRF layer from a trained folder's scores (fine-tuning, a student)."""
    import torch

    with torch.no_grad():
        crf.start_transitions.copy_(torch.from_numpy(transitions.start))
        crf.transitions.copy_(torch.from_numpy(transitions.pairs))
        crf.end_transitions.copy_(torch.from_numpy(transitions.end))
