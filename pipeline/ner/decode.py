"""Word-level decoding: the most probable tag sequence that is valid BIO.

A plain argmax can emit I-ORG after O or after B-PER; a Viterbi pass over the
per-word log-probabilities with those transitions forbidden gained 0.8 F1
points in the design probe at no training cost.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import numpy as np

from pipeline.ner.crf import Transitions

NEG = -1e9


@lru_cache(maxsize=8)
def _constraints(labels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    n = len(labels)
    start = np.zeros(n)
    trans = np.zeros((n, n))
    for j, lab in enumerate(labels):
        if lab.startswith("I-"):
            start[j] = NEG
            for i, prev in enumerate(labels):
                if prev[2:] != lab[2:] or prev == "O":
                    trans[i, j] = NEG
    return start, trans


def viterbi(log_probs: np.ndarray, labels: Sequence[str],
            transitions: Transitions | None = None) -> list[int]:
    """Best valid label ids for a [words, labels] matrix of log-probabilities,
    plus the learnt scores of a model trained with a CRF (crf.py). Its scores
    were learnt on raw network scores; a word's log-softmax differs from them
    by one constant per word, which moves every path alike, so the best path
    is the same."""
    if len(log_probs) == 0:
        return []
    start, trans = _constraints(tuple(labels))
    end = 0.0
    if transitions is not None:
        start, trans, end = start + transitions.start, trans + transitions.pairs, transitions.end
    score = log_probs[0] + start
    back = []
    for row in log_probs[1:]:
        cand = score[:, None] + trans
        back.append(cand.argmax(0))
        score = cand.max(0) + row
    best = [int((score + end).argmax())]
    for bp in reversed(back):
        best.append(int(bp[best[-1]]))
    return best[::-1]


def log_softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(-1, keepdims=True)
    return x - np.log(np.exp(x).sum(-1, keepdims=True))


def spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(first word, end word exclusive, type) of each entity in a valid BIO list."""
    out = []
    i = 0
    while i < len(tags):
        if tags[i].startswith("B-") or tags[i].startswith("I-"):
            typ = tags[i][2:]
            j = i + 1
            while j < len(tags) and tags[j] == "I-" + typ:
                j += 1
            out.append((i, j, typ))
            i = j
        else:
            i += 1
    return out


def pool_word(log_probs: np.ndarray, first: int, count: int, pooling: str) -> np.ndarray:
    """The label log-distribution of a word whose `count` subwords start at
    row `first` of a window's [positions, labels] log-probabilities: the first
    subword's row ("first"), or the renormalised mean of the rows' log-probabilities
    ("mean", a geometric mean of the subwords' distributions)."""
    if pooling == "first" or count <= 1:
        return log_probs[first]
    mean = log_probs[first:first + count].mean(axis=0)
    return mean - np.logaddexp.reduce(mean)
