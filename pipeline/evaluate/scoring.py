"""Entity precision, recall and F1: on gold tokens and on character spans.

Two views of the same predictions:

- token level: gold and predicted entities become BIO tags on the GOLD
  tokens (`bio.project`) and are chunked with seqeval's default semantics, so
  the figure is comparable with published ANERcorp scores;
- character level: entities are compared as (start, end, label) spans of the
  original text, exactly, or tolerating a leading clitic (و ف ب ل ك): gold
  CoNLL tokens keep "وسوريا" whole while our model trims it to "سوريا".

Counts add up across documents (`LabelCounts.add`); scores are computed once
at the end. A ratio with a zero denominator is 0, as in seqeval.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence

from pipeline.document import Entity
from pipeline.io.bio import chunks

# A span that differs from gold only by one of these leading prefixes still
# counts in the clitic-tolerant view: a conjunction (و ف), a preposition
# (ب ل ك), or a conjunction followed by a preposition. The ل of لل ("للعراق"
# = ل + ال with its alef dropped) is the single ل, trimmed so "لعراق" keeps
# the ل of the article.
CLITIC_PREFIXES = frozenset({"و", "ف", "ب", "ل", "ك",
                             "وب", "ول", "وك", "فب", "فل", "فك"})


@dataclass
class Counts:
    correct: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, other: Counts) -> None:
        self.correct += other.correct
        self.predicted += other.predicted
        self.gold += other.gold

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1,
                "support": self.gold, "predicted": self.predicted, "correct": self.correct}


@dataclass
class LabelCounts:
    """Counts per label (entity label or quantity kind)."""

    by_label: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))

    def add(self, other: LabelCounts) -> None:
        for label, counts in other.by_label.items():
            self.by_label[label].add(counts)

    def micro(self) -> Counts:
        total = Counts()
        for counts in self.by_label.values():
            total.add(counts)
        return total

    def macro(self) -> dict[str, float]:
        """Unweighted mean over the labels seen in gold or predictions (seqeval's
        choice: a label nobody used has no score to average)."""
        seen = [c for c in self.by_label.values() if c.gold or c.predicted]
        if not seen:
            return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
        n = len(seen)
        return {"precision": sum(c.precision for c in seen) / n,
                "recall": sum(c.recall for c in seen) / n,
                "f1": sum(c.f1 for c in seen) / n}

    def as_dict(self, labels: Sequence[str] = ()) -> dict[str, object]:
        """`labels` come first in the given order (always listed, even when
        empty); any other label seen follows alphabetically."""
        order = list(labels) + sorted(k for k in self.by_label if k not in labels)
        per_label = {k: (self.by_label[k] if k in self.by_label else Counts()).as_dict()
                     for k in order}
        return {"per_label": per_label, "micro": self.micro().as_dict(),
                "macro": self.macro()}


def _count_sets(gold: Iterable[tuple], pred: Iterable[tuple]) -> LabelCounts:
    """Label is element 0 of every item; an item is correct when it is in both."""
    gold_set, pred_set = set(gold), set(pred)
    out = LabelCounts()
    for item in gold_set:
        out.by_label[item[0]].gold += 1
    for item in pred_set:
        out.by_label[item[0]].predicted += 1
        if item in gold_set:
            out.by_label[item[0]].correct += 1
    return out


def token_counts(gold_tags: Sequence[Sequence[str]],
                 pred_tags: Sequence[Sequence[str]]) -> LabelCounts:
    """Entity counts over sentences of BIO tags (seqeval default semantics)."""
    if len(gold_tags) != len(pred_tags):
        raise ValueError(f"{len(gold_tags)} gold sentences but {len(pred_tags)} predicted")
    gold: list[tuple] = []
    pred: list[tuple] = []
    for n, (g, p) in enumerate(zip(gold_tags, pred_tags)):
        if len(g) != len(p):
            raise ValueError(f"sentence {n}: {len(g)} gold tags but {len(p)} predicted")
        gold.extend((label, n, s, e) for label, s, e in chunks(g))
        pred.extend((label, n, s, e) for label, s, e in chunks(p))
    return _count_sets(gold, pred)


def clitic_equivalent(gold: Entity, pred: Entity, text: str) -> bool:
    """Same label, same end, and the longer span's extra start is a clitic prefix."""
    if gold.label != pred.label or gold.end != pred.end or gold.start == pred.start:
        return False
    lo, hi = sorted((gold.start, pred.start))
    return hi < gold.end and text[lo:hi] in CLITIC_PREFIXES


def char_counts(gold: Sequence[Entity], pred: Sequence[Entity], text: str, *,
                clitic_tolerant: bool = False) -> LabelCounts:
    """Span counts for one document. Exact: (start, end, label) equal. Tolerant:
    also a clitic-only difference; each gold entity matches one prediction at most."""
    out = _count_sets([(e.label, e.start, e.end) for e in gold],
                      [(e.label, e.start, e.end) for e in pred])
    if not clitic_tolerant:
        return out
    exact = {(e.start, e.end, e.label) for e in gold} & {(e.start, e.end, e.label) for e in pred}
    # Entities do not overlap, so at most one unmatched prediction shares a
    # gold entity's end: matching by end is one-to-one.
    pred_by_end = {e.end: e for e in pred if (e.start, e.end, e.label) not in exact}
    for g in gold:
        if (g.start, g.end, g.label) in exact:
            continue
        p = pred_by_end.get(g.end)
        if p is not None and clitic_equivalent(g, p, text):
            out.by_label[g.label].correct += 1
            del pred_by_end[g.end]
    return out


def overlapping(gold: Sequence, pred: Sequence) -> Iterator[tuple[int, int, int]]:
    """(gold index, pred index, overlap length) of every overlapping pair of
    spans (anything with .start/.end), without comparing every pair: a whole
    ANERcorp file is one document with thousands of entities."""
    order = sorted(range(len(pred)), key=lambda i: pred[i].start)
    starts = [pred[i].start for i in order]
    longest = max((p.end - p.start for p in pred), default=0)
    for gi, g in enumerate(gold):
        # a prediction starting before g.start - longest cannot reach g
        k = bisect_left(starts, g.start - longest)
        while k < len(order) and starts[k] < g.end:
            p = pred[order[k]]
            size = min(g.end, p.end) - max(g.start, p.start)
            if size > 0:
                yield gi, order[k], size
            k += 1
